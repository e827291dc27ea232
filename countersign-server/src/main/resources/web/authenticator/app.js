// The web authenticator's page logic: enrolment (X.1280 §8.1), receiving requests (§8.3), showing the code for
// comparison (§8.4) and answering with a signed statement (§8.5). Protocol details live in oob.js.
import * as oob from './oob.js';
import * as network from './network.js';

const API = '/v1/oob/authenticator';
const STREAM_PATH = API + '/stream';
const PENDING_PATH = API + '/pending';
const POLL_MILLIS = 5000;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- storage

// IndexedDB, because it can hold CryptoKey objects: the device key and the verification key stay non-extractable
// (script can use them but never read them out) while surviving reloads. Neither can approve alone: every answer
// also needs the approval key, stored only wrapped under the PIN in a form a wrong PIN cannot be told from the right
// one except by the verifier, which counts failures and locks (oob.newApprovalKey, X.1280 §9.2.3).
const DB_NAME = 'countersign-authenticator';
const STORE = 'state';
const RECORD = 'enrolment';

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function dbCall(mode, fn) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const loadState = () => dbCall('readonly', (s) => s.get(RECORD));
const saveState = (state) => dbCall('readwrite', (s) => s.put(state, RECORD));
const wipeState = () => dbCall('readwrite', (s) => s.delete(RECORD));

// ---------------------------------------------------------------- views

function show(view) {
  for (const id of ['view-enrol', 'view-recovery', 'view-main']) $(id).hidden = id !== view;
}

function notice(text) {
  $('notice').textContent = text || '';
  $('notice').hidden = !text;
}

async function problemText(response) {
  try {
    const p = await response.json();
    return p.detail || p.title || 'HTTP ' + response.status;
  } catch {
    return 'HTTP ' + response.status;
  }
}

// ---------------------------------------------------------------- enrolment (X.1280 §8.1, C-F1)

function showEnrol(prefill, replacing) {
  show('view-enrol');
  if (prefill) $('enrol-code').value = prefill;
  $('replace-warning').hidden = !replacing;
  $(prefill ? 'enrol-device' : 'enrol-code').focus();
}

async function enrol(event) {
  event.preventDefault();
  const error = $('enrol-error');
  error.textContent = '';
  const code = oob.normaliseEnrolmentCode($('enrol-code').value);
  const deviceName = $('enrol-device').value.trim();
  const pin = $('enrol-pin').value;
  if (!code) return fail('The enrolment code has 12 letters and digits.', 'enrol-code');
  if (!deviceName) return fail('Give this device a name, for example "My phone".', 'enrol-device');
  if (!oob.validPin(pin)) return fail('The PIN must have 6 to 12 digits.', 'enrol-pin');
  if (pin !== $('enrol-pin2').value) return fail('The two PINs differ.', 'enrol-pin2');

  const button = $('enrol-submit');
  button.disabled = true;
  button.textContent = 'Setting up…';
  try {
    // The private key is created non-extractable: script can use it to sign but can never read it out.
    const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keyPair.publicKey));
    const approval = await oob.newApprovalKey(pin);
    const response = await fetch(API + '/enrolments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ enrolmentCode: code, deviceName, publicKeySpki: oob.b64uEncode(spki),
        approvalKeySpki: oob.b64uEncode(approval.spki) }),
    });
    if (!response.ok) return fail('Enrolment refused: ' + await problemText(response), 'enrol-code');
    const r = await response.json();
    const raw = oob.b64uDecode(r.verificationKey);
    const verificationKey = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    raw.fill(0);
    await saveState({
      version: 2, authenticatorId: r.authenticatorId, tenantId: r.tenantId, tenantName: r.tenantName || r.tenantId,
      userId: r.userId, deviceName, digits: r.digits, keyPair, verificationKey, approval: approval.wrapped,
      enrolledAt: Date.now(),
    });
    $('enrol-form').reset();
    if (Array.isArray(r.recoveryCodes) && r.recoveryCodes.length > 0) {
      const list = $('recovery-codes');
      list.replaceChildren(...r.recoveryCodes.map((c) => Object.assign(document.createElement('li'), { textContent: c })));
      show('view-recovery');
      $('recovery-done').focus();
    } else {
      await startMain();
    }
  } catch (e) {
    fail('Enrolment failed: ' + e.message, 'enrol-code');
  } finally {
    button.disabled = false;
    button.textContent = 'Set up authenticator';
  }

  function fail(text, field) {
    error.textContent = text;
    $(field).setAttribute('aria-invalid', 'true');
    $(field).focus();
  }
}

// ---------------------------------------------------------------- receiving requests (X.1280 §8.3)

let state = null;
const cards = new Map(); // requestId -> card controller
let stream = null;
let pollTimer = null;
let reconnectDelay = 1000;

async function startMain() {
  state = await loadState();
  if (!state) return showEnrol('', false);
  if (state.version !== 2) {
    // Set up before approvals needed the PIN-protected approval key: its answers would not carry one.
    notice('This authenticator was set up with an older version. Set it up again from your bank\'s account page.');
    state = null;
    return showEnrol('', true);
  }
  show('view-main');
  $('account-line').textContent = 'Set up for ' + state.userId + ' at ' + state.tenantName + ' as "' + state.deviceName + '".';
  connect();
}

async function signed(path) {
  return path + '?' + await oob.signedQuery(state.keyPair.privateKey, 'GET', path, state.authenticatorId);
}

async function connect() {
  if (!state) return;
  if (stream) stream.close();
  // A signed URL is good for one use only (the verifier refuses a replayed ts/sig), so EventSource's own
  // reconnection would be refused: close on error and reconnect with a fresh signature instead.
  let es;
  try {
    es = new EventSource(await signed(STREAM_PATH));
  } catch {
    return fallBackToPolling();
  }
  stream = es;
  es.onopen = () => {
    reconnectDelay = 1000;
    setConnection('Connected. Waiting for sign-in requests.');
    stopPolling();
    poll(); // whatever was pushed before the stream opened
  };
  es.addEventListener('request', (e) => receive(JSON.parse(e.data)));
  es.addEventListener('resolved', (e) => {
    const r = JSON.parse(e.data);
    cards.get(r.requestId)?.resolvedElsewhere(r.status);
  });
  es.onerror = () => {
    es.close();
    if (stream === es) stream = null;
    fallBackToPolling();
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 30000);
  };
}

function fallBackToPolling() {
  setConnection('Live connection interrupted: checking every few seconds.');
  if (!pollTimer) {
    poll();
    pollTimer = setInterval(poll, POLL_MILLIS);
  }
}

function stopPolling() {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
}

async function poll() {
  if (!state) return;
  const asked = Date.now();
  try {
    const response = await fetch(await signed(PENDING_PATH), { headers: { Accept: 'application/json' } });
    if (response.status === 401 || response.status === 403) {
      setConnection('The verifier no longer accepts this authenticator (revoked?). Set it up again.');
      return;
    }
    if (!response.ok) return;
    const body = await response.json();
    const open = new Set();
    for (const r of body.requests || []) {
      open.add(r.requestId);
      receive(r);
    }
    // A request that is no longer pending ended while we did not hear of it (answered, cancelled, expired).
    // Only cards older than this poll: one pushed while the poll was under way is not in its answer.
    for (const [id, card] of cards) {
      if (card.open && card.receivedAt < asked && !open.has(id)) card.resolvedElsewhere('ended');
    }
  } catch {
    // offline: the next poll or reconnection retries
  }
}

function setConnection(text) {
  $('connection').textContent = text;
}

function receive(request) {
  if (!request || typeof request.requestId !== 'string' || cards.has(request.requestId)) return;
  cards.set(request.requestId, newCard(request));
  updateEmpty();
}

function updateEmpty() {
  $('empty').hidden = [...cards.values()].some((c) => c.open);
}

// ---------------------------------------------------------------- one request: compare and decide (§8.4, §8.5)

function newCard(request) {
  const node = $('request-template').content.firstElementChild.cloneNode(true);
  node.dataset.requestId = request.requestId;
  const q = (sel) => node.querySelector(sel);
  const field = (name, text) => { q('[data-field="' + name + '"]').textContent = text; };
  const ctl = { open: true, receivedAt: Date.now() };
  let offsetBytes;
  let offset;
  try {
    offsetBytes = oob.b64uDecode(request.offset);
    offset = oob.decodeOffset(offsetBytes);
  } catch (e) {
    // Nothing of a malformed offset is shown: the code could not be tied to what the user sees.
    q('.request-title').textContent = 'Unreadable request ignored';
    q('.outcome').textContent = 'The request could not be read (' + e.message + '). Nothing was approved.';
    for (const el of node.querySelectorAll('.facts, .timer, .unlock')) el.hidden = true;
    $('requests').prepend(node);
    ctl.open = false;
    return ctl;
  }
  const digits = Number(request.digits || state.digits);
  q('.request-title').textContent = 'Sign-in to ' + (request.tenantName || state.tenantName);
  field('userId', offset.userId);
  field('browser', offset.browser + ' ' + offset.browserVersion);
  field('terminal', network.terminalText(offset, request.network));
  network.showNetwork(node, request);
  field('requestTime', new Date(offset.requestTime).toLocaleString());
  field('rpServerIp', offset.rpServerIp);
  q('.user-mismatch').hidden = offset.userId === state.userId;

  // Countdown (X.1280 §8.3: the remaining validity is shown). Screen readers hear it at a few steps only.
  const expiresAt = Date.parse(request.expiresAt);
  const total = Math.max(1, (expiresAt - Date.now()) / 1000);
  let announced = null;
  const tick = () => {
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    q('.countdown').textContent = left > 0 ? 'Time left: ' + left + ' s' : 'Expired';
    q('.time-bar').value = Math.round((100 * left) / total);
    if ([60, 30, 10, 5, 0].includes(left) && left !== announced) {
      announced = left;
      q('.countdown-announce').textContent = left === 0 ? 'The code has expired.' : left + ' seconds left.';
    }
    if (left === 0) finish('This request has expired. Start the sign-in again if you still want it.');
  };
  const timer = setInterval(tick, 1000);

  let pin = null;
  let code = null;
  let offsetHash = null;

  q('.unlock').addEventListener('submit', async (event) => {
    event.preventDefault();
    const pinInput = q('.pin');
    const typed = pinInput.value;
    pinInput.value = '';
    if (!oob.validPin(typed)) {
      q('.outcome').textContent = 'The PIN has 6 to 12 digits.';
      pinInput.focus();
      return;
    }
    // Whether the PIN is right only the verifier can tell, when the answer is signed with it (§9.2.3).
    pin = typed;
    ({ code, offsetHash } = await oob.serverAuthCode(state.verificationKey, offsetBytes, digits));
    q('.code-digits').textContent = code;
    q('.code-spoken').textContent = 'Code: ' + code.split('').join(' ');
    q('.unlock').hidden = true;
    q('.reveal').hidden = false;
    q('.outcome').textContent = '';
    q('[data-decision="approve"]').focus();
  });

  for (const button of node.querySelectorAll('[data-decision]')) {
    button.addEventListener('click', () => decide(button.dataset.decision));
  }

  async function decide(decision) {
    if (!code || !ctl.open || !pin) return;
    // Our own answer also triggers a 'resolved' push; it must not be shown as "ended elsewhere".
    ctl.answering = true;
    for (const b of node.querySelectorAll('[data-decision]')) b.disabled = true;
    const signedAt = Date.now();
    try {
      const statement = { requestId: request.requestId, offsetHash, code, decision, signedAt };
      const signature = await oob.signApproval(state.keyPair.privateKey, statement);
      const approvalSignature = await oob.signApproval(await oob.approvalKeyFor(pin, state.approval), statement);
      const response = await fetch(API + '/responses', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({
          requestId: request.requestId, authenticatorId: state.authenticatorId, decision, code,
          offsetHash: oob.b64uEncode(offsetHash), signedAt, signature: oob.b64uEncode(signature),
          approvalSignature: oob.b64uEncode(approvalSignature),
        }),
      });
      if (!response.ok && await network.refusedUntilBound(response, node)) {
        ctl.answering = false; // webauthn-bound: the request stays open, the user may still reject
        return;
      }
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        if (String(problem.type || '').endsWith('/authenticator-pin-invalid')) {
          // Wrong PIN: ask again; the verifier counts the attempts and locks the authenticator at the limit.
          const left = Number(problem.attemptsLeft);
          pin = null;
          ctl.answering = false;
          for (const b of node.querySelectorAll('[data-decision]')) b.disabled = false;
          q('.reveal').hidden = true;
          q('.unlock').hidden = false;
          q('.outcome').textContent = 'Wrong PIN. ' + left + (left === 1 ? ' attempt' : ' attempts')
            + ' left before this authenticator is locked.';
          q('.pin').focus();
          return;
        }
        if (String(problem.type || '').endsWith('/authenticator-revoked')) {
          notice('This authenticator is locked or revoked at the verifier (too many wrong PINs?). Set it up again '
            + 'from your bank\'s account page.');
        }
        finish('The verifier did not accept the answer: ' + (problem.detail || problem.title || 'HTTP ' + response.status));
        return;
      }
      finish({
        approve: 'Approved. You are being signed in on the other screen.',
        reject: 'Rejected. Nobody was signed in.',
        codes_differ: 'Reported: the codes differed. Nobody was signed in. If you did not just try to sign in, '
          + 'someone may be using a fake site or your account name: contact your bank.',
      }[decision]);
    } catch (e) {
      finish('Sending the answer failed: ' + e.message);
    }
  }

  function finish(text) {
    if (!ctl.open) return;
    ctl.open = false;
    clearInterval(timer);
    pin = null;
    code = null;
    // The code of a finished request must not stay on screen beside a live one (it could be compared by mistake).
    q('.code-digits').textContent = '';
    q('.code-spoken').textContent = '';
    q('.reveal').hidden = true;
    q('.unlock').hidden = true;
    for (const b of node.querySelectorAll('[data-decision]')) b.disabled = true;
    q('.outcome').textContent = text;
    node.classList.add('closed');
    updateEmpty();
  }

  ctl.resolvedElsewhere = (status) => {
    if (ctl.answering) return;
    finish({
      cancelled: 'Cancelled: the sign-in was withdrawn on the other screen.',
      expired: 'This request has expired. Start the sign-in again if you still want it.',
    }[status] || 'This request ended elsewhere (' + status + ').');
  };
  $('requests').prepend(node);
  tick();
  q('.pin').focus();
  return ctl;
}

async function forget() {
  if (stream) stream.close();
  stream = null;
  stopPolling();
  await wipeState();
  state = null;
  for (const c of cards.values()) c.open = false;
  cards.clear();
  $('requests').replaceChildren();
  showEnrol('', false);
}

// ---------------------------------------------------------------- start

async function main() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => { /* installable only where allowed */ });
  }
  $('enrol-form').addEventListener('submit', enrol);
  $('recovery-done').addEventListener('click', () => {
    $('recovery-codes').replaceChildren();
    startMain();
  });
  $('forget').addEventListener('click', async () => {
    if (confirm('Remove this authenticator from this browser?')) await forget();
  });
  for (const input of document.querySelectorAll('#enrol-form input')) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }

  const params = new URLSearchParams(location.search);
  const code = params.get('enrol');
  if (code !== null) {
    // The one-time code should not stay in the address bar or the history.
    history.replaceState(null, '', location.pathname);
  }
  const existing = await loadState();
  if (code !== null || !existing) {
    showEnrol(code ? (oob.normaliseEnrolmentCode(code) || code) : '', Boolean(existing));
  } else {
    await startMain();
  }
}

main().catch((e) => notice('The authenticator could not start: ' + e.message));
