import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_emails_are_unique_whatever_their_case():
    User.objects.create_user("ann", "Ann@Example.com", "pw-ann-12345")
    assert User.objects.get_by_login("ANN@example.COM").username == "ann"
    with pytest.raises(IntegrityError):
        User.objects.create_user("ann2", "ann@EXAMPLE.com", "pw-ann-12345")
