// The kiosk's translator (static/js/kiosk/i18n.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_LANGUAGE, Translator } from '../../static/js/kiosk/i18n.js';

const defaults = {
  vi: { submit: 'Gửi', kept: 'Còn {n} ý kiến ({unit})', only_vi: 'Chỉ tiếng Việt' },
  en: { submit: 'Send', kept: '{n} responses ({unit})' },
};

test('Vietnamese first; English on request; Vietnamese when English lacks a key', () => {
  const i18n = new Translator(defaults);
  assert.equal(i18n.lang, DEFAULT_LANGUAGE);
  assert.equal(i18n.t('submit'), 'Gửi');
  i18n.lang = 'en';
  assert.equal(i18n.t('submit'), 'Send');
  assert.equal(i18n.t('only_vi'), 'Chỉ tiếng Việt');
  assert.equal(i18n.t('missing_key'), 'missing_key');
});

test('placeholders are filled; unknown ones stay visible', () => {
  const i18n = new Translator(defaults);
  assert.equal(i18n.t('kept', { n: 3, unit: 'Phường Sài Gòn' }), 'Còn 3 ý kiến (Phường Sài Gòn)');
  assert.equal(i18n.t('kept', { n: 0 }), 'Còn 0 ý kiến ({unit})');
});

test("the config's strings override the shell's", () => {
  const i18n = new Translator(defaults);
  i18n.merge({ en: { submit: 'Send it' } });
  i18n.merge(null);
  i18n.lang = 'en';
  assert.equal(i18n.t('submit'), 'Send it');
  assert.equal(i18n.t('kept', { n: 1, unit: 'X' }), '1 responses (X)');
});

test('pick reads bilingual values and survey options', () => {
  const i18n = new Translator(defaults);
  const option = { code: 'ho_tich', vi: 'Hộ tịch', en: 'Civil status' };
  assert.equal(i18n.pick(option), 'Hộ tịch');
  i18n.lang = 'en';
  assert.equal(i18n.pick(option), 'Civil status');
  assert.equal(i18n.pick({ vi: 'Chỉ tiếng Việt' }), 'Chỉ tiếng Việt');
  assert.equal(i18n.pick('plain'), 'plain');
  assert.equal(i18n.pick(null), '');
});
