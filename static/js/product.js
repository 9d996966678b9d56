// Product page: pick a colour and size, see that variant's price and stock in each location.
const page = document.querySelector("[data-product-page]");
const variants = JSON.parse(document.getElementById("variant-data").textContent);
const picker = page.querySelector("[data-variant-picker]");

function chosen() {
  const value = (name) => picker.querySelector(`input[name=${name}]:checked`)?.value ?? "";
  const color = value("color");
  const size = value("size");
  return variants.find((v) => v.color === color && v.size === size);
}

function check(name, value) {
  const input = picker.querySelector(`input[name=${name}][value="${CSS.escape(value)}"]`);
  if (input) input.checked = true;
}

// Sizes (or colours) with none left in the chosen colour (or size) look sold out; still pickable.
function markSoldOut() {
  const current = { color: picker.querySelector("input[name=color]:checked")?.value ?? "", size: picker.querySelector("input[name=size]:checked")?.value ?? "" };
  for (const input of picker.querySelectorAll("input[name=color], input[name=size]")) {
    const other = input.name === "color" ? "size" : "color";
    const match = variants.find((v) => v[input.name] === input.value && v[other] === current[other]);
    input.closest("label").classList.toggle("sold-out", !match || match.stock <= 0);
  }
}

function render() {
  markSoldOut();
  const variant = chosen();
  const status = page.querySelector("[data-variant-status]");
  for (const row of page.querySelectorAll("[data-location-id]")) {
    const quantity = variant ? variant.locations[row.dataset.locationId] ?? 0 : 0;
    row.querySelector("[data-quantity]").textContent = String(quantity);
  }
  const addButton = page.querySelector("[data-add-to-cart]");
  addButton.disabled = !variant || variant.stock <= 0;
  if (!variant) {
    status.textContent = "This combination is not made.";
    return;
  }
  page.querySelector("[data-price]").textContent = `$${variant.price}`;
  status.textContent = variant.stock > 0 ? `SKU ${variant.sku}: ${variant.stock} available` : `SKU ${variant.sku}: out of stock`;
}

picker.addEventListener("change", render);
// Open on something that can be bought, when anything can.
if (!(chosen()?.stock > 0)) {
  const available = variants.find((v) => v.stock > 0);
  if (available) {
    check("color", available.color);
    check("size", available.size);
  }
}
render();

// Live stock from the inventory socket (live.js).
document.addEventListener("shop:inventory", ({ detail }) => {
  const variant = variants.find((v) => v.id === detail.variant_id);
  if (!variant) return;
  variant.locations[detail.location_id] = detail.new_quantity;
  variant.stock = detail.variant_stock;
  render();
});
