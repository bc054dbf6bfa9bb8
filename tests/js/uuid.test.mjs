// UUIDv7 ids of queued responses (static/js/kiosk/uuid.js, RFC 9562).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { uuidv7 } from '../../static/js/kiosk/uuid.js';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function timestampOf(id) {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

test('version 7 and variant 10 bits, canonical text form', () => {
  for (let i = 0; i < 200; i += 1) {
    const id = uuidv7();
    assert.match(id, SHAPE);
    const hex = id.replace(/-/g, '');
    assert.equal(parseInt(hex[12], 16), 7); // version nibble
    assert.equal(parseInt(hex[16], 16) >> 2, 0b10); // variant bits
  }
});

// The generator never goes back in time, so the tests below use ever later clocks, counted from
// now (a fixed date would fail once the real clock passes it).
const DAY = 86_400_000;
const NOW = Date.now();
test('the first 48 bits are the Unix time in milliseconds', () => {
  const at = NOW + DAY + 123;
  assert.equal(timestampOf(uuidv7(at)), at);
});

test('ids sort in creation order, also many within one millisecond', () => {
  const base = NOW + 2 * DAY;
  const ids = [];
  for (let ms = 0; ms < 5; ms += 1) {
    for (let i = 0; i < 600; i += 1) ids.push(uuidv7(base + ms));
  }
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('the counter running out borrows the next millisecond instead of repeating', () => {
  const at = NOW + 3 * DAY;
  const ids = Array.from({ length: 5000 }, () => uuidv7(at)); // > 4096 ids in one millisecond
  assert.deepEqual([...ids].sort(), ids);
  assert.ok(timestampOf(ids.at(-1)) > at);
});

test('a clock set back a little never makes an id sort before an earlier one', () => {
  const at = NOW + 4 * DAY;
  const first = uuidv7(at);
  const second = uuidv7(at - 2000);
  assert.ok(second > first);
});

test('times beyond 32 bits survive the split into two halves', () => {
  const far = 2 ** 47 + 12345; // the year 6429
  assert.equal(timestampOf(uuidv7(far)), far);
});
