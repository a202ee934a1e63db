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
