// The invoice's print button (no inline script: the Content-Security-Policy
// forbids it). It needs this script, so it is shown only when it runs.
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
document.querySelectorAll("[data-print][hidden]").forEach((button) => {
  button.hidden = false;
});
