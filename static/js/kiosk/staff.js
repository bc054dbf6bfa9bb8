// Staff panel: opened by a hidden gesture (five quick taps on the unit name) and the unit PIN.
// Shows what staff need to trust the tablet: queued count, dead letters with the server's
// errors, last successful sync, last error, storage persistence, app and survey versions.

const GESTURE_TAPS = 5;
const GESTURE_WINDOW_MS = 3000;
const ARM_MS = 6000;

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

export function watchGesture(target, onGesture) {
  let taps = [];
  target.addEventListener('click', () => {
    const now = Date.now();
    taps = taps.filter((t) => now - t < GESTURE_WINDOW_MS).concat(now);
    if (taps.length >= GESTURE_TAPS) {
      taps = [];
      onGesture();
    }
  });
}

function fmtTime(iso, i18n) {
  if (!iso) return i18n.t('staff_never');
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString(i18n.lang === 'vi' ? 'vi-VN' : 'en-GB');
}

export class StaffPanel {
  // info(): {version, kiosk, config, persisted}; actions: syncNow(), reenroll(), close()
  constructor(root, { i18n, outbox, info, syncNow, reenroll, close }) {
    Object.assign(this, { root, i18n, outbox, info, syncNow, reenroll, close });
    this.form = root.querySelector('[data-form=pin]');
    this.details = root.querySelector('[data-staff-details]');
    this.status = root.querySelector('[data-staff-status]');
    this.armedUntil = 0;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.unlock(this.form.elements.pin.value);
    });
    root.addEventListener('click', (event) => this.clicked(event));
  }

  open() {
    this.form.hidden = false;
    this.details.hidden = true;
    this.form.elements.pin.value = '';
    this.root.querySelector('[data-pin-error]').textContent = '';
    this.status.textContent = '';
    this.armedUntil = 0;
  }

  async unlock(pin) {
    const check = this.info().config?.settings?.staff_pin;
    const ok = await verifyPin(pin, check);
    const error = this.root.querySelector('[data-pin-error]');
    if (ok === false) {
      error.textContent = this.i18n.t('staff_wrong_pin');
      return;
    }
    error.textContent = '';
    this.form.hidden = true;
    this.details.hidden = false;
    this.status.textContent = ok === null ? this.i18n.t('staff_no_pin') : '';
    await this.refresh();
  }

  async clicked(event) {
    const action = event.target.closest('[data-staff]')?.dataset.staff;
    if (action === 'close') this.close();
    if (action === 'sync') {
      this.status.textContent = this.i18n.t('staff_syncing');
      await this.syncNow();
      this.status.textContent = '';
      await this.refresh();
    }
    if (action === 'reenroll') {
      // Two taps instead of window.confirm(): dialogs are unreliable in kiosk browsers.
      if (Date.now() > this.armedUntil) {
        this.armedUntil = Date.now() + ARM_MS;
        this.status.textContent = this.i18n.t('staff_reenroll_confirm');
        return;
      }
      this.reenroll();
    }
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
    const facts = [
      ['staff_kiosk', kiosk],
      ['staff_queued', String(queued)],
      ['staff_dead', String(dead.length)],
      ['staff_last_sync', fmtTime(lastSync, this.i18n)],
      ['staff_last_error', lastError ? `${lastError} (${fmtTime(lastErrorAt, this.i18n)})` : t('staff_none')],
      ['staff_persisted', info.persisted ? t('yes_short') : t('no_short')],
      ['staff_app_version', info.version],
      ['staff_survey_version', surveys || t('staff_none')],
    ];
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
    const deadList = this.root.querySelector('[data-dead-list]');
    deadList.replaceChildren(
      ...(dead.length ? dead : [null]).map((item) => {
        const li = document.createElement('li');
        li.textContent = item
          ? `${item.id} · ${fmtTime(item.rejected_at, this.i18n)} · ${Object.entries(item.errors || {}).map(([f, m]) => `${f}: ${m}`).join('; ')}`
          : t('staff_dead_none');
        if (item) li.dataset.deadId = item.id;
        return li;
      }),
    );
  }
}
