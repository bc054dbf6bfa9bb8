// What "sync now" in the staff panel says it did (static/js/kiosk/staff.js syncReport).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { syncReport } from '../../static/js/kiosk/staff.js';

test('sent: how many', () => {
  assert.deepEqual(syncReport({ outcome: 'empty', sent: 3, left: 0 }), {
    lines: [['staff_sync_sent', { n: 3 }]],
    ok: true,
    result: 'sent',
  });
});

test('nothing to send', () => {
  assert.deepEqual(syncReport({ outcome: 'empty' }), { lines: [['staff_sync_nothing', {}]], ok: true, result: 'nothing' });
});

test('rejections are named beside what was sent', () => {
  const report = syncReport({ outcome: 'empty', sent: 2, rejected: 1 });
  assert.deepEqual(report.lines, [
    ['staff_sync_sent', { n: 2 }],
    ['staff_sync_rejected', { n: 1 }],
  ]);
  assert.equal(report.result, 'sent');
});

test('failed, offline, another tab busy: failed, with what is still kept', () => {
  assert.deepEqual(syncReport({ outcome: 'failed', left: 4 }).lines, [['staff_sync_failed', { n: 4 }]]);
  assert.deepEqual(syncReport({ outcome: 'no-token', left: 4 }).lines, [['staff_sync_failed', { n: 4 }]]);
  assert.deepEqual(syncReport({ outcome: 'offline', left: 4 }).lines, [['staff_sync_offline', { n: 4 }]]);
  assert.deepEqual(syncReport({ outcome: 'busy' }).lines, [['staff_sync_busy', {}]]);
  for (const outcome of ['failed', 'offline', 'busy']) assert.equal(syncReport({ outcome }).result, 'failed');
});

test('part sent before a failure: both are said', () => {
  const report = syncReport({ outcome: 'failed', sent: 100, left: 20 });
  assert.deepEqual(report.lines, [
    ['staff_sync_sent', { n: 100 }],
    ['staff_sync_failed', { n: 20 }],
  ]);
  assert.equal(report.ok, false);
});
