import pytest

from accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-2026")
    client.force_login(staff)
    return client


def test_staff_find_users_by_email_and_see_masked_payment_methods(staff_client, user, other_user):
    services.add_payment_method(
        user=user, type="card", card_number="4000000000000002", exp_month=1, exp_year=2031
    )
    services.add_address(user=user, street="1 Main St", city="X", zip_code="1", country="US")
    listing = staff_client.get("/admin/accounts/user/", {"q": "ann@example"}).content.decode()
    assert "ann@example.com" in listing and "bob@example.com" not in listing

    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "Visa •••• 0002" in page
    assert "1 Main St" in page
    assert "4000000000000002" not in page


def test_admin_sign_in_shares_the_sign_in_limit(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-2026")
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
        assert "Too many" not in response.content.decode()
    response = client.post("/admin/login/", {"username": "boss", "password": "boss-pass-2026"})
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
