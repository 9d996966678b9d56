"""`manage.py seed_demo`: the logins, the catalog, coupons and Jane at Gold; safe to rerun."""

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_LOGINS
from accounts.models import User
from catalog.models import Product
from loyalty import services as loyalty
from loyalty.models import Coupon

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_everything_once(capsys):
    call_command("seed_demo", "--if-empty", "--products", "12")
    call_command("seed_demo", "--if-empty", "--products", "12")
    out = capsys.readouterr().out
    assert "already has 12 products; none added" in out
    assert Product.objects.count() == 12
    assert User.objects.count() == len(DEMO_LOGINS)
    for login in DEMO_LOGINS:
        assert login.email in out and login.password in out
        assert User.objects.get(email=login.email).check_password(login.password)
    assert User.objects.get(email="admin@example.com").is_staff
    assert User.objects.get(username="john").addresses.count() == 1
    assert set(Coupon.objects.values_list("code", flat=True)) == {"WELCOME10", "SAVE5", "GOLD20"}
    jane = loyalty.profile(User.objects.get(username="jane"))
    assert jane["tier"] == "gold" and jane["points"] == 1500
