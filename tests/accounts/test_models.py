import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_emails_are_unique_whatever_their_case():
    User.objects.create_user("ann", "Ann@Example.com", "pw-ann-12345")
    assert User.objects.get_by_login("ANN@example.COM").username == "ann"
    with pytest.raises(IntegrityError):
        User.objects.create_user("ann2", "ann@EXAMPLE.com", "pw-ann-12345")


def test_seed_demo_creates_the_demo_logins_once(capsys):
    from django.core.management import call_command

    from accounts.demo import DEMO_LOGINS

    call_command("seed_demo", "--if-empty", "--products", "12")
    call_command("seed_demo", "--if-empty", "--products", "12")
    assert User.objects.count() == len(DEMO_LOGINS)
    out = capsys.readouterr().out
    assert "already has 12 products; none added" in out
    for login in DEMO_LOGINS:
        assert login.email in out
        assert User.objects.get(email=login.email).check_password(login.password)
    assert User.objects.get(email="admin@example.com").is_staff
