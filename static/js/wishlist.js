// Hearts that save products for later, and "Notify me when available" on sold-out variants
// (templates/wishlist/heart.html and notify_me.html), through the API with the session cookie.
// Visitors' pages come from a shared cache, so which products are saved is asked for here.
// Without this script the same buttons post their forms.

const NOTICE_ASKED = "We'll e-mail you once when it's back in stock.";

function csrfToken(form) {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  return form?.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

async function call(method, path, { body, form } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRFToken"] = csrfToken(form);
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, data };
}

// Hearts: pressed when the product is saved (as a whole or one of its variants).

const hearts = [...document.querySelectorAll("[data-wishlist-heart]")];
const saved = new Map(); // product id -> ids of its wishlist entries

function productOf(form) {
  return Number(form.dataset.wishlistProduct);
}

function mark(form) {
  const on = saved.has(productOf(form));
  const button = form.querySelector("button");
  button.setAttribute("aria-pressed", String(on));
  const name = form.dataset.name;
  button.setAttribute("aria-label", on ? `Remove ${name} from saved` : `Save ${name}`);
  button.title = on ? "Saved: press to remove" : "Save for later";
  button.textContent = on ? "\u2665" : "\u2661";
  form.classList.toggle("saved", on);
}

function markAll(productId) {
  for (const form of hearts) {
    if (productId === undefined || productOf(form) === productId) mark(form);
  }
}

async function loadSaved() {
  const { ok, data } = await call("GET", "/api/wishlist");
  if (!ok || !Array.isArray(data)) return;
  saved.clear();
  for (const entry of data) {
    saved.set(entry.product.id, [...(saved.get(entry.product.id) ?? []), entry.id]);
  }
  markAll();
}

async function toggle(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const productId = productOf(form);
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    if (saved.has(productId)) {
      for (const id of saved.get(productId)) {
        const { ok, status } = await call("DELETE", `/api/wishlist/${id}`, { form });
        if (!ok && status !== 404) throw new Error(`remove: ${status}`);
      }
      saved.delete(productId);
    } else {
      const body = { product_id: productId };
      const { ok, status, data } = await call("POST", "/api/wishlist", { body, form });
      if (status === 401 || status === 403) {
        form.submit(); // signed out meanwhile: the form's page asks to sign in
        return;
      }
      if (!ok) throw new Error(`save: ${status}`);
      saved.set(productId, [data.id]);
    }
    markAll(productId);
  } catch {
    await loadSaved(); // show what is true
  } finally {
    button.disabled = false;
  }
}

if (hearts.length) {
  for (const form of hearts) form.addEventListener("submit", toggle);
  loadSaved();
}

// Notify me: shown while the variant chosen in the product page's picker is sold out.

const notify = document.querySelector("[data-notify-me]");
const variantData = document.getElementById("variant-data");

if (notify && variantData) {
  const variants = JSON.parse(variantData.textContent);
  const picker = document.querySelector("[data-variant-picker]");
  const form = notify.querySelector("[data-notify-form]");
  const field = notify.querySelector("[data-notify-variant]");
  const status = notify.querySelector("[data-notify-status]");
  const asked = new Set(); // variants asked about on this page

  const chosen = () => {
    const value = (name) => picker?.querySelector(`input[name=${name}]:checked`)?.value ?? "";
    return variants.find((v) => v.color === value("color") && v.size === value("size"));
  };

  const show = () => {
    if (!variants.length) return; // nothing to choose: the page says whether it is sold out
    const variant = chosen();
    notify.hidden = !variant || variant.stock > 0;
    if (field) field.value = variant ? variant.id : "";
    status.textContent = variant && asked.has(variant.id) ? NOTICE_ASKED : "";
  };

  picker?.addEventListener("change", show);
  document.addEventListener("shop:inventory", ({ detail }) => {
    const variant = variants.find((v) => v.id === detail.variant_id);
    if (!variant) return;
    variant.stock = detail.variant_stock;
    show();
  });

  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const variant = chosen();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const body = variant ? { variant_id: variant.id } : {};
      const path = `/api/products/${notify.dataset.notifyProduct}/notify-me`;
      const { ok, status: code, data } = await call("POST", path, { body, form });
      if (code === 401 || code === 403) {
        form.submit();
        return;
      }
      if (ok) {
        if (variant) asked.add(variant.id);
        status.textContent = NOTICE_ASKED;
      } else if (data?.error?.code === "in_stock") {
        status.textContent = "It's in stock now: add it to your cart.";
      } else {
        status.textContent = data?.error?.message ?? "That didn't work; please try again.";
      }
    } catch {
      status.textContent = "That didn't work; please try again.";
    } finally {
      button.disabled = false;
    }
  });

  show();
}

// The back_in_stock socket event (live.js passes it on as "shop:back_in_stock").

document.addEventListener("shop:back_in_stock", ({ detail }) => {
  const main = document.getElementById("main");
  if (!main) return;
  const note = document.createElement("p");
  note.className = "flash";
  note.setAttribute("role", "status");
  const link = document.createElement("a");
  link.href = detail.url;
  link.textContent = detail.name;
  note.append(link, " is back in stock.");
  main.prepend(note);
});
