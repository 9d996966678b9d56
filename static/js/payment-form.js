// Show only the fields the chosen kind of payment method needs.
const FIELDS_BY_TYPE = {
  card: ["card_number", "exp_month", "exp_year"],
  upi: ["upi_id"],
  gift_card: ["code"],
};
const ALL_FIELDS = Object.values(FIELDS_BY_TYPE).flat();

for (const form of document.querySelectorAll("[data-payment-form]")) {
  const kind = form.querySelector("[name=type]");
  const update = () => {
    const shown = FIELDS_BY_TYPE[kind.value] || [];
    for (const name of ALL_FIELDS) {
      const wrapper = form.querySelector(`[name=${name}]`)?.closest("div");
      if (wrapper) wrapper.hidden = !shown.includes(name);
    }
  };
  kind.addEventListener("change", update);
  update();
}
