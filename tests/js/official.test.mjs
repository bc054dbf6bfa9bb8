// Who serves at the counter (SPEC 11): the tablet keeps {code, day} and the choice lapses at
// the end of that local day, or when the official leaves the config (static/js/kiosk/staff.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { canSignIn, localDay, msUntilTomorrow, officialLabel, servingOfficial } from '../../static/js/kiosk/staff.js';

const LAN = { code: 'TP01', name: 'Nguyễn Thị Lan', title: 'Công chức Tư pháp – Hộ tịch', pin: null };
const HUNG = { code: 'VP02', name: 'Trần Văn Hùng', title: '', pin: { algorithm: 'PBKDF2', key: 'ab' } };

test('the local day is the calendar date where the tablet is', () => {
  assert.equal(localDay(new Date(2026, 0, 5, 23, 59)), '2026-01-05');
  assert.equal(localDay(new Date(2026, 11, 31, 0, 0)), '2026-12-31');
});

test('a choice made today names the official while the config lists them', () => {
  const now = new Date(2026, 4, 19, 10, 0);
  assert.equal(servingOfficial({ code: 'TP01', day: '2026-05-19' }, [HUNG, LAN], now), LAN);
});

test('it lapses the next day, or when the official left the config', () => {
  const tomorrow = new Date(2026, 4, 20, 0, 0, 1);
  assert.equal(servingOfficial({ code: 'TP01', day: '2026-05-19' }, [LAN], tomorrow), null);
  assert.equal(servingOfficial({ code: 'TP01', day: '2026-05-20' }, [HUNG], tomorrow), null);
  assert.equal(servingOfficial(null, [LAN], tomorrow), null);
  assert.equal(servingOfficial({ code: 'TP01', day: '2026-05-20' }, undefined, tomorrow), null);
});

test('label with and without a title; only officials with a PIN sign in themselves', () => {
  assert.equal(officialLabel(LAN), 'Nguyễn Thị Lan — Công chức Tư pháp – Hộ tịch');
  assert.equal(officialLabel(HUNG), 'Trần Văn Hùng');
  assert.equal(canSignIn(LAN), false);
  assert.equal(canSignIn(HUNG), true);
});

test('midnight is counted from the local clock', () => {
  assert.equal(msUntilTomorrow(new Date(2026, 4, 19, 23, 59, 0)), 60 * 1000);
});
