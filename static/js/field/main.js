// The field app (/field): a surveyor's phone, offline-first like the kiosk, with the kiosk's
// outbox (db.js, queue.js, sync.js) in a database of its own. State lives in IndexedDB:
// meta `token`, `config`, `lang`, `signed_out`, `logout_pending`; every interview is an
// outbox record, a DRAFT while it is answered (resumed, never submitted on its own) and
// READY once the surveyor sends it. This module decides what is on screen and when to write.
import { openKioskDb } from '../outbox/db.js';
import { Outbox, payloadOf } from '../outbox/queue.js';
import { Syncer } from '../outbox/sync.js';
import { fetchConfig } from '../kiosk/api.js';
import { normalisePhone } from '../kiosk/contact.js';
import { Translator } from '../kiosk/i18n.js';
import { uuidv7 } from '../kiosk/uuid.js';
import { endSession, requestToken } from './api.js';
import {
  answerText,
  answered,
  keptAnswers,
  missingRequired,
  sectionQuestions,
  valueOf,
  visibleQuestions,
} from './interview.js';

const SAFETY_FLUSH_MS = 60 * 1000;

const boot = JSON.parse(document.getElementById('field-boot').textContent);
const $ = (selector, root = document) => root.querySelector(selector);
const i18n = new Translator(boot.strings);

const state = {
  screen: 'loading',
  token: null,
  config: null,
  csrf: document.querySelector('meta[name=csrf-token]')?.content || null,
  signedOut: false,
  record: null, // the interview open on screen (an outbox DRAFT)
  message: null, // {screen, key, params}: a notice shown on the sign-in or home screen
  logoutCsrf: null, // the CSRF token of a web session to end once online (signed out offline)
  submitting: false,
  doneId: null, // the interview the "done" screen is about
};
let outbox;
let syncer;

// ---------------------------------------------------------------- helpers

function show(name) {
  for (const screen of document.querySelectorAll('[data-field-screen]')) {
    screen.hidden = screen.dataset.fieldScreen !== name;
  }
  state.screen = name;
  window.scrollTo(0, 0);
}

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function when(iso) {
  if (!iso) return '';
  const locale = i18n.lang === 'vi' ? 'vi-VN' : 'en-GB';
  return new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

function surveyOf(key) {
  return (state.config?.surveys || []).find((survey) => survey.key === key) || null;
}

function unitOf(slug) {
  return (state.config?.units || []).find((unit) => unit.slug === slug) || null;
}

function unitName(slug) {
  const unit = unitOf(slug);
  return unit ? i18n.pick(unit.name) : slug;
}

function setMessage(screen, key, params = {}) {
  state.message = key ? { screen, key, params } : null;
  renderMessages();
}

function renderMessages() {
  for (const [screen, selector] of [
    ['signin', '[data-signin-message]'],
    ['home', '[data-home-message]'],
  ]) {
    const line = $(selector);
    const message = state.message?.screen === screen ? state.message : null;
    line.hidden = !message;
    line.textContent = message ? i18n.t(message.key, message.params) : '';
  }
}

// ---------------------------------------------------------------- status bar

async function renderStatus() {
  if (!outbox) return;
  const [ready, lastSync] = await Promise.all([outbox.readyCount(), outbox.getMeta('last_sync_at', null)]);
  $('[data-field-outbox]').textContent = String(ready);
  const online = navigator.onLine !== false;
  const net = $('[data-field-network]');
  net.textContent = i18n.t(online ? 'online' : 'offline');
  net.classList.toggle('off', !online);
  $('[data-field-last-sync]').textContent = lastSync ? i18n.t('last_sync', { time: when(lastSync) }) : i18n.t('never_synced');
  if (state.signedOut && state.screen === 'signin') {
    // A page with a session (state.csrf) is a new sign-in waiting for the old interviews.
    const pending = state.csrf ? 'signin_unsent' : 'signout_pending';
    setMessage('signin', ready ? pending : 'signed_out', { n: ready });
  }
  if (state.signedOut && ready === 0 && state.token) await forgetDevice();
}

// ---------------------------------------------------------------- language

function setLanguage(lang) {
  i18n.lang = lang;
  outbox?.setMeta('lang', lang);
  i18n.apply(document);
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
  renderMessages();
  renderStatus();
  if (state.screen === 'home') renderHome();
  if (state.screen === 'interview') renderSection();
  if (state.screen === 'review') renderReview();
  refreshDone();
  if (state.record && state.screen !== 'done') outbox.updateDraft(state.record.id, { locale: lang });
}

// ---------------------------------------------------------------- home

function unitsFor(survey) {
  const types = survey?.unit_types || [];
  return (state.config?.units || []).filter((unit) => !types.length || types.includes(unit.type));
}

function fillSelect(select, items, selected) {
  select.replaceChildren(...items.map(([value, label]) => el('option', { value }, label)));
  if (items.some(([value]) => value === selected)) select.value = selected;
}

function renderUnits() {
  const form = $('[data-form=start]');
  const units = unitsFor(surveyOf(form.elements.survey.value));
  fillSelect(form.elements.unit, units.map((u) => [u.slug, i18n.pick(u.name)]), form.elements.unit.value);
  $('[data-no-units]').hidden = units.length > 0;
  $('[data-action=start]').disabled = units.length === 0;
}

async function renderHome() {
  const form = $('[data-form=start]');
  const surveys = state.config?.surveys || [];
  fillSelect(form.elements.survey, surveys.map((s) => [s.key, i18n.pick(s.title)]), form.elements.survey.value);
  renderUnits();
  const email = state.config?.surveyor?.email;
  $('[data-surveyor]').textContent = email ? i18n.t('surveyor', { email }) : '';
  await Promise.all([renderDrafts(), renderDead()]);
}

function mine(record) {
  const email = state.config?.surveyor?.email;
  return !email || !record.local?.surveyor || record.local.surveyor === email;
}

async function renderDrafts() {
  const drafts = (await outbox.drafts()).filter(mine);
  const list = $('[data-field-drafts]');
  list.replaceChildren(
    ...drafts.map((record) => {
      const survey = surveyOf(record.survey);
      const total = survey?.definition?.sections?.length || 1;
      const item = el('li', { 'data-draft-id': record.id });
      const text = el('div');
      text.append(
        el('strong', {}, i18n.t('draft_line', { survey: survey ? i18n.pick(survey.title) : record.survey, unit: unitName(record.unit) })),
        el('span', { class: 'muted' }, i18n.t('draft_started', {
          time: when(record.started_at),
          section: (record.local?.section || 0) + 1,
          total,
        })),
      );
      const resume = el('button', { type: 'button', 'data-action': 'resume', class: 'primary' }, i18n.t('resume'));
      resume.disabled = !survey;
      resume.addEventListener('click', () => resumeInterview(record.id));
      item.append(text, resume);
      return item;
    }),
  );
  $('[data-no-drafts]').hidden = drafts.length > 0;
}

function errorText(errors) {
  return Object.entries(errors || {})
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
}

async function renderDead() {
  const letters = await outbox.deadLetters();
  $('[data-dead-box]').hidden = letters.length === 0;
  $('[data-field-dead]').replaceChildren(
    ...letters.map((letter) => {
      const response = letter.response || {};
      const survey = surveyOf(response.survey);
      const item = el('li', { 'data-dead-id': letter.id });
      item.append(
        el('strong', {}, i18n.t('dead_line', {
          survey: survey ? i18n.pick(survey.title) : response.survey || '?',
          unit: unitName(response.unit),
          time: when(response.submitted_at),
        })),
        el('span', { class: 'error', 'data-dead-errors': '' }, errorText(letter.errors)),
      );
      return item;
    }),
  );
}

async function goHome() {
  state.record = null;
  await renderHome();
  show('home');
  renderStatus();
}

// ---------------------------------------------------------------- the interview

function definition() {
  return surveyOf(state.record?.survey)?.definition || null;
}

async function startInterview(event) {
  event?.preventDefault();
  const form = $('[data-form=start]');
  const survey = surveyOf(form.elements.survey.value);
  const unit = form.elements.unit.value;
  if (!survey || !unitsFor(survey).some((u) => u.slug === unit)) return;
  const record = {
    id: uuidv7(),
    survey: survey.key,
    version: survey.version,
    locale: i18n.lang,
    unit,
    unit_slug: unit,
    started_at: new Date().toISOString(),
    submitted_at: null,
    answers: {},
    local: { section: 0, surveyor: state.config?.surveyor?.email || null },
  };
  await outbox.saveDraft(record);
  state.record = record;
  clearConsent();
  renderSection();
  show('interview');
}

async function resumeInterview(id) {
  const record = (await outbox.drafts()).find((draft) => draft.id === id);
  if (!record || !surveyOf(record.survey)) return;
  state.record = record;
  const total = definition().sections.length;
  record.local = { ...(record.local || {}), section: Math.min(record.local?.section || 0, total - 1) };
  clearConsent();
  renderSection();
  show('interview');
}

function saveDraft() {
  const { id, answers, local } = state.record;
  return outbox.updateDraft(id, { answers, local, locale: i18n.lang });
}

function questionBlock(question) {
  const block = el('fieldset', { 'data-question': question.id, class: `question ${question.kind}` });
  const legend = el('legend');
  legend.append(el('span', {}, i18n.pick(question.text)));
  if (!question.required) legend.append(' ', el('span', { class: 'muted' }, i18n.t('optional')));
  block.append(legend);
  const value = state.record.answers[question.id];
  let choices = [];
  if (question.kind === 'yesno') choices = [['true', i18n.t('yes')], ['false', i18n.t('no')]];
  else if (question.kind === 'rating5') choices = [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]);
  else if (question.kind === 'choice') choices = (question.options || []).map((o) => [o.code, i18n.pick(o)]);
  if (question.kind === 'text') {
    const area = el('textarea', { rows: '3', maxlength: String(question.max_length || 1000), placeholder: i18n.t('text_placeholder') });
    area.value = typeof value === 'string' ? value : '';
    area.addEventListener('input', () => answer(question, area.value));
    block.append(area);
  } else {
    const group = el('div', { class: `choices ${question.kind}` });
    for (const [code, label] of choices) {
      const button = el('button', { type: 'button', 'data-value': code, 'aria-pressed': String(value !== undefined && String(value) === code) }, label);
      button.addEventListener('click', () => answer(question, valueOf(question, code)));
      group.append(button);
    }
    block.append(group);
    if (question.kind === 'rating5') {
      const ends = el('div', { class: 'ends muted' });
      ends.append(el('span', {}, i18n.t('rating_1')), el('span', {}, i18n.t('rating_5')));
      block.append(ends);
    }
  }
  block.append(el('p', { class: 'error', 'data-question-error': '' }));
  return block;
}

function currentSection() {
  return definition().sections[state.record.local.section];
}

function renderSection() {
  const def = definition();
  const index = state.record.local.section;
  const section = currentSection();
  const total = def.sections.length;
  $('[data-section-progress]').textContent = i18n.t('section_progress', { n: index + 1, total });
  $('[data-section-title]').textContent = i18n.pick(section.title);
  $('[data-interview-unit]').textContent = `${i18n.pick(surveyOf(state.record.survey).title)} — ${unitName(state.record.unit)}`;
  $('[data-questions]').replaceChildren(...sectionQuestions(def, section.id).map(questionBlock));
  $('[data-section-error]').textContent = '';
  const last = index === total - 1;
  $('[data-action=next]').hidden = last;
  $('[data-action=review]').hidden = !last;
  refreshSection();
}

// After an answer: which questions show (show_if, live), which buttons are pressed, and the
// "please answer" marks of questions now answered go away.
function refreshSection() {
  const def = definition();
  const visible = new Set(visibleQuestions(def, currentSection().id, state.record.answers).map((q) => q.id));
  for (const block of document.querySelectorAll('[data-questions] [data-question]')) {
    const id = block.dataset.question;
    block.hidden = !visible.has(id);
    const value = state.record.answers[id];
    for (const button of block.querySelectorAll('button[data-value]')) {
      button.setAttribute('aria-pressed', String(value !== undefined && String(value) === button.dataset.value));
    }
    if (answered(value)) {
      $('[data-question-error]', block).textContent = '';
      block.classList.remove('missing');
    }
  }
  if (!missingRequired(def, currentSection().id, state.record.answers).length) $('[data-section-error]').textContent = '';
}

async function answer(question, value) {
  if (answered(value)) state.record.answers[question.id] = value;
  else delete state.record.answers[question.id];
  refreshSection();
  await saveDraft();
}

// Marks the section's unanswered required questions; -> whether the section is complete.
function checkSection() {
  const missing = missingRequired(definition(), currentSection().id, state.record.answers);
  for (const id of missing) {
    const block = $(`[data-questions] [data-question="${id}"]`);
    block.classList.add('missing');
    $('[data-question-error]', block).textContent = i18n.t('required_missing');
  }
  $('[data-section-error]').textContent = missing.length ? i18n.t('required_summary', { n: missing.length }) : '';
  if (missing.length) $(`[data-questions] [data-question="${missing[0]}"]`).scrollIntoView({ block: 'center' });
  return missing.length === 0;
}

async function moveSection(step) {
  if (step > 0 && !checkSection()) return;
  const next = state.record.local.section + step;
  if (next < 0) {
    await goHome(); // the draft stays in the list, to be resumed
    return;
  }
  state.record.local = { ...state.record.local, section: next };
  renderSection();
  window.scrollTo(0, 0);
  await saveDraft();
}

// ---------------------------------------------------------------- review and submit

function renderReview() {
  const def = definition();
  const kept = keptAnswers(def, state.record.answers);
  const parts = [];
  for (const section of def.sections) {
    const questions = sectionQuestions(def, section.id).filter((q) => q.id in kept);
    if (!questions.length) continue;
    const list = el('dl', { class: 'answers' });
    for (const question of questions) {
      list.append(
        el('dt', {}, i18n.pick(question.text)),
        el('dd', { 'data-answer': question.id }, answerText(question, kept[question.id], i18n_)),
      );
    }
    const box = el('div', { class: 'card' });
    box.append(el('h2', {}, i18n.pick(section.title)), list);
    parts.push(box);
  }
  $('[data-review]').replaceChildren(...parts);
  renderConsent();
}

// ---------------------------------------------------------------- follow-up contact

// The consent a household interview may record (SPEC 13), as the kiosk's opt-in screen does:
// the text the citizen hears and its version come with the config. The number typed lives
// only in the form until the interview is sent: never in a draft.
function consentSettings() {
  const settings = state.config?.contact;
  const offered = surveyOf(state.record?.survey)?.records_contact && settings?.consent_text && settings.consent_version;
  return offered ? settings : null;
}

function renderConsent() {
  const settings = consentSettings();
  const box = $('[data-field-consent]');
  box.hidden = !settings;
  if (!settings) return;
  $('[data-consent-text]', box).textContent = i18n.pick(settings.consent_text);
  $('[data-consent-version]', box).textContent = i18n.t('contact_version', { version: settings.consent_version });
  showPhoneField();
  if ($('[data-consent-error]', box).textContent) showPhoneError();
}

// The number is asked only once the box is ticked; unticking drops a message shown.
function showPhoneField() {
  const agreed = $('[data-consent-agree]').checked;
  $('[data-consent-phone]').hidden = !agreed;
  if (!agreed) hidePhoneError();
}

function showPhoneError() {
  $('[data-consent-error]').textContent = i18n.t('contact_invalid');
  $('#field-phone').setAttribute('aria-invalid', 'true');
}

function hidePhoneError() {
  $('[data-consent-error]').textContent = '';
  $('#field-phone').removeAttribute('aria-invalid');
}

function clearConsent() {
  $('[data-consent-agree]').checked = false;
  $('#field-phone').value = '';
  showPhoneField();
}

// {phone, consent, consent_version} when the citizen agreed; null when not asked or not
// agreed; false when they agreed but the number is not valid (the interview is not sent yet).
function consentedContact() {
  const settings = consentSettings();
  if (!settings || !$('[data-consent-agree]').checked) return null;
  const phone = normalisePhone($('#field-phone').value);
  if (!phone) {
    showPhoneError();
    $('#field-phone').focus();
    return false;
  }
  return { phone, consent: true, consent_version: settings.consent_version };
}

const i18n_ = { pick: (value) => i18n.pick(value), t: (key) => i18n.t(key) };

async function toReview() {
  if (!checkSection()) return;
  state.record.local = { ...state.record.local, section: definition().sections.length - 1 };
  await saveDraft();
  renderReview();
  show('review');
}

// Whether the interview just sent is still on the phone or on the server already.
function renderDone(queued) {
  $('[data-done-status]').textContent = i18n.t(queued ? 'done_queued' : 'done_sent');
}

async function refreshDone() {
  if (state.screen !== 'done' || !state.doneId) return;
  const ready = await outbox.nextBatch(1000);
  renderDone(ready.some((record) => record.id === state.doneId));
}

async function submitInterview() {
  if (!state.record || state.submitting) return;
  const contact = consentedContact();
  if (contact === false) return;
  state.submitting = true;
  try {
    const answers = keptAnswers(definition(), state.record.answers);
    const changes = { answers, locale: i18n.lang, submitted_at: new Date().toISOString() };
    if (contact) changes.contact = contact; // queued with the interview, never on its own
    await outbox.submit(state.record.id, changes);
    clearConsent();
    state.doneId = state.record.id;
    state.record = null;
    renderDone(true);
    show('done'); // only now: the interview is committed to IndexedDB
    await renderStatus();
    flush();
  } finally {
    state.submitting = false;
  }
}

// ---------------------------------------------------------------- device token and config

function validConfig(config) {
  return Boolean(config && Array.isArray(config.surveys) && Array.isArray(config.units));
}

async function refreshConfig() {
  if (!state.token) return false;
  try {
    const reply = await fetchConfig({ url: boot.config_url, token: state.token });
    if (!validConfig(reply.config)) return false;
    state.config = reply.config;
    if (!reply.offlineCopy) await outbox.setMeta('config', reply.config);
    if (state.screen === 'home') renderHome();
    return true;
  } catch (error) {
    if (refused(error.status, error.code)) await deviceRefused();
    return false;
  }
}

// Only the API's own refusals count: a captive portal's 403 must not sign the phone out.
function refused(status, code) {
  return (status === 401 && code === 'unauthorized') || (status === 403 && code === 'revoked');
}

async function deviceRefused() {
  state.token = null;
  await outbox.setMetas({ token: undefined });
  setMessage('signin', 'signin_refused');
  if (!state.record) show('signin');
}

// A signed-in surveyor's page without a device token: ask for one, then for the config.
async function obtainToken() {
  show('loading');
  $('[data-field-screen=loading] p').textContent = i18n.t('signin_working');
  try {
    const reply = await requestToken(boot.token_url, state.csrf);
    state.token = reply.token;
    state.signedOut = false;
    await outbox.setMetas({ token: reply.token, device: reply.device, signed_out: undefined });
    return true;
  } catch (error) {
    setMessage('signin', error.status ? 'signin_failed' : 'signin_offline', { status: error.status });
    show('signin');
    return false;
  }
}

// Signing out keeps what is not sent yet: the device token stays (the sync loop goes on) until
// the outbox is empty, then it is deleted (renderStatus → forgetDevice).
async function signOut() {
  const button = $('[data-action=signout]');
  button.disabled = true;
  try {
    if (navigator.onLine !== false && (await outbox.readyCount())) await syncer.flush({ force: true });
    let logoutPending = false;
    if (state.csrf) {
      logoutPending = !(navigator.onLine !== false && (await endSession(boot.logout_url, state.csrf)));
      state.logoutCsrf = logoutPending ? state.csrf : null; // retried on the `online` event
      state.csrf = null;
      document.querySelector('meta[name=csrf-token]')?.remove();
    }
    state.signedOut = true;
    await outbox.setMetas({ signed_out: true, logout_pending: logoutPending || undefined });
    state.record = null;
    show('signin');
    await renderStatus();
  } finally {
    button.disabled = false;
  }
}

// Signed out while offline: the web session ends as soon as the network is back.
async function endPendingSession() {
  const csrf = state.logoutCsrf;
  state.logoutCsrf = null;
  if (await endSession(boot.logout_url, csrf)) await outbox.setMetas({ logout_pending: undefined });
  else state.logoutCsrf = csrf;
}

async function forgetDevice() {
  state.token = null;
  state.config = null;
  await outbox.setMetas({ token: undefined, device: undefined, config: undefined });
}

// ---------------------------------------------------------------- sync

function flush(options) {
  return syncer.flush(options).finally(() => {
    if (state.screen === 'home') renderDead();
  });
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(boot.sw, { scope: boot.scope }).catch(() => {
    // No worker (plain HTTP on a LAN address): the app still works while online.
  });
}

async function persistStorage() {
  try {
    await navigator.storage?.persist?.();
  } catch {
    // not granted: the data is still kept, only less firmly
  }
}

function wire() {
  for (const button of document.querySelectorAll('[data-lang]')) {
    button.addEventListener('click', () => setLanguage(button.dataset.lang));
  }
  const form = $('[data-form=start]');
  form.addEventListener('submit', startInterview);
  form.elements.survey.addEventListener('change', renderUnits);
  $('[data-action=next]').addEventListener('click', () => moveSection(1));
  $('[data-action=back]').addEventListener('click', () => moveSection(-1));
  $('[data-action=review]').addEventListener('click', toReview);
  $('[data-action=review-back]').addEventListener('click', () => {
    renderSection();
    show('interview');
  });
  $('[data-action=submit]').addEventListener('click', submitInterview);
  $('[data-consent-agree]').addEventListener('change', showPhoneField);
  $('#field-phone').addEventListener('input', () => {
    if ($('[data-consent-error]').textContent && normalisePhone($('#field-phone').value)) hidePhoneError();
  });
  $('[data-action=home]').addEventListener('click', goHome);
  $('[data-action=sync]').addEventListener('click', () => {
    syncer.resetBackoff();
    flush({ force: true });
  });
  $('[data-action=signout]').addEventListener('click', signOut);
  window.addEventListener('online', () => {
    renderStatus();
    if (state.logoutCsrf) endPendingSession();
    syncer.resetBackoff();
    flush({ force: true });
    if (state.token && !state.signedOut) refreshConfig();
  });
  window.addEventListener('offline', renderStatus);
  setInterval(() => flush(), SAFETY_FLUSH_MS);
}

async function firstScreen() {
  if (state.signedOut) {
    const pending = await outbox.getMeta('logout_pending', false);
    if (state.csrf && pending) {
      // Signed out while offline: the web session ends now that the page is online.
      await endSession(boot.logout_url, state.csrf);
      await outbox.setMetas({ logout_pending: undefined });
      state.csrf = null;
      document.querySelector('meta[name=csrf-token]')?.remove();
    }
    if (!state.csrf) {
      show('signin');
      return;
    }
    // A fresh sign-in after signing out, perhaps by another surveyor. Interviews of the
    // previous sign-in still unsent go first, under its own token: a new token would stamp
    // them with the new surveyor's name.
    if (state.token && (await outbox.readyCount())) await syncer.flush({ force: true });
    const unsent = await outbox.readyCount();
    if (unsent) {
      setMessage('signin', 'signin_unsent', { n: unsent });
      show('signin');
      return;
    }
    // Then a new device token for this session.
    if (!(await obtainToken())) return;
  } else if (!state.token) {
    if (!state.csrf || !(await obtainToken())) {
      if (!state.csrf) show('signin');
      return;
    }
  }
  if (!state.config) await refreshConfig();
  else refreshConfig();
  if (!state.config) {
    setMessage('signin', 'config_missing');
    show('signin');
    return;
  }
  await goHome();
}

async function main() {
  const db = await openKioskDb({ name: boot.db_name, onBlocking: () => window.location.reload() });
  outbox = new Outbox(db);
  syncer = new Syncer({
    outbox,
    payloadOf,
    unitBound: false, // each interview names its own unit (`unit`), checked by the server
    getToken: () => state.token,
    extraHeaders: async () => ({ 'X-Kiosk-App-Version': boot.version, 'X-Kiosk-Queued': String(await outbox.count()) }),
    onChange: () => {
      renderStatus();
      refreshDone();
      if (state.screen === 'home') renderDead();
    },
    onUnauthorized: (status, code) => {
      if (refused(status, code)) deviceRefused();
    },
  });
  const [token, config, lang, signedOut] = await Promise.all(
    ['token', 'config', 'lang', 'signed_out'].map((key) => outbox.getMeta(key, null)),
  );
  Object.assign(state, { token, config: validConfig(config) ? config : null, signedOut: Boolean(signedOut) });
  wire();
  setLanguage(lang === 'en' ? 'en' : 'vi');
  await firstScreen();
  await renderStatus();
  registerServiceWorker();
  persistStorage();
  flush();
}

main();
