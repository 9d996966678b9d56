"""Demo accounts: created by `manage.py seed_demo`, listed by `make run` and the README."""

from dataclasses import dataclass

from accounts import services
from accounts.models import User


@dataclass(frozen=True)
class DemoLogin:
    username: str
    email: str
    password: str
    full_name: str
    is_staff: bool = False


DEMO_LOGINS = (
    DemoLogin("admin", "admin@example.com", "admin-demo-2026", "Shop Admin", is_staff=True),
    DemoLogin("john", "john@example.com", "john-demo-2026", "John Carter"),
    DemoLogin("jane", "jane@example.com", "jane-demo-2026", "Jane Doe"),
)

DEMO_ADDRESSES = {
    "john": dict(
        street="12 Market Street", city="San Francisco", state="CA", zip_code="94105", country="US"
    ),
    "jane": dict(
        street="221 Lake Shore Drive", city="Chicago", state="IL", zip_code="60611", country="US"
    ),
}

# The names and towns of the demo's other shoppers (who can't sign in).
FIRST_NAMES = [
    "Alex",
    "Ana",
    "Ben",
    "Carla",
    "Chris",
    "Dana",
    "Eli",
    "Emma",
    "Finn",
    "Grace",
    "Hana",
    "Ivan",
    "Jamal",
    "Julia",
    "Kai",
    "Laura",
    "Leo",
    "Maya",
    "Mia",
    "Nico",
    "Nina",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Sara",
    "Theo",
    "Uma",
    "Vera",
    "Will",
    "Yara",
    "Zoe",
    "Aiden",
    "Bea",
    "Caleb",
    "Diego",
    "Elena",
    "Femi",
    "Gus",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kim",
    "Lopez",
    "Miller",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quintero",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Young",
    "Zimmer",
    "Brooks",
    "Cruz",
    "Dubois",
    "Ekström",
]
CITIES = (
    ("Portland", "OR", "97205"),
    ("Austin", "TX", "78701"),
    ("Denver", "CO", "80202"),
    ("Boston", "MA", "02108"),
    ("Atlanta", "GA", "30303"),
    ("Madison", "WI", "53703"),
)


def create_demo_users() -> list[User]:
    users = []
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": login.email,
                "full_name": login.full_name,
                "is_staff": login.is_staff,
                "is_superuser": login.is_staff,
            },
        )
        if created:
            user.set_password(login.password)
            user.save(update_fields=["password"])
            if login.username in DEMO_ADDRESSES:
                services.add_address(user=user, **DEMO_ADDRESSES[login.username])
                # The mock gateway's always-approved test card.
                services.add_payment_method(
                    user=user,
                    type="card",
                    card_number="4242 4242 4242 4242",
                    exp_month=12,
                    exp_year=2030,
                )
        users.append(user)
    return users


def load_demo(**options) -> list[str]:
    """seed_demo's part: the demo users, and their logins to print."""
    create_demo_users()
    lines = ["", "Demo logins (email / password):"]
    for login in DEMO_LOGINS:
        role = "staff, /admin/" if login.is_staff else "shopper"
        lines.append(f"  {login.email:<20} {login.password:<18} ({role})")
    return lines
