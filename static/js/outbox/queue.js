// Layer 2 of the outbox: queue operations on the IndexedDB stores. No fetch, no DOM.
// Every method is one short transaction; none waits for anything but IndexedDB inside it
// (awaiting a network call inside a transaction would let it auto-commit half done).
// Counts and batches read the `state` indexes (db.js), never the whole queue.
import { DRAFT, READY } from './db.js';

// What the server gets: the record minus our local bookkeeping fields. An app keeps any
// further bookkeeping of its own (the field app: the section an interview is at) under
// `local`, which is never sent either.
export function payloadOf(record) {
  const { state, touched_at: _touched, unit_slug: _unit, local: _local, ...payload } = record;
  return payload;
}

// A dead letter is never sent again, only shown to staff: a citizen's phone number (SPEC 13)
// must not stay behind on a shared tablet, so it is dropped, leaving a mark that there was one.
export function withoutContact(payload) {
  if (!payload.contact) return payload;
  const { contact: _contact, ...kept } = payload;
  return { ...kept, contact_removed: true };
}

export class Outbox {
  constructor(db) {
    this.db = db;
  }

  // A survey in progress: its one-tap answer is already durable.
  async saveDraft(response) {
    await this.db.put('outbox', { ...response, state: DRAFT, touched_at: new Date().toISOString() });
  }

  async updateDraft(id, changes) {
    const tx = this.db.transaction('outbox', 'readwrite');
    const record = await tx.store.get(id);
    if (record && record.state === DRAFT) {
      await tx.store.put({ ...record, ...changes, touched_at: new Date().toISOString() });
    }
    await tx.done;
  }

  // Final answers; from now on the sync loop may send it. Resolves only once committed.
  async submit(id, changes) {
    const tx = this.db.transaction('outbox', 'readwrite');
    const record = await tx.store.get(id);
    if (record) await tx.store.put({ ...record, ...changes, state: READY });
    await tx.done;
    return Boolean(record);
  }

  // After a reload or crash nobody will finish an open survey: submit it as it stands
  // (the rating alone is a complete response), stamped with its last touch.
  async submitAbandonedDrafts() {
    const tx = this.db.transaction('outbox', 'readwrite');
    const drafts = await tx.store.index('state').getAll(DRAFT);
    for (const draft of drafts) {
      await tx.store.put({ ...draft, submitted_at: draft.touched_at || draft.started_at, state: READY });
    }
    await tx.done;
    return drafts.length;
  }

  // Surveys still being answered (the field app lists them to be resumed).
  drafts() {
    return this.db.getAllFromIndex('outbox', 'state', DRAFT);
  }

  // Unacknowledged responses, drafts included (what [data-outbox-count] shows).
  count() {
    return this.db.count('outbox');
  }

  readyCount() {
    return this.db.countFromIndex('outbox', 'state', READY);
  }

  // The oldest `limit` ready responses: within one index key records come in primary-key
  // order, and ids are UUIDv7, so that is submission order.
  nextBatch(limit) {
    return this.db.getAllFromIndex('outbox', 'state', READY, limit);
  }

  // Remove exactly the ids the server listed (accepted or duplicate). Returns how many went.
  async acknowledge(ids) {
    if (!ids.length) return 0;
    const tx = this.db.transaction('outbox', 'readwrite');
    let removed = 0;
    for (const id of ids) {
      if (await tx.store.getKey(id)) {
        await tx.store.delete(id);
        removed += 1;
      }
    }
    await tx.done;
    return removed;
  }

  // Move rejected responses to the dead-letter store in one transaction (never both or neither).
  // `reason` marks rejections made on the tablet itself (e.g. 'other_unit'), for staff.
  async deadLetter(rejections) {
    if (!rejections.length) return 0;
    const tx = this.db.transaction(['outbox', 'dead'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const dead = tx.objectStore('dead');
    let moved = 0;
    const now = new Date().toISOString();
    for (const { id, errors, reason } of rejections) {
      const record = await outbox.get(id);
      if (!record) continue;
      await dead.put({
        id,
        response: withoutContact(payloadOf(record)),
        unit_slug: record.unit_slug,
        errors: errors || {},
        ...(reason ? { reason } : {}),
        rejected_at: now,
      });
      await outbox.delete(id);
      moved += 1;
    }
    await tx.done;
    return moved;
  }

  // Ready responses collected for another unit than `unit` (or for an unknown one): after a
  // re-enrollment for another unit they must not be sent under the new token. Two index
  // counts answer "none" (the usual case, asked on every sync round) without reading records.
  async foreign(unit) {
    const tx = this.db.transaction('outbox');
    const byState = tx.store.index('state');
    const [ready, ours] = await Promise.all([
      byState.count(READY),
      tx.store.index('unit_state').count([unit, READY]),
    ]);
    const records = ready === ours ? [] : (await byState.getAll(READY)).filter((r) => r.unit_slug !== unit);
    await tx.done;
    return records;
  }

  deadLetters() {
    return this.db.getAll('dead');
  }

  // The dead letters the server now keeps (handed over by staff): gone from the tablet.
  async removeDead(ids) {
    const tx = this.db.transaction('dead', 'readwrite');
    for (const id of ids) await tx.store.delete(id);
    await tx.done;
  }

  async getMeta(key, fallback = undefined) {
    const value = await this.db.get('meta', key);
    return value === undefined ? fallback : value;
  }

  setMeta(key, value) {
    return this.db.put('meta', value, key);
  }

  async setMetas(values) {
    const tx = this.db.transaction('meta', 'readwrite');
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) await tx.store.delete(key);
      else await tx.store.put(value, key);
    }
    await tx.done;
  }
}
