// Card payments with Stripe: loaded only on the payment page, only when the
// shop has Stripe keys. Stripe.js draws the card field; on "Pay" with the card
// chosen, it creates a PaymentMethod and its id is sent as the payment token.
// Without JavaScript the other methods still work.
(() => {
  const form = document.querySelector("form.pay-form[data-stripe-key]");
  if (!form || typeof window.Stripe !== "function") return;
  const stripe = window.Stripe(form.dataset.stripeKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const errors = document.getElementById("card-errors");
  let creating = false;
  form.addEventListener("submit", async (event) => {
    const method = form.querySelector("input[name=payment_method]:checked");
    if (!method || method.value !== "stripe") return;
    event.preventDefault();
    event.stopPropagation();
    if (creating) return;
    creating = true;
    const result = await stripe.createPaymentMethod({ type: "card", card });
    if (result.error) {
      errors.textContent = result.error.message;
      creating = false;
      return;
    }
    form.querySelector("input[name=payment_token]").value = result.paymentMethod.id;
    form.submit(); // sent once: creating stays true
  });
})();
