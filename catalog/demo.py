"""A deterministic demo catalog: categories, brands, products with variants, images, and stock
in one warehouse and three stores (some low, some none)."""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog import search, stock
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
BATCH = 2000


def image_url(slug: str, number: int) -> str:
    return f"/images/products/{slug}/{number}.svg"


@transaction.atomic
def seed_catalog(*, products: int = 500, seed: int = 42) -> int:
    """Create the demo catalog; returns how many products it made. Same seed, same catalog."""
    rng = random.Random(seed)
    locations = [
        StockLocation.objects.get_or_create(name=name, defaults={"kind": kind, "city": city})[0]
        for name, kind, city in LOCATIONS
    ]
    brands = _brands()
    categories = _categories()
    now = timezone.now()
    made = 0
    words: set[str] = set()
    while made < products:
        count = min(BATCH, products - made)
        made += count
        words |= _seed_batch(rng, count, made - count, categories, brands, locations, now)
    search.add_words(words)
    stock.recount_totals()
    return made


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


def _seed_batch(rng, count, offset, categories, brands, locations, now) -> set[str]:
    product_rows, plans = [], []
    for n in range(offset, offset + count):
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
        product_rows.append(
            Product(
                name=name,
                slug=slug,
                description=rng.choice(DESCRIPTIONS),
                category=category,
                brand=brand,
                price=Decimal(rng.randint(low * 100, high * 100) // 100) + Decimal("0.99"),
                rating=Decimal(rng.randint(28, 50)) / 10,
                reviews_count=rng.randint(0, 2500),
                created_at=now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                search_extra=search.search_text(
                    brand=brand.name, categories=[category.name, parent_name], colors=colors
                ),
            )
        )
        plans.append((colors, variant_sizes))
    created = Product.objects.bulk_create(product_rows, batch_size=500)
    if created and created[0].pk is None:  # backends that don't return ids
        by_slug = dict(
            Product.objects.filter(slug__in=[p.slug for p in created]).values_list("slug", "pk")
        )
        for product in created:
            product.pk = by_slug[product.slug]

    images, variants, words = [], [], set()
    for product, (colors, variant_sizes) in zip(created, plans):
        words.update(search.words_of(product.name))
        words.update(search.words_of(product.search_extra))
        for number in range(1, rng.randint(1, 2) + 1):
            images.append(
                ProductImage(
                    product=product,
                    url=image_url(product.slug, number),
                    alt_text=product.name,
                    position=number,
                )
            )
        position = 0
        for color in colors:
            for size in variant_sizes:
                position += 1
                code = "-".join(slugify(part).upper() for part in (color, size) if part)
                variants.append(
                    ProductVariant(
                        product=product,
                        sku=f"SKU-{product.pk:06d}-{code}",
                        color=color,
                        size=size,
                        position=position,
                    )
                )
    ProductImage.objects.bulk_create(images, batch_size=1000)
    variants = ProductVariant.objects.bulk_create(variants, batch_size=1000)
    if variants and variants[0].pk is None:
        by_sku = dict(
            ProductVariant.objects.filter(sku__in=[v.sku for v in variants]).values_list(
                "sku", "pk"
            )
        )
        for variant in variants:
            variant.pk = by_sku[variant.sku]

    levels = []
    for variant in variants:
        roll = rng.random()
        for location in locations:
            if location.kind == StockLocation.Kind.STORE and rng.random() < 0.4:
                continue  # not every store carries every variant
            if roll < 0.08:
                quantity = 0
            elif roll < 0.2:
                quantity = rng.randint(1, 4)
            else:
                quantity = (
                    rng.randint(5, 60)
                    if location.kind == StockLocation.Kind.WAREHOUSE
                    else rng.randint(0, 15)
                )
            levels.append(StockLevel(variant=variant, location=location, quantity=quantity))
    stock.load_levels(levels)
    return words


def load_demo(*, products: int, seed: int, if_empty: bool, **options) -> list[str]:
    """seed_demo's part: the catalog, into a database that has none yet."""
    existing = Product.objects.count()
    if existing and if_empty:
        return [f"The catalog already has {existing} products; none added."]
    if existing:
        return [f"The catalog already has {existing} products. Use a fresh database to reseed."]
    started = time.perf_counter()
    made = seed_catalog(products=products, seed=seed)
    return [f"Demo catalog: {made} products in {time.perf_counter() - started:.1f} s."]
