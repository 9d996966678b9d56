"""Two restocks racing for the same requests: each request is claimed by one of them only."""

import threading
import time

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction

from mail.models import Email
from tests.catalog import builders
from tests.conftest import full_mode_only
from tests.factories import UserFactory
from wishlist import services
from wishlist.models import StockWatch

from .test_sockets import ask

pytestmark = pytest.mark.django_db(transaction=True)


@full_mode_only
def test_when_two_restocks_race_each_request_is_won_once(warehouse):
    """The first restock has claimed the requests and not yet committed when the second looks:
    the second waits on the rows, then finds them notified, and tells nobody."""
    shell = builders.product("Rain Shell", variants=[("", "", 0)])
    variant = shell.variants.get()
    users = [UserFactory() for _ in range(3)]
    for person in users:
        ask(person, shell)
    claimed, told = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                told["first"] = services.notify_waiting(product_id=shell.pk, variant_id=variant.pk)
                claimed.set()
                time.sleep(0.5)  # the second is now blocked on the claimed rows
        finally:
            claimed.set()
            connection.close()

    def second():
        try:
            claimed.wait(5)
            told["second"] = services.notify_waiting(product_id=shell.pk, variant_id=variant.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert told == {"first": 3, "second": 0}
    assert Email.objects.filter(event="back_in_stock").count() == 3
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(u.email for u in users)
    assert set(StockWatch.objects.values_list("status", flat=True)) == {"notified"}
