// SRP-6a client (RFC 2945, RFC 5054) with BigInt and WebCrypto, byte-compatible with countersign-core's
// SrpServerSession: x = H(s | H(I ":" P)), k = H(N | PAD(g)), u = H(PAD(A) | PAD(B)),
// M1 = H(PAD(A) | PAD(B) | PAD(S)), M2 = H(PAD(A) | PAD(M1) | PAD(S)), K = H(PAD(S)) (docs/srp.md).
// The page never sends the device secret: only A and M1 (X.1279 §9.4, A-G7).

export const GROUPS = {
  // RFC 5054 Appendix A. 1024 bits only to replay the Appendix B vectors.
  RFC5054_1024: group('EEAF0AB9ADB38DD69C33F80AFA8FC5E86072618775FF3C0B9EA2314C9C256576D674DF7496EA81D3383B4813D692C6E0E0D5D8E250B98BE48E495C1D6089DAD15DC7D7B46154D6B6CE8EF4AD69B15D4982559B297BCF1885C529F566660E57EC68EDBC3C05726CC02FD4CBF4976EAA9AFD5138FE8376435B9FC61D2FC0EB06E3', 2n),
  RFC5054_2048: group('AC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC3192943DB56050A37329CBB4A099ED8193E0757767A13DD52312AB4B03310DCD7F48A9DA04FD50E8083969EDB767B0CF6095179A163AB3661A05FBD5FAAAE82918A9962F0B93B855F97993EC975EEAA80D740ADBF4FF747359D041D5C33EA71D281E446B14773BCA97B43A23FB801676BD207A436C6481F1D2B9078717461A5B9D32E688F87748544523B524B0D57D5EA77A2775D2ECFA032CFBDBF52FB3786160279004E57AE6AF874E7303CE53299CCC041C7BC308D82A5698F3A8D0C38271AE35F8E9DBFBB694B5C803D89F7AE435DE236D525F54759B65E372FCD68EF20FA7111F9E4AFF73', 2n),
};
export const HASHES = { SHA1: 'SHA-1', SHA256: 'SHA-256' };

function group(hex, g) {
  const N = BigInt('0x' + hex);
  return { N, g, len: hex.length / 2 };
}

const subtle = () => globalThis.crypto.subtle;

export function bytesToBig(b) {
  let hex = '';
  for (const x of b) hex += x.toString(16).padStart(2, '0');
  return hex.length ? BigInt('0x' + hex) : 0n;
}

export function bigToBytes(n, len) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const raw = Uint8Array.from(hex.match(/../g) || [], h => parseInt(h, 16));
  if (len === undefined) return raw;
  if (raw.length > len) throw new Error('value wider than the group');
  const out = new Uint8Array(len);
  out.set(raw, len - raw.length);
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function modPow(base, exp, mod) {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    exp >>= 1n;
    base = (base * base) % mod;
  }
  return result;
}

async function H(hash, ...parts) {
  return new Uint8Array(await subtle().digest(HASHES[hash], concat(...parts)));
}

const utf8 = s => new TextEncoder().encode(s);

/** x = H(s | H(I ":" P)) as an integer. */
export async function computeX(hash, identity, password, salt) {
  const inner = await H(hash, utf8(identity), utf8(':'), password);
  return bytesToBig(await H(hash, salt, inner));
}

/** The verifier a device registers: v = g^x mod N, padded to the group length. */
export async function computeVerifier(groupName, hash, identity, password, salt) {
  const G = GROUPS[groupName];
  return bigToBytes(modPow(G.g, await computeX(hash, identity, password, salt), G.N), G.len);
}

/** Every value of one client run; a may be given (test vectors) or drawn at random (256 bits). */
export async function clientRun({ groupName, hash, identity, password, salt, B, a }) {
  const G = GROUPS[groupName];
  const pad = n => bigToBytes(n, G.len);
  if (a === undefined) a = bytesToBig(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  const Bn = bytesToBig(B);
  if (Bn % G.N === 0n) throw new Error('server public value B is 0 mod N');
  const A = modPow(G.g, a, G.N);
  const k = bytesToBig(await H(hash, pad(G.N), pad(G.g)));
  const u = bytesToBig(await H(hash, pad(A), pad(Bn)));
  const x = await computeX(hash, identity, password, salt);
  const base = ((Bn - k * modPow(G.g, x, G.N)) % G.N + G.N) % G.N;
  const S = modPow(base, a + u * x, G.N);
  const M1 = await H(hash, pad(A), pad(Bn), pad(S));
  const M2 = await H(hash, pad(A), pad(bytesToBig(M1)), pad(S));
  const K = await H(hash, pad(S));
  return { A: pad(A), k, u, x, S, M1, M2, K };
}

/** Constant-time comparison of two byte arrays. */
export function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// Base64url is the authenticator module's: one implementation for the verifier's pages.
export { b64uEncode as b64url, b64uDecode as fromB64url } from '../authenticator/oob.js';

export function fromHex(hex) {
  if (hex.length % 2) hex = '0' + hex;
  return Uint8Array.from(hex.match(/../g) || [], h => parseInt(h, 16));
}
