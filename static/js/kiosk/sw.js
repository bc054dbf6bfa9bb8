// The kiosk's service worker, also the field app's. /kiosk/sw.js and /field/sw.js serve this
// file with `const BUILD = {…}` put in front of it: the app version, the cache names and the
// list of files to precache (webapp/kiosk/shell.py AppShell, which hands the page the same
// config cache name). With `BUILD.navigation === 'network-first'` (the field app, whose page
// carries a signed-in surveyor's CSRF token) navigations go to the network first and the
// precached shell, fetched without cookies, answers only when the network fails.
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
const NETWORK_FIRST = BUILD.navigation === 'network-first';
const NAVIGATION_TIMEOUT_MS = 4000; // a phone on one bar of signal: the cached shell sooner

// The shell page itself is fetched without cookies when the live page may differ per user:
// the cached copy must be the anonymous one (no CSRF token kept in a cache).
function precacheRequest(url) {
  const anonymous = NETWORK_FIRST && url === BUILD.shell;
  return new Request(url, { cache: 'no-cache', ...(anonymous ? { credentials: 'omit' } : {}) });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // cache: 'no-cache' revalidates with the server: a new version never precaches a stale
      // file, and what the page has just downloaded comes back as a bodiless 304.
      await cache.addAll(BUILD.precache.map(precacheRequest));
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

// Network first (the live page, never cached), the precached shell when that fails or is slow.
async function liveShell(request) {
  const live = fetch(request);
  const quick = await Promise.race([
    live.catch(() => null),
    new Promise((resolve) => {
      setTimeout(resolve, NAVIGATION_TIMEOUT_MS, null);
    }),
  ]);
  if (quick) return quick;
  const cache = await openShellCache();
  return (await cache.match(BUILD.shell)) || live;
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
    event.respondWith(NETWORK_FIRST ? liveShell(request) : shell());
  } else if (url.pathname === CONFIG_PATH) {
    event.respondWith(config(request));
  } else if (BUILD.precache.includes(url.pathname)) {
    event.respondWith(precached(request));
  }
});
