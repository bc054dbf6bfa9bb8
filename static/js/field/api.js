// The field app's calls besides sync and the config (kiosk/api.js fetchConfig serves both):
// the device token a signed-in surveyor's page asks for, and ending the web session.
import { failure, request } from '../kiosk/api.js';

// -> {token, device}. `csrf` is the page's <meta name="csrf-token"> (SPEC 9).
export async function requestToken(url, csrf) {
  const reply = await request(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf },
    body: '{}',
  });
  if (!reply.ok) throw await failure(reply);
  return reply.json();
}

// POST /logout with the session's CSRF token; the reply is a redirect to the login page,
// which is not followed. -> whether the server answered.
export async function endSession(url, csrf) {
  try {
    const reply = await request(url, {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { 'X-CSRFToken': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf }).toString(),
    });
    return reply.type === 'opaqueredirect' || reply.ok || reply.status < 500;
  } catch {
    return false;
  }
}
