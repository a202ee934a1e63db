// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
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
