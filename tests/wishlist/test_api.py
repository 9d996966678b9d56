"""The wishlist and "notify me" API: save, list, remove, ask; every bad input in the envelope."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.catalog import builders
from wishlist.models import StockWatch, WishlistItem

from .conftest import variant

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    return response.json()["error"]


# The wishlist


def test_saving_a_product_lists_it_as_the_product_list_shows_it(user_api, api, runner):
    response = user_api.post("/api/wishlist", {"product_id": runner.pk}, format="json")
    assert response.status_code == 201, response.content
    saved = response.json()
    listed = user_api.get("/api/wishlist").json()
    assert listed == [saved]
    [in_the_list] = [p for p in api.get("/api/products").json()["results"] if p["id"] == runner.pk]
    assert saved["product"] == in_the_list
    assert saved["variant_id"] is None
    assert saved["added_at"].endswith(("Z", "+00:00"))


def test_saving_again_answers_200_with_the_same_entry(user_api, runner):
    first = user_api.post("/api/wishlist", {"product_id": runner.pk}, format="json")
    again = user_api.post("/api/wishlist/", {"product_id": runner.pk}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert WishlistItem.objects.count() == 1


def test_a_variant_is_saved_apart_from_the_product(user_api, runner):
    red = variant(runner, color="Red")
    whole = user_api.post("/api/wishlist", {"product_id": runner.pk}, format="json").json()
    body = {"product_id": runner.pk, "variant_id": red.pk}
    one = user_api.post("/api/wishlist", body, format="json")
    assert one.status_code == 201
    assert user_api.post("/api/wishlist", body, format="json").status_code == 200
    listed = user_api.get("/api/wishlist").json()
    assert [(e["id"], e["variant_id"]) for e in listed] == [
        (one.json()["id"], red.pk),
        (whole["id"], None),
    ]


def test_each_user_sees_only_their_own_list(user_api, other_api, runner, shell):
    user_api.post("/api/wishlist", {"product_id": runner.pk}, format="json")
    other_api.post("/api/wishlist", {"product_id": shell.pk}, format="json")
    assert [e["product"]["name"] for e in user_api.get("/api/wishlist").json()] == ["Trail Runner"]
    assert [e["product"]["name"] for e in other_api.get("/api/wishlist").json()] == ["Rain Shell"]


def test_a_product_taken_off_sale_leaves_the_list(user_api, runner, shell, committed):
    for product in (runner, shell):
        user_api.post("/api/wishlist", {"product_id": product.pk}, format="json")
    shell.is_active = False
    committed(shell.save)  # the catalog's cached cards are retired after commit
    assert [e["product"]["id"] for e in user_api.get("/api/wishlist").json()] == [runner.pk]


def test_removing_an_entry(user_api, runner):
    saved = user_api.post("/api/wishlist", {"product_id": runner.pk}, format="json").json()
    assert user_api.delete(f"/api/wishlist/{saved['id']}").status_code == 204
    assert user_api.get("/api/wishlist").json() == []
    again = user_api.delete(f"/api/wishlist/{saved['id']}/")
    assert (again.status_code, error_of(again)["code"]) == (404, "not_found")


def test_another_users_entry_is_a_404_and_stays(user_api, other_api, runner):
    theirs = other_api.post("/api/wishlist", {"product_id": runner.pk}, format="json").json()
    response = user_api.delete(f"/api/wishlist/{theirs['id']}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert [e["id"] for e in other_api.get("/api/wishlist").json()] == [theirs["id"]]


def test_a_malformed_entry_id_is_a_404(user_api):
    for path in ("/api/wishlist/abc", "/api/wishlist/1.5", "/api/wishlist/" + "9" * 30):
        response = user_api.delete(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "product_id"),
        ({"product_id": "abc"}, "product_id"),
        ({"product_id": 0}, "product_id"),
        ({"product_id": 2**70}, "product_id"),
        ({"product_id": 1, "variant_id": "red"}, "variant_id"),
    ],
)
def test_a_malformed_body_is_a_400_naming_the_field(user_api, runner, body, field):
    response = user_api.post("/api/wishlist", body, format="json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"
    assert field in error_of(response)["details"]


def test_a_missing_or_unlisted_product_is_a_404(user_api, runner, shell):
    shell.is_active = False
    shell.save()
    for product_id in (runner.pk + shell.pk + 1000, shell.pk):
        response = user_api.post("/api/wishlist", {"product_id": product_id}, format="json")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    assert not WishlistItem.objects.exists()


def test_a_variant_of_another_product_is_a_400_naming_variant_id(user_api, runner, shell):
    body = {"product_id": runner.pk, "variant_id": shell.variants.get().pk}
    response = user_api.post("/api/wishlist", body, format="json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "validation_error"
    assert error_of(response)["details"] == {"variant_id": ["Not a variant of Trail Runner."]}


# Notify me when available


def test_asking_for_a_sold_out_variant_is_201_then_200_while_pending(user_api, runner):
    red = variant(runner, color="Red")
    path = f"/api/products/{runner.pk}/notify-me"
    first = user_api.post(path, {"variant_id": red.pk}, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["product_id"], body["variant_id"], body["status"]) == (
        runner.pk,
        red.pk,
        "pending",
    )
    again = user_api.post(path + "/", {"variant_id": red.pk}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert StockWatch.objects.count() == 1


def test_asking_for_a_sold_out_product_as_a_whole(user_api, shell):
    response = user_api.post(f"/api/products/{shell.pk}/notify-me", {}, format="json")
    assert response.status_code == 201
    assert response.json()["variant_id"] is None
    assert user_api.post(f"/api/products/{shell.pk}/notify-me").status_code == 200


def test_a_variant_in_stock_is_a_400_in_stock(user_api, runner):
    blue = variant(runner, color="Blue")
    response = user_api.post(
        f"/api/products/{runner.pk}/notify-me", {"variant_id": blue.pk}, format="json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "in_stock"
    assert error_of(response)["details"] == {"stock": 5}
    assert not StockWatch.objects.exists()


def test_a_product_in_stock_is_a_400_in_stock(user_api, runner):
    # Red is sold out, but the product as a whole is not.
    response = user_api.post(f"/api/products/{runner.pk}/notify-me", {}, format="json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "in_stock"


def test_notify_me_for_a_variant_of_another_product_is_a_400_naming_variant_id(
    user_api, runner, shell
):
    response = user_api.post(
        f"/api/products/{shell.pk}/notify-me",
        {"variant_id": variant(runner, color="Red").pk},
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["details"]) == ["variant_id"]


def test_notify_me_for_a_missing_product_is_a_404(user_api, shell):
    for path in (f"/api/products/{shell.pk + 1000}/notify-me", "/api/products/abc/notify-me"):
        response = user_api.post(path, {}, format="json")
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_notify_me_with_a_malformed_variant_id_is_a_400(user_api, shell):
    response = user_api.post(
        f"/api/products/{shell.pk}/notify-me", {"variant_id": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "variant_id" in error_of(response)["details"]


def test_everything_needs_a_signed_in_user(api, runner, shell):
    calls = [
        api.get("/api/wishlist"),
        api.post("/api/wishlist", {"product_id": runner.pk}, format="json"),
        api.delete("/api/wishlist/1"),
        api.post(f"/api/products/{shell.pk}/notify-me", {}, format="json"),
    ]
    refused = [(r.status_code, error_of(r)["code"]) for r in calls]
    assert refused == [(401, "not_authenticated")] * 4
    assert not WishlistItem.objects.exists() and not StockWatch.objects.exists()


def test_the_storefront_script_saves_with_its_session_and_csrf_token(user, runner):
    """What wishlist.js does: the session cookie, and the token from the csrftoken cookie."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/account/saved/")  # any page sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    body = {"product_id": runner.pk}
    refused = browser.post("/api/wishlist", body, content_type="application/json")
    assert refused.status_code == 403
    saved = browser.post(
        "/api/wishlist", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert saved.status_code == 201
    listed = browser.get("/api/wishlist", HTTP_ACCEPT="application/json").json()
    assert [e["product"]["id"] for e in listed] == [runner.pk]
    removed = browser.delete(f"/api/wishlist/{saved.json()['id']}", HTTP_X_CSRFTOKEN=token)
    assert removed.status_code == 204


def test_listing_costs_the_same_queries_for_one_product_or_many(user, user_api, warehouse):
    def queries_to_list() -> int:
        cache.clear()  # cards built afresh, as after a catalog edit
        with CaptureQueriesContext(connection) as captured:
            assert user_api.get("/api/wishlist").status_code == 200
        return len(captured)

    products = [builders.product(f"Bottle {n}", variants=[("", "", 3)]) for n in range(5)]
    user_api.post("/api/wishlist", {"product_id": products[0].pk}, format="json")
    one = queries_to_list()
    for product in products[1:]:
        user_api.post("/api/wishlist", {"product_id": product.pk}, format="json")
    assert queries_to_list() == one
    assert len(user_api.get("/api/wishlist").json()) == 5
