"""core.sql.ForIds: a query compiled once and run for any list of ids gives what the ORM gives
for the same query (the cart's lines and cards are read with it on every request)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from catalog.models import Product, ProductVariant
from core.sql import ForIds, insert_or_ignore, numbered, numbered_cursor
from tests.catalog import builders
from tests.conftest import full_mode_only

pytestmark = pytest.mark.django_db

VARIANTS = ForIds(
    lambda: (
        ProductVariant.objects.select_related("product__brand")
        .annotate(brand_name=F("product__brand__name"))
        .order_by("-position", "id")
    ),
    "product_id",
)
PRICES = ForIds(lambda: Product.objects.values_list("id", "price").order_by("id"), "id")


@pytest.fixture
def shoes():
    return [
        builders.product(
            f"Trail Runner {n}",
            brand_name="Salomon",
            price=f"{n}9.95",
            variants=(("Black", "42", 3), ("Blue", "43", 1)),
        )
        for n in (1, 2, 3)
    ]


def test_rows_are_the_orms_rows_for_any_ids(shoes):
    first, _, third = shoes
    for ids in ([first.pk], [third.pk, first.pk, 10**9]):
        expected = list(
            Product.objects.filter(pk__in=ids).values_list("id", "price").order_by("id")
        )
        assert PRICES.rows(ids) == expected
    assert PRICES.rows([first.pk]) == [(first.pk, Decimal("19.95"))]  # a Decimal on SQLite too


def test_objects_are_the_orms_with_related_rows_and_annotations(shoes, django_assert_num_queries):
    ids = [shoes[0].pk, shoes[2].pk]
    expected = list(
        ProductVariant.objects.filter(product_id__in=ids)
        .select_related("product__brand")
        .order_by("-position", "id")
    )
    with django_assert_num_queries(1):
        found = VARIANTS.objects(ids)
        seen = [
            (v.pk, v.sku, v.stock, v.product.name, v.product.brand.name, v.brand_name)
            for v in found
        ]
    assert seen == [
        (v.pk, v.sku, v.stock, v.product.name, v.product.brand.name, "Salomon") for v in expected
    ]
    assert not found[0]._state.adding  # saved rows, as the ORM's: save() updates them
    found[0].stock = 7
    found[0].save(update_fields=["stock"])
    assert ProductVariant.objects.get(pk=found[0].pk).stock == 7


def test_no_ids_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert VARIANTS.objects([]) == [] and PRICES.rows([]) == []


def test_an_id_past_a_64_bit_column_matches_nothing_and_fails_nothing(shoes):
    first = shoes[0]
    assert PRICES.rows([2**63, -(2**63) - 1]) == []
    assert PRICES.rows([10**30, first.pk]) == [(first.pk, Decimal("19.95"))]


@full_mode_only
def test_on_postgresql_a_read_run_a_few_times_is_prepared_and_still_counted(
    shoes, django_assert_num_queries
):
    for _ in range(6):
        assert [row[0] for row in PRICES.rows([shoes[0].pk])] == [shoes[0].pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('"catalog_product"."price"' in statement for statement in prepared), prepared
    with django_assert_num_queries(1):
        assert PRICES.rows([shoes[1].pk]) == [(shoes[1].pk, Decimal("29.95"))]


def test_insert_or_ignore_writes_a_row_once_with_its_json_and_defaults(user):
    from mail.models import Email

    first = Email(key="welcome:user:1", event="welcome", user_id=user.pk, data={"n": [1, "é"]})
    insert_or_ignore(first)
    insert_or_ignore(Email(key="welcome:user:1", event="welcome", user_id=user.pk, data={"n": 2}))
    saved = Email.objects.get(key="welcome:user:1")
    assert (saved.data, saved.status, saved.attempts) == ({"n": [1, "é"]}, "queued", 0)
    assert saved.created_at == first.created_at and Email.objects.count() == 1


@full_mode_only
def test_a_numbered_statement_of_many_parameters_runs_counted_and_is_prepared(
    django_assert_num_queries,
):
    values = list(range(1, 61))  # past the 50 parameters whose conversion psycopg keeps
    sql = numbered(f"SELECT {' + '.join(['%s::integer'] * len(values))} AS total")
    assert sql.startswith("SELECT $1::integer + $2::integer") and "%s" not in sql
    for _ in range(6):
        with django_assert_num_queries(1), numbered_cursor() as cursor:
            cursor.execute(sql, values)
            assert cursor.fetchone() == (sum(values),)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert sql in prepared
