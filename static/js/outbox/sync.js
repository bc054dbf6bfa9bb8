// Layer 3 of the outbox: the replay policy. No DOM.
//
// - one flush at a time: within the tab (a promise) and across tabs (Web Locks, where present);
// - batches of at most `batchSize`, oldest first; a 413 or a 400 splits the batch in two until
//   the one response the server cannot take is found, which then goes to the dead letters;
// - a response leaves the outbox only when the reply lists its id (accepted or duplicate):
//   a fetch that resolves with a 500 or a reply that lists nothing is a failure, not a success;
// - failures back off exponentially with jitter (cap 5 min, backoff.js); `Retry-After` is honoured;
// - each request has a timeout (AbortController), so a dead connection cannot wedge the loop;
// - a response is only ever sent under a token of the unit it was collected for: after a
//   re-enrollment for another unit the old unit's responses go to the dead letters instead;
//   `unitBound: false` turns that off for devices whose records name their own unit (the
//   field app: one surveyor's phone, interviews about many wards, each item with `unit`);
// - 401/403 from the API itself (unknown or revoked token) are reported to `onUnauthorized`.

import { backoffDelay, retryAfterMs } from './backoff.js';

export const LOCK_NAME = 'hailong-outbox-flush';
const BUSY_RETRY_MS = 5000;
const OFFLINE_RETRY_MS = 30000;

function isIdList(value) {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}

function validReply(body) {
  return Boolean(body) && isIdList(body.accepted) && isIdList(body.duplicates) && Array.isArray(body.rejected);
}

async function errorBody(reply) {
  try {
    const body = await reply.json();
    return body && typeof body === 'object' ? body : {};
  } catch {
    return {};
  }
}

async function errorMessage(reply) {
  const body = await errorBody(reply);
  return body.message || body.error || `HTTP ${reply.status}`;
}

export class Syncer {
  constructor({
    outbox,
    getToken,
    getUnit = () => null,
    unitBound = true, // false: records carry their own unit; no getUnit, no setAsideForeign
    payloadOf,
    url = '/api/v1/sync',
    extraHeaders = async () => ({}),
    batchSize = 100,
    timeoutMs = 20000,
    capMs = 300000,
    onChange = () => {},
    onSuccess = () => {},
    onUnauthorized = () => {},
  }) {
    Object.assign(this, { outbox, getToken, getUnit, unitBound, payloadOf, url, extraHeaders, batchSize, timeoutMs, capMs });
    Object.assign(this, { onChange, onSuccess, onUnauthorized });
    this.attempt = 0;
    this.notBefore = 0;
    this.size = batchSize; // shrinks on 413/400, grows back after each accepted batch
    this.running = null;
    this.again = false;
    this.timer = null;
    this.timerAt = 0;
    // Running totals since the page loaded, so a caller can tell what one flush did.
    this.sent = 0; // acknowledged by the server (accepted or duplicate), removed from the outbox
    this.rejected = 0; // refused by the server, moved to the dead letters
  }

  // The network came back: forget the backoff earned while it was away.
  resetBackoff() {
    this.attempt = 0;
    this.notBefore = 0;
  }

  // Ask for a flush. Without `force` it waits out a backoff or Retry-After in progress.
  flush({ force = false } = {}) {
    if (globalThis.navigator?.onLine === false) {
      // Certainly offline (only "true" can be wrong): the `online` event will call us;
      // a slow timer covers browsers that miss the event.
      this.schedule(OFFLINE_RETRY_MS);
      return Promise.resolve('offline');
    }
    if (!force && Date.now() < this.notBefore) {
      this.schedule(this.notBefore - Date.now());
      return Promise.resolve('deferred');
    }
    if (this.running) {
      this.again = true; // something new arrived while flushing: go round once more
      return this.running;
    }
    this.running = this.withLock(() => this.drain())
      .catch((error) => this.failed(`internal: ${error && error.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.flush();
        }
      });
    return this.running;
  }

  withLock(work) {
    if (!globalThis.navigator?.locks?.request) return work();
    return navigator.locks.request(LOCK_NAME, { ifAvailable: true }, (lock) => {
      if (!lock) {
        this.schedule(BUSY_RETRY_MS); // another tab is flushing the same outbox
        return 'busy';
      }
      return work();
    });
  }

  schedule(delayMs) {
    const at = Date.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delayMs);
  }

  async drain() {
    for (;;) {
      const token = await this.getToken();
      const unit = this.unitBound ? await this.getUnit() : null;
      if (!token || (this.unitBound && !unit)) return (await this.outbox.readyCount()) ? 'no-token' : 'empty';
      if (this.unitBound) await this.setAsideForeign(unit);
      const batch = await this.outbox.nextBatch(this.size);
      if (!batch.length) return 'empty';
      let reply;
      try {
        reply = await this.post(batch, token);
      } catch (error) {
        return this.failed(error && error.name === 'AbortError' ? 'timeout' : 'network');
      }
      if (reply.ok) {
        const outcome = await this.apply(batch, reply);
        if (outcome !== 'ok') return outcome;
        this.size = Math.min(this.batchSize, this.size * 2);
        continue;
      }
      if (reply.status === 413 || reply.status === 400) {
        if (batch.length > 1) {
          this.size = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }
        // This one response is refused on its own: keep it for staff, go on with the rest.
        const message = await errorMessage(reply);
        this.rejected += await this.outbox.deadLetter([{ id: batch[0].id, errors: { request: message } }]);
        this.changed();
        continue;
      }
      if (reply.status === 401 || reply.status === 403) {
        const body = await errorBody(reply);
        this.onUnauthorized(reply.status, body.error);
        return this.failed(`HTTP ${reply.status}: ${body.message || body.error || 'refused'}`);
      }
      const wait = retryAfterMs(reply.headers.get('Retry-After'));
      return this.failed(`HTTP ${reply.status}: ${await errorMessage(reply)}`, wait);
    }
  }

  // Responses collected for another unit than the enrolled one go to the dead letters (kept
  // for staff, never sent): the new kiosk's token would file them under the wrong unit.
  async setAsideForeign(unit) {
    const foreign = await this.outbox.foreign(unit);
    if (!foreign.length) return;
    await this.outbox.deadLetter(
      foreign.map((record) => ({
        id: record.id,
        reason: 'other_unit',
        errors: { unit: `collected for unit ${record.unit_slug || '?'}, this tablet is now enrolled for ${unit}` },
      })),
    );
    this.changed();
  }

  async post(batch, token) {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const headers = {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
        ...(await this.extraHeaders()),
      };
      const body = JSON.stringify({
        device_time: new Date().toISOString(),
        responses: batch.map((record) => this.payloadOf(record)),
      });
      return await fetch(this.url, { method: 'POST', headers, body, signal: controller.signal, cache: 'no-store' });
    } finally {
      clearTimeout(timeout);
    }
  }

  async apply(batch, reply) {
    let body;
    try {
      body = await reply.json();
    } catch {
      body = null;
    }
    if (!validReply(body)) return this.failed('unexpected reply from the server');
    const sent = new Set(batch.map((record) => record.id));
    const done = [...body.accepted, ...body.duplicates].filter((id) => sent.has(id));
    const rejected = body.rejected.filter((item) => item && sent.has(item.id));
    this.sent += await this.outbox.acknowledge(done);
    this.rejected += await this.outbox.deadLetter(rejected);
    if (!done.length && !rejected.length) return this.failed('the server acknowledged none of the batch');
    this.attempt = 0;
    this.notBefore = 0;
    await this.outbox.setMetas({ last_sync_at: new Date().toISOString(), server_time: body.server_time });
    this.changed();
    this.onSuccess();
    return 'ok';
  }

  async failed(reason, waitMs = null) {
    const delay = waitMs ?? backoffDelay(this.attempt, { capMs: this.capMs });
    this.attempt += 1;
    this.notBefore = Date.now() + delay;
    this.schedule(delay);
    await this.outbox.setMetas({ last_error: reason, last_error_at: new Date().toISOString() });
    this.changed();
    return 'failed';
  }

  changed() {
    try {
      this.onChange();
    } catch {
      // the display is not the outbox's business
    }
  }
}
