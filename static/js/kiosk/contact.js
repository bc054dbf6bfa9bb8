// The follow-up contact opt-in (SPEC 13): after the survey, when the unit switched it on, the
// citizen may leave a phone number for the Fatherland Front's follow-up survey. The number is
// checked here as the server checks it (webapp/contacts/phone.py), so a typo is caught while
// the citizen is still at the kiosk. No DOM outside the screen it is given: the pure function
// also loads in Node (tests/js/contact.test.mjs).

const SEPARATORS = /[\s.\-()]/g;
const MOBILE = /^0[35789][0-9]{8}$/;
const LANDLINE = /^02[0-9]{9}$/;
const MAX_INPUT_LENGTH = 40;

// The national form (0…) of a Vietnamese mobile (10 digits) or landline (02…, 11 digits)
// number typed with +84/84/0084 or 0 in front, spaces, dots, dashes; null if it is not one.
export function normalisePhone(raw) {
  if (typeof raw !== 'string' || !raw.trim() || raw.length > MAX_INPUT_LENGTH) return null;
  let digits = raw.replace(SEPARATORS, '');
  if (digits.startsWith('+84')) digits = '0' + digits.slice(3).replace(/^0/, '');
  else if (digits.startsWith('0084')) digits = '0' + digits.slice(4).replace(/^0/, '');
  else if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12)) digits = '0' + digits.slice(2);
  if (!/^[0-9]+$/.test(digits)) return null;
  return MOBILE.test(digits) || LANDLINE.test(digits) ? digits : null;
}

export class ContactScreen {
  // `onAgree(contact)` with {phone, consent: true, consent_version}; `onSkip()`.
  constructor(root, { i18n, onAgree, onSkip }) {
    this.root = root;
    this.i18n = i18n;
    this.form = root.querySelector('[data-form=contact]');
    this.input = this.form.elements.phone;
    this.error = root.querySelector('[data-contact-error]');
    this.settings = null;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const phone = normalisePhone(this.input.value);
      if (!phone) {
        this.showError();
        return;
      }
      const contact = { phone, consent: true, consent_version: this.settings.consent_version };
      this.clear();
      onAgree(contact);
    });
    root.querySelector('[data-action=contact-skip]').addEventListener('click', () => {
      this.clear();
      onSkip();
    });
    this.input.addEventListener('input', () => {
      if (this.error.textContent && normalisePhone(this.input.value)) this.hideError();
    });
  }

  // Whether the unit offers the screen (config.contact, off by default).
  static offered(config) {
    return Boolean(config?.contact?.optin && config.contact.consent_version && config.contact.consent_text);
  }

  open(settings) {
    this.settings = settings;
    this.clear();
    this.render();
  }

  // Called on a language switch too: the consent text and an error shown follow the language.
  render() {
    if (!this.settings) return;
    this.root.querySelector('[data-consent-text]').textContent = this.i18n.pick(this.settings.consent_text);
    this.root.querySelector('[data-consent-version]').textContent = this.i18n.t('contact_version', {
      version: this.settings.consent_version,
    });
    if (this.error.textContent) this.showError();
  }

  showError() {
    this.error.textContent = this.i18n.t('contact_invalid');
    this.input.setAttribute('aria-invalid', 'true');
  }

  hideError() {
    this.error.textContent = '';
    this.input.removeAttribute('aria-invalid');
  }

  // The typed number never outlives the screen: agreeing, skipping, the idle reset.
  clear() {
    this.input.value = '';
    this.hideError();
  }
}
