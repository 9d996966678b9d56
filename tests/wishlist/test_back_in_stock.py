"""Back in stock: when a watched variant goes from none to some, by any path that changes stock
(staff, the supplier feed, a cancelled order, a received return), each user who asked gets one
mail, sent after the change commits; never for a rolled-back change, never twice."""

import pytest
from django.core import mail as django_mail
from django.db import transaction

from accounts import services as accounts
from catalog import feeds, stock
from catalog.stock import StockChange
from core.jobs import run_now
from mail import services as mail
from mail.models import Email
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.orders.conftest import add_to_cart, card, place
from tests.orders.test_orders import deliver
from wishlist import services
from wishlist.models import StockWatch

from .conftest import back_in_stock_mail, variant

pytestmark = pytest.mark.django_db


def ask(client, product, variant_id=None) -> dict:
    body = {} if variant_id is None else {"variant_id": variant_id}
    response = client.post(f"/api/products/{product.pk}/notify-me", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def set_level(product, quantity, location, **options):
    sku = variant(product, **options).sku
    return stock.set_stock_level(sku=sku, location_id=location.pk, quantity=quantity)


def assert_told_once(users, name):
    for user in users:
        [message] = back_in_stock_mail(user.email)
        assert message.subject == f"{name} is back in stock"
    assert len(django_mail.outbox) == len(users)
    assert StockWatch.objects.filter(status="pending").count() == 0


# Each path that puts stock back


def test_staff_setting_a_level_tells_each_watcher_once(
    user, other_user, user_api, other_api, staff_api, runner, warehouse, committed
):
    red = variant(runner, color="Red")
    for client in (user_api, other_api):
        ask(client, runner, red.pk)
    response = committed(
        lambda: staff_api.put(
            "/api/staff/stock",
            {"sku": red.sku, "location_id": warehouse.pk, "quantity": 4},
            format="json",
        )
    )
    assert response.status_code == 200, response.content
    assert_told_once([user, other_user], "Trail Runner (Red, 9)")
    # Stock moving again (more arrives, some sells) tells nobody anything more.
    committed(lambda: set_level(runner, 9, warehouse, color="Red"))
    committed(lambda: set_level(runner, 2, warehouse, color="Red"))
    assert len(django_mail.outbox) == 2


def test_the_supplier_feed_tells_watchers(
    user, user_api, shell, runner, warehouse, committed, tmp_path
):
    ask(user_api, shell)
    ask(user_api, runner, variant(runner, color="Red").pk)
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "sku,location,quantity\n"
        f"{variant(shell).sku},Central Warehouse,6\n"
        f"{variant(runner, color='Blue').sku},{warehouse.pk},9\n"  # not the one asked about
    )
    run = committed(lambda: feeds.sync_inventory(feeds.FileFeed(str(feed))))
    assert (run.applied, run.skipped) == (2, 0)
    [message] = back_in_stock_mail(user.email)
    assert message.subject == "Rain Shell is back in stock"
    assert StockWatch.objects.get(variant__color="Red").status == "pending"


def test_the_scheduled_sync_job_tells_watchers(
    user, user_api, shell, warehouse, committed, settings, tmp_path
):
    ask(user_api, shell)
    feed = tmp_path / "feed.json"
    feed.write_text(
        f'[{{"sku": "{variant(shell).sku}", "location": "{warehouse.pk}", "quantity": 2}}]'
    )
    settings.INVENTORY_FEED = str(feed)
    assert committed(lambda: run_now("sync_inventory"))["applied"] == 1
    assert_told_once([user], "Rain Shell")


@pytest.fixture
def last_pair(warehouse):
    """One pair left: a buyer takes it before anyone else can."""
    from tests.catalog import builders

    return builders.product("Last Pair", price="20.00", variants=[("Green", "8", 1)])


@pytest.fixture
def buyer(db):
    person = UserFactory(username="cy", email="cy@example.com")
    client = bearer_client(person)
    client.address = accounts.add_address(
        user=person, street="1 Main St", city="Springfield", zip_code="62701", country="US"
    )
    client.card = card(person)
    return client


def buy_the_last_pair(buyer, last_pair, committed) -> dict:
    add_to_cart(buyer, last_pair, 1, color="Green", size="8")
    order = committed(lambda: place(buyer, buyer.address, buyer.card))
    assert order.status_code == 201, order.content
    return order.json()


def test_a_cancelled_order_putting_stock_back_tells_watchers(
    user, user_api, buyer, staff_api, last_pair, committed
):
    order = buy_the_last_pair(buyer, last_pair, committed)
    ask(user_api, last_pair, variant(last_pair).pk)
    django_mail.outbox.clear()  # the buyer's confirmation
    cancelled = committed(lambda: buyer.post(f"/api/orders/{order['id']}/cancel"))
    assert cancelled.status_code == 200, cancelled.content
    assert [m.subject for m in back_in_stock_mail(user.email)] == [
        "Last Pair (Green, 8) is back in stock"
    ]
    assert StockWatch.objects.get().status == "notified"


def test_a_received_return_putting_stock_back_tells_watchers(
    user, user_api, buyer, staff_api, last_pair, committed
):
    order = buy_the_last_pair(buyer, last_pair, committed)
    committed(lambda: deliver(staff_api, order["id"]))
    ask(user_api, last_pair)  # any variant will do
    item = order["items"][0]
    returned = committed(
        lambda: buyer.post(
            f"/api/orders/{order['id']}/return",
            {"reason": "Too small", "items": [{"order_item_id": item["id"], "quantity": 1}]},
            format="json",
        )
    ).json()
    committed(lambda: staff_api.post(f"/api/staff/returns/{returned['id']}/approve"))
    assert back_in_stock_mail(user.email) == []  # approved, but not back on the shelf yet
    received = committed(lambda: staff_api.post(f"/api/staff/returns/{returned['id']}/receive"))
    assert received.status_code == 200, received.content
    assert [m.subject for m in back_in_stock_mail(user.email)] == ["Last Pair is back in stock"]


# Once, and only for what committed


def test_a_rolled_back_change_tells_nobody_and_the_request_still_waits(
    user, user_api, shell, warehouse, committed
):
    ask(user_api, shell)

    def restock_then_fail():
        with transaction.atomic():
            set_level(shell, 5, warehouse)
            raise RuntimeError("the count was wrong")

    with pytest.raises(RuntimeError):
        committed(restock_then_fail)
    assert django_mail.outbox == []
    assert not Email.objects.exists()
    assert StockWatch.objects.get().status == "pending"
    committed(lambda: set_level(shell, 5, warehouse))
    assert_told_once([user], "Rain Shell")


def test_a_second_restock_after_selling_out_again_sends_nothing_more(
    user, user_api, shell, warehouse, committed
):
    ask(user_api, shell)
    for quantity in (3, 0, 4):
        committed(lambda quantity=quantity: set_level(shell, quantity, warehouse))
    assert_told_once([user], "Rain Shell")
    # Asking again once it's sold out again is a new request, told at the next restock.
    committed(lambda: set_level(shell, 0, warehouse))
    ask(user_api, shell)
    committed(lambda: set_level(shell, 1, warehouse))
    assert len(back_in_stock_mail(user.email)) == 2


def test_the_same_change_announced_twice_tells_once(user, user_api, shell, warehouse, committed):
    ask(user_api, shell)
    change = committed(lambda: set_level(shell, 2, warehouse))
    committed(lambda: services.on_stock_changed(sender=StockChange, change=change))
    assert_told_once([user], "Rain Shell")


def test_asking_for_the_variant_and_the_product_is_still_one_mail(
    user, user_api, shell, warehouse, committed
):
    ask(user_api, shell)
    ask(user_api, shell, variant(shell).pk)
    committed(lambda: set_level(shell, 2, warehouse))
    assert_told_once([user], "Rain Shell")
    assert set(StockWatch.objects.values_list("status", flat=True)) == {"notified"}


def test_another_variant_coming_back_is_not_the_one_asked_about(
    user, user_api, runner, warehouse, committed
):
    ask(user_api, runner, variant(runner, color="Red").pk)
    committed(lambda: set_level(runner, 8, warehouse, color="Blue"))
    assert django_mail.outbox == []
    assert StockWatch.objects.get().status == "pending"


def test_stock_for_a_product_off_sale_waits_until_it_is_back_on_sale(
    user, user_api, shell, warehouse, committed
):
    ask(user_api, shell)
    shell.is_active = False
    shell.save()
    committed(lambda: set_level(shell, 3, warehouse))
    assert django_mail.outbox == []
    assert StockWatch.objects.get().status == "pending"


def test_turning_back_in_stock_mail_off_skips_the_mail_but_ends_the_request(
    user, user_api, shell, warehouse, committed
):
    mail.set_preferences(user=user, back_in_stock=False)
    ask(user_api, shell)
    committed(lambda: set_level(shell, 3, warehouse))
    assert django_mail.outbox == []
    assert Email.objects.get().status == "skipped"
    assert StockWatch.objects.get().status == "notified"
    # Turned on again, a later restock doesn't bring the old request back.
    mail.set_preferences(user=user, back_in_stock=True)
    committed(lambda: set_level(shell, 0, warehouse))
    committed(lambda: set_level(shell, 3, warehouse))
    assert django_mail.outbox == []


def test_the_mail_names_the_variant_its_price_and_links_to_it(
    user, user_api, runner, warehouse, committed, settings
):
    settings.SITE_URL = "https://shop.example"
    ask(user_api, runner, variant(runner, color="Red").pk)
    committed(lambda: set_level(runner, 2, warehouse, color="Red"))
    [message] = back_in_stock_mail(user.email)
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    for part in (message.body, html):
        assert "Trail Runner (Red, 9)" in part
        assert "$80.00" in part
        assert f"https://shop.example/p/{runner.slug}/" in part
        assert "https://shop.example/account/saved/" in part
    assert "<img" not in html
    row = Email.objects.get()
    watch = StockWatch.objects.get()
    assert (row.event, row.status, row.about) == ("back_in_stock", "sent", watch)


# Cost


def test_a_restock_nobody_waits_for_costs_one_query_and_a_sale_or_a_sell_out_none(
    runner, warehouse, committed, django_assert_num_queries
):
    change = committed(lambda: set_level(runner, 7, warehouse, color="Blue"))
    with django_assert_num_queries(1):
        services.on_stock_changed(sender=StockChange, change=change)
    taken = committed(lambda: set_level(runner, 5, warehouse, color="Blue"))
    assert taken.added == -2 and taken.variant_stock > 0
    with django_assert_num_queries(0):
        services.on_stock_changed(sender=StockChange, change=taken)
    sold_out = committed(lambda: set_level(runner, 0, warehouse, color="Blue"))
    with django_assert_num_queries(0):
        services.on_stock_changed(sender=StockChange, change=sold_out)
