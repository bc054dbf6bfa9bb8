// What a follow-up answer does to the others (static/js/kiosk/survey.js): `show_if` shows a
// question only for some earlier answers, and the answers of hidden questions are not kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { effectiveAnswers, visible } from '../../static/js/kiosk/survey.js';

const definition = {
  questions: [
    { id: 'overall', kind: 'rating5', required: true },
    { id: 'staff', kind: 'rating5' },
    { id: 'problem', kind: 'choice', show_if: { question: 'overall', in: [1, 2, 3] } },
    { id: 'problem_detail', kind: 'text', show_if: { question: 'problem', in: ['khac'] } },
    { id: 'returned', kind: 'yesno' },
    { id: 'why_not', kind: 'text', show_if: { question: 'returned', in: [false] } },
    { id: 'comment', kind: 'text' },
  ],
};

test('a question without show_if is always shown', () => {
  assert.equal(visible(definition.questions[1], {}), true);
});

test('show_if shows a question only for the listed answers', () => {
  const problem = definition.questions[2];
  for (const rating of [1, 2, 3]) assert.equal(visible(problem, { overall: rating }), true);
  for (const rating of [4, 5, undefined]) assert.equal(visible(problem, { overall: rating }), false);
});

test('values are matched exactly: false is not "not answered", 3 is not "3"', () => {
  const whyNot = definition.questions[5];
  assert.equal(visible(whyNot, { returned: false }), true);
  assert.equal(visible(whyNot, { returned: true }), false);
  assert.equal(visible(whyNot, {}), false);
  assert.equal(visible(definition.questions[2], { overall: '3' }), false);
});

test('a malformed rule hides the question rather than failing', () => {
  assert.equal(visible({ id: 'x', show_if: { question: 'overall' } }, { overall: 1 }), false);
});

test('answers of questions hidden by a good rating are dropped', () => {
  const answers = { overall: 5, staff: 4, problem: 'cho_lau', comment: 'ok' };
  assert.deepEqual(effectiveAnswers(definition, answers), { overall: 5, staff: 4, comment: 'ok' });
  assert.deepEqual(effectiveAnswers(definition, { ...answers, overall: 2 }), { ...answers, overall: 2 });
});

test('skipping cascades: a question shown by a hidden question is hidden too', () => {
  const answers = { overall: 2, problem: 'khac', problem_detail: 'giấy tờ thất lạc' };
  assert.deepEqual(effectiveAnswers(definition, answers), answers);
  // The citizen changes the rating to 4: "problem" goes, and with it its follow-up.
  assert.deepEqual(effectiveAnswers(definition, { ...answers, overall: 4 }), { overall: 4 });
  // Another problem chosen: the detail question is no longer asked.
  assert.deepEqual(effectiveAnswers(definition, { ...answers, problem: 'cho_lau' }), {
    overall: 2,
    problem: 'cho_lau',
  });
});

test('text is trimmed and empty answers are not kept; false is kept', () => {
  const answers = { overall: 3, comment: '  cảm ơn  ', staff: undefined, returned: false, why_not: '   ' };
  assert.deepEqual(effectiveAnswers(definition, answers), { overall: 3, comment: 'cảm ơn', returned: false });
});

test('answers to questions the survey does not have are not kept', () => {
  assert.deepEqual(effectiveAnswers(definition, { overall: 5, wifi: true }), { overall: 5 });
});

test('the kiosk asks only the questions marked for the rating', async () => {
  const { kioskQuestions } = await import('../../static/js/kiosk/survey.js');
  const definition = {
    questions: [
      { id: 'overall', kind: 'rating5' },
      { id: 'problem', kind: 'choice', kiosk: { ratings: [1, 2, 3] } },
      { id: 'visits', kind: 'choice' }, // field interviews only
      { id: 'comment', kind: 'text', kiosk: { ratings: [1, 2, 3, 4, 5] } },
    ],
  };
  assert.deepEqual(kioskQuestions(definition, 2).map((q) => q.id), ['problem', 'comment']);
  assert.deepEqual(kioskQuestions(definition, 5).map((q) => q.id), ['comment']);
});
