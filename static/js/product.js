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

function render() {
  const variant = chosen();
  const status = page.querySelector("[data-variant-status]");
  for (const row of page.querySelectorAll("[data-location-id]")) {
    const quantity = variant ? variant.locations[row.dataset.locationId] ?? 0 : 0;
    row.querySelector("[data-quantity]").textContent = quantity > 0 ? quantity : "None";
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
render();

// Live stock from the inventory socket (live.js).
document.addEventListener("shop:inventory", ({ detail }) => {
  const variant = variants.find((v) => v.id === detail.variant_id);
  if (!variant) return;
  variant.locations[detail.location_id] = detail.new_quantity;
  variant.stock = detail.variant_stock;
  render();
});
