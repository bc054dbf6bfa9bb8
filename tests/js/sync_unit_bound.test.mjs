// Syncer's `unitBound` option (static/js/outbox/sync.js): a kiosk sets aside responses of
// another unit; a field phone (unitBound: false) sends records about many units as they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { payloadOf } from '../../static/js/outbox/queue.js';
import { Syncer } from '../../static/js/outbox/sync.js';

function fakeOutbox(records) {
  const outbox = {
    records: [...records],
    dead: [],
    meta: {},
    readyCount: async () => outbox.records.length,
    nextBatch: async (limit) => outbox.records.slice(0, limit),
    foreign: async (unit) => outbox.records.filter((r) => r.unit_slug !== unit),
    acknowledge: async (ids) => {
      const before = outbox.records.length;
      outbox.records = outbox.records.filter((r) => !ids.includes(r.id));
      return before - outbox.records.length;
    },
    deadLetter: async (items) => {
      outbox.dead.push(...items);
      const gone = items.map((i) => i.id);
      outbox.records = outbox.records.filter((r) => !gone.includes(r.id));
      return items.length;
    },
    setMetas: async (values) => Object.assign(outbox.meta, values),
  };
  return outbox;
}

function serverAcceptingAll(sent) {
  return async (_url, options) => {
    const body = JSON.parse(options.body);
    sent.push(...body.responses);
    const reply = { accepted: body.responses.map((r) => r.id), duplicates: [], rejected: [], server_time: 'x' };
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
}

const records = [
  { id: 'a', unit_slug: 'sai-gon', unit: 'sai-gon', state: 'ready', local: { section: 3 }, answers: {} },
  { id: 'b', unit_slug: 'tan-dinh', unit: 'tan-dinh', state: 'ready', answers: {} },
];

test('unitBound: false sends every unit, without the local bookkeeping', async (t) => {
  const sent = [];
  t.mock.method(globalThis, 'fetch', serverAcceptingAll(sent));
  const outbox = fakeOutbox(records);
  const syncer = new Syncer({ outbox, payloadOf, unitBound: false, getToken: () => 'tok' });
  assert.equal(await syncer.flush(), 'empty');
  assert.deepEqual(sent.map((r) => r.id), ['a', 'b']);
  assert.deepEqual(outbox.dead, []);
  for (const item of sent) {
    assert.ok(!('local' in item) && !('unit_slug' in item) && !('state' in item));
    assert.ok(item.unit);
  }
});

test('the default (a kiosk) still sets aside another unit’s responses', async (t) => {
  const sent = [];
  t.mock.method(globalThis, 'fetch', serverAcceptingAll(sent));
  const outbox = fakeOutbox(records);
  const syncer = new Syncer({ outbox, payloadOf, getToken: () => 'tok', getUnit: () => 'sai-gon' });
  assert.equal(await syncer.flush(), 'empty');
  assert.deepEqual(sent.map((r) => r.id), ['a']);
  assert.deepEqual(outbox.dead.map((d) => [d.id, d.reason]), [['b', 'other_unit']]);
});

test('the default without a unit sends nothing', async () => {
  const outbox = fakeOutbox(records);
  const syncer = new Syncer({ outbox, payloadOf, getToken: () => 'tok' });
  assert.equal(await syncer.flush(), 'no-token');
  assert.equal(outbox.records.length, 2);
});
