// Layer 1 of the outbox: the IndexedDB schema. No fetch, no DOM.
//
// Upgrades are cumulative (`if (oldVersion < N)`): a tablet that skipped versions runs every
// step in order, and no step deletes a store, so a schema change can never lose the queue.
import { openDB } from '../../vendor/idb/idb.js';

export const DB_NAME = 'hailong-kiosk';
export const DB_VERSION = 1;

// outbox: responses not yet acknowledged, keyed by their UUIDv7 id (so key order = time order).
//         A record in state "draft" is a survey still being answered (its rating is already
//         safe); sync only sends records in state "ready".
// dead:   responses the server rejected, with its errors, kept for staff (never dropped).
// meta:   key/value: token, kiosk, config + etag, last sync, last error, storage persisted.
// `onBlocking` runs when a newer version of the app (another tab) needs to upgrade the schema:
// this connection closes so the upgrade can proceed, and the caller should reload.
export async function openKioskDb({ name = DB_NAME, onBlocking = () => {} } = {}) {
  const db = await openDB(name, DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('outbox', { keyPath: 'id' });
        database.createObjectStore('dead', { keyPath: 'id' });
        database.createObjectStore('meta');
      }
      // Next schema change: `if (oldVersion < 2) { … }`, adding to what exists.
    },
    blocking() {
      db.close();
      onBlocking();
    },
  });
  return db;
}
