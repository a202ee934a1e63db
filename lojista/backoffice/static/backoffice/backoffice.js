// Small progressive enhancements; every page works without them.
// No inline script anywhere (the Content-Security-Policy forbids it): the
// behaviours are named by data- attributes and wired here.
document.addEventListener("change", (event) => {
  // A select marked data-autosubmit sends its form when it changes.
  if (event.target.matches && event.target.matches("select[data-autosubmit]") && event.target.form) {
    event.target.form.requestSubmit();
    return;
  }
  // A "select all" box ticks or unticks every box named by its data-select-all.
  const all = event.target.closest("[data-select-all]");
  if (all) {
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  }
});
document.addEventListener("submit", (event) => {
  // A form with data-confirm asks before it is sent.
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
