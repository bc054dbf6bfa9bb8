// The kiosk: screens, timers and wiring. State lives in IndexedDB (outbox + meta); this
// module only decides what is on screen and when to write or sync.
//
// First paint needs only this module, the outbox stores, the retry policy, the translator and
// the API calls (webapp/kiosk/shell.py lists them). The rest (sync loop, follow-up questions,
// staff panel, id generator) is imported right after the first screen is shown.
import { backoffDelay } from '../outbox/backoff.js';
import { openKioskDb } from '../outbox/db.js';
import { Outbox, payloadOf } from '../outbox/queue.js';
import { ApiError, enroll, fetchConfig, handOverDeadLetters } from './api.js';
import { DEFAULT_LANGUAGE, Translator } from './i18n.js';

// ---------------------------------------------------------------- state

const CONFIG_REFRESH_MS = 5 * 60 * 1000;
const CONFIG_RETRY_BASE_MS = 5000;
const SAFETY_FLUSH_MS = 60 * 1000;
const GESTURE_TAPS = 5; // quick taps on the unit name that open the staff panel
const GESTURE_WINDOW_MS = 3000;
const DEFAULT_SETTINGS = { reset_seconds: 8, idle_seconds: 45, cooldown_seconds: 5 };

const boot = JSON.parse(document.getElementById('kiosk-boot').textContent);
const $ = (selector) => document.querySelector(selector);
const i18n = new Translator(boot.strings);

const state = {
  screen: 'loading',
  token: null,
  kiosk: null,
  config: null,
  etag: null,
  persisted: false,
  draft: null, // the survey being answered: {record, definition}
  submitting: false,
  cooldownUntil: 0,
  reloadWhenIdle: false,
  configFailures: 0, // consecutive failed config refreshes (drives the retry backoff)
  unenrolled: null, // {status, at} once the server refused the token (revoked or unknown)
  enrollMessage: null, // {key, params}: what the enrollment form says, in the current language
  official: null, // who serves at this counter, as kept in meta `official`: {code, day, by}
};
const timers = {};
let outbox;
// Loaded after the first screen (see extras()):
let syncer;
let followUp;
let staff;
let counter; // the staff module's official helpers (servingOfficial, officialLabel, …)
let signIn;
let uuidv7;
let contactScreen; // the follow-up contact opt-in (contact.js)
let ContactScreenClass;
let extrasLoading = null;

function later(name, seconds, action) {
  clearTimeout(timers[name]);
  timers[name] = setTimeout(action, seconds * 1000);
}

function cancel(name) {
  clearTimeout(timers[name]);
}

function settings() {
  return { ...DEFAULT_SETTINGS, ...(state.config?.settings || {}) };
}

function show(name) {
  // One language switch, on the start and the enrollment screen alike (see app.html).
  if (name === 'start' || name === 'enroll') $(`[data-screen=${name}]`).prepend($('[data-langs]'));
  for (const screen of document.querySelectorAll('[data-screen]')) screen.hidden = screen.dataset.screen !== name;
  state.screen = name;
  window.scrollTo(0, 0);
  performance.mark(`hl-screen-${name}`); // read by bench/kiosk_weight.py
}

async function updateCount() {
  $('[data-outbox-count]').textContent = String(await outbox.count());
  staff?.refresh();
  if (state.screen === 'enroll') renderEnroll();
}

async function kioskHeaders() {
  return {
    'X-Kiosk-App-Version': boot.version,
    'X-Kiosk-Queued': String(await outbox.count()),
    'X-Kiosk-Storage-Persisted': state.persisted ? 'true' : 'false',
  };
}

// ---------------------------------------------------------------- config and language

function survey() {
  return state.config?.surveys?.[0] || null;
}

// The unit the tablet is enrolled for: every response is stamped with it when it is collected.
function currentUnit() {
  return state.kiosk?.unit?.slug || state.config?.unit?.slug || null;
}

function setLanguage(lang) {
  i18n.lang = lang;
  i18n.apply(document);
  renderStart();
  renderEnroll();
  contactScreen?.render();
}

function renderStart() {
  const unit = state.config?.unit;
  $('[data-unit-name]').textContent = unit && state.token ? i18n.pick(unit.name) : i18n.t('app_name');
  const current = survey();
  const first = current?.definition?.questions?.[0];
  $('[data-screen=start]').dataset.survey = current ? `${current.key} v${current.version}` : '';
  $('[data-prompt]').textContent = first ? i18n.pick(first.text) : i18n.t('start_prompt');
  for (const label of document.querySelectorAll('[data-scale]')) {
    const value = Number(label.dataset.scale);
    const entry = (current?.definition?.scale || []).find((s) => s.value === value);
    label.textContent = entry ? i18n.pick(entry) : i18n.t(`rating_${value}`);
  }
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === i18n.lang));
  }
  renderCooldown();
  renderOfficial();
}

// ---------------------------------------------------------------- the official at the counter

// The official serving now (SPEC 11), from the config, or null. A choice made on another day,
// or naming an official the config no longer lists, is cleared here. Until the staff module
// is loaded (just after the first screen) nobody is shown.
function serving() {
  if (!state.official || !counter || !state.config) return null;
  const official = counter.servingOfficial(state.official, state.config.officials);
  if (!official) {
    state.official = null;
    outbox.setMetas({ official: undefined });
  }
  return official;
}

async function setOfficial(code, by = 'staff') {
  state.official = code ? { code, day: counter.localDay(), by } : null;
  await outbox.setMetas({ official: state.official || undefined });
  renderOfficial();
}

function renderOfficial() {
  const official = serving();
  const line = $('[data-official]');
  line.hidden = !official;
  line.textContent = official ? i18n.t('official_serving', { name: counter.officialLabel(official) }) : '';
  $('[data-action=official-signin]').hidden = !counter || !(state.config?.officials || []).some(counter.canSignIn);
  // At midnight the choice lapses: take the name off the screen then, not at the next citizen.
  if (official) later('official', counter.msUntilTomorrow() / 1000 + 1, renderOfficial);
  else cancel('official');
}

async function openSignIn() {
  await extras();
  if (state.screen !== 'start' || state.draft) return;
  cancel('reset');
  await signIn.open();
  show('official');
  touched();
}

function applyConfig(config) {
  state.config = config;
  i18n.merge(config.strings);
  if (state.screen === 'start' || state.screen === 'loading') {
    i18n.apply(document);
    renderStart();
    if (state.screen === 'loading' && state.token) show('start'); // it was waiting for this
  }
}

// The service worker answers the config URL from this cache when there is no network (it
// also stores every config it passes on, but on a first visit it is not yet running).
// Cache name and URL come with the boot data, from where the worker gets them too.
function copyConfigForWorker(config) {
  const copy = new Response(JSON.stringify(config), { headers: { 'Content-Type': 'application/json' } });
  globalThis.caches
    ?.open(boot.config_cache)
    .then((cache) => cache.put(boot.config_url, copy))
    .catch(() => {}); // no Cache API (plain HTTP): IndexedDB still has the config
}

function validConfig(config) {
  return Boolean(config && Array.isArray(config.surveys) && config.unit);
}

// Fetch the config if it changed (ETag). On success the next check is in CONFIG_REFRESH_MS;
// on failure (or when only the service worker's offline copy answered) it is retried with
// backoff, and also right after the next successful sync, so a kiosk coming back online
// picks up a newly published survey version within seconds.
async function refreshConfig() {
  if (!state.token) return;
  cancel('config');
  let fresh = false;
  try {
    const reply = await fetchConfig({
      url: boot.config_url,
      token: state.token,
      etag: state.etag,
      headers: await kioskHeaders(),
    });
    if (reply.status === 304) {
      fresh = true;
    } else if (!validConfig(reply.config)) {
      throw new Error('invalid config');
    } else if (reply.offlineCopy) {
      // The service worker's copy (no network): only useful if we have nothing better.
      if (!state.config && reply.config.kiosk?.id === state.kiosk?.id) applyConfig(reply.config);
    } else {
      fresh = true;
      state.etag = reply.etag;
      await outbox.setMetas({ config: reply.config, config_etag: reply.etag || undefined });
      applyConfig(reply.config);
      copyConfigForWorker(reply.config);
    }
  } catch (error) {
    if (refusedToken(error.status, error.code)) {
      await unenrolled(error.status);
      return;
    }
    // Keep using the last good config; staff see why in the panel.
    const reason = error instanceof ApiError ? `config: HTTP ${error.status} ${error.message}` : 'config: network';
    await outbox.setMetas({ last_error: reason, last_error_at: new Date().toISOString() });
  }
  state.configFailures = fresh ? 0 : state.configFailures + 1;
  // Failures: 5 s, 10 s, 20 s … capped at 5 min, with the sync loop's jitter.
  const delay = fresh
    ? CONFIG_REFRESH_MS
    : backoffDelay(state.configFailures - 1, { baseMs: CONFIG_RETRY_BASE_MS });
  later('config', delay / 1000, refreshConfig);
}

// ---------------------------------------------------------------- the survey

function renderCooldown() {
  const waiting = Date.now() < state.cooldownUntil;
  for (const button of document.querySelectorAll('[data-rating]')) button.disabled = waiting || !survey();
  $('[data-cooldown]').textContent = waiting ? i18n.t('cooldown') : '';
  if (waiting) later('cooldown', (state.cooldownUntil - Date.now()) / 1000 + 0.05, renderCooldown);
}

function defaultAnswers(definition) {
  const domain = settings().default_domain;
  if (!domain) return {};
  const question = definition.questions.find(
    (q) => q.id === 'domain' && q.kind === 'choice' && (q.options || []).some((o) => o.code === domain),
  );
  return question ? { [question.id]: domain } : {};
}

async function rate(value) {
  const current = survey();
  if (!current || state.draft || state.starting || Date.now() < state.cooldownUntil) return;
  state.starting = true; // a double tap must not start two surveys
  try {
    await extras(); // already loaded unless the citizen was faster than the network
    await startSurvey(current, value);
  } finally {
    state.starting = false;
  }
}

async function startSurvey(current, value) {
  const definition = current.definition;
  const overall = definition.questions[0].id;
  const record = {
    id: uuidv7(),
    unit_slug: currentUnit(),
    survey: current.key,
    version: current.version,
    locale: i18n.lang,
    started_at: new Date().toISOString(),
    submitted_at: null,
    answers: { [overall]: value, ...defaultAnswers(definition) },
  };
  const official = serving();
  if (official) record.official = official.code; // queued with it, sent with it (SPEC 9)
  state.draft = { record, definition };
  await outbox.saveDraft(record); // one tap is a complete response from here on
  updateCount();
  if (!followUp.asks(definition, value)) {
    await submit(); // nothing to ask after this rating: the tap is the whole response
    return;
  }
  followUp.start(definition, record.answers, value);
  show('followup');
  touched();
}

async function draftChanged(answers) {
  if (!state.draft) return;
  state.draft.record.answers = answers;
  await outbox.updateDraft(state.draft.record.id, { answers, locale: i18n.lang });
}

// The survey's end: with the unit's opt-in on (SPEC 13) the contact screen comes first, once;
// `final` (the idle timer, an un-enrolled tablet, the contact screen's own answers) skips it.
// `contact` is what the citizen agreed to on that screen; it is sent with the response.
async function submit({ final = false, contact = null } = {}) {
  if (!state.draft || state.submitting) return;
  state.submitting = true;
  cancel('idle');
  try {
    const { record } = state.draft;
    if (state.screen === 'followup') record.answers = followUp.result();
    if (!final && !state.draft.contactAsked && ContactScreenClass?.offered(state.config)) {
      state.draft.contactAsked = true;
      await outbox.updateDraft(record.id, { answers: record.answers, locale: i18n.lang });
      contactScreen.open(state.config.contact);
      show('contact');
      touched();
      return;
    }
    contactScreen?.clear();
    const changes = { answers: record.answers, locale: i18n.lang, submitted_at: new Date().toISOString() };
    if (contact) changes.contact = contact; // queued with the response, never on its own
    await outbox.submit(record.id, changes);
    state.draft = null;
    state.cooldownUntil = Date.now() + settings().cooldown_seconds * 1000;
    show('thanks'); // only now: the response is committed to IndexedDB
    later('reset', settings().reset_seconds, resetToStart);
    updateCount();
    flush();
  } finally {
    state.submitting = false;
  }
}

function resetToStart() {
  if (state.reloadWhenIdle) {
    window.location.reload(); // a new app version was installed: pick it up between citizens
    return;
  }
  cancel('idle');
  contactScreen?.clear(); // a number typed and left behind is gone with the citizen
  i18n.lang = DEFAULT_LANGUAGE; // the language resets with the survey
  i18n.apply(document);
  renderStart();
  if (!state.token) showEnroll();
  else show(state.config ? 'start' : 'loading');
}

// Any touch while a survey is open restarts the idle countdown; on the start screen the idle
// time brings a switched language back to Vietnamese.
function touched() {
  if (state.screen === 'followup') later('idle', settings().idle_seconds, () => submit({ final: true }));
  // Left on the contact screen: the response goes without a contact and the number is cleared.
  else if (state.screen === 'contact') later('idle', settings().idle_seconds, () => submit({ final: true }));
  else if (state.screen === 'start' && i18n.lang !== DEFAULT_LANGUAGE) later('idle', settings().idle_seconds, resetToStart);
  else if (state.screen === 'official') later('idle', settings().idle_seconds, resetToStart);
}

// ---------------------------------------------------------------- enrollment

// `pending`: an enroll request already on its way (started before IndexedDB was even open).
async function doEnroll(code, pending = null) {
  const form = $('[data-form=enroll]');
  const button = form.querySelector('button');
  form.elements.code.value = code;
  if (!pending && !code.trim()) {
    setEnrollMessage('enroll_empty');
    return false;
  }
  button.disabled = true;
  setEnrollMessage('enroll_working');
  try {
    const reply = await (pending || enroll(code.trim()));
    // A new enrollment may be another unit: drop the old config, keep the queued responses
    // (the sync loop sends only those collected for this unit; see Syncer.setAsideForeign).
    await outbox.setMetas({
      token: reply.token,
      kiosk: reply.kiosk,
      config: undefined,
      config_etag: undefined,
      unenrolled: undefined,
    });
    Object.assign(state, { token: reply.token, kiosk: reply.kiosk, config: null, etag: null, unenrolled: null });
    setEnrollMessage(null);
    history.replaceState(null, '', boot.scope);
    await refreshConfig();
    resetToStart();
    if (!state.config) $('[data-screen=loading] p').textContent = i18n.t('config_missing');
    flush({ force: true });
    return true;
  } catch (failure) {
    setEnrollMessage(...enrollFailure(failure));
    return false;
  } finally {
    button.disabled = false;
  }
}

// What went wrong, as a string key: the server's own message is English and technical (the
// API's error codes are in webapp/kiosk/services.py), the citizen-facing screen is neither.
function enrollFailure(failure) {
  if (!(failure instanceof ApiError)) return ['enroll_offline'];
  if (failure.code === 'invalid_code') return ['enroll_invalid'];
  if (failure.code === 'expired_code' || failure.status === 410) return ['enroll_expired'];
  if (failure.code === 'bad_request') return ['enroll_empty'];
  if (failure.status === 429) return ['enroll_rate_limited'];
  return ['enroll_server_error', { status: failure.status }];
}

// Kept as a key, not as text, so the language buttons translate a message already shown.
function setEnrollMessage(key, params = {}) {
  state.enrollMessage = key ? { key, params } : null;
  renderEnrollMessage();
}

function renderEnrollMessage() {
  const message = state.enrollMessage;
  $('[data-enroll-error]').textContent = message ? i18n.t(message.key, message.params) : '';
}

// Staff send the dead letters to the server's quarantine (an admin replays or dismisses them
// there); those the server confirms are deleted here. -> how many were handed over.
async function handOver() {
  const letters = await outbox.deadLetters();
  if (!letters.length || !state.token) return 0;
  const held = await handOverDeadLetters({ token: state.token, letters, headers: await kioskHeaders() });
  await outbox.removeDead(held);
  return held.length;
}

async function reenroll() {
  await outbox.setMetas({ token: undefined });
  state.token = null;
  $('[data-form=enroll]').elements.code.value = '';
  resetToStart();
}

// Only the API's own refusals count (JSON error codes of webapp/kiosk/services.py); a proxy
// or captive portal answering 403 must not un-enroll a tablet.
function refusedToken(status, code) {
  return (status === 401 && code === 'unauthorized') || (status === 403 && code === 'revoked');
}

// The server no longer accepts the token (the kiosk was revoked, or the server does not know
// it): stop collecting and ask staff to enroll the tablet again. The outbox and the dead
// letters stay untouched; an open survey is submitted into the outbox first.
async function unenrolled(status) {
  if (!state.token) return;
  state.token = null; // at once: config refresh and sync may both report it
  for (const name of ['config', 'reset', 'idle']) cancel(name);
  if (state.draft) await submit({ final: true });
  cancel('reset');
  state.unenrolled = { status, at: new Date().toISOString() };
  await outbox.setMetas({ token: undefined, unenrolled: state.unenrolled });
  resetToStart();
}

function showEnroll() {
  $('[data-unit-name]').textContent = i18n.t('app_name');
  renderEnroll();
  show('enroll');
  updateCount();
}

// The enrollment screen; when the server refused the token it is the blocking screen, and it
// says how many responses wait on the tablet (kept, sent after re-enrolling for the unit).
async function renderEnroll() {
  renderEnrollMessage();
  const blocked = Boolean(state.unenrolled);
  $('[data-blocked]').hidden = !blocked;
  $('[data-enroll-title]').hidden = blocked;
  $('#enroll-help').hidden = blocked; // the blocking notice says what to do instead
  $('[data-blocked-reason]').textContent = blocked
    ? i18n.t(state.unenrolled.status === 403 ? 'blocked_revoked' : 'blocked_unknown')
    : '';
  const kept = outbox ? await outbox.count() : 0;
  const line = $('[data-enroll-kept]');
  line.hidden = kept === 0;
  const unit = state.config?.unit?.name || state.kiosk?.unit?.name;
  line.textContent = kept ? i18n.t('enroll_kept', { n: kept, unit: unit ? i18n.pick(unit) : '?' }) : '';
}

// ---------------------------------------------------------------- start-up

async function persistStorage() {
  try {
    state.persisted = Boolean(
      (await navigator.storage?.persisted?.()) || (await navigator.storage?.persist?.()),
    );
  } catch {
    state.persisted = false;
  }
  await outbox.setMeta('persisted', state.persisted);
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController) state.reloadWhenIdle = true; // an update, not the first install
  });
  navigator.serviceWorker.register(boot.sw, { scope: boot.scope }).catch(() => {
    // No worker (e.g. plain HTTP on a LAN address): the kiosk still works while online.
  });
}

function wire() {
  $('[data-form=enroll]').addEventListener('submit', (event) => {
    event.preventDefault();
    doEnroll(event.target.elements.code.value);
  });
  for (const button of document.querySelectorAll('[data-rating]')) {
    button.addEventListener('click', () => rate(Number(button.dataset.rating)));
  }
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => {
      setLanguage(button.dataset.lang);
      touched();
    });
  }
  $('[data-action=submit]').addEventListener('click', () => submit());
  // The taps are counted from the first screen on, not from when the staff module has
  // loaded: on a slow network the first taps would otherwise be lost without a sign.
  watchGesture($('[data-staff-gesture]'), openStaffPanel);
  $('[data-action=official-signin]').addEventListener('click', openSignIn);
  for (const type of ['pointerdown', 'keydown', 'input']) document.addEventListener(type, touched, { passive: true });
  window.addEventListener('online', () => {
    refreshConfig();
    extras().then(() => {
      syncer.resetBackoff();
      syncer.flush({ force: true });
    });
  });
  setInterval(flush, SAFETY_FLUSH_MS);
}

// The modules the first screen does not need; imported once, after it is shown.
function extras() {
  extrasLoading =
    extrasLoading ||
    Promise.all([
      import('../outbox/sync.js'),
      import('./survey.js'),
      import('./staff.js'),
      import('./uuid.js'),
      import('./contact.js'),
    ]).then(([sync, surveyModule, staffModule, uuid, contactModule]) => {
      uuidv7 = uuid.uuidv7;
      ContactScreenClass = contactModule.ContactScreen;
      contactScreen = new contactModule.ContactScreen($('[data-screen=contact]'), {
        i18n,
        onAgree: (contact) => submit({ final: true, contact }),
        onSkip: () => submit({ final: true }),
      });
      syncer = new sync.Syncer({
        outbox,
        payloadOf,
        getToken: () => state.token,
        getUnit: currentUnit,
        extraHeaders: kioskHeaders,
        onChange: updateCount,
        onSuccess: () => {
          if (state.configFailures) refreshConfig(); // the network is back: catch up on the config
        },
        onUnauthorized: (status, code) => {
          if (refusedToken(status, code)) unenrolled(status);
        },
      });
      followUp = new surveyModule.FollowUp($('[data-questions]'), i18n, draftChanged);
      staff = new staffModule.StaffPanel($('[data-screen=staff]'), {
        i18n,
        outbox,
        info: () => ({
          version: boot.version,
          kiosk: state.kiosk,
          config: state.config,
          persisted: state.persisted,
          official: serving()?.code || null,
        }),
        syncNow,
        reenroll,
        handOver,
        setOfficial: (code) => setOfficial(code, 'staff'),
        close: resetToStart,
      });
      counter = staffModule;
      signIn = new staffModule.OfficialSignIn($('[data-screen=official]'), {
        i18n,
        outbox,
        officials: () => state.config?.officials || [],
        signIn: async (code) => {
          await setOfficial(code, 'self');
          resetToStart();
        },
        close: resetToStart,
      });
      if (state.screen === 'start') renderOfficial(); // a name set before this reload
    })
    .catch((error) => {
      extrasLoading = null; // e.g. the network dropped mid-download: try again next time
      throw error;
    });
  return extrasLoading;
}

// Five quick taps on the unit name (the hidden staff gesture).
function watchGesture(target, onGesture) {
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

async function openStaffPanel() {
  await extras();
  if (state.token && (state.screen === 'start' || state.screen === 'thanks')) {
    cancel('reset');
    staff.open();
    show('staff');
  }
}

// "Sync now" in the staff panel: what this flush did, for the panel to say.
async function syncNow() {
  await extras();
  const before = { sent: syncer.sent, rejected: syncer.rejected };
  const outcome = await syncer.flush({ force: true });
  return {
    outcome,
    sent: syncer.sent - before.sent,
    rejected: syncer.rejected - before.rejected,
    left: await outbox.readyCount(),
  };
}

function flush(options) {
  return extras().then(() => syncer.flush(options));
}

async function main() {
  // On the enrollment URL, send the code at once: the request flies while IndexedDB opens.
  const code = new URLSearchParams(window.location.search).get('code');
  const enrolling = code && window.location.pathname.endsWith('/enroll');
  const pending = enrolling ? enroll(code.trim()) : null;
  pending?.catch(() => {}); // handled in doEnroll; no "unhandled rejection" meanwhile
  const db = await openKioskDb({ onBlocking: () => window.location.reload() });
  outbox = new Outbox(db);
  wire();

  await outbox.submitAbandonedDrafts(); // a reload or crash mid-survey: keep what was answered
  await updateCount();
  const [token, kiosk, config, etag, persisted, unenrolledMeta, official] = await Promise.all(
    ['token', 'kiosk', 'config', 'config_etag', 'persisted', 'unenrolled', 'official'].map((key) =>
      outbox.getMeta(key, null),
    ),
  );
  Object.assign(state, { token, kiosk, etag, persisted: Boolean(persisted), unenrolled: unenrolledMeta, official });
  if (validConfig(config)) applyConfig(config);
  persistStorage();

  await firstScreen(enrolling ? () => doEnroll(code, pending) : null);
  // Only now: on a first visit the rest of the app and the worker's precache must not
  // compete with enrolling and downloading the config on a slow link.
  await extras();
  registerServiceWorker();
  flush();
}

async function firstScreen(enrollNow) {
  if (enrollNow && (await enrollNow())) return;
  if (!state.token) {
    showEnroll();
    return;
  }
  if (state.config) {
    resetToStart();
    refreshConfig();
  } else {
    await refreshConfig();
    if (!state.config) $('[data-screen=loading] p').textContent = i18n.t('config_missing');
    resetToStart();
  }
}

main();
