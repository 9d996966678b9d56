"""A product's rating and reviews_count become the aggregate of its published reviews (the
reviews app): null and 0 until it has one, which no product has yet. Orderings by rating put
unrated products last: on PostgreSQL the descending index says NULLS LAST, so that the list's
"-rating" is still read off it; SQLite sorts NULLs last when descending anyway and has no
NULLS LAST in an index, so its index stays as it was."""

import django.core.validators
from django.db import migrations, models

_INDEX = "catalog_product_active_rating"
_NULLS_LAST = (
    f"CREATE INDEX {_INDEX} ON catalog_product (is_active, rating DESC NULLS LAST, id DESC)"
)
_PLAIN = f"CREATE INDEX {_INDEX} ON catalog_product (is_active, rating DESC, id DESC)"


def _rebuild_index(create: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {_INDEX}")
            schema_editor.execute(create)

    return run


def _no_reviews_yet(apps, schema_editor):
    apps.get_model("catalog", "Product").objects.update(rating=None, reviews_count=0)


def _ratings_not_null(apps, schema_editor):
    apps.get_model("catalog", "Product").objects.filter(rating=None).update(rating=0)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_search_index_in_memory"),
    ]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="rating",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                editable=False,
                max_digits=2,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="product",
            name="reviews_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(_no_reviews_yet, _ratings_not_null, elidable=True),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["is_active", "rating", "-id"], name="catalog_product_rating_asc"
            ),
        ),
        migrations.RunPython(_rebuild_index(_NULLS_LAST), _rebuild_index(_PLAIN)),
    ]
