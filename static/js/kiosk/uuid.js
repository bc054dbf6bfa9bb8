// UUIDv7 (RFC 9562, section 5.7): 48-bit Unix milliseconds, version 7, 12 bits that we use
// as a per-millisecond counter (method 1 of section 6.2, "fixed bit-length dedicated
// counter") so that ids made in the same millisecond still sort in creation order, the
// variant bits, and 62 random bits. Time-ordered keys keep the server's index append-only.

let lastMs = -1;
let counter = 0;

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function uuidv7(now = Date.now()) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = Math.max(now, lastMs); // never go backwards if the clock is set back a little
  if (ms === lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      ms += 1; // counter exhausted: borrow the next millisecond (RFC 9562, 6.2)
      counter = 0;
    }
  } else {
    counter = (bytes[6] & 0x07) << 8 | bytes[7]; // random start, top bit clear leaves room
  }
  lastMs = ms;
  // 48-bit big-endian timestamp (2 ** 48 ms is year 10889; split to stay within safe integers).
  const high = Math.floor(ms / 2 ** 16);
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (counter >>> 8); // version 7 + counter high 4 bits
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
