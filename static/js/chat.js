// The chat widget: opens from a button, keeps one session across pages, shows thinking and tool
// steps compactly, product cards with add-to-cart, and reconnects with the history.
// Everything the shopper or the agent says is shown as text, never as HTML.
const widget = document.querySelector("[data-chat-widget]");
const panel = widget.querySelector("#chat-panel");
const toggle = widget.querySelector("[data-chat-toggle]");
const log = widget.querySelector("[data-chat-log]");
const form = widget.querySelector("[data-chat-form]");
const STORAGE = "shop-chat-session";
let socket = null;
const waiting = []; // typed before the socket opened

function sessionId() {
  let id = localStorage.getItem(STORAGE);
  if (!id) {
    id = crypto.randomUUID().replaceAll("-", "");
    localStorage.setItem(STORAGE, id);
  }
  return id;
}

function line(kind, text) {
  const item = document.createElement("li");
  item.className = `chat-${kind}`;
  item.textContent = text;
  log.append(item);
  log.scrollTop = log.scrollHeight;
  return item;
}

function csrfToken() {
  return document.cookie.split("; ").find((c) => c.startsWith("csrftoken="))?.split("=")[1] ?? "";
}

function productCards(products) {
  const list = document.createElement("li");
  list.className = "chat-products";
  for (const product of products) {
    const card = document.createElement("div");
    card.className = "chat-card";
    const link = document.createElement("a");
    link.href = product.url;
    link.textContent = `${product.name} · $${product.price}`;
    card.append(link);
    if (product.colors.length <= 1 && product.sizes.length <= 1 && product.stock_status !== "out_of_stock") {
      const add = document.createElement("button");
      add.type = "button";
      add.className = "link-button";
      add.textContent = "Add to cart";
      add.addEventListener("click", async () => {
        const response = await fetch("/api/cart/items", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ product_id: product.id, quantity: 1, color: product.colors[0] ?? "", size: product.sizes[0] ?? "" }),
        });
        add.textContent = response.ok ? "Added" : "Couldn't add";
      });
      card.append(" ", add);
    }
    list.append(card);
  }
  log.append(list);
}

function show(event) {
  if (event.type === "ping") socket.send(JSON.stringify({ type: "pong" }));
  else if (event.type === "system") {
    log.replaceChildren();
    for (const past of event.history) line(past.type, past.content);
    if (!event.history.length) line("system", event.content);
  } else if (event.type === "user") line("user", event.content);
  else if (event.type === "thinking") line("step", "…");
  else if (event.type === "tool_call") line("step", `↳ ${event.tool.replaceAll("_", " ")}`);
  else if (event.type === "assistant") {
    line("assistant", event.content);
    if (event.products?.length) productCards(event.products);
  } else if (event.type === "error") line("error", event.content);
}

function connect(attempt = 0) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/chat/${sessionId()}`);
  socket.addEventListener("open", () => {
    attempt = 0;
    while (waiting.length) socket.send(waiting.shift());
  });
  socket.addEventListener("message", (message) => show(JSON.parse(message.data)));
  socket.addEventListener("close", (closed) => {
    if (closed.code === 4401 || closed.code === 4403) {
      localStorage.removeItem(STORAGE);
      return;
    }
    setTimeout(() => connect(attempt + 1), Math.min(30000, 1000 * 2 ** attempt));
  });
}

function open() {
  panel.hidden = false;
  toggle.setAttribute("aria-expanded", "true");
  sessionStorage.setItem("shop-chat-open", "1");
  if (widget.dataset.signedIn !== "1") {
    log.replaceChildren();
    const item = line("system", "Sign in to chat with our assistant: ");
    const link = document.createElement("a");
    link.href = widget.dataset.signinUrl;
    link.textContent = "sign in";
    item.append(link);
    form.hidden = true;
    return;
  }
  if (!socket) connect();
  form.querySelector("input").focus();
}

toggle.addEventListener("click", () => (panel.hidden ? open() : close()));
function close() {
  panel.hidden = true;
  toggle.setAttribute("aria-expanded", "false");
  sessionStorage.removeItem("shop-chat-open");
}
widget.querySelector("[data-chat-close]").addEventListener("click", close);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const input = form.querySelector("input");
  const message = input.value.trim();
  if (!message) return;
  const frame = JSON.stringify({ message });
  if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
  else waiting.push(frame);
  input.value = "";
});
if (sessionStorage.getItem("shop-chat-open")) open();
