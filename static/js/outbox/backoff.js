// When to try the server again: the one retry policy of the kiosk, used by the outbox's sync
// loop (sync.js) and by the config refresh (kiosk/main.js). Pure functions, no DOM.

// "Equal jitter": half the exponential delay fixed, half random, so retries from many
// tablets spread out but never come back sooner than half the nominal delay.
export function backoffDelay(attempt, { baseMs = 1000, capMs = 300000, random = Math.random } = {}) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

// Retry-After is either delta-seconds or an HTTP date.
export function retryAfterMs(value, now = Date.now()) {
  if (value == null || value === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, when - now);
}
