"""The Saved page, the forms behind the heart and "Notify me" for browsers without scripts, and
the partials the catalog's pages include."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from wishlist import services
from wishlist.models import StockWatch, WishlistItem

from .conftest import variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The Saved page


def test_the_saved_page_needs_a_signed_in_user(client):
    response = client.get("/account/saved/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signin/?next=/account/saved/"


def test_the_saved_page_shows_saved_products_as_cards_with_a_remove_button(
    signed_in, user, other_user, runner, shell
):
    whole = services.save_product(user=user, product_id=shell.pk)[0]
    red = services.save_product(
        user=user, product_id=runner.pk, variant_id=variant(runner, color="Red").pk
    )[0]
    services.save_product(user=other_user, product_id=runner.pk)
    page = signed_in.get("/account/saved/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 saved products" in html
    cards = re.findall(r'<article class="product-card" data-product-id="(\d+)"', html)
    assert cards == [str(runner.pk), str(shell.pk)]  # newest first
    assert f'href="/p/{runner.slug}/"' in html and "$80.00" in html
    assert "Red, 9" in html
    for item in (red, whole):
        assert f'action="/account/saved/{item.pk}/remove/"' in html


def test_the_saved_page_without_saved_products_says_so(signed_in):
    html = signed_in.get("/account/saved/").content.decode()
    assert "Nothing saved yet" in html


def test_removing_from_the_saved_page(signed_in, user, runner):
    item = services.save_product(user=user, product_id=runner.pk)[0]
    response = signed_in.post(f"/account/saved/{item.pk}/remove/", follow=True)
    assert response.redirect_chain == [("/account/saved/", 302)]
    assert messages_of(response) == ["Removed from your saved products."]
    assert "Nothing saved yet" in response.content.decode()


def test_another_users_entry_cannot_be_removed(signed_in, other_user, runner):
    theirs = services.save_product(user=other_user, product_id=runner.pk)[0]
    response = signed_in.post(f"/account/saved/{theirs.pk}/remove/", follow=True)
    assert messages_of(response) == ["No such item in your saved products."]
    assert WishlistItem.objects.filter(pk=theirs.pk).exists()


# The forms behind the buttons (no script)


def test_the_heart_form_saves_and_goes_back(signed_in, user, runner):
    back = f"/p/{runner.slug}/"
    response = signed_in.post(
        "/account/saved/add/", {"product_id": runner.pk, "next": back}, follow=True
    )
    assert response.redirect_chain[0] == (back, 302)
    assert WishlistItem.objects.filter(user=user, product=runner).count() == 1
    assert "Saved" in messages_of(response)[0]


def test_the_heart_form_never_sends_anyone_elsewhere(signed_in, runner):
    response = signed_in.post(
        "/account/saved/add/", {"product_id": runner.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/account/saved/"


def test_the_heart_form_refuses_a_missing_product(signed_in, runner):
    for product_id, said in (
        ("abc", "Choose a product to save."),
        (str(runner.pk + 999), "This product is not for sale."),
    ):
        response = signed_in.post("/account/saved/add/", {"product_id": product_id}, follow=True)
        assert messages_of(response) == [said]
    assert not WishlistItem.objects.exists()


def test_the_notify_me_form_asks_for_the_sold_out_variant(signed_in, user, runner):
    red = variant(runner, color="Red")
    response = signed_in.post(
        "/account/notify-me/",
        {"product_id": runner.pk, "variant_id": red.pk, "next": f"/p/{runner.slug}/"},
        follow=True,
    )
    assert messages_of(response) == ["We'll e-mail you once when it's back in stock."]
    assert StockWatch.objects.get(user=user).variant == red


def test_the_notify_me_form_explains_an_item_in_stock(signed_in, runner):
    blue = variant(runner, color="Blue")
    response = signed_in.post(
        "/account/notify-me/", {"product_id": runner.pk, "variant_id": blue.pk}, follow=True
    )
    assert messages_of(response) == [
        "Trail Runner (Blue, 10) is in stock now: no need to wait for it."
    ]
    assert not StockWatch.objects.exists()


def test_the_forms_need_a_signed_in_user(client, runner):
    for path in ("/account/saved/add/", "/account/notify-me/", "/account/saved/1/remove/"):
        response = client.post(path, {"product_id": runner.pk})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/signin/")
    assert not WishlistItem.objects.exists()


# The partials on product cards and the product page


def render(template, product, user):
    request = RequestFactory().get(f"/p/{product.slug}/")
    request.user = user
    return render_to_string(template, {"product": product}, request=request)


def test_a_visitors_heart_links_to_sign_in_and_shows_no_one_s_list(runner):
    html = render("wishlist/heart.html", runner, AnonymousUser())
    assert f'href="/accounts/signin/?next=/p/{runner.slug}/"' in html
    assert "<form" not in html and "csrf" not in html
    assert "Save Trail Runner for later" in html


def test_a_signed_in_users_heart_is_a_button_the_script_marks(user, runner):
    html = render("wishlist/heart.html", runner, user)
    assert 'action="/account/saved/add/"' in html
    assert f'data-wishlist-product="{runner.pk}"' in html
    assert 'aria-pressed="false"' in html  # saved or not: the script asks the API
    assert 'name="csrfmiddlewaretoken"' in html


def test_notify_me_shows_while_the_product_is_sold_out(user, runner, shell):
    sold_out = render("wishlist/notify_me.html", shell, user)
    assert re.search(r"<div [^>]*data-notify-me[^>]*>", sold_out).group(0).count("hidden") == 0
    assert 'action="/account/notify-me/"' in sold_out
    assert "Notify me when available" in sold_out
    # In stock (one variant sold out): hidden until the script sees that variant chosen.
    in_stock = render("wishlist/notify_me.html", runner, user)
    assert re.search(r"<div [^>]*data-notify-me[^>]*hidden>", in_stock)


def test_a_visitor_is_asked_to_sign_in_for_notify_me(shell):
    html = render("wishlist/notify_me.html", shell, AnonymousUser())
    assert f'href="/accounts/signin/?next=/p/{shell.slug}/"' in html
    assert "<form" not in html
