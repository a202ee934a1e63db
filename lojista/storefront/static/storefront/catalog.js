// The product page's variant picker: the price, the stock badge and the
// quantity's maximum follow the chosen variant. Without JavaScript each
// choice shows its own price and stock, and the cart checks the quantity.
(() => {
  const form = document.querySelector("form.add-to-cart");
  if (!form) return;
  const price = document.getElementById("product-price");
  const stock = document.getElementById("product-stock");
  const quantity = document.getElementById("id_quantity");
  const help = document.getElementById("quantity-help");

  function show(radio) {
    if (price) price.textContent = radio.dataset.price;
    if (stock) {
      const badge = document.createElement("span");
      badge.className = "badge " + radio.dataset.tone;
      badge.textContent = radio.dataset.stock;
      stock.replaceChildren(badge);
    }
    if (quantity) {
      quantity.max = radio.dataset.max;
      if (Number(quantity.value) > Number(radio.dataset.max)) quantity.value = radio.dataset.max;
    }
    if (help) help.textContent = radio.dataset.limitText || "";
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "variant_id" && event.target.checked) show(event.target);
  });
  const checked = form.querySelector("input[name=variant_id]:checked");
  if (checked && checked.type === "radio") show(checked);
})();
