// Relay-proof sign-in (X.1280 §9.1.1): the verifier made the WebAuthn challenge the hash of this sign-in's offset.
// The browser writes this page's origin into the signed client data, so only the bank's own page can produce an
// assertion the verifier accepts; a relaying phishing page on another origin cannot.
(function () {
  'use strict';
  const box = document.getElementById('bind');
  if (!box) return;
  const status = document.getElementById('bind-status');
  const button = document.getElementById('bind-button');

  // Base64url both ways from the verifier's helper (CountersignLocal), the one implementation the pages share.
  const bytes = CountersignLocal.toBytes;
  const b64url = CountersignLocal.toB64url;

  async function confirm() {
    button.disabled = true;
    status.textContent = 'Waiting for your passkey…';
    try {
      const options = JSON.parse(box.dataset.options);
      const cred = await navigator.credentials.get({ publicKey: {
        challenge: bytes(options.challenge),
        rpId: options.rpId,
        timeout: options.timeout,
        userVerification: options.userVerification,
        allowCredentials: (options.allowCredentials || []).map((c) => ({ type: c.type, id: bytes(c.id) }))
      } });
      const r = await fetch('/login/bind', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': box.dataset.csrf },
        body: JSON.stringify({ webauthn: {
          id: cred.id,
          clientDataJSON: b64url(cred.response.clientDataJSON),
          authenticatorData: b64url(cred.response.authenticatorData),
          signature: b64url(cred.response.signature),
          userHandle: cred.response.userHandle ? b64url(cred.response.userHandle) : ''
        } })
      });
      let json = {};
      try { json = await r.json(); } catch (e) { /* not JSON */ }
      status.textContent = json.message || (r.ok ? 'Confirmed.' : 'The bank answered ' + r.status + '.');
      box.classList.add(r.ok ? 'done' : 'failed');
      if (r.ok) button.hidden = true; else button.disabled = false;
    } catch (e) {
      status.textContent = 'Your passkey did not confirm this sign-in (' + (e && e.name ? e.name : 'error')
        + '). You can try again.';
      button.disabled = false;
    }
  }

  button.addEventListener('click', confirm);
  confirm();
})();
