// Service worker: makes the authenticator installable and lets its page open without a network. Network first,
// so a new version is used as soon as the verifier serves it; the API (/v1/) is never cached or intercepted,
// since requests and answers must be live (X.1280 §8.3 validity window).
const CACHE = 'countersign-authenticator-v1';
const SHELL = ['./', 'index.html', 'app.js', 'oob.js', 'network.js', 'style.css', 'manifest.webmanifest', 'icon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const scope = new URL(self.registration.scope);
  if (event.request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) {
    return;
  }
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        // Keyed without the query: an enrolment link carries a one-time code that must not be stored.
        caches.open(CACHE).then((c) => c.put(url.origin + url.pathname, copy));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: true })));
});
