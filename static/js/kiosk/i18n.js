// The kiosk's translation domain. Defaults come with the app shell (boot data, so even the
// enrollment screen is translated offline); the config's `strings` override them, so a
// server update reaches tablets without a new app version. Survey wording is bilingual in
// the survey definition itself and read with `pick()`. No DOM except under the root that
// `apply()` is given, so the module also loads in Node (tests/js/).

export const LANGUAGES = ['vi', 'en'];
export const DEFAULT_LANGUAGE = 'vi';

export class Translator {
  constructor(defaults) {
    this.tables = { vi: {}, en: {}, ...defaults };
    this.lang = DEFAULT_LANGUAGE;
  }

  merge(strings) {
    for (const lang of LANGUAGES) {
      if (strings && strings[lang]) this.tables[lang] = { ...this.tables[lang], ...strings[lang] };
    }
  }

  t(key, params = {}) {
    const text = this.tables[this.lang]?.[key] ?? this.tables[DEFAULT_LANGUAGE]?.[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
  }

  // A bilingual value from the survey or config: {"vi": …, "en": …} or an option {code, vi, en}.
  pick(value) {
    if (value == null) return '';
    if (typeof value === 'string') return value;
    return value[this.lang] ?? value[DEFAULT_LANGUAGE] ?? '';
  }

  // Re-render every marked element under `root` in the current language.
  apply(root) {
    root.documentElement?.setAttribute('lang', this.lang);
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = this.t(el.dataset.i18n);
    for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', this.t(el.dataset.i18nLabel));
    for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = this.t(el.dataset.i18nPlaceholder);
  }
}
