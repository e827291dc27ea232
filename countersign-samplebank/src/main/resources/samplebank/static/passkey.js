// Passkeys (ISO/IEC 27553-1 local mode, WebAuthn): the bank's server holds the verifier key and relays; this script
// only hands the options the bank passes on to the verifier's own helper (CountersignLocal, from the verifier's
// /v1/local/webauthn.js, served by the bank from its own origin so the CSP stays 'self') and posts the answer back.
(function () {
  'use strict';
  const status = document.getElementById('passkey-status');
  const error = document.getElementById('passkey-error');

  function say(text) {
    error.hidden = true;
    error.textContent = '';
    status.textContent = text;
  }

  function fail(text) {
    status.textContent = '';
    error.textContent = text;
    error.hidden = false;
  }

  async function post(url, csrf, body) {
    const r = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    });
    let json = {};
    try { json = await r.json(); } catch (e) { /* an empty or HTML answer */ }
    if (!r.ok) {
      const err = new Error(json.message || 'The bank answered ' + r.status + '. Please try again.');
      err.next = json.next;
      throw err;
    }
    return json;
  }

  // What the browser says when the device refused, timed out or could not verify the user.
  function deviceProblem(e, signIn) {
    const outcome = signIn ? ' You are not signed in.' : ' No passkey was added.';
    if (e && e.name === 'NotAllowedError') {
      return 'Your device did not confirm it is you: the request was cancelled, timed out, or the fingerprint, face '
        + 'or screen-lock check did not pass.' + outcome;
    }
    if (e && e.name === 'InvalidStateError') {
      return 'This device already holds a passkey for your account.' + outcome;
    }
    if (e && (e.name === 'NotSupportedError' || e.name === 'SecurityError')) {
      return 'This browser or address cannot use passkeys here.' + outcome;
    }
    return (e && e.message ? e.message : 'Something went wrong.') + (e && e.message ? '' : outcome);
  }

  const register = document.getElementById('passkey-register');
  if (register) {
    const button = document.getElementById('passkey-create');
    button.addEventListener('click', async () => {
      button.disabled = true;
      const csrf = register.dataset.csrf;
      let stage = 'bank';
      try {
        say('Asking the bank to prepare your passkey…');
        const { options } = await post('/account/passkeys/options', csrf, {});
        say('Confirm with your fingerprint, face or screen lock…');
        stage = 'device';
        const answer = await CountersignLocal.register(options);
        stage = 'bank';
        say('Checking your new passkey…');
        const done = await post('/account/passkeys/finish', csrf, answer);
        say('Passkey added.');
        location.assign(done.next || '/account');
      } catch (e) {
        if (e.next) { location.assign(e.next); return; }
        fail(stage === 'device' ? deviceProblem(e, false) : e.message);
        button.disabled = false;
      }
    });
  }

  const signin = document.getElementById('passkey-signin');
  if (signin) {
    const button = signin.querySelector('button[type=submit]');
    signin.addEventListener('submit', async (event) => {
      event.preventDefault();
      button.disabled = true;
      const csrf = signin.dataset.csrf;
      let stage = 'bank';
      try {
        say('Asking the bank for a sign-in challenge…');
        const { options } = await post('/login/passkey/options', csrf, { userId: signin.elements.userId.value });
        say('Confirm with your fingerprint, face or screen lock…');
        stage = 'device';
        const answer = await CountersignLocal.authenticate(options);
        stage = 'bank';
        say('Checking your passkey…');
        const done = await post('/login/passkey/finish', csrf, answer);
        say('Signed in. Opening your account…');
        location.assign(done.next || '/account');
      } catch (e) {
        fail(stage === 'device' ? deviceProblem(e, true) : e.message);
        button.disabled = false;
      }
    });
  }
}());
