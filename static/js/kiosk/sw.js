// The kiosk's service worker. /kiosk/sw.js serves this file with `const BUILD = {…}` put in
// front of it: the app version, the cache names and the list of files to precache
// (webapp/kiosk/shell.py, which hands the page the same config cache name).
//
// - install: precache the shell and its files into a cache named after the version;
// - activate: delete every older kiosk cache (never the config cache), take control at once;
// - fetch: the shell and precached files from the cache (works offline, after reboots);
//   the config network-first with the last good copy as fallback; everything else (the sync
//   POSTs in particular) straight to the network, untouched.
/* global BUILD */

const PREFIX = BUILD.cache_prefix;
const SHELL_CACHE = BUILD.shell_cache;
const CONFIG_CACHE = BUILD.config_cache; // main.js writes the first copy (copyConfigForWorker)
const CONFIG_PATH = BUILD.config_url;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // cache: 'no-cache' revalidates with the server: a new version never precaches a stale
      // file, and what the page has just downloaded comes back as a bodiless 304.
      await cache.addAll(BUILD.precache.map((url) => new Request(url, { cache: 'no-cache' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== SHELL_CACHE && name !== CONFIG_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

function inScope(url) {
  return url.pathname === BUILD.scope || url.pathname.startsWith(`${BUILD.scope}/`);
}

let shellCache = null; // opened once per worker start: an offline boot fetches a dozen files
function openShellCache() {
  shellCache = shellCache || caches.open(SHELL_CACHE);
  return shellCache;
}

async function shell() {
  const cache = await openShellCache();
  return (await cache.match(BUILD.shell)) || fetch(BUILD.shell);
}

async function precached(request) {
  const cache = await openShellCache();
  return (await cache.match(request, { ignoreSearch: true })) || fetch(request);
}

// Network first; on failure the last good config, marked so the page knows it is a copy.
async function config(request) {
  const cache = await caches.open(CONFIG_CACHE);
  try {
    const response = await fetch(request);
    if (response.status === 200) await cache.put(CONFIG_PATH, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(CONFIG_PATH);
    if (!copy) throw error;
    const headers = new Headers(copy.headers);
    headers.set('X-Kiosk-Offline-Copy', '1');
    return new Response(await copy.blob(), { status: 200, headers });
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && inScope(url) && url.pathname !== `${BUILD.scope}/sw.js`) {
    event.respondWith(shell());
  } else if (url.pathname === CONFIG_PATH) {
    event.respondWith(config(request));
  } else if (BUILD.precache.includes(url.pathname)) {
    event.respondWith(precached(request));
  }
});
