// The follow-up screen: the survey's optional questions as big buttons (SPEC section 3:
// rating5, yesno, choice, text, show_if). Builds DOM with createElement only (survey text is
// data, never markup) and keeps the answers; hidden questions' answers are not submitted.

const SVG_NS = 'http://www.w3.org/2000/svg';

export function visible(question, answers) {
  const rule = question.show_if;
  if (!rule) return true;
  return Array.isArray(rule.in) && rule.in.includes(answers[rule.question]);
}

// SPEC 5: after the rating a kiosk asks only the questions marked for that rating
// (`"kiosk": {"ratings": [...]}`, at most 3, checked when a definition is published); the others
// are for field interviews.
export function kioskQuestions(definition, rating) {
  return definition.questions
    .slice(1)
    .filter((q) => Array.isArray(q.kiosk?.ratings) && q.kiosk.ratings.includes(rating));
}

// Answers worth storing: those of questions shown under the current answers.
export function effectiveAnswers(definition, answers) {
  const kept = {};
  for (const question of definition.questions) {
    let value = answers[question.id];
    if (typeof value === 'string') value = value.trim();
    if (value === undefined || value === '' || !visible(question, kept)) continue;
    kept[question.id] = value;
  }
  return kept;
}

function face(value, size) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 100 100');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  const use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', `#face-${value}`);
  svg.append(use);
  return svg;
}

function element(tag, attrs = {}, text = null) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  if (text != null) el.textContent = text;
  return el;
}

export class FollowUp {
  constructor(container, i18n, onChange) {
    this.container = container;
    this.i18n = i18n;
    this.onChange = onChange;
    this.definition = null;
    this.answers = {};
    container.addEventListener('click', (event) => this.clicked(event));
    container.addEventListener('input', (event) => this.typed(event));
  }

  start(definition, answers, rating) {
    this.definition = definition;
    this.asked = kioskQuestions(definition, rating);
    this.answers = { ...answers };
    this.render();
  }

  asks(definition, rating) {
    return kioskQuestions(definition, rating).length > 0;
  }

  result() {
    return effectiveAnswers(this.definition, this.answers);
  }

  scaleLabel(value) {
    const entry = (this.definition.scale || []).find((s) => s.value === value);
    return entry ? this.i18n.pick(entry) : this.i18n.t(`rating_${value}`);
  }

  options(question) {
    switch (question.kind) {
      case 'rating5':
        return [5, 4, 3, 2, 1].map((v) => ({ value: v, key: String(v), label: this.scaleLabel(v) }));
      case 'yesno':
        return [
          { value: true, key: 'true', label: this.i18n.t('yes') },
          { value: false, key: 'false', label: this.i18n.t('no') },
        ];
      case 'choice':
        return (question.options || []).map((o) => ({ value: o.code, key: o.code, label: this.i18n.pick(o) }));
      default:
        return null;
    }
  }

  render() {
    const t = this.i18n;
    const nodes = [];
    const shown = this.result();
    for (const question of this.asked) {
      const box = element('fieldset', { class: 'question', 'data-question': question.id });
      const legendId = `q-${question.id}`;
      box.append(element('legend', { id: legendId }, t.pick(question.text)));
      const options = this.options(question);
      if (options) {
        const group = element('div', { class: `choices ${question.kind === 'rating5' ? 'scale' : question.kind}` });
        for (const option of options) {
          const pressed = this.answers[question.id] === option.value;
          const button = element('button', { type: 'button', 'data-value': option.key, 'aria-pressed': String(pressed) });
          if (question.kind === 'rating5') button.append(face(option.value, 48));
          button.append(element('span', {}, option.label));
          group.append(button);
        }
        box.append(group);
      } else {
        const area = element('textarea', {
          'aria-labelledby': legendId,
          maxlength: String(question.max_length || 1000),
          placeholder: t.t('text_placeholder'),
          rows: '2',
        });
        area.value = this.answers[question.id] || '';
        box.append(area);
      }
      box.hidden = !visible(question, shown);
      nodes.push(box);
    }
    this.container.replaceChildren(...nodes);
  }

  question(id) {
    return this.definition.questions.find((q) => q.id === id);
  }

  clicked(event) {
    const button = event.target.closest('button[data-value]');
    const box = button?.closest('[data-question]');
    if (!box) return;
    const question = this.question(box.dataset.question);
    const option = this.options(question).find((o) => o.key === button.dataset.value);
    // Tapping the chosen answer again clears it: every follow-up question is optional.
    if (this.answers[question.id] === option.value) delete this.answers[question.id];
    else this.answers[question.id] = option.value;
    const chosen = this.answers[question.id];
    for (const other of box.querySelectorAll('button[data-value]')) {
      const value = this.options(question).find((o) => o.key === other.dataset.value).value;
      other.setAttribute('aria-pressed', String(chosen === value));
    }
    this.refreshVisibility();
    this.onChange(this.result());
  }

  typed(event) {
    const box = event.target.closest('[data-question]');
    if (!box || event.target.tagName !== 'TEXTAREA') return;
    const text = event.target.value;
    if (text.trim()) this.answers[box.dataset.question] = text;
    else delete this.answers[box.dataset.question];
    this.onChange(this.result());
  }

  refreshVisibility() {
    const shown = this.result();
    for (const box of this.container.querySelectorAll('[data-question]')) {
      box.hidden = !visible(this.question(box.dataset.question), shown);
    }
  }
}
