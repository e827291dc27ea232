// The client end of countersign-core's SecureChannel: AES-256-GCM per direction, keys from HKDF-SHA-256 over the
// SRP session key K with the session id as salt, nonce = direction (u32) | sequence (u64), the whole header as
// associated data (X.1279 §9.4; A-G8, A-G9). Also the RemotePayload layout (JSON part and binary attachments).
import { concat, sameBytes } from './srp.js';

const C2S = 1;
const S2C = 2;
const enc = new TextEncoder();
const subtle = () => globalThis.crypto.subtle;

async function directionKey(K, sessionId, label) {
  const ikm = await subtle().importKey('raw', K, 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: sessionId,
    info: enc.encode('countersign/channel/v1/' + label) }, ikm, 256);
  return subtle().importKey('raw', bits, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

function header(sessionId, direction, sequence, type, nonce, millis) {
  const b = new Uint8Array(1 + 1 + 1 + sessionId.length + 8 + 2 + 1 + nonce.length + 8);
  const v = new DataView(b.buffer);
  let o = 0;
  b[o++] = 1; b[o++] = direction; b[o++] = sessionId.length; b.set(sessionId, o); o += sessionId.length;
  v.setBigUint64(o, BigInt(sequence)); o += 8;
  v.setUint16(o, type); o += 2;
  b[o++] = nonce.length; b.set(nonce, o); o += nonce.length;
  v.setBigUint64(o, BigInt(millis));
  return b;
}

function iv(direction, sequence) {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint32(0, direction);
  v.setBigUint64(4, BigInt(sequence));
  return b;
}

export class Channel {
  static async open(K, sessionId) {
    const c = new Channel();
    c.sessionId = sessionId;
    c.sendKey = await directionKey(K, sessionId, 'c2s');
    c.receiveKey = await directionKey(K, sessionId, 's2c');
    c.sent = 0;
    c.received = 0;
    return c;
  }

  /** Seals the next message; returns the SealedMessage bytes. */
  async seal(type, nonce, plaintext) {
    const sequence = ++this.sent;
    const h = header(this.sessionId, C2S, sequence, type, nonce, Date.now());
    const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: iv(C2S, sequence),
      additionalData: h, tagLength: 128 }, this.sendKey, plaintext));
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, ct.length);
    return concat(h, len, ct);
  }

  /** Opens a server message: direction, session, type, nonce and sequence checked, then the tag. */
  async open(bytes, expectedType, expectedNonce) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let o = 0;
    if (bytes[o++] !== 1) throw new Error('unknown message version');
    const direction = bytes[o++];
    const sidLen = bytes[o++];
    const sid = bytes.slice(o, o + sidLen); o += sidLen;
    const sequence = Number(v.getBigUint64(o)); o += 8;
    const type = v.getUint16(o); o += 2;
    const nLen = bytes[o++];
    const nonce = bytes.slice(o, o + nLen); o += nLen;
    o += 8; // timestamp (authenticated)
    const h = bytes.slice(0, o);
    const ctLen = v.getUint32(o); o += 4;
    if (ctLen !== bytes.length - o) throw new Error('ciphertext length does not match');
    if (direction !== S2C || !sameBytes(sid, this.sessionId)) throw new Error('message of another session or direction');
    if (type !== expectedType) throw new Error('unexpected message type');
    if (expectedNonce && !sameBytes(nonce, expectedNonce)) throw new Error('not bound to the challenge');
    if (sequence <= this.received) throw new Error('replayed server message');
    const plain = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: iv(S2C, sequence),
      additionalData: h, tagLength: 128 }, this.receiveKey, bytes.slice(o)));
    this.received = sequence;
    return plain;
  }
}

/** RemotePayload v1: JSON plus attachments (frames travel as raw JPEG bytes). */
export function encodePayload(json, attachments = []) {
  const j = enc.encode(typeof json === 'string' ? json : JSON.stringify(json));
  const parts = [new Uint8Array([1]), u32(j.length), j, u16(attachments.length)];
  for (const a of attachments) parts.push(u32(a.length), a);
  return concat(...parts);
}

export function decodePayload(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 1) throw new Error('unknown payload version');
  const n = v.getUint32(1);
  return JSON.parse(new TextDecoder().decode(bytes.slice(5, 5 + n)));
}

function u32(n) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; }
function u16(n) { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, n); return b; }

export const TYPES = { REQUEST: 0x0501, CHALLENGE: 0x0502, CAPTURE: 0x0503, RESULT: 0x0504, FRAMES: 0x0505, PROMPT: 0x0506 };
