// The cart page with HTMX: a quantity the server refuses comes back as 400
// with the cart block and the error beside the line; swap it like a success
// (htmx leaves 4xx responses unswapped by default).
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (event.detail.xhr.status === 400 && target && target.id === "cart") {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
