// The field questionnaire's rules, as pure functions (no DOM, no IndexedDB; tests/js run them
// in Node): which questions a section shows given the answers so far (`show_if`), which
// required ones are still unanswered, the answers that are sent (hidden ones removed), and
// an answer as a person reads it. The server applies the same rules (webapp/field/ingest.py).

// Whether `question` is asked given `answers`: no `show_if`, or the answer to the question it
// names is one of its values (compared with its type: `true` is not `1`).
export function shown(question, answers) {
  const condition = question.show_if;
  if (!condition) return true;
  const value = answers[condition.question];
  return condition.in.some((expected) => expected === value);
}

export function answered(value) {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  return true;
}

// The answers that count, in question order: an answer is kept only if its question is shown
// given the answers kept before it, so a chain of conditions (a follow-up of a follow-up)
// drops out entirely when its first answer changes. Text is trimmed; empty text is no answer.
export function keptAnswers(definition, answers) {
  const kept = {};
  for (const question of definition.questions) {
    const value = answers[question.id];
    if (!answered(value) || !shown(question, kept)) continue;
    kept[question.id] = typeof value === 'string' ? value.trim() : value;
  }
  return kept;
}

export function sectionQuestions(definition, sectionId) {
  return definition.questions.filter((question) => question.section === sectionId);
}

// The section's questions that are asked now, given all the answers.
export function visibleQuestions(definition, sectionId, answers) {
  const kept = keptAnswers(definition, answers);
  return sectionQuestions(definition, sectionId).filter((question) => shown(question, kept));
}

// Ids of the section's asked, required questions without an answer (they block "next").
export function missingRequired(definition, sectionId, answers) {
  return visibleQuestions(definition, sectionId, answers)
    .filter((question) => question.required && !answered(answers[question.id]))
    .map((question) => question.id);
}

// The first section (index) with a required question unanswered, or -1 when all are done.
export function firstIncompleteSection(definition, answers) {
  return definition.sections.findIndex((section) => missingRequired(definition, section.id, answers).length);
}

// An answer as text: `pick` reads a bilingual value, `t` a UI string (yes/no).
export function answerText(question, value, { pick, t }) {
  if (question.kind === 'yesno') return t(value ? 'yes' : 'no');
  if (question.kind === 'choice') {
    const option = (question.options || []).find((o) => o.code === value);
    return option ? pick(option) : String(value);
  }
  return String(value);
}

// The value a button's data-value stands for, in the kind's own type.
export function valueOf(question, raw) {
  if (question.kind === 'yesno') return raw === 'true';
  if (question.kind === 'rating5') return Number(raw);
  return raw;
}
