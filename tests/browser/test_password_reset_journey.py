"""A shopper who forgot their password, in Chromium against the live shop: asks for a link on
the sign-in page, follows the link in the mail the shop sent, is refused a weak password, sets a
strong one and is signed in; the new password works from then on, the old one and the link no
longer do."""

import re

from playwright.sync_api import Page, expect

from tests.browser.pages import assert_page_is_sound, plain_text, sign_in, wait_for_mail
from tests.helpers import PROJECT_DIR

SCREENSHOTS = PROJECT_DIR / "test-results" / "browser"
NEW_PASSWORD = "lantern-meadow-5826-cobalt"
NEW_PASSWORD_FIELD = re.compile(r"^New password:?$")  # not "New password, again"


def test_a_shopper_resets_a_forgotten_password_from_the_mailed_link(new_page, live_shop, mail_dir):
    username, old_password = live_shop.new_shopper()
    email = f"{username}@example.com"
    page: Page = new_page()

    # Forgot the password: ask for a link from the sign-in page.
    page.goto("/accounts/signin/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    assert_page_is_sound(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert_page_is_sound(page)

    # The mail: a link back to this shop's reset page.
    mail = wait_for_mail(mail_dir, to=email, subject="Reset your password")
    links = re.findall(r"http://\S+/accounts/reset/[\w-]+/[\w-]+/", plain_text(mail))
    assert len(links) == 1, plain_text(mail)
    reset_link = links[0]
    assert reset_link.startswith(live_shop.url + "/accounts/reset/")

    # The link: its token leaves the address bar at once.
    page.goto(reset_link)
    expect(page).to_have_url(re.compile(r"/accounts/reset/[\w-]+/set-password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_page_is_sound(page)
    page.screenshot(path=str(SCREENSHOTS / "password-reset-set-new-password.png"), full_page=True)

    # A weak password is refused, saying why.
    page.get_by_label(NEW_PASSWORD_FIELD).fill("password")
    page.get_by_label("New password, again").fill("password")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # A strong one, typed twice: set, and signed in.
    page.get_by_label(NEW_PASSWORD_FIELD).fill(NEW_PASSWORD)
    page.get_by_label("New password, again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    expect(page).to_have_url(live_shop.url + "/accounts/reset/done/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is set")
    expect(page.get_by_text(f"You're signed in as {username}")).to_be_visible()
    expect(page.get_by_role("link", name=username)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_page_is_sound(page)
    page.screenshot(path=str(SCREENSHOTS / "password-reset-done.png"), full_page=True)
    changed = wait_for_mail(mail_dir, to=email, subject="Your password was changed")
    assert "password" in plain_text(changed).lower()

    # Signed out: the old password is refused, the new one lets them in.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/accounts/signin/")
    page.get_by_label("Email or username").fill(email)
    page.get_by_label("Password").fill(old_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email, username or password is not right.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    sign_in(page, email, NEW_PASSWORD)

    # The link worked once.
    page.goto(reset_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link doesn't work")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    expect(page.get_by_label(NEW_PASSWORD_FIELD)).to_have_count(0)
    assert_page_is_sound(page)
