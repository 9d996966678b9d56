// Listings on a phone: the filters fold away so products come first, unless some are in use.
const box = document.querySelector("[data-filters]");
const inUse = [...new URLSearchParams(location.search).entries()].some(([name, value]) => value && !["q", "page"].includes(name));
if (box && !inUse && matchMedia("(max-width: 48rem)").matches) box.open = false;
