"""Demo reviews: shoppers who bought and reviewed the demo catalog, so the stars the shop shows
are computed from reviews, not made up.

A pool of demo shoppers (who can't sign in) each buy what they review: delivered orders of one
to four items, and a review of each item some days after delivery, in words drawn from a few
templates per category and a rating drawn around each product's own quality. About a third of
the products have no review. Some reviews were found helpful by other shoppers; a few were
hidden by staff. John has a delivered order to review; Jane has reviewed hers. Products' ratings
and counts are then those of their published reviews, as reviews.services keeps them.

Rows go in as plain tuples with their ids given here (catalog.demo.insert_rows: COPY on
PostgreSQL, executemany elsewhere), orders in the order they were placed and reviews by product,
so that each lands at the end of its table's indexes: the reviews of fifty thousand products
load in a quarter of a minute or so.
"""

import random
import time
from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import CITIES, FIRST_NAMES, LAST_NAMES
from accounts.models import User
from cart import pricing
from catalog import response_cache
from catalog.demo import CATEGORIES, RowIds, insert_rows, reset_sequences, unreported_stage
from catalog.models import Category, Product, ProductVariant
from loyalty import rules as loyalty_rules
from orders.demo import ITEM_FIELDS, USER_FIELDS
from orders.models import Order, OrderItem, StatusChange
from reviews.models import HelpfulVote, Review
from reviews.queries import average

# Demo reviewers: one for every 25 products, from 50 (the most reviews a product gets, and
# then some) to 2,000.
REVIEWERS = (50, 2000)
PRODUCTS_PER_REVIEWER = 25
USERNAME = "reviewer{:04d}"
NO_REVIEWS = 0.35  # the share of products nobody has reviewed
MOST_REVIEWS = 40
HELPFUL_SHARE = 0.2  # of reviews, those some other shoppers found helpful
HIDDEN_SHARE = 0.01  # of reviews, those staff hid

# Each product is loved, liked, so-so or disliked: weights of 1 to 5 stars for its reviews.
PROFILES = (
    ((2, 2, 6, 25, 65), 0.3),
    ((4, 6, 15, 40, 35), 0.4),
    ((12, 15, 30, 28, 15), 0.2),
    ((35, 25, 20, 12, 8), 0.1),
)

# Titles and sentences by mood (1-2 stars, 3, 4-5); {noun} is the product's kind.
TITLES = {
    "bad": (
        "Disappointed",
        "Not worth it",
        "Sent it back",
        "Expected better",
        "Would not buy again",
    ),
    "mixed": ("It's okay", "Decent for the price", "Mixed feelings", "Good, not great", "Fine"),
    "good": (
        "Love it",
        "Great {noun}",
        "Exactly what I wanted",
        "Highly recommend",
        "Very pleased",
    ),
}
OPENINGS = {
    "bad": (
        "Not happy with {this} {noun}.",
        "{This} {noun} didn't live up to the description.",
        "I had high hopes for {it}, sadly not met.",
    ),
    "mixed": (
        "Decent {noun}, with a couple of things I'd change.",
        "Does the job, nothing more.",
        "Some things I like, some I don't.",
    ),
    "good": (
        "Really happy with {this} {noun}.",
        "Best purchase I've made in a while.",
        "Does everything I hoped, and looks great too.",
    ),
}
# What shoppers of each department remark on.
DETAILS = {
    "Shoes": {
        "bad": ("The sizing runs small and they pinch at the toes.", "The sole wore out fast."),
        "mixed": ("Comfortable once broken in.", "Good grip, but a bit heavy on long runs."),
        "good": ("Great cushioning on long runs.", "True to size and comfortable from day one."),
    },
    "Clothing": {
        "bad": ("It shrank after the first wash.", "The stitching came loose within weeks."),
        "mixed": ("The fit is a little boxy.", "Nice fabric, but the colour faded a bit."),
        "good": ("Soft fabric and a great fit.", "Keeps its shape wash after wash."),
    },
    "Electronics": {
        "bad": ("The battery barely lasts a day.", "Pairing drops out every few minutes."),
        "mixed": ("The sound is fine, the app is clunky.", "Battery life is just average."),
        "good": ("Battery lasts for days.", "Set up in minutes and works flawlessly."),
    },
    "Accessories": {
        "bad": ("The zip broke in the first month.", "It leaks if you tip it over."),
        "mixed": ("Roomy, but the straps dig in.", "Does the job, a bit bulky."),
        "good": ("Sturdy and well made.", "Fits everything I carry, every day."),
    },
}
CLOSINGS = {
    "bad": ("", "Returning it.", "Look elsewhere."),
    "mixed": ("", "Worth it on sale.", "Might suit others better."),
    "good": ("", "Would buy again.", "Already ordered another."),
}
NOUNS = {name: noun.lower() for _, name, noun, *_ in CATEGORIES}


def _mood(rating: int) -> str:
    return "bad" if rating <= 2 else "mixed" if rating == 3 else "good"


def _text(rng: random.Random, rating: int, department: str, noun: str) -> tuple[str, str]:
    """A title and a body for a review of ``rating`` stars."""
    mood = _mood(rating)
    plural = noun.endswith("s")
    words = {
        "noun": noun,
        "this": "these" if plural else "this",
        "This": "These" if plural else "This",
        "it": "them" if plural else "it",
    }
    title = rng.choice(TITLES[mood]).format(**words)
    sentences = [rng.choice(OPENINGS[mood]).format(**words)]
    details = DETAILS.get(department)
    if details and rng.random() < 0.8:
        sentences.append(rng.choice(details[mood]))
    sentences.append(rng.choice(CLOSINGS[mood]))
    return title[:1].upper() + title[1:], " ".join(s for s in sentences if s)


ORDER_FIELDS = (
    "id",
    "user_id",
    "number",
    "status",
    "ship_name",
    "ship_street",
    "ship_city",
    "ship_state",
    "ship_zip_code",
    "ship_country",
    "payment_label",
    "payment_status",
    "subtotal",
    "merchandise",
    "tax",
    "shipping",
    "total",
    "points_earned",
    "carrier",
    "tracking_number",
    "estimated_delivery",
    "created_at",
    "paid_at",
    "delivered_at",
)
REVIEW_FIELDS = (
    "id",
    "product_id",
    "user_id",
    "rating",
    "title",
    "body",
    "verified_purchase",
    "status",
    "helpful_count",
    "created_at",
    "updated_at",
)
VOTE_FIELDS = ("id", "review_id", "user_id", "created_at")
LOADED_MODELS = (User, Order, OrderItem, Review, HelpfulVote)


class _Shop:
    """What the load reads of the catalog: each product's first variant, price and kind."""

    def __init__(self):
        departments = {}
        names = dict(Category.objects.values_list("id", "name"))
        for pk, parent_id in Category.objects.values_list("id", "parent_id"):
            departments[pk] = names[parent_id] if parent_id else names[pk]
        self.products = list(
            Product.objects.active()
            .order_by("id")
            .values_list("id", "name", "price", "category_id", "category__name")
        )
        self.departments = departments
        self.variants: dict[int, tuple] = {}
        rows = ProductVariant.objects.filter(product__is_active=True).order_by(
            "product_id", "position", "id"
        )
        for product_id, *variant in rows.values_list("product_id", "id", "sku", "color", "size"):
            self.variants.setdefault(product_id, tuple(variant))
        self.products = [p for p in self.products if p[0] in self.variants]


class _Load:
    """The rows drawn, numbered once all are drawn: orders in the order they were placed and
    reviews by product, as the tables' indexes run, so that each insert lands at their end."""

    def __init__(self, rng: random.Random, now: datetime, shop: _Shop):
        self.rng, self.now, self.shop = rng, now, shop
        self.pool: list[int] = []  # the reviewers' user ids
        self.orders: list[tuple] = []  # (placed, delivered, user id, name, products, history)
        self.reviews: list[tuple] = []  # (product id, written, user id, rating, title, ...)

    def order(
        self, user_id: int, name: str, products: list[tuple], placed, *, history: bool = False
    ) -> datetime:
        """A delivered order of one of each of ``products`` (``history``: with its status
        changes); returns when it was delivered."""
        delivered = placed + timedelta(days=self.rng.randint(2, 6), hours=self.rng.randint(1, 10))
        self.orders.append((placed, delivered, user_id, name, products, history))
        return delivered

    def review(self, product: tuple, user_id: int, rating: int, delivered: datetime) -> None:
        rng = self.rng
        product_id, _, _, category_id, category_name = product
        department = self.shop.departments.get(category_id, "")
        title, body = _text(rng, rating, department, NOUNS.get(category_name, "product"))
        written = min(self.now, delivered + timedelta(days=rng.randint(1, 30), hours=rng.random()))
        hidden = rng.random() < HIDDEN_SHARE
        voters: list[int] = []
        if rng.random() < HELPFUL_SHARE:
            voters = [v for v in rng.sample(self.pool, 6) if v != user_id][: rng.randint(1, 5)]
        self.reviews.append((product_id, written, user_id, rating, title, body, hidden, voters))

    def order_rows(self, ids: RowIds) -> tuple[list[tuple], list[tuple], list[StatusChange]]:
        """ORDER_FIELDS, ITEM_FIELDS rows and the status changes of those with a history."""
        orders, items, history = [], [], []
        for placed, delivered, user_id, name, products, with_history in sorted(
            self.orders, key=lambda order: order[0]
        ):
            order_id = ids.take(Order)
            lines = []
            for product_id, product_name, price, *_ in products:
                variant_id, sku, color, size = self.shop.variants[product_id]
                items.append(
                    (
                        ids.take(OrderItem),
                        order_id,
                        variant_id,
                        product_id,
                        sku,
                        product_name,
                        color,
                        size,
                        1,
                        price,
                        price,
                    )
                )
                lines.append(pricing.Line(unit_price=price, quantity=1))
            totals = pricing.compute(lines)  # the one place money is computed
            city, state, zip_code = CITIES[order_id % len(CITIES)]
            orders.append(
                (
                    order_id,
                    user_id,
                    f"ORD-{placed:%Y%m%d}-{order_id:06d}",
                    Order.Status.DELIVERED,
                    name,
                    f"{order_id % 997 + 1} Main Street",
                    city,
                    state,
                    zip_code,
                    "US",
                    "Visa •••• 4242",
                    Order.PaymentStatus.SUCCEEDED,
                    totals.subtotal,
                    totals.merchandise,
                    totals.tax,
                    totals.shipping,
                    totals.total,
                    loyalty_rules.points_earned(merchandise=totals.merchandise),
                    "UPS",
                    f"1ZDEMO{order_id:010d}",
                    delivered.date(),
                    placed,
                    placed,
                    delivered,
                )
            )
            if with_history:
                history += [
                    StatusChange(order_id=order_id, status=status, note=note, at=at)
                    for status, note, at in (
                        (Order.Status.PAID, "Payment approved", placed),
                        (Order.Status.SHIPPED, "Handed to UPS", placed + timedelta(days=1)),
                        (Order.Status.DELIVERED, "Delivered", delivered),
                    )
                ]
        return orders, items, history

    def review_rows(self, ids: RowIds) -> tuple[list[tuple], list[tuple]]:
        """REVIEW_FIELDS and VOTE_FIELDS rows."""
        reviews, votes = [], []
        for product_id, written, user_id, rating, title, body, hidden, voters in sorted(
            self.reviews, key=lambda review: review[:2]
        ):
            review_id = ids.take(Review)
            status = Review.Status.HIDDEN if hidden else Review.Status.PUBLISHED
            reviews.append(
                (
                    review_id,
                    product_id,
                    user_id,
                    rating,
                    title,
                    body,
                    True,
                    status,
                    len(voters),
                    written,
                    written,
                )
            )
            votes += [(ids.take(HelpfulVote), review_id, voter, written) for voter in voters]
        return reviews, votes

    def ratings(self) -> list[tuple]:
        """(rating, reviews_count, product id) of each reviewed product: its published
        reviews' average and count."""
        published: dict[int, list[int]] = defaultdict(list)
        for product_id, _, _, rating, _, _, hidden, _ in self.reviews:
            if not hidden:
                published[product_id].append(rating)
        return [
            (average(sum(ratings), len(ratings)), len(ratings), product_id)
            for product_id, ratings in published.items()
        ]


def seed_reviews(*, seed: int = 42, stage=unreported_stage) -> int:
    """Demo reviews of the active products, by shoppers who bought them; returns how many."""
    with transaction.atomic():
        made = _load_reviews(seed, stage)
    if connection.vendor == "postgresql":
        with stage("Reviews planner statistics"), connection.cursor() as cursor:
            tables = ", ".join(model._meta.db_table for model in (*LOADED_MODELS, Product))
            cursor.execute(f"ANALYZE {tables}")
    return made


def _pool(
    rng: random.Random, ids: RowIds, now: datetime, size: int
) -> tuple[list[tuple], list[int]]:
    """The demo reviewers' user rows (those not made yet) and all their ids."""
    usernames = [USERNAME.format(n) for n in range(1, size + 1)]
    existing = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
    password = make_password(None)  # can't sign in
    rows, pool = [], []
    for username in usernames:
        full_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if username in existing:
            pool.append(existing[username])
            continue
        user_id = ids.take(User)
        joined = now - timedelta(days=rng.randint(400, 1500))
        rows.append((user_id, username, f"{username}@example.com", full_name, password, joined))
        pool.append(user_id)
    return rows, pool


def _load_reviews(seed: int, stage) -> int:
    rng = random.Random(seed)
    now = timezone.now()
    ids = RowIds(LOADED_MODELS)
    load = _Load(rng, now, _Shop())
    fewest, most = REVIEWERS
    size = min(most, max(fewest, len(load.shop.products) // PRODUCTS_PER_REVIEWER))
    users, load.pool = _pool(rng, ids, now, size)
    names = dict(User.objects.filter(pk__in=load.pool).values_list("id", "full_name"))
    names.update({row[0]: row[3] for row in users})
    purchases: dict[int, list[tuple]] = defaultdict(list)  # by reviewer: (product, rating)
    profiles, weights = zip(*PROFILES)
    products = load.shop.products
    with stage("Demo reviews", total=len(products), unit="products") as advance:
        for product in products:
            if rng.random() >= NO_REVIEWS:
                how_many = min(MOST_REVIEWS, 1 + int(rng.expovariate(1 / 2)))
                profile = rng.choices(profiles, weights)[0]
                for reviewer in rng.sample(load.pool, how_many):
                    rating = rng.choices((1, 2, 3, 4, 5), profile)[0]
                    purchases[reviewer].append((product, rating))
            advance(1)
        for reviewer in load.pool:
            bought = purchases.get(reviewer, [])
            rng.shuffle(bought)
            while bought:
                size = rng.randint(1, 4)
                basket, bought = bought[:size], bought[size:]
                placed = now - timedelta(days=rng.randint(10, 540), minutes=rng.randint(0, 1439))
                delivered = load.order(reviewer, names[reviewer], [p for p, _ in basket], placed)
                for product, rating in basket:
                    load.review(product, reviewer, rating, delivered)
        _demo_logins(load, now)
    orders, items, history = load.order_rows(ids)
    reviews, votes = load.review_rows(ids)
    with (
        stage("Demo reviews written", total=5, unit="tables") as advance,
        connection.cursor() as cursor,
    ):
        for model, fields, rows in (
            (User, USER_FIELDS, users),
            (Order, ORDER_FIELDS, orders),
            (OrderItem, ITEM_FIELDS, items),
            (Review, REVIEW_FIELDS, reviews),
            (HelpfulVote, VOTE_FIELDS, votes),
        ):
            insert_rows(cursor, model, fields, rows)
            advance(1)
        reset_sequences(cursor, LOADED_MODELS)
        _set_ratings(cursor, load.ratings())
    StatusChange.objects.bulk_create(history)
    response_cache.forget_catalog()
    return len(reviews)


def _set_ratings(cursor, ratings: list[tuple]) -> None:
    """Each (rating, reviews_count, product id) onto its product: on PostgreSQL in one
    statement (row by row takes seconds there), elsewhere in one executemany."""
    table = Product._meta.db_table
    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*ratings)] or [[], [], []]
        cursor.execute(
            f"UPDATE {table} SET rating = new.rating, reviews_count = new.reviews_count"
            " FROM unnest(%s::numeric[], %s::integer[], %s::bigint[])"
            " AS new (rating, reviews_count, id)"
            f" WHERE {table}.id = new.id",
            columns,
        )
        return
    cursor.executemany(f"UPDATE {table} SET rating = %s, reviews_count = %s WHERE id = %s", ratings)


def _demo_logins(load: _Load, now: datetime) -> None:
    """John has a delivered order of two products to review; Jane reviewed what she bought."""
    logins = dict(User.objects.filter(username__in=("john", "jane")).values_list("username", "id"))
    products = load.shop.products
    if len(products) < 3:
        return
    placed = now - timedelta(days=9)
    if "john" in logins:
        load.order(logins["john"], "John Carter", products[:2], placed, history=True)
    if "jane" in logins:
        delivered = load.order(logins["jane"], "Jane Doe", [products[2]], placed, history=True)
        load.review(products[2], logins["jane"], 5, delivered)


def load_demo(*, seed: int, stage=unreported_stage, **options) -> list[str]:
    """seed_demo's part, after the catalog's and the logins': reviews, unless there are some."""
    if Review.objects.exists():
        return ["The demo already has reviews; none added."]
    if not Product.objects.exists():
        return []
    started = time.perf_counter()
    made = seed_reviews(seed=seed, stage=stage)
    return [f"Demo reviews: {made} in {time.perf_counter() - started:.1f} s."]
