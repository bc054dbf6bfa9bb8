// The kiosk's one retry policy (static/js/outbox/backoff.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backoffDelay, retryAfterMs } from '../../static/js/outbox/backoff.js';

const lowest = () => 0;
const highest = () => 1 - Number.EPSILON;

test('backoffDelay doubles per attempt within [half, whole] of the nominal delay', () => {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const nominal = 1000 * 2 ** attempt;
    assert.equal(backoffDelay(attempt, { random: lowest }), nominal / 2);
    assert.equal(backoffDelay(attempt, { random: highest }), nominal);
  }
});

test('backoffDelay stays under the cap, also for absurd attempt counts', () => {
  for (const attempt of [9, 12, 30, 1000, Number.MAX_SAFE_INTEGER]) {
    const delay = backoffDelay(attempt, { random: highest });
    assert.ok(Number.isFinite(delay));
    assert.ok(delay <= 300000, `${attempt}: ${delay}`);
    assert.ok(backoffDelay(attempt, { random: lowest }) >= 150000);
  }
  assert.equal(backoffDelay(10, { capMs: 60000, random: highest }), 60000);
});

test('backoffDelay spreads retries: the random half is used', () => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
  assert.ok(delays.size > 10);
  for (const delay of delays) assert.ok(delay >= 16000 && delay <= 32000, String(delay));
});

test("the config refresh's schedule: 5 s, 10 s, 20 s … capped at 5 min", () => {
  const nominal = [0, 1, 2, 3, 7].map((attempt) => backoffDelay(attempt, { baseMs: 5000, random: highest }));
  assert.deepEqual(nominal, [5000, 10000, 20000, 40000, 300000]);
});

test('retryAfterMs reads delta-seconds', () => {
  assert.equal(retryAfterMs('1'), 1000);
  assert.equal(retryAfterMs('120'), 120000);
  assert.equal(retryAfterMs('0'), 0);
  assert.equal(retryAfterMs('-5'), 0);
  assert.equal(retryAfterMs('1.5'), 1500);
});

test('retryAfterMs reads an HTTP date relative to now', () => {
  const now = Date.parse('2026-12-03T09:00:00Z');
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 09:00:30 GMT', now), 30000);
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 08:59:00 GMT', now), 0); // already past
});

test('retryAfterMs: absent or unreadable means "no advice"', () => {
  for (const value of [null, undefined, '', 'soon', 'Thu, 99 Foo']) assert.equal(retryAfterMs(value), null);
});
