// Live stock badges and order statuses over /ws/inventory/ (the session cookie signs it in).
// Other scripts hear about each event as a "shop:inventory" or "shop:order" DOM event.
const LABELS = { in_stock: "In stock", low_stock: "Only a few left", out_of_stock: "Out of stock" };

function productIdsOnPage() {
  const ids = new Set();
  for (const el of document.querySelectorAll("[data-product-id]")) ids.add(Number(el.dataset.productId));
  return [...ids].filter(Number.isInteger);
}

function updateBadges(event) {
  for (const badge of document.querySelectorAll(`[data-stock-badge][data-product-id="${event.product_id}"]`)) {
    badge.textContent = LABELS[event.stock_status] ?? badge.textContent;
    badge.className = `stock-badge stock-${event.stock_status}`;
  }
}

function updateOrders(event) {
  for (const el of document.querySelectorAll(`[data-order-status][data-order-id="${event.order_id}"]`)) {
    el.textContent = event.status.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase());
    el.className = `status status-${event.status}`;
  }
}

function connect(attempt = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/inventory/`);
  socket.addEventListener("open", () => {
    attempt = 0;
    document.documentElement.dataset.live = "connected";
    const ids = productIdsOnPage();
    if (ids.length && !document.querySelector("[data-order-status]")) socket.send(JSON.stringify({ subscribe: ids }));
  });
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
    else if (event.type === "inventory_update") {
      updateBadges(event);
      document.dispatchEvent(new CustomEvent("shop:inventory", { detail: event }));
    } else if (event.type === "order_update") {
      updateOrders(event);
      document.dispatchEvent(new CustomEvent("shop:order", { detail: event }));
    } else if (event.type === "back_in_stock") {
      document.dispatchEvent(new CustomEvent("shop:back_in_stock", { detail: event }));
    }
  });
  socket.addEventListener("close", () => {
    document.documentElement.dataset.live = "disconnected";
    // Back off up to 30 s, so a restarting server isn't stampeded.
    setTimeout(() => connect(attempt + 1), Math.min(30000, 1000 * 2 ** attempt));
  });
}

if ("WebSocket" in window) connect();
