"""Steps and checks the browser journeys share."""

import re
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import Page, expect

# Run in the page: what a phone user or a screen-reader user would trip over.
_PAGE_PROBLEMS = """() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`scrolls sideways: ${document.documentElement.scrollWidth}px on a ${window.innerWidth}px screen`);
  for (const img of document.images)
    if (!img.hasAttribute("alt")) problems.push(`image without alt text: ${img.src}`);
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(field.type)) continue;
    const named = field.labels?.length || field.getAttribute("aria-label") || field.closest("label");
    if (!named) problems.push(`field without a label: ${field.name || field.id}`);
  }
  if (!document.title.trim()) problems.push("no page title");
  if (document.querySelectorAll("h1").length !== 1) problems.push(`${document.querySelectorAll("h1").length} h1 headings`);
  return problems;
}"""


def assert_page_is_sound(page: Page) -> None:
    """The page fits the screen, names its fields and images, has one title heading, and its
    scripts ran without errors."""
    page.wait_for_load_state("load")
    problems = page.evaluate(_PAGE_PROBLEMS)
    assert problems == [], f"{page.url}: {problems}"
    assert page.script_errors == [], f"{page.url}: {page.script_errors}"


def sign_in(page: Page, login: str, password: str, *, next_path: str = "") -> None:
    page.goto(f"/accounts/signin/?next={next_path}" if next_path else "/accounts/signin/")
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def add_first_variant_to_cart(page: Page, *, quantity: int) -> str:
    """On a product page: the first colour and size with ``quantity`` in stock, checked
    against the per-store table, added to the cart. Returns what the page said of it."""
    status = page.locator("[data-variant-status]")
    colors = page.locator("input[name=color]")
    sizes = page.locator("input[name=size]")
    for color in range(max(colors.count(), 1)):
        for size in range(max(sizes.count(), 1)):
            if colors.count():
                colors.nth(color).check()
            if sizes.count():
                sizes.nth(size).check()
            available = re.search(r"(\d+) available", status.inner_text())
            if available and int(available.group(1)) >= quantity:
                by_store = [
                    int(q) for q in page.locator("[data-quantity]").all_inner_texts() if q.isdigit()
                ]
                assert sum(by_store) == int(available.group(1))
                chosen = status.inner_text()
                page.get_by_label("Quantity", exact=True).fill(str(quantity))
                page.get_by_role("button", name="Add to cart").click()
                expect(page.get_by_role("status")).to_contain_text("Added to your cart")
                return chosen
    raise AssertionError(f"nothing on {page.url} has {quantity} in stock")


def fill_address(page: Page, street: str, city: str, zip_code: str, country: str = "US") -> None:
    """The address form's fields, wherever it is shown (checkout, account page)."""
    page.get_by_label("Street").fill(street)
    page.get_by_label("City").fill(city)
    page.get_by_label("ZIP code").fill(zip_code)
    page.get_by_label("Country").fill(country)


def fill_card(page: Page, number: str, month: int, year: int) -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry month").fill(str(month))
    page.get_by_label("Expiry year").fill(str(year))


_MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # after each message in the file backend's logs


def wait_for_mail(mail_dir: Path, *, to: str, subject: str, timeout: float = 10) -> EmailMessage:
    """The newest mail the live shop wrote to ``mail_dir`` for ``to`` with ``subject``, waiting
    up to ``timeout`` seconds for it to arrive."""
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for log in sorted(mail_dir.glob("*.log"), key=lambda path: path.stat().st_mtime):
            # A message still being written has no separator after it yet: left for later.
            for raw in log.read_bytes().split(_MAIL_SEPARATOR)[:-1]:
                message = message_from_bytes(raw.lstrip(b"\n"), policy=policy.default)
                if message["To"] == to and message["Subject"] == subject:
                    found.append(message)
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {to} about {subject!r} in {timeout} s")
        time.sleep(0.2)


def plain_text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
