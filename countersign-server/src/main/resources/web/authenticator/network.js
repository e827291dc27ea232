// Relay check (X.1280 §9.1.1): the verifier places the terminal the bank reported and this phone's own connection
// (country and network operator, from its offline database) and says when they differ. A relaying phishing server
// copies the real code, so this is what can give it away: the sign-in comes from somewhere this phone is not.

const LABEL_ONLY = new Set(['loopback', 'private']);

// Never a raw loopback or private address: "this computer" / "local network" say what the user can check.
export function placeText(place) {
  if (!place) return 'unknown';
  if (LABEL_ONLY.has(place.kind)) return place.label;
  return place.label + (place.address ? ' (' + place.address + ')' : '');
}

// The terminal line of a request card: the verifier's words when it sent them, else the address in the offset.
export function terminalText(offset, network) {
  if (network && network.terminal) return placeText(network.terminal);
  return offset.terminalPublicIp + (offset.terminalPrivateIp ? ' (local ' + offset.terminalPrivateIp + ')' : '');
}

// Fills the network lines and the warning of one request card.
export function showNetwork(card, request) {
  const q = (sel) => card.querySelector(sel);
  const net = request.network;
  const phoneLine = q('[data-field="phoneNetwork"]');
  if (phoneLine) phoneLine.textContent = net ? placeText(net.authenticator) : 'unknown';
  const warning = q('.network-warning');
  if (warning) {
    warning.hidden = !(net && net.mismatch);
    warning.textContent = net && net.mismatch ? 'Warning: ' + net.warning : '';
  }
  const bound = q('.bound-note');
  if (bound) {
    bound.hidden = request.mode !== 'webauthn-bound';
    bound.textContent = request.terminalBound
      ? 'The computer that started this sign-in confirmed it with your passkey.'
      : 'This sign-in also needs your passkey on the computer that started it; approval is refused until then.';
  }
}

// An approval refused because the computer has not confirmed with the passkey yet (problem terminal-not-bound)
// leaves the request open: the user can still reject it, or approve once the computer has confirmed.
export async function refusedUntilBound(response, card) {
  if (response.status !== 409) return false;
  let problem = {};
  try { problem = await response.clone().json(); } catch (e) { return false; }
  if (!String(problem.type || '').endsWith('/terminal-not-bound')) return false;
  for (const b of card.querySelectorAll('[data-decision]')) b.disabled = false;
  card.querySelector('.outcome').textContent = 'Not approved: the computer that started this sign-in has not '
    + 'confirmed it with your passkey. If you are not signing in on the bank\'s own page, reject it.';
  return true;
}
