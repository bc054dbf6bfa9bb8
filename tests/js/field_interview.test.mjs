// The field questionnaire's rules (static/js/field/interview.js), on the packaged definitions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  answerText,
  answered,
  firstIncompleteSection,
  keptAnswers,
  missingRequired,
  shown,
  valueOf,
  visibleQuestions,
} from '../../static/js/field/interview.js';

const surveys = JSON.parse(readFileSync(new URL('../../webapp/data/field_surveys.json', import.meta.url))).surveys;
const household = surveys.find((s) => s.key === 'papi_household');
const inspection = surveys.find((s) => s.key === 'conduct_inspection');
const ids = (questions) => questions.map((q) => q.id);

test('show_if compares with the type: true is not 1', () => {
  const question = { id: 'b', show_if: { question: 'a', in: [true] } };
  assert.equal(shown(question, { a: true }), true);
  assert.equal(shown(question, { a: 1 }), false);
  assert.equal(shown(question, {}), false);
  assert.equal(shown({ id: 'c' }, {}), true);
});

test('a follow-up appears with its answer and hides again', () => {
  assert.deepEqual(ids(visibleQuestions(household, 'accountability', {})), [
    'acc_contacted',
    'acc_inspection_board',
    'acc_justice_services',
  ]);
  assert.ok(ids(visibleQuestions(household, 'accountability', { acc_contacted: true })).includes('acc_contact_outcome'));
  assert.ok(!ids(visibleQuestions(household, 'accountability', { acc_contacted: false })).includes('acc_contact_outcome'));
});

test('a chain drops out when its first answer changes', () => {
  const answers = { egov_internet_use: false, egov_portal_used: true, egov_portal_rating: 4 };
  assert.deepEqual(ids(visibleQuestions(household, 'e_governance', answers)), ['egov_internet_use', 'egov_ward_page_known']);
  assert.deepEqual(keptAnswers(household, answers), { egov_internet_use: false });
});

test('required questions shown and unanswered block the section; hidden ones do not', () => {
  assert.deepEqual(missingRequired(household, 'respondent', { resp_age_group: 'age_18_29' }), ['resp_years_in_ward']);
  assert.deepEqual(missingRequired(inspection, 'attire', { insp_visit_time: 'morning', insp_card_worn: true, insp_attire_proper: true, insp_nameplate: true }), []);
  assert.deepEqual(
    missingRequired(inspection, 'attire', { insp_visit_time: 'morning', insp_card_worn: false, insp_attire_proper: true, insp_nameplate: true }),
    ['insp_card_worn_finding'],
  );
  assert.deepEqual(missingRequired(household, 'comments', {}), []); // free text is optional
  assert.equal(firstIncompleteSection(household, {}), 0);
});

test('blank text is no answer; kept text is trimmed', () => {
  assert.equal(answered('  '), false);
  assert.equal(answered(false), true);
  assert.equal(answered(0), true);
  assert.deepEqual(keptAnswers(household, { com_suggestions: '  sạch sẽ  ' }), { com_suggestions: 'sạch sẽ' });
  assert.deepEqual(keptAnswers(household, { com_suggestions: ' ' }), {});
});

test('answers read as text and buttons read as typed values', () => {
  const t = (key) => ({ yes: 'Có', no: 'Không' })[key];
  const pick = (value) => value.vi;
  const yesno = household.questions.find((q) => q.kind === 'yesno');
  const choice = household.questions.find((q) => q.id === 'resp_age_group');
  assert.equal(answerText(yesno, false, { pick, t }), 'Không');
  assert.equal(answerText(choice, 'age_18_29', { pick, t }), choice.options[0].vi);
  assert.equal(answerText({ kind: 'rating5' }, 4, { pick, t }), '4');
  assert.equal(valueOf(yesno, 'true'), true);
  assert.equal(valueOf(yesno, 'false'), false);
  assert.equal(valueOf({ kind: 'rating5' }, '4'), 4);
  assert.equal(valueOf(choice, 'age_18_29'), 'age_18_29');
});
