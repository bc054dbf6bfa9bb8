// The kiosk API calls besides sync: enrollment, the config (SPEC section 9) and handing the
// dead letters over to the server's quarantine.

export const ENROLL_URL = '/api/v1/kiosk/enroll';
export const DEAD_LETTERS_URL = '/api/v1/kiosk/dead-letters';
const TIMEOUT_MS = 15000;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function request(url, options) {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(url, { ...options, signal: controller.signal, cache: 'no-store' });
  } finally {
    clearTimeout(timeout);
  }
}

export async function failure(reply) {
  let body = {};
  try {
    body = await reply.json();
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(reply.status, body.error || 'http_error', body.message || `HTTP ${reply.status}`);
}

// -> {token, kiosk}
export async function enroll(code) {
  const reply = await request(ENROLL_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (!reply.ok) throw await failure(reply);
  return reply.json();
}

// -> {status: 304} when `etag` is still current, else {status: 200, config, etag, offlineCopy}.
// `offlineCopy` is set when the service worker answered from its cache (no network).
// `url` comes with the boot data: the service worker answers that same URL when offline.
export async function fetchConfig({ url, token, etag, headers = {} }) {
  const reply = await request(url, {
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      ...(etag ? { 'If-None-Match': etag } : {}),
      ...headers,
    },
  });
  if (reply.status === 304) return { status: 304 };
  if (!reply.ok) throw await failure(reply);
  return {
    status: 200,
    config: await reply.json(),
    etag: reply.headers.get('ETag'),
    offlineCopy: reply.headers.get('X-Kiosk-Offline-Copy') === '1',
  };
}

// -> the ids the server now keeps in its quarantine (the tablet may delete them).
export async function handOverDeadLetters({ token, letters, headers = {} }) {
  const items = letters.map(({ id, response, errors, reason }) => ({ id, response, errors, ...(reason ? { reason } : {}) }));
  const reply = await request(DEAD_LETTERS_URL, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: `Bearer ${token}`,
      ...headers,
    },
    body: JSON.stringify({ items }),
  });
  if (!reply.ok) throw await failure(reply);
  return (await reply.json()).held;
}
