// The cart page with HTMX. A quantity the server refuses comes back as 400
// with the cart block and the error beside the line: swap it like a success
// (htmx leaves 4xx responses unswapped by default). Once the block changes,
// the page's earlier messages ("Added … to your cart") are stale: the block
// says what just happened.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "cart") return;
  if (event.detail.xhr.status === 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
  document.querySelectorAll("main > .messages").forEach((list) => list.remove());
});
