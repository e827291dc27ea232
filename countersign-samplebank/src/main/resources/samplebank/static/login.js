// Sign-in page: counts down the code's validity (X.1280 §8.3 asks for the remaining time to be shown) and waits
// for the user's answer on the authenticator through the bank's own long-poll endpoint.
(function () {
  'use strict';
  const box = document.getElementById('oob');
  if (!box) return;
  const status = document.getElementById('status');
  const countdown = document.getElementById('countdown');
  const bar = document.getElementById('time-bar');
  const announce = document.getElementById('countdown-announce');
  const expiresAt = Date.parse(box.dataset.expiresAt);
  const validity = Number(box.dataset.validity) || 60;
  let announced = null;
  let done = false;
  let timer = null;

  function tick() {
    if (!countdown || Number.isNaN(expiresAt)) return;
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    countdown.textContent = left > 0 ? left + ' s left' : 'Expired';
    if (bar) bar.value = Math.round((100 * left) / validity);
    // Screen readers hear a few milestones, not every second.
    if ([60, 30, 10, 5, 0].includes(left) && left !== announced) {
      announced = left;
      announce.textContent = left === 0 ? 'The code has expired.' : left + ' seconds left.';
    }
    if (left === 0) {
      box.classList.add('expired');
      clearInterval(timer);
    }
  }

  function finish(kind, text) {
    done = true;
    clearInterval(timer);
    status.textContent = text;
    status.className = 'status ' + kind;
    box.classList.add('finished');
    // The code is void now: no countdown, nothing to cancel.
    for (const el of [countdown && countdown.parentElement, bar, document.getElementById('cancel')]) {
      if (el) el.hidden = true;
    }
    const link = document.createElement('a');
    link.href = '/';
    link.textContent = 'Start again';
    link.className = 'again';
    status.after(link);
  }

  async function poll() {
    while (!done) {
      try {
        const r = await fetch('/login/status', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!r.ok) throw new Error('HTTP ' + r.status);
        const body = await r.json();
        if (body.status === 'approved') {
          done = true;
          status.textContent = 'Approved. Signing you in…';
          location.assign(body.next || '/account');
          return;
        }
        if (body.status === 'none') {
          location.assign(body.next || '/');
          return;
        }
        if (body.message) {
          finish(body.status === 'codes_differ' ? 'danger' : 'refused', body.message);
          return;
        }
      } catch (e) {
        status.textContent = 'Connection problem, retrying…';
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    }
  }

  tick();
  timer = setInterval(tick, 1000);
  poll();
}());
