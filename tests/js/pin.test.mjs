// The staff PIN check on the tablet against the hash the server makes with werkzeug
// (static/js/kiosk/staff.js verifyPin; webapp/kiosk/services.py hash_staff_pin and
// staff_pin_for_kiosk). The fixture was written by those functions; tests/kiosk_app checks that
// it still matches what the server makes of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { verifyPin } from '../../static/js/kiosk/staff.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/staff_pin.json', import.meta.url), 'utf8'));

// werkzeug's "pbkdf2:sha256:N$salt$hex", read the way the server hands it to kiosks.
function checkFromWerkzeug(hash) {
  const [method, salt, key] = hash.split('$');
  const [, digest, iterations] = method.split(':');
  return { algorithm: 'PBKDF2', hash: `SHA-${digest.slice(3)}`, iterations: Number(iterations), salt, key };
}

test('the fixture is the check data of its werkzeug hash', () => {
  assert.deepEqual(checkFromWerkzeug(fixture.werkzeug_hash), fixture.check);
});

test('the right PIN matches the werkzeug hash', async () => {
  assert.equal(await verifyPin(fixture.pin, fixture.check), true);
});

test('a wrong PIN does not', async () => {
  for (const pin of ['2469', '0000', '', '24680', ' 2468']) assert.equal(await verifyPin(pin, fixture.check), false, pin);
});

test('the key is compared whatever its hex case', async () => {
  assert.equal(await verifyPin(fixture.pin, { ...fixture.check, key: fixture.check.key.toUpperCase() }), true);
});

test('no PIN set: null; an algorithm WebCrypto is not asked to run: false', async () => {
  assert.equal(await verifyPin('2468', null), null);
  assert.equal(await verifyPin('2468', { key: '' }), null);
  assert.equal(await verifyPin(fixture.pin, { ...fixture.check, algorithm: 'scrypt' }), false);
});
