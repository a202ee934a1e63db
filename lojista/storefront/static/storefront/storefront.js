// Small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  // A form marked data-once is sent once: a double click on "Pay" sends one request.
  const form = event.target;
  if (form.dataset && "once" in form.dataset) {
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach((button) => button.setAttribute("aria-disabled", "true"));
  }
});

// App: the service worker (an offline page, the static files kept; see
// /sw.js). Only the storefront loads this file, so only it registers.
(() => {
  const script = document.currentScript;
  const url = script && script.dataset.serviceWorker;
  if (!url || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(() => undefined);
  });
})();
