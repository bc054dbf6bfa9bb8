// Layer 2 of the outbox: queue operations on the IndexedDB stores. No fetch, no DOM.
// Every method is one short transaction; none waits for anything but IndexedDB inside it
// (awaiting a network call inside a transaction would let it auto-commit half done).

const READY = 'ready';
const DRAFT = 'draft';

// What the server gets: the record minus our local bookkeeping fields.
export function payloadOf(record) {
  const { state, touched_at: _touched, unit_slug: _unit, ...payload } = record;
  return payload;
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
    let count = 0;
    for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
      if (cursor.value.state === DRAFT) {
        const submitted = cursor.value.touched_at || cursor.value.started_at;
        await cursor.update({ ...cursor.value, submitted_at: submitted, state: READY });
        count += 1;
      }
    }
    await tx.done;
    return count;
  }

  // Unacknowledged responses, drafts included (what [data-outbox-count] shows).
  count() {
    return this.db.count('outbox');
  }

  async readyCount() {
    return (await this.db.getAll('outbox')).filter((r) => r.state !== DRAFT).length;
  }

  // The oldest `limit` ready responses (ids are UUIDv7, so key order is submission order).
  async nextBatch(limit) {
    const batch = [];
    const tx = this.db.transaction('outbox');
    for (let cursor = await tx.store.openCursor(); cursor && batch.length < limit; cursor = await cursor.continue()) {
      if (cursor.value.state !== DRAFT) batch.push(cursor.value);
    }
    await tx.done;
    return batch;
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
        response: payloadOf(record),
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
  // re-enrollment for another unit they must not be sent under the new token.
  async foreign(unit) {
    return (await this.db.getAll('outbox')).filter((r) => r.state !== DRAFT && r.unit_slug !== unit);
  }

  deadLetters() {
    return this.db.getAll('dead');
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
