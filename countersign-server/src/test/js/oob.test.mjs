// Tests of the web authenticator's protocol module (oob.js) with Node's built-in runner: the RFC 6287 vectors the
// test kit carries (the same file the Java core is tested with), and offsets, codes and approval statements produced
// by the Java core (oob-fixture.json, written by WebAuthenticatorScriptTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const source = readFileSync(join(here, '../../main/resources/web/authenticator/oob.js'), 'utf8');
// oob.js is an ES module without a package.json beside it: import it from its text.
const oob = await import('data:text/javascript;base64,' + Buffer.from(source).toString('base64'));
const vectors = JSON.parse(readFileSync(join(here,
  '../../../../countersign-testkit/src/main/resources/org/countersign/testkit/vectors/ocra-rfc6287.json'), 'utf8'));
const fixture = JSON.parse(readFileSync(join(here, 'oob-fixture.json'), 'utf8'));

test('OCRA matches RFC 6287 Appendix C', async () => {
  assert.equal(vectors.vectors.length, 70);
  for (const v of vectors.vectors) {
    // Mutual-mode rows give the two challenges already concatenated, which is the question OCRA hashes.
    const input = { question: v.Q, counter: v.C === '' ? undefined : Number(v.C), pinHashHex: v.P_sha1_hex,
      timeStepsHex: v.T_hex };
    const got = await oob.ocra(v.suite, oob.fromHex(v.key_hex), input);
    assert.equal(got, v.ocra, v.suite + ' Q=' + v.Q);
  }
});

test('offset decoder reads what Offset.encode() wrote', () => {
  for (const c of fixture.offsets) {
    const o = oob.decodeOffset(oob.fromHex(c.encodedHex));
    for (const k of ['rpServerIp', 'rpSessionId', 'terminalPublicIp', 'terminalPrivateIp', 'browser',
      'browserVersion', 'userId', 'requestTime']) {
      assert.equal(o[k], c[k], k);
    }
  }
});

test('server authentication code equals ServerAuthCode.compute (X.1280 §8.3)', async () => {
  const key = oob.fromHex(fixture.verificationKeyHex);
  for (const c of fixture.offsets) {
    for (const [digits, expected] of Object.entries(c.codes)) {
      const r = await oob.serverAuthCode(key, oob.fromHex(c.encodedHex), Number(digits));
      assert.equal(r.code, expected, digits + ' digits');
      assert.equal(oob.toHex(r.offsetHash), c.offsetHashHex);
    }
  }
});

test('approval statement bytes equal ApprovalStatement.encode()', () => {
  const a = fixture.approval;
  const bytes = oob.encodeApproval({ requestId: a.requestId, offsetHash: oob.fromHex(a.offsetHashHex), code: a.code,
    decision: a.decision, signedAt: a.signedAt });
  assert.equal(oob.toHex(bytes), a.encodedHex);
});

test('malformed offsets are refused, not guessed at', () => {
  const good = oob.fromHex(fixture.offsets[0].encodedHex);
  const cases = {
    'wrong magic': Uint8Array.from(good, (b, i) => (i === 0 ? 0x44 : b)),
    'other version': Uint8Array.from(good, (b, i) => (i === 3 ? 2 : b)),
    'trailing byte': Uint8Array.from([...good, 0]),
    truncated: good.slice(0, good.length - 1),
    'field out of order': Uint8Array.from(good, (b, i) => (i === 4 ? 2 : b)),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    assert.throws(() => oob.decodeOffset(bytes), oob.OffsetFormatError, name);
  }
});

test('a changed offset field changes the code (X.1280 §9.1: relayed logins show another code)', async () => {
  const key = oob.fromHex(fixture.verificationKeyHex);
  const good = oob.fromHex(fixture.offsets[0].encodedHex);
  const tampered = good.slice();
  tampered[tampered.length - 1] ^= 1; // request time, last byte
  const a = await oob.serverAuthCode(key, good, 8);
  const b = await oob.serverAuthCode(key, tampered, 8);
  assert.notEqual(a.code, b.code);
});

test('signed query verifies with the public key over the documented string', async () => {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const q = new URLSearchParams(await oob.signedQuery(pair.privateKey, 'GET', '/v1/oob/authenticator/stream', 'auth_1', 1700000000000));
  assert.equal(q.get('ts'), '1700000000000');
  const sig = oob.b64uDecode(q.get('sig'));
  assert.equal(sig.length, 64, 'IEEE P1363 r||s');
  const ok = await crypto.subtle.verify(oob.SIGNATURE_ALGORITHM, pair.publicKey, sig,
    new TextEncoder().encode('countersign-oob-auth-v1\nGET\n/v1/oob/authenticator/stream\nauth_1\n1700000000000'));
  assert.ok(ok);
});

test('approval key: the right PIN gives the registered key, a wrong PIN another one, nothing checkable is stored (X.1280 §9.2.3)', async () => {
  const { spki, wrapped } = await oob.newApprovalKey('246810', 1000);
  assert.deepEqual(Object.keys(wrapped).sort(), ['iterations', 'salt', 'scalar']);
  assert.equal(wrapped.scalar.length, 32);
  const pub = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const msg = new TextEncoder().encode('statement');
  const sign = async (pin) => crypto.subtle.sign(oob.SIGNATURE_ALGORITHM, await oob.approvalKeyFor(pin, wrapped), msg);
  assert.equal(await crypto.subtle.verify(oob.SIGNATURE_ALGORITHM, pub, await sign('246810'), msg), true);
  // A wrong PIN still yields a usable key: only the verifier, holding the public key, can tell.
  assert.equal(await crypto.subtle.verify(oob.SIGNATURE_ALGORITHM, pub, await sign('246811'), msg), false);
});

test('enrolment codes are accepted with dashes, spaces and any case', () => {
  assert.equal(oob.normaliseEnrolmentCode('k7qx-m2pa-9tde'), 'K7QXM2PA9TDE');
  assert.equal(oob.normaliseEnrolmentCode(' K7QX M2PA 9TDE '), 'K7QXM2PA9TDE');
  assert.equal(oob.normaliseEnrolmentCode('K7QX-M2PA'), null);
});

test('base64url round trip', () => {
  const bytes = crypto.getRandomValues(new Uint8Array(67));
  assert.deepEqual(oob.b64uDecode(oob.b64uEncode(bytes)), bytes);
  assert.throws(() => oob.b64uDecode('ab+/'));
});
