// The kiosk's phone check (static/js/kiosk/contact.js) agrees with the server's
// (webapp/contacts/phone.py): both read the same cases.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { normalisePhone } from '../../static/js/kiosk/contact.js';
import { withoutContact } from '../../static/js/outbox/queue.js';

const cases = JSON.parse(readFileSync(new URL('./fixtures/phones.json', import.meta.url)));

test('accepted forms give the national number', () => {
  for (const [typed, stored] of cases.accepted) assert.equal(normalisePhone(typed), stored, typed);
});

test('anything else is refused', () => {
  for (const typed of cases.refused) assert.equal(normalisePhone(typed), null, typed);
  assert.equal(normalisePhone(undefined), null);
  assert.equal(normalisePhone(912345678), null);
});

test('a dead letter keeps no phone number', () => {
  const payload = { id: 'x', answers: { overall: 5 }, contact: { phone: '0912345678', consent: true } };
  assert.deepEqual(withoutContact(payload), { id: 'x', answers: { overall: 5 }, contact_removed: true });
  assert.deepEqual(withoutContact({ id: 'y' }), { id: 'y' });
});
