"""A deterministic demo catalog: categories, brands, products with variants, images, and stock
in one warehouse and three stores (some low, some none). Products start unrated: their ratings
are those of the reviews reviews.demo writes.

It loads half a million products in minutes (the bench measures growth up to there): rows are
drawn as plain tuples with their ids given here, product and variant stock are summed as the
levels are drawn (no recount afterwards), and they go in as they are (insert_rows): on
PostgreSQL by COPY, with the tables' secondary indexes and foreign keys dropped for the load and
made once at the end; elsewhere by one executemany per table and batch.
"""

import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from catalog import response_cache, search
from catalog.models import (
    Brand,
    Category,
    Product,
    ProductImage,
    ProductVariant,
    StockLevel,
    StockLocation,
)

SHOE_SIZES = ["6", "7", "8", "9", "10", "11", "12"]
APPAREL_SIZES = ["S", "M", "L", "XL"]
SHOE_COLORS = ["Black", "White", "Red", "Blue", "Grey", "Green", "Orange"]
APPAREL_COLORS = ["Black", "White", "Navy", "Grey", "Olive", "Burgundy", "Sand"]
TECH_COLORS = ["Black", "Silver", "White", "Space Gray", "Blue"]
GEAR_COLORS = ["Black", "Grey", "Navy", "Olive", "Red"]

# parent, name, noun in product names, brands, price range, colours, sizes
CATEGORIES = [
    (
        "Shoes",
        "Running Shoes",
        "Running Shoes",
        ["Nike", "Adidas", "Asics", "New Balance", "Brooks", "Hoka", "Saucony", "Puma"],
        (60, 220),
        SHOE_COLORS,
        SHOE_SIZES,
    ),
    (
        "Shoes",
        "Trail Shoes",
        "Trail Shoes",
        ["Salomon", "Hoka", "Merrell", "Brooks", "Asics", "The North Face"],
        (80, 200),
        SHOE_COLORS,
        SHOE_SIZES,
    ),
    (
        "Shoes",
        "Sneakers",
        "Sneakers",
        ["Nike", "Adidas", "Puma", "Reebok", "Vans", "Converse", "New Balance"],
        (45, 180),
        SHOE_COLORS,
        SHOE_SIZES,
    ),
    (
        "Clothing",
        "T-Shirts",
        "T-Shirt",
        ["Nike", "Adidas", "Under Armour", "Uniqlo", "Patagonia", "Puma"],
        (15, 60),
        APPAREL_COLORS,
        APPAREL_SIZES,
    ),
    (
        "Clothing",
        "Hoodies",
        "Hoodie",
        ["Nike", "Adidas", "Champion", "Under Armour", "The North Face", "Patagonia"],
        (35, 120),
        APPAREL_COLORS,
        APPAREL_SIZES,
    ),
    (
        "Clothing",
        "Jackets",
        "Jacket",
        ["The North Face", "Patagonia", "Columbia", "Arc'teryx", "Salomon"],
        (70, 450),
        APPAREL_COLORS,
        APPAREL_SIZES,
    ),
    (
        "Clothing",
        "Running Shorts",
        "Running Shorts",
        ["Nike", "Adidas", "Brooks", "Under Armour", "Saucony"],
        (20, 70),
        APPAREL_COLORS,
        APPAREL_SIZES,
    ),
    (
        "Electronics",
        "Headphones",
        "Headphones",
        ["Sony", "Bose", "Apple", "JBL", "Sennheiser", "Anker"],
        (30, 450),
        TECH_COLORS,
        [],
    ),
    (
        "Electronics",
        "Smartwatches",
        "Smartwatch",
        ["Apple", "Garmin", "Samsung", "Fitbit", "Coros"],
        (80, 800),
        TECH_COLORS,
        [],
    ),
    (
        "Electronics",
        "Laptops",
        "Laptop",
        ["Apple", "Dell", "Lenovo", "HP", "Asus", "Samsung"],
        (450, 2800),
        TECH_COLORS,
        [],
    ),
    (
        "Electronics",
        "Speakers",
        "Bluetooth Speaker",
        ["JBL", "Bose", "Sony", "Anker", "Ultimate Ears"],
        (25, 350),
        TECH_COLORS,
        [],
    ),
    (
        "Accessories",
        "Backpacks",
        "Backpack",
        ["The North Face", "Patagonia", "Osprey", "Herschel", "Nike"],
        (35, 220),
        GEAR_COLORS,
        [],
    ),
    (
        "Accessories",
        "Water Bottles",
        "Water Bottle",
        ["Hydro Flask", "Nalgene", "Stanley", "CamelBak"],
        (12, 55),
        GEAR_COLORS,
        [],
    ),
]
SERIES = [
    "Air",
    "Zoom",
    "Ultra",
    "Pro",
    "Flex",
    "Trail",
    "Street",
    "Classic",
    "Lite",
    "Max",
    "Boost",
    "Swift",
    "Storm",
    "Peak",
    "Core",
    "Edge",
    "Nova",
    "Pulse",
    "Vapor",
    "Terra",
    "Glide",
    "Summit",
    "Aero",
    "Volt",
    "Cloud",
    "Echo",
    "Prime",
    "Ridge",
    "Tempo",
    "Venture",
]
DESCRIPTIONS = [
    "Built for everyday use with durable materials and a comfortable fit.",
    "Light, breathable and made to keep up with you from morning to night.",
    "Our best seller in its range, refined with customer feedback.",
    "Tested by athletes and designed for comfort over long distances.",
    "Thoughtful details, premium finish, and a two-year warranty.",
]
LOCATIONS = [
    ("Central Warehouse", StockLocation.Kind.WAREHOUSE, "Reno"),
    ("Downtown Store", StockLocation.Kind.STORE, "San Francisco"),
    ("Lakeside Store", StockLocation.Kind.STORE, "Chicago"),
    ("Harbor Store", StockLocation.Kind.STORE, "Seattle"),
]
# Products drawn at a time. The random draws follow this order (a batch's products, then their
# images, then their stock), so the same seed gives the same catalog only with the same batch.
BATCH = 2000
LOADED_MODELS = (Product, ProductImage, ProductVariant, StockLevel)
# Each model's columns in the rows drawn below; any other column takes its default.
PRODUCT_FIELDS = (
    "id",
    "name",
    "slug",
    "description",
    "category_id",
    "brand_id",
    "price",
    "created_at",
    "updated_at",
    "stock",
    "search_extra",
)
IMAGE_FIELDS = ("id", "product_id", "url", "alt_text", "position")
VARIANT_FIELDS = ("id", "product_id", "sku", "color", "size", "position", "stock")
LEVEL_FIELDS = ("id", "variant_id", "location_id", "quantity", "updated_at")

# A stage reporter: stage(name, total=None, unit="") is a context manager yielding a function
# to call with how much more is done. seed_demo's shows a progress bar and each stage's time.
Stage = Callable[..., AbstractContextManager[Callable[[int], object]]]


@contextmanager
def unreported_stage(name: str, total: int | None = None, unit: str = "") -> Iterator:
    """For loads nobody watches (tests, the sales agent's evals)."""
    yield lambda done: None


def image_url(slug: str, number: int) -> str:
    return f"/images/products/{slug}/{number}.svg"


def seed_catalog(*, products: int = 500, seed: int = 42, stage: Stage = unreported_stage) -> int:
    """Create the demo catalog; returns how many products it made. Same seed, same catalog."""
    with transaction.atomic():
        made = _load_catalog(products, seed, stage)
    if connection.vendor == "postgresql":
        # Planner statistics for the new rows now, rather than whenever autovacuum comes by.
        with stage("Catalog planner statistics"), connection.cursor() as cursor:
            tables = ", ".join(model._meta.db_table for model in LOADED_MODELS)
            cursor.execute(f"ANALYZE {tables}")
    return made


def _load_catalog(products: int, seed: int, stage: Stage) -> int:
    rng = random.Random(seed)
    locations = [
        StockLocation.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})[0]
        for name, kind, city in LOCATIONS
    ]
    brands = _brands()
    categories = _categories()
    now = timezone.now()
    with _bulk_load(stage) as write:
        ids = RowIds(LOADED_MODELS)
        with stage("Catalog products", total=products, unit="products") as advance:
            for offset in range(0, products, BATCH):
                numbers = range(offset, min(offset + BATCH, products))
                rows = _draw_batch(rng, numbers, ids, categories, brands, locations, now)
                write(Product, PRODUCT_FIELDS, rows.products)
                write(ProductImage, IMAGE_FIELDS, rows.images)
                write(ProductVariant, VARIANT_FIELDS, rows.variants)
                write(StockLevel, LEVEL_FIELDS, rows.levels)
                advance(len(numbers))
    with connection.cursor() as cursor:
        reset_sequences(cursor, LOADED_MODELS)
    response_cache.forget_catalog()
    return products


def _brands() -> dict[str, Brand]:
    names = sorted({brand for spec in CATEGORIES for brand in spec[3]})
    for name in names:
        Brand.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return {brand.name: brand for brand in Brand.objects.all()}


def _categories() -> list[tuple[Category, tuple]]:
    parents = {}
    for position, parent_name in enumerate(dict.fromkeys(c[0] for c in CATEGORIES)):
        parents[parent_name], _ = Category.objects.get_or_create(
            slug=slugify(parent_name), defaults={"name": parent_name, "position": position}
        )
    result = []
    for position, spec in enumerate(CATEGORIES):
        parent_name, name = spec[0], spec[1]
        category, _ = Category.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "parent": parents[parent_name], "position": position},
        )
        result.append((category, spec))
    return result


class RowIds:
    """Ids for rows loaded in bulk (insert_rows), following each table's highest (the load holds
    the tables' write lock); reset_sequences moves the sequences past them when the load ends."""

    def __init__(self, tables):
        self._next = {
            model: (model.objects.aggregate(highest=Max("id"))["highest"] or 0) + 1
            for model in tables
        }

    def take(self, model) -> int:
        return self.take_range(model, 1)[0]

    def take_range(self, model, count: int) -> range:
        first = self._next[model]
        self._next[model] = first + count
        return range(first, first + count)

    def numbered(self, model, rows: list[tuple]) -> list[tuple]:
        """``rows`` with an id in front of each."""
        return [(pk, *row) for pk, row in zip(self.take_range(model, len(rows)), rows)]


def reset_sequences(cursor, tables) -> None:
    """The tables' id sequences moved past the rows loaded with RowIds."""
    for statement in connection.ops.sequence_reset_sql(no_style(), tables):
        cursor.execute(statement)


class _DrawnProduct(NamedTuple):
    name: str
    slug: str
    description: str
    category_id: int
    brand_id: int
    price: Decimal
    created_at: datetime
    search_extra: str
    colors: list[str]
    sizes: list[str]  # [""] when it comes in one size

    def row(self, pk: int, stock: int, now: datetime) -> tuple:
        """Its values of PRODUCT_FIELDS."""
        return (
            pk,
            self.name,
            self.slug,
            self.description,
            self.category_id,
            self.brand_id,
            self.price,
            self.created_at,
            now,
            stock,
            self.search_extra,
        )


@dataclass
class _Rows:
    """One batch's rows, as tuples of PRODUCT_FIELDS, IMAGE_FIELDS, VARIANT_FIELDS and
    LEVEL_FIELDS."""

    products: list[tuple]
    images: list[tuple]
    variants: list[tuple]
    levels: list[tuple]


@cache
def _option_code(color: str, size: str) -> str:
    return "-".join(slugify(part).upper() for part in (color, size) if part)


def _draw_batch(rng, numbers: range, ids: RowIds, categories, brands, locations, now) -> _Rows:
    drawn = []
    for n in numbers:
        category, (parent_name, _, noun, brand_names, (low, high), palette, sizes) = rng.choice(
            categories
        )
        brand = brands[rng.choice(brand_names)]
        name = f"{brand.name} {rng.choice(SERIES)} {rng.choice(SERIES)} {rng.randint(1, 9)} {noun}"
        slug = f"{slugify(name)}-{n + 1}"
        colors = rng.sample(palette, k=rng.randint(1, 3))
        variant_sizes = (
            sorted(rng.sample(sizes, k=min(len(sizes), rng.randint(3, 4))), key=sizes.index)
            if sizes
            else [""]
        )
        description = rng.choice(DESCRIPTIONS)
        price = Decimal(rng.randint(low * 100, high * 100) // 100) + Decimal("0.99")
        # Two draws that once made up a rating and a reviews count, still drawn so that a seed
        # gives the products it gave before. Ratings now come from reviews (reviews.demo).
        rng.randint(28, 50), rng.randint(0, 2500)
        drawn.append(
            _DrawnProduct(
                name=name,
                slug=slug,
                description=description,
                category_id=category.pk,
                brand_id=brand.pk,
                price=price,
                created_at=now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                search_extra=search.search_text(
                    brand=brand.name, categories=[category.name, parent_name], colors=colors
                ),
                colors=colors,
                sizes=variant_sizes,
            )
        )
    product_ids = ids.take_range(Product, len(drawn))

    images, options = [], []
    for product_id, product in zip(product_ids, drawn):
        for number in range(1, rng.randint(1, 2) + 1):
            images.append((product_id, image_url(product.slug, number), product.name, number))
        position = 0
        for color in product.colors:
            for size in product.sizes:
                position += 1
                options.append((product_id, color, size, position))
    variant_ids = ids.take_range(ProductVariant, len(options))

    sites = [(location.pk, location.kind == StockLocation.Kind.WAREHOUSE) for location in locations]
    levels, variant_stock = [], []
    for variant_id in variant_ids:
        roll, total = rng.random(), 0
        for location_id, is_warehouse in sites:
            if not is_warehouse and rng.random() < 0.4:
                continue  # not every store carries every variant
            if roll < 0.08:
                quantity = 0
            elif roll < 0.2:
                quantity = rng.randint(1, 4)
            else:
                quantity = rng.randint(5, 60) if is_warehouse else rng.randint(0, 15)
            levels.append((variant_id, location_id, quantity, now))
            total += quantity
        variant_stock.append(total)

    variants, product_stock = [], dict.fromkeys(product_ids, 0)
    for variant_id, (product_id, color, size, position), stock in zip(
        variant_ids, options, variant_stock
    ):
        sku = f"SKU-{product_id:06d}-{_option_code(color, size)}"
        variants.append((variant_id, product_id, sku, color, size, position, stock))
        product_stock[product_id] += stock
    return _Rows(
        products=[
            product.row(pk, product_stock[pk], now) for pk, product in zip(product_ids, drawn)
        ],
        images=ids.numbered(ProductImage, images),
        variants=variants,
        levels=ids.numbered(StockLevel, levels),
    )


@contextmanager
def _bulk_load(stage: Stage) -> Iterator[Callable[[type, tuple, list[tuple]], None]]:
    """Yields write(model, fields, rows). PostgreSQL: COPY into the locked tables, their
    secondary indexes and foreign keys made again once after the load, which is several times
    faster than keeping them up row by row. Elsewhere: plain inserts (insert_rows)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            yield lambda model, fields, rows: insert_rows(cursor, model, fields, rows)
            return
        tables = [model._meta.db_table for model in LOADED_MODELS]
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        # A table can't be altered with foreign key checks pending (the categories and brands
        # just made): run them now, then defer again as Django's constraints are by default.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rebuild = _drop_secondary_indexes(cursor, tables)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield lambda model, fields, rows: insert_rows(cursor, model, fields, rows)
        # Index builds sort in memory up to this (the server's default is far smaller).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        with stage(
            "Catalog indexes and foreign keys", total=len(rebuild), unit="statements"
        ) as advance:
            for statement in rebuild:
                cursor.execute(statement)
                advance(1)


def _drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' non-unique indexes and their foreign keys; returns the statements that
    make them again. Primary keys and unique constraints stay: the load appends to them in order
    (ids ascending, SKUs and levels by product), and they guard the rows as they go in."""
    cursor.execute(
        """
        SELECT format('DROP INDEX %%I', c.relname), pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary
        UNION ALL
        SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
               format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,
                      pg_get_constraintdef(oid))
        FROM pg_constraint
        WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
        """,
        [tables, tables],
    )
    found = cursor.fetchall()
    for drop, _ in found:
        cursor.execute(drop)
    return [create for _, create in found]


def insert_rows(cursor, model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """``rows``, tuples of the model's ``fields``, into its table as they are (its other
    columns at their defaults; no save(), no signals): COPY on PostgreSQL, one executemany
    elsewhere, each several times faster than bulk_create, which builds a model per row."""
    if not rows:
        return
    opts = model._meta
    named = [opts.get_field(name) for name in fields]
    others = [f for f in opts.concrete_fields if f.attname not in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in named + others)
    defaults = tuple(f.get_default() for f in others)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {opts.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + defaults if defaults else row)
        return
    # Values as the backend stores them: times as its text (the driver takes the rest).
    times = [i for i, f in enumerate(named + others) if isinstance(f, models.DateTimeField)]
    adapt = cache(connection.ops.adapt_datetimefield_value)
    if times:
        rows = [list(row + defaults) for row in rows]
        for row in rows:
            for i in times:
                row[i] = adapt(row[i])
    elif defaults:
        rows = [row + defaults for row in rows]
    marks = ", ".join(["%s"] * (len(named) + len(others)))
    cursor.executemany(f"INSERT INTO {opts.db_table} ({columns}) VALUES ({marks})", rows)


def load_demo(
    *, products: int, seed: int, if_empty: bool, stage: Stage = unreported_stage, **options
) -> list[str]:
    """seed_demo's part: the catalog, into a database that has none yet."""
    existing = Product.objects.count()
    if existing and if_empty:
        return [f"The catalog already has {existing} products; none added."]
    if existing:
        return [f"The catalog already has {existing} products. Use a fresh database to reseed."]
    started = time.perf_counter()
    made = seed_catalog(products=products, seed=seed, stage=stage)
    return [f"Demo catalog: {made} products in {time.perf_counter() - started:.1f} s."]
