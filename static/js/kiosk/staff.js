// Staff panel: opened by a hidden gesture (five quick taps on the unit name, counted in
// main.js) and the unit PIN.
// Shows what staff need to trust the tablet: queued count, dead letters with the server's
// errors, last successful sync, last error, storage persistence, app and survey versions.
//
// Without a unit PIN the panel opens read-only: the status and "sync now" (harmless), but
// "re-enroll" stays disabled until a PIN is set in the admin pages.
//
// After MAX_PIN_FAILURES wrong PINs the form is locked for LOCK_MS (kept in IndexedDB, so a
// reload does not reset it). This is a deterrent against a citizen guessing at the counter,
// not a protection of a secret: the PIN check data is on the tablet (see verifyPin), and
// anyone with the device's developer tools can read the queue anyway.

const ARM_MS = 6000;
export const MAX_PIN_FAILURES = 5;
export const LOCK_MS = 60 * 1000;

function hexOf(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

// The PIN check data comes with the config (`settings.staff_pin`); the PIN itself never does:
// {"algorithm": "PBKDF2", "hash": "SHA-256", "iterations": N, "salt": text, "key": hex} where
// key = PBKDF2(pin, UTF-8 salt, N) (werkzeug's pbkdf2:sha256 hash, so the server can check the
// same PIN). Returns true/false, or null when the unit has no PIN.
export async function verifyPin(pin, check) {
  if (!check || !check.key) return null;
  if (String(check.algorithm).toUpperCase() !== 'PBKDF2' || !crypto.subtle) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: check.hash || 'SHA-256', salt: encoder.encode(check.salt || ''), iterations: Number(check.iterations) },
    key,
    (check.key.length / 2) * 8,
  );
  return hexOf(bits) === String(check.key).toLowerCase();
}

// What one "sync now" did ({outcome} of Syncer.flush, counts of sent, rejected and still
// queued responses), as the panel says it: string keys with their values, a result for the
// element's `data-sync-result` (sent / nothing / failed) and whether it went well.
export function syncReport({ outcome, sent = 0, rejected = 0, left = 0 }) {
  const ok = outcome === 'empty';
  const lines = [];
  if (sent) lines.push(['staff_sync_sent', { n: sent }]);
  if (rejected) lines.push(['staff_sync_rejected', { n: rejected }]);
  if (outcome === 'offline') lines.push(['staff_sync_offline', { n: left }]);
  else if (outcome === 'busy') lines.push(['staff_sync_busy', {}]);
  else if (!ok) lines.push(['staff_sync_failed', { n: left }]);
  else if (!sent && !rejected) lines.push(['staff_sync_nothing', {}]);
  return { lines, ok, result: ok ? (sent || rejected ? 'sent' : 'nothing') : 'failed' };
}

// ---------------------------------------------------------------- the official at the counter
//
// Who serves at this counter (SPEC 11) is kept on the tablet (IndexedDB meta `official`) as
// {code, day, by}: `day` is the local date it was set on, so the choice lapses at the end of
// that day, and it also lapses when the official is no longer in the config (moved away or
// deactivated). `by` is "staff" (the panel) or "self" (the official's own sign-in).

export function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// Milliseconds from `date` to the next local midnight.
export function msUntilTomorrow(date = new Date()) {
  const next = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1);
  return Math.max(0, next.getTime() - date.getTime());
}

// The config's official that `stored` names, if it was set today; else null.
export function servingOfficial(stored, officials, now = new Date()) {
  if (!stored || !stored.code || stored.day !== localDay(now)) return null;
  return (officials || []).find((official) => official.code === stored.code) || null;
}

// "Nguyễn Thị Lan — Công chức Tư pháp – Hộ tịch", or the name alone without a title.
export function officialLabel(official) {
  return official.title ? `${official.name} — ${official.title}` : official.name;
}

export function canSignIn(official) {
  return Boolean(official?.pin?.key);
}

function fillOfficials(select, officials, i18n, { none = false, selected = '' } = {}) {
  const options = (none ? [{ code: '', label: i18n.t('staff_official_none') }] : []).concat(
    officials.map((official) => ({ code: official.code, label: officialLabel(official) })),
  );
  select.replaceChildren(
    ...options.map(({ code, label }) => {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = label;
      return option;
    }),
  );
  select.value = options.some((o) => o.code === selected) ? selected : options[0]?.code ?? '';
}

// The official's own short sign-in on the start screen: pick one's name, type one's 4-6 digit
// PIN, checked on the tablet like the staff PIN (verifyPin). Only officials with a PIN are
// listed. Wrong PINs lock the form as the staff panel's (MAX_PIN_FAILURES, LOCK_MS).
export class OfficialSignIn {
  // officials(): the config's officials; signIn(code), close()
  constructor(root, { i18n, outbox, officials, signIn, close }) {
    Object.assign(this, { root, i18n, outbox, officials, signIn, close });
    this.form = root.querySelector('[data-form=official-signin]');
    this.error = root.querySelector('[data-official-error]');
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.check();
    });
    root.querySelector('[data-action=official-cancel]').addEventListener('click', () => this.close());
  }

  eligible() {
    return (this.officials() || []).filter(canSignIn);
  }

  async open() {
    const eligible = this.eligible();
    fillOfficials(this.form.elements.official, eligible, this.i18n);
    this.form.elements.official_pin.value = '';
    this.error.textContent = eligible.length ? '' : this.i18n.t('official_signin_none');
    await this.showLock();
  }

  async lockedFor() {
    return Math.max(0, Number(await this.outbox.getMeta('official_pin_locked_until', 0)) - Date.now());
  }

  async showLock() {
    const left = await this.lockedFor();
    for (const element of [this.form.elements.official_pin, this.form.querySelector('button[type=submit]')]) {
      element.disabled = left > 0 || !this.eligible().length;
    }
    if (left > 0) this.error.textContent = this.i18n.t('staff_locked', { n: Math.ceil(left / 1000) });
  }

  async check() {
    const official = this.eligible().find((o) => o.code === this.form.elements.official.value);
    if (!official || (await this.lockedFor()) > 0) return this.showLock();
    if (await verifyPin(this.form.elements.official_pin.value, official.pin)) {
      await this.outbox.setMetas({ official_pin_failures: undefined, official_pin_locked_until: undefined });
      this.error.textContent = '';
      return this.signIn(official.code);
    }
    const failures = Number(await this.outbox.getMeta('official_pin_failures', 0)) + 1;
    const lock = failures >= MAX_PIN_FAILURES;
    await this.outbox.setMetas({
      official_pin_failures: lock ? 0 : failures,
      official_pin_locked_until: lock ? Date.now() + LOCK_MS : undefined,
    });
    this.form.elements.official_pin.value = '';
    this.error.textContent = this.i18n.t('official_signin_wrong');
    if (lock) await this.showLock();
    return undefined;
  }
}

function fmtTime(iso, i18n) {
  if (!iso) return i18n.t('staff_never');
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString(i18n.lang === 'vi' ? 'vi-VN' : 'en-GB');
}

// The reasons sync.js and main.js record without a server message, in the staff's language;
// a server's own reply ("HTTP 500: …") is shown as it came.
const ERROR_KEYS = { network: 'staff_error_network', timeout: 'staff_error_timeout', 'config: network': 'staff_error_config' };

function errorText(reason, t) {
  return ERROR_KEYS[reason] ? t(ERROR_KEYS[reason]) : reason;
}

export class StaffPanel {
  // info(): {version, kiosk, config, persisted, official (the code serving now, or null)};
  // actions: syncNow(), reenroll(), handOver() (dead letters to the server), setOfficial(code
  // or null), close()
  constructor(root, { i18n, outbox, info, syncNow, reenroll, handOver, setOfficial, close }) {
    Object.assign(this, { root, i18n, outbox, info, syncNow, reenroll, handOver, setOfficial, close });
    this.officialSelect = root.querySelector('[data-staff-official]');
    this.officialHelp = root.querySelector('[data-staff-official-help]');
    this.officialSelect.addEventListener('change', () => {
      if (this.canReenroll) this.setOfficial(this.officialSelect.value || null);
    });
    this.form = root.querySelector('[data-form=pin]');
    this.details = root.querySelector('[data-staff-details]');
    this.status = root.querySelector('[data-staff-status]');
    this.pinError = root.querySelector('[data-pin-error]');
    this.reenrollButton = root.querySelector('[data-staff=reenroll]');
    this.handOverButton = root.querySelector('[data-staff=hand-over]');
    this.syncButton = root.querySelector('[data-staff=sync]');
    this.syncStatus = root.querySelector('[data-sync-status]');
    this.persistHint = root.querySelector('[data-persist-hint]');
    this.armedUntil = 0;
    this.canReenroll = false;
    this.lockTimer = null;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.unlock(this.form.elements.pin.value);
    });
    root.addEventListener('click', (event) => this.clicked(event));
  }

  pinCheck() {
    const check = this.info().config?.settings?.staff_pin;
    return check && check.key ? check : null;
  }

  async open() {
    this.form.elements.pin.value = '';
    this.pinError.textContent = '';
    this.status.textContent = '';
    this.showSync(null);
    this.armedUntil = 0;
    if (!this.pinCheck()) {
      await this.show(false); // no PIN for this unit: status only
      return;
    }
    this.form.hidden = false;
    this.details.hidden = true;
    await this.showLock();
  }

  async show(withPin) {
    this.canReenroll = withPin;
    this.reenrollButton.disabled = !withPin;
    this.form.hidden = true;
    this.details.hidden = false;
    this.status.textContent = withPin ? '' : this.i18n.t('staff_pin_required');
    this.showOfficials();
    await this.refresh();
  }

  // Choosing who serves at the counter needs the unit PIN, like re-enrolling.
  showOfficials() {
    const info = this.info();
    const officials = info.config?.officials || [];
    this.officialSelect.closest('.serving').hidden = !officials.length;
    fillOfficials(this.officialSelect, officials, this.i18n, {
      none: true,
      selected: info.official || '',
    });
    this.officialSelect.disabled = !this.canReenroll;
    this.officialHelp.textContent = this.i18n.t(this.canReenroll ? 'staff_official_help' : 'staff_official_pin_needed');
  }

  async lockedFor() {
    return Math.max(0, Number(await this.outbox.getMeta('pin_locked_until', 0)) - Date.now());
  }

  // Disable the PIN form while locked, with a countdown; re-enable when the lock runs out.
  async showLock() {
    clearTimeout(this.lockTimer);
    const left = await this.lockedFor();
    this.form.elements.pin.disabled = left > 0;
    this.form.querySelector('button').disabled = left > 0;
    if (left > 0) {
      this.pinError.textContent = this.i18n.t('staff_locked', { n: Math.ceil(left / 1000) });
      this.lockTimer = setTimeout(() => this.showLock(), Math.min(left, 1000));
    } else if (this.form.elements.pin.dataset.locked) {
      this.pinError.textContent = '';
    }
    this.form.elements.pin.dataset.locked = left > 0 ? 'true' : '';
  }

  async unlock(pin) {
    const check = this.pinCheck();
    if (!check) return this.show(false);
    if ((await this.lockedFor()) > 0) return this.showLock();
    if (!(await verifyPin(pin, check))) {
      const failures = Number(await this.outbox.getMeta('pin_failures', 0)) + 1;
      const lock = failures >= MAX_PIN_FAILURES;
      await this.outbox.setMetas({
        pin_failures: lock ? 0 : failures,
        pin_locked_until: lock ? Date.now() + LOCK_MS : undefined,
      });
      this.form.elements.pin.value = '';
      this.pinError.textContent = this.i18n.t('staff_wrong_pin');
      if (lock) await this.showLock();
      return undefined;
    }
    await this.outbox.setMetas({ pin_failures: undefined, pin_locked_until: undefined });
    this.pinError.textContent = '';
    return this.show(true);
  }

  async clicked(event) {
    const action = event.target.closest('[data-staff]')?.dataset.staff;
    if (action === 'close') {
      clearTimeout(this.lockTimer);
      this.close();
    }
    if (action === 'sync' && !this.syncButton.disabled) {
      this.syncButton.disabled = true; // one at a time: the answer belongs to this tap
      this.showSync('sending', [['staff_syncing', {}]]);
      try {
        const report = syncReport(await this.syncNow());
        this.showSync(report.result, report.lines);
      } catch {
        this.showSync('failed', [['staff_sync_failed', { n: await this.outbox.readyCount() }]]);
      } finally {
        this.syncButton.disabled = false;
      }
      await this.refresh();
    }
    if (action === 'hand-over' && this.canReenroll && !this.handOverButton.disabled) {
      // Needs the PIN like re-enrolling: what leaves the tablet is for the admins to judge.
      this.handOverButton.disabled = true;
      try {
        const n = await this.handOver();
        this.status.textContent = this.i18n.t('staff_handed_over', { n });
      } catch {
        this.status.textContent = this.i18n.t('staff_hand_over_failed');
      }
      await this.refresh();
    }
    if (action === 'reenroll' && this.canReenroll && !this.details.hidden) {
      // Two taps instead of window.confirm(): dialogs are unreliable in kiosk browsers.
      if (Date.now() > this.armedUntil) {
        this.armedUntil = Date.now() + ARM_MS;
        this.status.textContent = this.i18n.t('staff_reenroll_confirm');
        return;
      }
      this.reenroll();
    }
  }

  // `result`: sending / sent / nothing / failed, or null to clear.
  showSync(result, lines = []) {
    this.syncStatus.textContent = lines.map(([key, params]) => this.i18n.t(key, params)).join(' ');
    if (result) this.syncStatus.dataset.syncResult = result;
    else delete this.syncStatus.dataset.syncResult;
  }

  async refresh() {
    if (this.details.hidden) return;
    const t = (key) => this.i18n.t(key);
    const info = this.info();
    const [queued, dead, lastSync, lastError, lastErrorAt] = await Promise.all([
      this.outbox.count(),
      this.outbox.deadLetters(),
      this.outbox.getMeta('last_sync_at'),
      this.outbox.getMeta('last_error'),
      this.outbox.getMeta('last_error_at'),
    ]);
    const surveys = (info.config?.surveys || []).map((s) => `${s.key} v${s.version}`).join(', ');
    const kiosk = info.kiosk ? `${info.kiosk.name || ''} (#${info.kiosk.id ?? '?'})` : '';
    // Shown only when there is something to hand over; usable with the PIN.
    this.handOverButton.hidden = !dead.length;
    this.handOverButton.disabled = !this.canReenroll || !dead.length;
    const facts = [
      ['staff_kiosk', kiosk],
      ['staff_queued', String(queued)],
      ['staff_dead', String(dead.length)],
      ['staff_last_sync', fmtTime(lastSync, this.i18n)],
      ['staff_last_error', lastError ? `${errorText(lastError, t)} (${fmtTime(lastErrorAt, this.i18n)})` : t('staff_none')],
      ['staff_persisted', info.persisted ? t('yes_short') : t('no_short')],
      ['staff_app_version', info.version],
      ['staff_survey_version', surveys || t('staff_none')],
    ];
    // Not persistent: say what staff can do about it, next to the fact.
    this.persistHint.hidden = Boolean(info.persisted);
    this.persistHint.textContent = info.persisted ? '' : t('staff_persist_hint');
    const list = this.root.querySelector('[data-staff-facts]');
    list.replaceChildren(
      ...facts.flatMap(([key, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = t(key);
        const dd = document.createElement('dd');
        dd.textContent = value;
        dd.dataset.fact = key;
        return [dt, dd];
      }),
    );
    const current = info.kiosk?.unit?.slug || info.config?.unit?.slug || '?';
    const why = (item) =>
      item.reason === 'other_unit'
        ? this.i18n.t('staff_dead_other_unit', { unit: item.unit_slug || '?', current })
        : Object.entries(item.errors || {}).map(([f, m]) => `${f}: ${m}`).join('; ');
    const deadList = this.root.querySelector('[data-dead-list]');
    deadList.replaceChildren(
      ...(dead.length ? dead : [null]).map((item) => {
        const li = document.createElement('li');
        li.textContent = item ? `${item.id} · ${fmtTime(item.rejected_at, this.i18n)} · ${why(item)}` : t('staff_dead_none');
        if (item) li.dataset.deadId = item.id;
        return li;
      }),
    );
  }
}
