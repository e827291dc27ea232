// Countersign local-mode helper for relying-party pages (ISO/IEC 27553-1 A.3, steps d-g in the browser).
// The RP server starts a ceremony with its API key, hands `options` to this page, and relays what the
// functions below return to Countersign's .../finish endpoint. The page never needs the API key.
(function (global) {
  'use strict';
  function toBytes(b64url) {
    const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64url.length + 3) % 4);
    return Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  }
  function toB64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  async function register(options) {
    const publicKey = Object.assign({}, options, {
      challenge: toBytes(options.challenge),
      user: Object.assign({}, options.user, { id: toBytes(options.user.id) }),
      excludeCredentials: (options.excludeCredentials || []).map(c => ({ type: c.type, id: toBytes(c.id) }))
    });
    const cred = await navigator.credentials.create({ publicKey });
    return { webauthn: {
      id: cred.id,
      clientDataJSON: toB64url(cred.response.clientDataJSON),
      attestationObject: toB64url(cred.response.attestationObject),
      transports: cred.response.getTransports ? cred.response.getTransports() : []
    } };
  }
  async function authenticate(options) {
    const publicKey = {
      challenge: toBytes(options.challenge),
      rpId: options.rpId,
      timeout: options.timeout,
      userVerification: options.userVerification || 'required',
      allowCredentials: (options.allowCredentials || []).map(c => ({ type: c.type, id: toBytes(c.id) }))
    };
    const cred = await navigator.credentials.get({ publicKey });
    return { webauthn: {
      id: cred.id,
      clientDataJSON: toB64url(cred.response.clientDataJSON),
      authenticatorData: toB64url(cred.response.authenticatorData),
      signature: toB64url(cred.response.signature),
      userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null
    } };
  }
  global.CountersignLocal = { register, authenticate, toBytes, toB64url };
})(window);
