// node --test countersign-server/src/test/js
// The browser's SRP client against RFC 5054 Appendix B (1024-bit, SHA-1) and against Countersign's own 2048-bit
// SHA-256 vectors, which countersign-core's Java sessions produced (so the page and the server agree byte for byte).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { clientRun, computeVerifier, fromHex, bytesToBig, GROUPS } from '../../main/resources/web/capture/srp.js';
import { Channel, encodePayload, decodePayload } from '../../main/resources/web/capture/channel.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const project = path.resolve(here, '../../../..');
const vectors = path.resolve(project, 'countersign-testkit/src/main/resources/org/countersign/testkit/vectors');
const utf8 = s => new TextEncoder().encode(s);
const hex = b => Buffer.from(b).toString('hex').toUpperCase();

test('RFC 5054 Appendix B: x, v, k, u, A and S', async () => {
  const t = JSON.parse(readFileSync(path.join(vectors, 'srp-rfc5054.json'), 'utf8'));
  assert.equal(BigInt('0x' + t.N), GROUPS.RFC5054_1024.N);
  const salt = fromHex(t.s);
  const v = await computeVerifier('RFC5054_1024', 'SHA1', t.I, utf8(t.P), salt);
  assert.equal(bytesToBig(v), BigInt('0x' + t.v));
  const r = await clientRun({ groupName: 'RFC5054_1024', hash: 'SHA1', identity: t.I, password: utf8(t.P), salt,
    B: fromHex(t.B), a: BigInt('0x' + t.a) });
  assert.equal(r.x, BigInt('0x' + t.x));
  assert.equal(r.k, BigInt('0x' + t.k));
  assert.equal(r.u, BigInt('0x' + t.u));
  assert.equal(bytesToBig(r.A), BigInt('0x' + t.A));
  assert.equal(r.S, BigInt('0x' + t.premaster_secret_S));
});

test('Countersign 2048-bit SHA-256 vectors: v, A, M1, M2, K', async () => {
  const f = JSON.parse(readFileSync(path.join(project, 'countersign-core/src/test/resources/vectors/srp-countersign-v1.json'), 'utf8'));
  const vec = f.vectors.find(x => x.group === 'RFC5054_2048' && x.hash === 'SHA-256');
  const salt = fromHex(vec.salt);
  const v = await computeVerifier('RFC5054_2048', 'SHA256', f.identity, utf8(f.password), salt);
  assert.equal(hex(v), vec.v.padStart(512, '0'));
  const r = await clientRun({ groupName: 'RFC5054_2048', hash: 'SHA256', identity: f.identity,
    password: utf8(f.password), salt, B: fromHex(vec.B), a: BigInt('0x' + vec.a) });
  assert.equal(hex(r.A), vec.A.padStart(512, '0'));
  assert.equal(hex(r.M1), vec.M1);
  assert.equal(hex(r.M2), vec.M2);
  assert.equal(hex(r.K), vec.K);
});

test('B = 0 mod N is refused', async () => {
  await assert.rejects(clientRun({ groupName: 'RFC5054_2048', hash: 'SHA256', identity: 'a', password: utf8('p'),
    salt: new Uint8Array(16), B: new Uint8Array(256) }), /0 mod N/);
});

test('channel: sealed bytes have the core layout and a server-direction message cannot be opened as its own', async () => {
  const K = new Uint8Array(32).fill(7);
  const sid = new Uint8Array(16).fill(1);
  const c = await Channel.open(K, sid);
  const m = await c.seal(0x0501, new Uint8Array(0), encodePayload({ operation: 'REGISTER' }));
  assert.equal(m[0], 1);          // version
  assert.equal(m[1], 1);          // client to server
  assert.equal(m[2], 16);         // session id length
  await assert.rejects(c.open(m, 0x0501), /another session or direction/);
  assert.deepEqual(decodePayload(encodePayload({ a: 1 })), { a: 1 });
});
