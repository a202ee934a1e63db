// Card payments with Stripe: loaded only on the payment pages, only when the
// shop has Stripe keys. On the payment page Stripe.js draws the card field;
// on "Pay" with the card chosen it creates a PaymentMethod whose id is sent
// as the payment token. When the bank wants 3-D Secure, the "confirm your
// payment" page hands over to Stripe, then goes back to the payment page,
// which shows the order once Stripe's webhook placed it.
// Without JavaScript the other payment methods still work.
(() => {
  if (typeof window.Stripe !== "function") return;
  const awaiting = document.querySelector(".awaiting[data-client-secret]");
  if (awaiting) {
    const stripe = window.Stripe(awaiting.dataset.stripeKey);
    stripe.handleNextAction({ clientSecret: awaiting.dataset.clientSecret }).then(() => {
      window.location.assign(awaiting.dataset.next);
    });
    return;
  }
  const form = document.querySelector("form.pay-form[data-stripe-key]");
  if (!form) return;
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
