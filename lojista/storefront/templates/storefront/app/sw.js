// The storefront's service worker (served from /sw.js so it controls the
// whole site). What it does, in full:
// - at install, it keeps the offline page and the shell's static files;
// - the storefront's static files: from the cache at once, refreshed from
//   the network behind (the back office's and images: the browser's way);
// - pages: always from the network; when the network is gone, the offline page;
// - never anything personal or that changes state: the cart, checkout,
//   account, orders and confirmation pages, the language switch, the API,
//   the back office and every request that is not a GET pass straight to the
//   network and are never stored.
const CONFIG = {{ config|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CONFIG.cache)
      .then((cache) => cache.addAll([CONFIG.offline, ...CONFIG.precached]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // Old versions' caches go; this worker takes the open pages at once.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CONFIG.cache).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function neverCached(url) {
  return CONFIG.neverCached.some((prefix) => url.pathname.startsWith(prefix));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Another site, a POST, or a personal page: the browser's own way, untouched.
  if (request.method !== "GET" || url.origin !== self.location.origin || neverCached(url)) {
    return;
  }
  if (CONFIG.static.some((prefix) => url.pathname.startsWith(prefix))) {
    // Static files: the kept copy at once (refreshed behind), else the network.
    event.respondWith(
      caches.open(CONFIG.cache).then((cache) =>
        cache.match(request).then((kept) => {
          const fresh = fetch(request).then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
          if (kept) {
            event.waitUntil(fresh.catch(() => undefined));
            return kept;
          }
          return fresh;
        })
      )
    );
    return;
  }
  if (request.mode === "navigate") {
    // Pages: the network; without it, the offline page. Pages are never kept.
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(CONFIG.offline).then((page) => page || Response.error())
      )
    );
  }
});
