// Layer 1 of the outbox: the IndexedDB schema. No fetch, no DOM.
//
// Upgrades are cumulative (`if (oldVersion < N)`): a tablet that skipped versions runs every
// step in order, and no step deletes a store, so a schema change can never lose the queue.
import { openDB } from '../../vendor/idb/idb.js';

export const DB_NAME = 'hailong-kiosk';
export const DB_VERSION = 3;
// An outbox record's `state`: a survey still being answered, or one the sync loop may send.
export const DRAFT = 'draft';
export const READY = 'ready';

// outbox: responses not yet acknowledged, keyed by their UUIDv7 id (so key order = time order).
//         A record in state DRAFT is a survey still being answered (its rating is already
//         safe); sync only sends records in state READY. Since v2 each record carries the
//         `unit_slug` it was collected for: after a re-enrollment only the same unit's
//         responses are sent under the new token. Since v3 two indexes: `state` (count and
//         read the ready ones, find the drafts) and `unit_state` ([unit_slug, state]: count a
//         unit's ready ones), so the sync loop counts instead of reading the whole queue.
// dead:   responses the server rejected, with its errors, kept for staff (never dropped).
// meta:   key/value: token, kiosk, config + etag, last sync, last error, storage persisted.
// `onBlocking` runs when a newer version of the app (another tab) needs to upgrade the schema:
// this connection closes so the upgrade can proceed, and the caller should reload.
export async function openKioskDb({ name = DB_NAME, onBlocking = () => {} } = {}) {
  const db = await openDB(name, DB_VERSION, {
    async upgrade(database, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('dead', { keyPath: 'id' });
        database.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        // v2: stamp queued responses with the unit of the kiosk that collected them (v1 had
        // one enrollment per queue, so that is the unit in `meta`). Only IndexedDB requests
        // are awaited here, so the upgrade transaction stays open until every record is done
        // and the database opens only afterwards.
        const meta = transaction.objectStore('meta');
        const kiosk = await meta.get('kiosk');
        const config = await meta.get('config');
        const slug = kiosk?.unit?.slug || config?.unit?.slug;
        const outbox = transaction.objectStore('outbox');
        for (let cursor = await outbox.openCursor(); slug && cursor; cursor = await cursor.continue()) {
          if (!cursor.value.unit_slug) await cursor.update({ ...cursor.value, unit_slug: slug });
        }
      }
      if (oldVersion < 3) {
        // v3: indexes for counting. Earlier code sent every record that was not a draft, so
        // a record without a known state is made "ready" here: an index leaves out records
        // that lack its key, and none may drop out of the queue.
        const outbox = transaction.objectStore('outbox');
        outbox.createIndex('state', 'state');
        outbox.createIndex('unit_state', ['unit_slug', 'state']);
        for (let cursor = await outbox.openCursor(); cursor; cursor = await cursor.continue()) {
          const { state } = cursor.value;
          if (state !== DRAFT && state !== READY) await cursor.update({ ...cursor.value, state: READY });
        }
      }
      // Next schema change: `if (oldVersion < 4) { … }`, adding to what exists, deleting nothing.
    },
    blocking() {
      db.close();
      onBlocking();
    },
  });
  return db;
}
