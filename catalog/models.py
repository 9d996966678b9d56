import uuid
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.utils import timezone

LOW_STOCK_THRESHOLD = 10


def rating_order(*, descending: bool = True) -> OrderBy:
    """By rating, the products without one (no published review) last."""
    return OrderBy(F("rating"), descending=descending, nulls_last=True)


def stock_status(quantity: int) -> str:
    if quantity <= 0:
        return "out_of_stock"
    if quantity < LOW_STOCK_THRESHOLD:
        return "low_stock"
    return "in_stock"


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_listing(self):
        """What a product card needs, in a fixed number of queries."""
        return self.select_related("category", "brand").prefetch_related(
            models.Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "id")),
            models.Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
        )


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    # The average of its published reviews (one decimal) and how many there are, kept by
    # reviews.services in the transaction of each review change; null while it has none.
    rating = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    reviews_count = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by catalog.stock, the one place stock changes: the sum over variants and locations.
    stock = models.IntegerField(default=0, editable=False)
    # Brand, category and colours, for search; kept by catalog.search.index_products.
    search_extra = models.TextField(blank=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="catalog_product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="catalog_product_stock_not_negative"
            ),
        ]
        indexes = [
            # The list's orderings with their tie-break on id (catalog.filters.ProductOrdering), so
            # that a page is read off the index in order instead of sorted.
            models.Index(fields=["is_active", "price", "-id"], name="catalog_product_active_price"),
            models.Index(
                fields=["is_active", "-price", "-id"], name="catalog_product_active_price_d"
            ),
            # Ratings are ordered with unrated products (null) last either way. On PostgreSQL
            # this index is (is_active, rating DESC NULLS LAST, id DESC), made by migration 0006:
            # SQLite has no NULLS LAST in an index, nor needs it (its NULLs sort last descending).
            models.Index(
                fields=["is_active", "-rating", "-id"], name="catalog_product_active_rating"
            ),
            models.Index(fields=["is_active", "rating", "-id"], name="catalog_product_rating_asc"),
            models.Index(
                fields=["is_active", "-created_at", "-id"], name="catalog_product_active_new"
            ),
            models.Index(
                fields=["category", "is_active", "price"], name="catalog_product_cat_price"
            ),
            models.Index(
                fields=["brand", "is_active", "price"], name="catalog_product_brand_price"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stock_status(self) -> str:
        return stock_status(self.stock)

    def _distinct_variant_values(self, attribute: str) -> list[str]:
        seen: dict[str, None] = {}
        for variant in self.variants.all():  # prefetched by for_listing()
            value = getattr(variant, attribute)
            if value:
                seen.setdefault(value)
        return list(seen)

    @property
    def colors(self) -> list[str]:
        return self._distinct_variant_values("color")

    @property
    def sizes(self) -> list[str]:
        return self._distinct_variant_values("size")

    @property
    def pictures(self) -> list["ProductImage"]:
        """What shows the product, in order: its uploaded photos, or else the pictures given by
        URL (the demo's drawn ones) when it has none."""
        return shown_pictures(list(self.images.all()))  # prefetched by for_listing()

    @property
    def image_urls(self) -> list[str]:
        return [image.card_url for image in self.pictures]


# Each rendition's width in pixels (WebP, height in proportion, never above the original's).
RENDITION_WIDTHS = {"thumbnail": 160, "card": 400, "full": 1200}


def photo_path(image: "ProductImage", filename: str) -> str:
    """A name of its own for each upload, so that a replaced photo gets a new URL and every URL
    can be cached for good."""
    extension = filename.rpartition(".")[2].lower()
    return f"products/{image.product_id}/{uuid.uuid4().hex}.{extension}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    # A picture given by URL (the demo's drawn ones, or hosted elsewhere), or an uploaded photo.
    url = models.CharField(
        max_length=500, blank=True, help_text="Absolute URL or a path on this site."
    )
    file = models.ImageField(
        "photo", upload_to=photo_path, max_length=200, blank=True, help_text="JPEG, PNG or WebP."
    )
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The uploaded photo's size (after EXIF rotation) and its renditions' storage names by size
    # (RENDITION_WIDTHS), set by catalog.photos; null until they are made.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.file.name or self.url

    def display_url(self, size: str) -> str:
        """The rendition of that size; until it is made the uploaded original; the URL for a
        picture given by one."""
        return display_url(self.url, self.file.name, self.renditions, size)

    @property
    def original_url(self) -> str:
        return self.file.url if self.file else self.url

    @property
    def thumbnail_url(self) -> str:
        return self.display_url("thumbnail")

    @property
    def card_url(self) -> str:
        return self.display_url("card")

    @property
    def full_url(self) -> str:
        return self.display_url("full")

    @property
    def rendition_urls(self) -> dict[str, str | None]:
        made = self.renditions or {}
        return {
            size: picture_url(url="", name=made[size]) if size in made else None
            for size in RENDITION_WIDTHS
        }

    @property
    def srcset(self) -> str:
        """Its renditions for an <img srcset>, narrowest first; empty until they are made."""
        if not self.renditions or not self.width:
            return ""
        by_width = {
            min(target, self.width): self.renditions[size]
            for size, target in RENDITION_WIDTHS.items()
            if size in self.renditions
        }
        return ", ".join(
            f"{picture_url(url='', name=name)} {width}w" for width, name in sorted(by_width.items())
        )


def shown_pictures(images: list) -> list:
    """Of a product's images in order, those that show it: its uploaded photos, or else the
    pictures given by URL (the demo's drawn ones) when it has none."""
    return [image for image in images if image.file] or images


def display_url(url: str, file_name: str, renditions: dict | None, size: str) -> str:
    """An image's rendition of that size; until it is made the uploaded original; the URL for
    a picture given by one."""
    return picture_url(url=url, name=(renditions or {}).get(size) or file_name)


def picture_url(*, url: str, name: str | None) -> str:
    """The URL of a stored file by its storage name, else ``url``."""
    return default_storage.url(name) if name else url


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    color = models.CharField(max_length=40, blank=True)
    size = models.CharField(max_length=20, blank=True)
    price_override = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="Leave empty to sell at the product's price.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Kept by catalog.stock: the sum over locations.
    stock = models.IntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "color", "size"], name="catalog_variant_unique_option"
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="catalog_variant_stock_not_negative"
            ),
        ]

    def __str__(self) -> str:
        options = ", ".join(part for part in (self.color, self.size) if part)
        return f"{self.product.name} ({options})" if options else self.product.name

    @property
    def price(self) -> Decimal:
        return self.price_override if self.price_override is not None else self.product.price


class StockLocation(models.Model):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "Warehouse"
        STORE = "store", "Store"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    city = models.CharField(max_length=100)
    address = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        # Warehouses first: orders take stock from them before stores.
        ordering = [F("kind").desc(), "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class StockLevel(models.Model):
    variant = models.ForeignKey(
        ProductVariant, on_delete=models.CASCADE, related_name="stock_levels"
    )
    location = models.ForeignKey(
        StockLocation, on_delete=models.PROTECT, related_name="stock_levels"
    )
    quantity = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "location"], name="catalog_stock_level_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="catalog_stock_level_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku} @ {self.location.name}: {self.quantity}"


class InventorySyncRun(models.Model):
    """One run of the supplier feed sync: what it applied, skipped and why."""

    source = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="Each skipped row: its line and why."
    )
    failure = models.TextField(blank=True, help_text="Why the feed could not be read at all.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return (
            f"Sync {self.started_at:%Y-%m-%d %H:%M}: {self.applied} applied, {self.skipped} skipped"
        )


class LowStockAlert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    variant = models.ForeignKey(
        ProductVariant, on_delete=models.CASCADE, related_name="low_stock_alerts"
    )
    quantity = models.IntegerField(help_text="Units in stock when the alert was raised.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "quantity", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["variant"],
                condition=Q(status="open"),
                name="catalog_one_open_alert_per_variant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.quantity} left"
