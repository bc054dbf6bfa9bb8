// Layer 1 of the outbox: the IndexedDB schema. No fetch, no DOM.
//
// Upgrades are cumulative (`if (oldVersion < N)`): a tablet that skipped versions runs every
// step in order, and no step deletes a store, so a schema change can never lose the queue.
import { openDB } from '../../vendor/idb/idb.js';

export const DB_NAME = 'hailong-kiosk';
export const DB_VERSION = 2;

// outbox: responses not yet acknowledged, keyed by their UUIDv7 id (so key order = time order).
//         A record in state "draft" is a survey still being answered (its rating is already
//         safe); sync only sends records in state "ready". Since v2 each record carries the
//         `unit_slug` it was collected for: after a re-enrollment only the same unit's
//         responses are sent under the new token.
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
      // Next schema change: `if (oldVersion < 3) { … }`, adding to what exists, deleting nothing.
    },
    blocking() {
      db.close();
      onBlocking();
    },
  });
  return db;
}
