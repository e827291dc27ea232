// Protocol core of the web authenticator: byte formats, the server authentication code and the signatures of
// docs/oob-api.md. No DOM here, so the same module runs in the page and under `node --test`.
// Every format mirrors a Java class in countersign-core (org.countersign.core.oob); a change there must be made
// here too, and the fixture test catches a mismatch.

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// ---------------------------------------------------------------- encodings

export function b64uEncode(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function b64uDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(hex) {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('not hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle.digest('SHA-256', bytes));
}

// ---------------------------------------------------------------- offset (X.1280 §8.3)

export class OffsetFormatError extends Error {}

/** Canonical text of an address, the same as the Java side prints it (dotted quad, or 8 bare hex groups). */
export function ipText(bytes) {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/**
 * Strict reader for the version-1 offset encoding (Offset.java): the phone must show exactly the fields that the
 * code was computed over, so anything malformed is refused instead of guessed at.
 */
export function decodeOffset(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new OffsetFormatError('offset must be bytes');
  if (bytes.length < 4 || bytes[0] !== 0x43 || bytes[1] !== 0x53 || bytes[2] !== 0x4f) {
    throw new OffsetFormatError('wrong magic');
  }
  if (bytes[3] !== 1) throw new OffsetFormatError('unknown offset version ' + bytes[3]);
  let pos = 4;
  const field = (tag, min, max) => {
    if (pos + 3 > bytes.length) throw new OffsetFormatError('truncated before field ' + tag);
    if (bytes[pos] !== tag) throw new OffsetFormatError('expected field ' + tag + ', found ' + bytes[pos]);
    const len = (bytes[pos + 1] << 8) | bytes[pos + 2];
    pos += 3;
    if (len < min || len > max) throw new OffsetFormatError('field ' + tag + ' has a bad length ' + len);
    if (pos + len > bytes.length) throw new OffsetFormatError('field ' + tag + ' runs past the end');
    const v = bytes.subarray(pos, pos + len);
    pos += len;
    return v;
  };
  const ip = (tag, optional) => {
    const v = field(tag, optional ? 0 : 4, 16);
    if (v.length !== 0 && v.length !== 4 && v.length !== 16) {
      throw new OffsetFormatError('field ' + tag + ' is not an IPv4 or IPv6 address');
    }
    return v.length === 0 ? null : ipText(v);
  };
  const text = (tag, max) => {
    try {
      return strictUtf8.decode(field(tag, 1, max));
    } catch (e) {
      if (e instanceof OffsetFormatError) throw e;
      throw new OffsetFormatError('field ' + tag + ' is not UTF-8');
    }
  };
  const offset = {
    rpServerIp: ip(1, false),
    rpSessionId: text(2, 512),
    terminalPublicIp: ip(3, false),
    terminalPrivateIp: ip(4, true),
    browser: text(5, 128),
    browserVersion: text(6, 64),
    userId: text(7, 256),
    requestTime: 0,
  };
  const time = field(8, 8, 8);
  const millis = new DataView(time.buffer, time.byteOffset, 8).getBigUint64(0);
  if (millis > BigInt(Number.MAX_SAFE_INTEGER)) throw new OffsetFormatError('request time out of range');
  offset.requestTime = Number(millis);
  if (pos !== bytes.length) throw new OffsetFormatError(bytes.length - pos + ' trailing bytes');
  return offset;
}

// ---------------------------------------------------------------- OCRA (RFC 6287)

/**
 * Parses an OCRA suite such as OCRA-1:HOTP-SHA256-6:QH64 or OCRA-1:HOTP-SHA1-6:C-QN08-PSHA1-T1M. Session
 * information (S) is not supported: the X.1280 code does not use it.
 */
export function parseSuite(suite) {
  const m = /^OCRA-1:HOTP-(SHA1|SHA256|SHA512)-(\d{1,2}):(.+)$/.exec(suite);
  if (!m) throw new Error('unsupported OCRA suite ' + suite);
  const digits = Number(m[2]);
  if (digits !== 0 && (digits < 4 || digits > 10)) throw new Error('bad digit count in ' + suite);
  const parsed = { suite, hash: m[1].replace('SHA', 'SHA-'), digits, counter: false, question: null, pin: null, timeStep: null };
  for (const part of m[3].split('-')) {
    let q;
    if (part === 'C') parsed.counter = true;
    else if ((q = /^Q([NAH])(\d{2})$/.exec(part))) parsed.question = { format: q[1], max: Number(q[2]) };
    else if ((q = /^P(SHA1|SHA256|SHA512)$/.exec(part))) parsed.pin = q[1];
    else if ((q = /^T(\d+)([SMH])$/.exec(part))) parsed.timeStep = { n: Number(q[1]), unit: q[2] };
    else throw new Error('unsupported OCRA data input ' + part + ' in ' + suite);
  }
  if (!parsed.question) throw new Error('OCRA suite without a question: ' + suite);
  return parsed;
}

/** The 128 question bytes: RFC 6287 §5.2 writes the question as hex, left-aligned and zero-filled. */
function questionBytes(format, question) {
  let hex;
  if (format === 'H') hex = question;
  else if (format === 'N') hex = BigInt(question).toString(16);
  else hex = toHex(utf8.encode(question));
  if (hex.length > 256) throw new Error('question too long');
  return fromHex(hex.padEnd(256, '0'));
}

/**
 * OCRA value for one data input. `input` has `question` (text in the suite's format), and when the suite asks for
 * them `counter` (number), `pinHashHex` and `timeStepsHex`.
 */
export async function ocra(suite, keyBytes, input) {
  const s = parseSuite(suite);
  const parts = [utf8.encode(suite), new Uint8Array([0])];
  if (s.counter) parts.push(u64(input.counter));
  parts.push(questionBytes(s.question.format, input.question));
  if (s.pin) parts.push(fromHex(input.pinHashHex));
  if (s.timeStep) parts.push(u64(BigInt('0x' + input.timeStepsHex)));
  // A stored non-extractable HMAC key may be passed instead of the raw bytes.
  const key = (typeof CryptoKey !== 'undefined' && keyBytes instanceof CryptoKey) ? keyBytes
    : await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: s.hash }, false, ['sign']);
  const mac = new Uint8Array(await subtle.sign('HMAC', key, concat(...parts)));
  // Dynamic truncation of RFC 4226 §5.3.
  const o = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[o] & 0x7f) * 2 ** 24) + (mac[o + 1] << 16) + (mac[o + 2] << 8) + mac[o + 3];
  if (s.digits === 0) return String(bin);
  return String(bin % 10 ** s.digits).padStart(s.digits, '0');
}

/** The X.1280 code (§7.2, §8.3): same suite and question as ServerAuthCode.java. */
export async function serverAuthCode(verificationKey, offsetBytes, digits) {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new Error('codes have 6..10 digits');
  const offsetHash = await sha256(offsetBytes);
  const code = await ocra('OCRA-1:HOTP-SHA256-' + digits + ':QH64', verificationKey, { question: toHex(offsetHash) });
  return { code, offsetHash };
}

// ---------------------------------------------------------------- what the phone signs

export const DECISIONS = Object.freeze({ approve: 1, reject: 2, codes_differ: 3 });

function tlv(tag, value) {
  return concat(new Uint8Array([tag, value.length >>> 8, value.length & 0xff]), value);
}

/** ApprovalStatement.java encoding v1 (magic CSA): binds the decision to the request, offset and code (§8.4, §8.5). */
export function encodeApproval({ requestId, offsetHash, code, decision, signedAt }) {
  if (!/^[\x21-\x7e]{1,128}$/.test(requestId)) throw new Error('bad request id');
  if (!(offsetHash instanceof Uint8Array) || offsetHash.length !== 32) throw new Error('offset hash must be 32 bytes');
  if (!/^\d{6,10}$/.test(code)) throw new Error('code must be 6..10 digits');
  const wire = DECISIONS[decision];
  if (!wire) throw new Error('unknown decision ' + decision);
  return concat(new Uint8Array([0x43, 0x53, 0x41, 1]),
    tlv(1, utf8.encode(requestId)), tlv(2, offsetHash), tlv(3, utf8.encode(code)),
    tlv(4, new Uint8Array([wire])), tlv(5, u64(signedAt)));
}

export const SIGNATURE_ALGORITHM = Object.freeze({ name: 'ECDSA', hash: 'SHA-256' });

/** The string an authenticator signs to open the stream or poll (docs/oob-api.md, "Authenticator signatures"). */
export function requestSigningInput(method, path, authenticatorId, ts) {
  return utf8.encode('countersign-oob-auth-v1\n' + method + '\n' + path + '\n' + authenticatorId + '\n' + ts);
}

/** Query string proving possession of the device key; WebCrypto already returns the P1363 form (r‖s). */
export async function signedQuery(privateKey, method, path, authenticatorId, now = Date.now()) {
  const ts = String(now);
  const sig = new Uint8Array(await subtle.sign(SIGNATURE_ALGORITHM, privateKey,
    requestSigningInput(method, path, authenticatorId, ts)));
  return new URLSearchParams({ authenticatorId, ts, sig: b64uEncode(sig) }).toString();
}

export async function signApproval(privateKey, statement) {
  const bytes = encodeApproval(statement);
  return new Uint8Array(await subtle.sign(SIGNATURE_ALGORITHM, privateKey, bytes));
}

// ---------------------------------------------------------------- PIN (X.1280 §9.2.3, C-S3)

export const PIN_ITERATIONS = 310000;

export function validPin(pin) {
  return typeof pin === 'string' && /^\d{6,12}$/.test(pin);
}

// ---------------------------------------------------------------- PIN-protected approval key (X.1280 §9.2.3)
//
// The approval key signs every decision besides the device key. Its 32-byte private scalar is stored XORed with
// a PBKDF2 stream of the PIN: with no tag, no public key and no signature kept in the browser, a wrong PIN simply
// gives another key, and only the verifier can tell, when the signature fails. So PIN guesses cannot be tested
// offline from a copy of the browser's storage: each one costs a request the verifier counts and locks.

const P256_PKCS8_PREFIX = new Uint8Array([0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01,
  0x01, 0x04, 0x20]);

async function pinStream(pin, salt, iterations) {
  const material = await subtle.importKey('raw', utf8.encode(pin), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, 256));
}

/** Makes the approval key: returns its SPKI for the verifier and the PIN-wrapped scalar to store. */
export async function newApprovalKey(pin, iterations = PIN_ITERATIONS) {
  if (!validPin(pin)) throw new Error('the PIN must have 6 to 12 digits');
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  const d = b64uDecode((await subtle.exportKey('jwk', pair.privateKey)).d);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const mask = await pinStream(pin, salt, iterations);
  const wrapped = d.map((b, i) => b ^ mask[i]);
  d.fill(0);
  mask.fill(0);
  return { spki, wrapped: { salt, iterations, scalar: wrapped } };
}

/** Unwraps with whatever PIN is typed: a wrong PIN gives a wrong (but well-formed) key. */
export async function approvalKeyFor(pin, wrapped) {
  const mask = await pinStream(pin, wrapped.salt, wrapped.iterations);
  const der = new Uint8Array(P256_PKCS8_PREFIX.length + 32);
  der.set(P256_PKCS8_PREFIX);
  der.set(wrapped.scalar.map((b, i) => b ^ mask[i]), P256_PKCS8_PREFIX.length);
  mask.fill(0);
  try {
    return await subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  } finally {
    der.fill(0);
  }
}

/** Normalises a typed or pasted enrolment code (Crockford base32; dashes, spaces and case do not matter). */
export function normaliseEnrolmentCode(text) {
  const s = String(text || '').toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(s) ? s : null;
}
