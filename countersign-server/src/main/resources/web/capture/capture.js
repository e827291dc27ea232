// The verifier's capture page (X.1279 §8.2.x steps 2-11 in a browser): SRP login with a per-device secret kept in
// this browser, the sealed request and challenge, then a live capture (frames grabbed from the camera through a
// canvas as JPEG, longer side at most 640 px): the screen flashes the server's colours, frames stream to the server
// in sealed batches and each action is shown when the server's prompt arrives; then the sealed capture and result.
// URL parameters: tenant, user, op (REGISTER | AUTHENTICATE | DEREGISTER), code (enrolment code, first use only),
// challenge (for AUTHENTICATE: the id of the authentication the relying party opened). The op in the address is
// only a wish: registering or removing a face reference needs the single-use grant the relying party gives the
// user, typed into the page (never read from the address, where it would leak into history), and the server
// checks it (X.1279 §8.2.1 pre-condition); a registration without a grant is a replacement that must match.
import { clientRun, computeVerifier, b64url, fromB64url, sameBytes } from './srp.js';
import { Channel, encodePayload, decodePayload, TYPES } from './channel.js';

const q = new URLSearchParams(location.search);
const tenant = q.get('tenant');
const user = q.get('user');
const OPS = ['REGISTER', 'AUTHENTICATE', 'DEREGISTER'];
const op = (q.get('op') || 'AUTHENTICATE').toUpperCase();
const code = q.get('code');
const challengeId = q.get('challenge');
const $ = id => document.getElementById(id);
const PROMPTS = {
  NOD: 'Nod: head down, then back up',
  SHAKE: 'Shake your head: left, then right',
  BLINK: 'Blink with both eyes',
  OPEN_MOUTH: 'Open your mouth, then close it',
};

function status(text) { $('status').textContent = text; }

async function postJson(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw Object.assign(new Error(j.detail || j.title), { problem: j });
  return j;
}

async function postSealed(path, deviceId, bytes) {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream',
    'Countersign-Client': deviceId }, body: bytes });
  if (!r.ok) {
    const j = await r.json();
    throw Object.assign(new Error(j.detail || j.title), { problem: j });
  }
  return new Uint8Array(await r.arrayBuffer());
}

// A-C5: the device secret is created here once and only its SRP verifier leaves the browser.
async function device() {
  const key = 'countersign.device.' + tenant + '.' + user;
  const stored = localStorage.getItem(key);
  if (stored) return JSON.parse(stored);
  if (!code) throw new Error('this browser is not enrolled: open the link your service sent, with its code');
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const deviceId = 'b-' + b64url(crypto.getRandomValues(new Uint8Array(16)));
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const verifier = await computeVerifier('RFC5054_2048', 'SHA256', deviceId, secret, salt);
  await postJson('/v1/remote/devices', { tenant, enrolmentCode: code, deviceId, srpGroup: 'RFC5054_2048',
    srpHash: 'SHA256', salt: b64url(salt), verifier: b64url(verifier) });
  const d = { deviceId, secret: b64url(secret) };
  localStorage.setItem(key, JSON.stringify(d));
  return d;
}

async function login(d) {
  const offer = await postJson('/v1/remote/sessions', { tenant, deviceId: d.deviceId });
  if (offer.srpGroup !== 'RFC5054_2048' || offer.srpHash !== 'SHA256') throw new Error('unexpected SRP parameters');
  const run = await clientRun({ groupName: offer.srpGroup, hash: offer.srpHash, identity: d.deviceId,
    password: fromB64url(d.secret), salt: fromB64url(offer.salt), B: fromB64url(offer.serverPublicB) });
  const opened = await postJson('/v1/remote/sessions/' + offer.sessionId + '/proof',
    { clientPublicA: b64url(run.A), clientProofM1: b64url(run.M1) });
  // Use K only after the server proved it holds the verifier (docs/srp.md step 5).
  if (!sameBytes(fromB64url(opened.serverProofM2), run.M2)) throw new Error('the server failed its SRP proof');
  return { sessionId: offer.sessionId, channel: await Channel.open(run.K, fromB64url(offer.sessionId)) };
}

function showActions(actions, current) {
  const ol = $('actions');
  ol.innerHTML = '';
  actions.forEach((a, i) => {
    const li = document.createElement('li');
    li.textContent = PROMPTS[a] || a;
    li.className = i < current ? 'done' : i === current ? 'current' : '';
    ol.appendChild(li);
  });
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

// Steps 5-8 as a live capture: frames are grabbed continuously (one per new video frame, at most `fps` a second);
// first the screen flashes the colours the server drew (screen-light challenge), then each batch of frames goes to
// the server, which answers with the next action at a moment it chooses: the prompt is shown the moment it arrives.
// One round trip per action; after the last prompt the page films `responseMillis` more and returns what is unsent.
async function capture(video, challenge, s, deviceId, base, nonce) {
  const actions = challenge.actions;
  const live = challenge.live;
  const seconds = live.expectedMillis / 1000;
  const fps = Math.max(4, Math.min(10, Math.floor((challenge.limits.maxFrames - 2) / seconds)));
  const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  const g = canvas.getContext('2d');
  const frames = [];
  const t0 = performance.now();
  let last = -1000;
  let stop = false;
  const grabbing = new Promise(resolve => {
    const tick = async () => {
      const t = performance.now() - t0;
      if (t - last >= 1000 / fps - 5 && frames.length < challenge.limits.maxFrames) {
        last = t;
        g.drawImage(video, 0, 0, canvas.width, canvas.height);
        const blob = await new Promise(r => canvas.toBlob(r, 'image/jpeg', 0.85));
        let at = Math.round(t);
        if (frames.length && at <= frames[frames.length - 1].capturedAtMillis) at = frames[frames.length - 1].capturedAtMillis + 1;
        frames.push({ sequence: frames.length, capturedAtMillis: at, jpeg: new Uint8Array(await blob.arrayBuffer()) });
      }
      $('progress').value = Math.min(100, 100 * (performance.now() - t0) / live.expectedMillis);
      if (stop) return resolve();
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick); else requestAnimationFrame(tick);
    };
    tick();
  });
  // Screen light: the whole screen in each drawn colour, so that its light falls on the face.
  const flash = document.createElement('div');
  flash.id = 'flash';
  Object.assign(flash.style, { position: 'fixed', inset: '0', zIndex: '10' });
  document.body.appendChild(flash);
  $('prompt').textContent = 'Look at the camera';
  const flashStartMillis = Math.round(performance.now() - t0);
  for (const c of live.flashColours) {
    flash.style.background = c;
    await sleep(live.flashMillis);
  }
  flash.remove();
  let sent = 0;
  const rtts = [];
  for (let k = 0; k < actions.length; k++) {
    const batch = frames.slice(sent);
    sent += batch.length;
    const sealed = await s.channel.seal(TYPES.FRAMES, nonce, encodePayload({ challengeId: challenge.challengeId,
      frames: batch.map(f => ({ sequence: f.sequence, capturedAtMillis: f.capturedAtMillis })),
      ...(k === 0 ? { flashStartMillis } : {}) }, batch.map(f => f.jpeg)));
    const asked = performance.now();
    const p = decodePayload(await s.channel.open(await postSealed(base + '/frames', deviceId, sealed), TYPES.PROMPT, nonce));
    rtts.push(Math.round(performance.now() - asked));
    $('prompt').textContent = PROMPTS[p.action] || p.action;
    showActions(actions, k);
    if (p.remaining === 0) await sleep(p.responseMillis);
  }
  stop = true;
  await grabbing;
  $('prompt').textContent = '';
  showActions(actions, actions.length);
  console.log('captured ' + frames.length + ' frames over ' + Math.round(performance.now() - t0) + ' ms at ' + fps
    + ' fps, ' + actions.length + ' prompt round trip(s) of ' + rtts.join(', ') + ' ms (server wait included), '
    + new Set(frames.map(f => f.jpeg.length)).size + ' distinct sizes, video ' + video.videoWidth + 'x' + video.videoHeight);
  return frames.slice(sent);
}

const WORDS = { BLINK: 'a blink', NOD: 'a nod', SHAKE: 'a head shake', OPEN_MOUTH: 'an open mouth' };
const words = list => (list && list.length ? list.map(a => WORDS[a] || a).join(', then ') : 'nothing');

// The server judge's explanation in plain words (the relying party reads the same from its API).
function explain(result) {
  const a = result.assurance || {};
  const lines = [];
  if (a.actionsRequested) lines.push('Asked for ' + words(a.actionsRequested) + '; the server saw ' + words(a.actionsSeen) + '.');
  if (result.reasons.includes('SECOND_MODALITY_REQUIRED')) lines.push('Your face matched, but your service needs one more check from you.');
  if (result.reasons.includes('REFERENCE_MISMATCH') && a.authorisation === 'match') lines.push('To replace your face without a code from your service, the new capture must match the current one.');
  (a.explanation || []).filter(c => c.outcome === 'FAILED').forEach(c => lines.push('Check ' + c.check + ' failed: ' + c.detail + '.'));
  if (result.reasons.length) lines.push('Reasons: ' + result.reasons.join(', '));
  return lines.length ? lines.join(' ') : 'Thank you.';
}

function showResult(outcome, detail) {
  const box = $('result');
  box.hidden = false;
  box.className = outcome === 'ACCEPTED' ? 'accepted' : 'refused';
  $('result-title').textContent = outcome === 'ACCEPTED' ? 'Done: ' + op.toLowerCase() + ' accepted'
    : outcome === 'SECOND_FACTOR_REQUIRED' ? 'One more check needed' : 'Not accepted';
  $('result-detail').textContent = detail;
  document.body.dataset.outcome = outcome;
  status(outcome);
}

async function run() {
  try {
    if (!tenant || !user) throw new Error('missing tenant or user in the address');
    if (!OPS.includes(op)) throw new Error('unknown operation in the address');
    if (op === 'AUTHENTICATE' && !challengeId) throw new Error('open this page from your service: the sign-in it started is missing');
    const grant = $('grant').value.trim();
    if (op === 'DEREGISTER' && !grant) throw new Error('removing your face needs the one-time code from your service');
    status('Opening a secure channel…');
    const d = await device();
    const s = await login(d);
    const base = '/v1/remote/sessions/' + s.sessionId;
    const req = await s.channel.seal(TYPES.REQUEST, new Uint8Array(0), encodePayload({ operation: op, userId: user,
      ...(challengeId && op === 'AUTHENTICATE' ? { challengeId } : {}), ...(grant && op !== 'AUTHENTICATE' ? { grant } : {}),
      device: { emulator: false, rooted: false, osName: 'browser', osVersion: '', model: navigator.userAgent.slice(0, 100) } }));
    const challenge = decodePayload(await s.channel.open(await postSealed(base + '/request', d.deviceId, req), TYPES.CHALLENGE));
    const nonce = fromB64url(challenge.nonce);
    showActions(challenge.actions, -1);
    status('Starting the camera…');
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const video = $('camera');
    video.srcObject = stream;
    await new Promise(r => (video.readyState >= 2 ? r() : (video.onloadeddata = r)));
    // A camera's first frames can be blank: start once it delivers frames steadily.
    for (let i = 0; i < 3; i++) await new Promise(r => (video.requestVideoFrameCallback ? video.requestVideoFrameCallback(() => r()) : setTimeout(r, 100)));
    status('Follow the prompts: ' + challenge.actions.length + ' action(s)');
    const frames = await capture(video, challenge, s, d.deviceId, base, nonce);
    stream.getTracks().forEach(t => t.stop());
    status('Checking…');
    const manifest = { challengeId: challenge.challengeId, clientActions: [],
      frames: frames.map(f => ({ sequence: f.sequence, capturedAtMillis: f.capturedAtMillis })) };
    const sealed = await s.channel.seal(TYPES.CAPTURE, nonce, encodePayload(manifest, frames.map(f => f.jpeg)));
    const result = decodePayload(await s.channel.open(await postSealed(base + '/capture', d.deviceId, sealed), TYPES.RESULT, nonce));
    showResult(result.outcome, explain(result));
  } catch (e) {
    const reasons = e.problem && e.problem.reasonCodes ? ' (' + e.problem.reasonCodes.join(', ') + ')' : '';
    showResult('ERROR', e.message + reasons);
  }
}

// What the button will do, in words, so that a link cannot silently turn a sign-in into a face replacement.
if (OPS.includes(op) && op !== 'AUTHENTICATE') {
  $('grant-box').hidden = false;
  $('start').textContent = op === 'REGISTER' ? 'Register my face' : 'Remove my face';
  $('op-note').textContent = op === 'REGISTER'
    ? 'This registers (or replaces) your face reference. Enter the one-time code your service gave you; without it, a replacement must match your current face.'
    : 'This removes your face reference. Enter the one-time code your service gave you.';
}
$('start').disabled = false;
$('start').addEventListener('click', () => { $('start').disabled = true; run(); });
if (q.get('autostart') === '1') { $('start').disabled = true; run(); }
