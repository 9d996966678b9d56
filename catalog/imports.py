"""The catalog file: products with their variants and stock, one row per variant, as staff
import and export it in the admin (catalog/resources.py puts it on the Product changelist).

Columns, found by their header in any order (case, surrounding spaces and a UTF-8 BOM don't
matter):

- product_slug: the product the row belongs to; rows with the same slug are one product. A
  slug in the catalog updates that product, a new one creates it.
- product_name, description, category (slug or name), brand (name or slug), price, active
  (yes/no): the product's, read from its first row. Its other rows may leave them blank or
  repeat them; a different value is an error.
- sku: the variant. A SKU of this product updates that variant, a new SKU creates one, a SKU
  of another product is an error. Blank: a row for the product alone (one without variants).
- color, size, variant_price (blank: sold at the product's price).
- stock:<location name>, one column per stock location wanted: the units there (blank: leave
  them as they are).

Required: product_slug, product_name, category, brand, price and sku. Without an optional
column its values stay as they are (new products and variants get the defaults). Nothing is
deleted. Rows are numbered as lines of the file: the header is line 1.

read_catalog() checks a whole file against the catalog without writing anything and names
each problem by line and column; apply_catalog() writes a file with none, in one transaction,
stock through catalog.stock (so each change is announced once it commits). catalog_rows()
writes the catalog in the same format: importing an export changes nothing.
"""

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog import response_cache, search, stock
from catalog.models import Brand, Category, Product, ProductVariant, StockLevel, StockLocation
from core.errors import APIError

COLUMNS = (
    "product_slug",
    "product_name",
    "description",
    "category",
    "brand",
    "price",
    "active",
    "sku",
    "color",
    "size",
    "variant_price",
)
REQUIRED_COLUMNS = ("product_slug", "product_name", "category", "brand", "price", "sku")
STOCK_PREFIX = "stock:"
ROW = NON_FIELD_ERRORS  # a problem of the row as a whole rather than of one of its cells

NEW, UPDATE, SKIP = "new", "update", "skip"

_PRODUCT_FIELDS = {  # column -> Product field
    "product_name": "name",
    "description": "description",
    "category": "category",
    "brand": "brand",
    "price": "price",
    "active": "is_active",
}
_VARIANT_FIELDS = {"color": "color", "size": "size", "variant_price": "price_override"}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_CENT = Decimal("0.01")
_MAX_PRICE = Decimal("99999999.99")  # the columns hold 10 digits, 2 of them decimals
_MAX_UNITS = 2_147_483_647
_LOOKUP_CHUNK = 500  # values per `IN (...)`, well under SQLite's limit on parameters


class CatalogFileError(APIError):
    """The file as a whole can't be imported: a required column is missing, a column is unknown."""

    default_code = "invalid_catalog_file"


class _Problem(Exception):
    """One cell's problem; its message is shown as it is."""


@dataclass
class RowCheck:
    """One line of the file: its cells, its problems and what importing it does."""

    line: int
    cells: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)  # column (or ROW) -> problems
    action: str = SKIP
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (now, then)
    # What the row writes: its variant, or its product on a product's own row.
    target: Product | ProductVariant | None = None

    def problem(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    @property
    def is_blank(self) -> bool:
        return not any(self.cells.values())


@dataclass
class _ProductPlan:
    product: Product
    first: RowCheck
    is_new: bool
    values: dict[str, object]  # column -> the value its first row gave
    changed: list[str]  # Product fields


@dataclass
class _VariantPlan:
    variant: ProductVariant
    slug: str
    check: RowCheck
    is_new: bool
    changed: list[str]  # ProductVariant fields
    stock: dict[int, int]  # location id -> units, where they change


@dataclass(frozen=True)
class ImportSummary:
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    stock_levels_set: int = 0

    @property
    def changes_anything(self) -> bool:
        return any(
            (
                self.products_created,
                self.products_updated,
                self.variants_created,
                self.variants_updated,
                self.stock_levels_set,
            )
        )

    def __str__(self) -> str:
        return (
            f"{self.products_created} products created, {self.products_updated} updated; "
            f"{self.variants_created} variants created, {self.variants_updated} updated; "
            f"{self.stock_levels_set} stock levels set"
        )


@dataclass
class CatalogImport:
    """A file read and checked against the catalog: what apply_catalog() would write."""

    rows: list[RowCheck]
    products: dict[str, _ProductPlan]
    variants: list[_VariantPlan]

    @property
    def is_valid(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def summary(self) -> ImportSummary:
        return ImportSummary(
            products_created=sum(plan.is_new for plan in self.products.values()),
            products_updated=sum(
                bool(not plan.is_new and plan.changed) for plan in self.products.values()
            ),
            variants_created=sum(plan.is_new for plan in self.variants),
            variants_updated=sum(bool(not plan.is_new and plan.changed) for plan in self.variants),
            stock_levels_set=sum(len(plan.stock) for plan in self.variants),
        )


def column_names(headers: Iterable) -> list[str]:
    """The file's headers as its columns are known: the known ones in lower case, stock columns
    as ``stock:<location name>``; a BOM and surrounding spaces dropped."""
    names = []
    for header in headers or ():
        name = _text(header).replace("\ufeff", "").strip()
        if name.lower().startswith(STOCK_PREFIX):
            name = STOCK_PREFIX + name[len(STOCK_PREFIX) :].strip()
        elif name.lower() in COLUMNS:
            name = name.lower()
        names.append(name)
    return names


def read_catalog(*, headers: Sequence, rows: Iterable[Sequence]) -> CatalogImport:
    """Check a whole file against the catalog, writing nothing. Raises CatalogFileError when
    its columns are wrong; every other problem is on its row (RowCheck.errors)."""
    columns = column_names(headers)
    rows = [list(values) for values in rows]
    locations = _stock_columns(columns, rows)
    checks = [
        RowCheck(
            line=number,
            cells={name: _text(value) for name, value in zip(columns, values) if name},
        )
        for number, values in enumerate(rows, start=2)
    ]
    return _Reader(columns, locations, checks).read()


@transaction.atomic
def apply_catalog(catalog: CatalogImport) -> ImportSummary:
    """Write a checked file, all of it or (on any error) nothing."""
    if not catalog.is_valid:
        raise CatalogFileError("The file has problems on some of its rows; nothing was imported.")
    summary = catalog.summary
    now = timezone.now()
    new_products = [plan for plan in catalog.products.values() if plan.is_new]
    Product.objects.bulk_create([plan.product for plan in new_products], batch_size=500)
    changed_products = [
        plan for plan in catalog.products.values() if not plan.is_new and plan.changed
    ]
    for plan in changed_products:
        plan.product.updated_at = now  # search re-reads the products changed since it last looked
    _bulk_update(Product, changed_products, "product", ["updated_at"])

    changed_variants = [plan for plan in catalog.variants if not plan.is_new and plan.changed]
    _bulk_update(ProductVariant, changed_variants, "variant", [])
    new_variants = [plan for plan in catalog.variants if plan.is_new]
    for plan in new_variants:
        plan.variant.product = catalog.products[plan.slug].product  # it has its id now
    ProductVariant.objects.bulk_create([plan.variant for plan in new_variants], batch_size=500)

    for plan in catalog.variants:
        for location_id, quantity in plan.stock.items():
            stock.set_stock_level(sku=plan.variant.sku, location_id=location_id, quantity=quantity)

    edited = {plan.product.pk for plan in [*new_products, *changed_products]}
    edited |= {plan.variant.product_id for plan in [*new_variants, *changed_variants]}
    if edited:
        # Bulk writes send no post_save: the cached answers are forgotten here (stock changes
        # forget theirs through catalog.stock), and search re-reads brands, categories, colours.
        response_cache.forget_catalog()
        search.index_products(edited)
    return summary


def catalog_rows(products: QuerySet[Product]) -> tuple[list[str], list[list]]:
    """``products`` in the file's format: (headers, rows), a row per variant and one for each
    product without variants; in a fixed number of queries."""
    locations = list(StockLocation.objects.all())
    headers = [*COLUMNS, *(STOCK_PREFIX + location.name for location in locations)]
    chosen = products.values("pk")
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for variant_id, location_id, quantity in StockLevel.objects.filter(
        variant__product__in=chosen
    ).values_list("variant_id", "location_id", "quantity"):
        levels[variant_id][location_id] = quantity
    variants = (
        ProductVariant.objects.filter(product__in=chosen)
        .select_related("product__category", "product__brand")
        .order_by("product_id", "position", "id")
    )
    rows = [
        [
            *_product_cells(variant.product),
            variant.sku,
            variant.color,
            variant.size,
            variant.price_override,
            *(levels[variant.pk].get(location.pk, 0) for location in locations),
        ]
        for variant in variants.iterator(chunk_size=2000)
    ]
    alone = (
        Product.objects.filter(pk__in=chosen, variants__isnull=True)
        .select_related("category", "brand")
        .order_by("pk")
    )
    rows += [
        [*_product_cells(product), "", "", "", None, *(None for _ in locations)]
        for product in alone
    ]
    return headers, rows


def _product_cells(product: Product) -> list:
    return [
        product.slug,
        product.name,
        product.description,
        product.category.slug,
        product.brand.name,
        product.price,
        "yes" if product.is_active else "no",
    ]


def _text(value) -> str:
    """A cell as text; spreadsheets give numbers (5.0 for 5) and booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _stock_columns(columns: list[str], rows: list[list]) -> dict[str, StockLocation]:
    """Check the header; the stock columns with their locations."""
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(
            f"The file has no {_names(missing)} column{'s' if len(missing) > 1 else ''}: "
            f"required are {', '.join(REQUIRED_COLUMNS)}."
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        problems.append(f"The file has more than one {_names(repeated)} column.")
    by_name = {location.name.lower(): location for location in StockLocation.objects.all()}
    locations, unknown = {}, []
    for index, name in enumerate(columns):
        if not name:
            if any(_text(row[index]) for row in rows if index < len(row)):
                problems.append(f"Column {index + 1} has values but no header.")
        elif name.startswith(STOCK_PREFIX):
            location = by_name.get(name[len(STOCK_PREFIX) :].lower())
            if location is not None and location in locations.values():
                problems.append(f"The file has more than one column for {location.name}.")
            if location is None:
                problems.append(
                    f"Column {name}: there is no stock location called "
                    f"{name[len(STOCK_PREFIX) :]!r} (there are "
                    f"{', '.join(location.name for location in by_name.values()) or 'none'})."
                )
            locations[name] = location
        elif name not in COLUMNS:
            unknown.append(name)
    if unknown:
        problems.append(
            f"Unknown column{'s' if len(unknown) > 1 else ''} {_names(unknown)}: the columns are "
            f"{', '.join(COLUMNS)} and {STOCK_PREFIX}<location name>."
        )
    if problems:
        raise CatalogFileError(" ".join(problems))
    return locations


def _names(names: list[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _in_chunks(queryset: QuerySet, lookup: str, values: Iterable) -> list:
    values = sorted(values)
    found = []
    for start in range(0, len(values), _LOOKUP_CHUNK):
        found += queryset.filter(**{lookup: values[start : start + _LOOKUP_CHUNK]})
    return found


def _bulk_update(model, plans: list, attribute: str, extra: list[str]) -> None:
    if plans:
        fields = sorted({name for plan in plans for name in plan.changed} | set(extra))
        model.objects.bulk_update([getattr(plan, attribute) for plan in plans], fields, 500)


class _Reader:
    """Reads a file's rows against the catalog as it is, loaded once up front."""

    def __init__(self, columns: list[str], locations: dict[str, StockLocation], checks):
        self.columns = set(columns)
        self.locations = locations
        self.checks: list[RowCheck] = checks
        live = [check for check in checks if not check.is_blank]
        slugs = {check.cells["product_slug"] for check in live} - {""}
        skus = {check.cells["sku"] for check in live} - {""}
        self.categories = list(Category.objects.all())
        self.brands = list(Brand.objects.all())
        self.products = {
            product.slug: product
            for product in _in_chunks(
                Product.objects.select_related("category", "brand"), "slug__in", slugs
            )
        }
        variants = {
            variant.pk: variant
            for variant in _in_chunks(
                ProductVariant.objects.select_related("product"), "sku__in", skus
            )
            + _in_chunks(
                ProductVariant.objects.select_related("product"),
                "product_id__in",
                [product.pk for product in self.products.values()],
            )
        }
        self.variants = {variant.sku: variant for variant in variants.values()}
        self.variants_of: dict[int, list[ProductVariant]] = defaultdict(list)
        for variant in variants.values():
            self.variants_of[variant.product_id].append(variant)
        self.levels: dict[tuple[int, int], int] = {}
        if locations:
            for level in _in_chunks(StockLevel.objects.all(), "variant_id__in", variants):
                self.levels[(level.variant_id, level.location_id)] = level.quantity
        self.plans: dict[str, _ProductPlan] = {}
        self.variant_plans: list[_VariantPlan] = []
        self.sku_lines: dict[str, int] = {}
        self.next_position: dict[str, int] = {}

    def read(self) -> CatalogImport:
        for check in self.checks:
            if check.is_blank:
                continue
            slug = check.cells["product_slug"]
            if not slug:
                check.problem("product_slug", "A product slug is required.")
                continue
            if problem := _slug_problem(slug):
                check.problem("product_slug", problem)
                continue
            if slug in self.plans:
                self._same_product(check, self.plans[slug])
            else:
                self.plans[slug] = self._product(check, slug)
            self._variant(check, slug)
        self._check_options()
        for check in self.checks:
            if check.action == SKIP and check.changes:
                check.action = UPDATE
        return CatalogImport(
            rows=self.checks,
            products=self.plans,
            variants=self.variant_plans,
        )

    # The product, from its first row

    def _product(self, check: RowCheck, slug: str) -> _ProductPlan:
        existing = self.products.get(slug)
        values = {}
        for column in _PRODUCT_FIELDS:
            if column not in self.columns:
                continue
            try:
                value = self._product_value(column, check.cells[column], first=True)
            except _Problem as problem:
                check.problem(column, str(problem))
                continue
            if value is not None:
                values[column] = value
        if existing is None:
            product = Product(
                slug=slug,
                description=values.get("description", ""),
                is_active=values.get("active", True),
            )
            for column in ("product_name", "category", "brand", "price"):
                if column in values:
                    setattr(product, _PRODUCT_FIELDS[column], values[column])
            if not check.cells["sku"]:
                check.action = NEW  # else its first variant's row is new
            check.target = product
            return _ProductPlan(product, check, is_new=True, values=values, changed=[])
        changed = []
        for column, value in values.items():
            name = _PRODUCT_FIELDS[column]
            now = getattr(existing, name)
            if isinstance(now, str):
                now = now.strip()
            if now != value:
                check.changes[column] = (_shown(now), _shown(value))
                setattr(existing, name, value)
                changed.append(name)
        if changed:
            check.target = existing
        return _ProductPlan(existing, check, is_new=False, values=values, changed=changed)

    def _same_product(self, check: RowCheck, plan: _ProductPlan) -> None:
        for column in _PRODUCT_FIELDS:
            text = check.cells.get(column, "")
            if not text:
                continue
            try:
                value = self._product_value(column, text, first=False)
            except _Problem as problem:
                check.problem(column, str(problem))
                continue
            if column in plan.values and value != plan.values[column]:
                check.problem(
                    column,
                    f"Differs from line {plan.first.line}, the product's first row "
                    f"({_shown(plan.values[column])}): leave it blank or repeat that value.",
                )
            elif column not in plan.values and column not in plan.first.errors:
                check.problem(
                    column,
                    f"Line {plan.first.line}, the product's first row, leaves it blank: "
                    "give the product's values on its first row.",
                )

    def _product_value(self, column: str, text: str, *, first: bool):
        """A product cell's value; None for a blank that means "as it is" or "the default"."""
        if column == "description":
            return text
        if not text:
            if column == "active":
                return None
            raise _Problem(f"A {column.replace('product_', '')} is required.")
        if column == "product_name":
            if len(text) > 200:
                raise _Problem("A product name is at most 200 characters.")
            return text
        if column == "category":
            return self._category(text)
        if column == "brand":
            return self._brand(text)
        if column == "price":
            return _price(text)
        return _yes_or_no(text)

    def _category(self, text: str) -> Category:
        found = [c for c in self.categories if c.slug == text] or [
            c for c in self.categories if c.name == text
        ]
        if not found:
            found = [c for c in self.categories if c.name.lower() == text.lower()]
        if len(found) > 1:
            raise _Problem(
                f"Category {text!r} is the name of several categories "
                f"({', '.join(c.slug for c in found)}): give its slug."
            )
        if not found:
            raise _Problem(
                f"Unknown category {text!r}: no category has that slug or name."
                + _suggestion(text, [c.name for c in self.categories])
            )
        return found[0]

    def _brand(self, text: str) -> Brand:
        found = (
            [b for b in self.brands if b.name == text]
            or [b for b in self.brands if b.slug == text]
            or [b for b in self.brands if b.name.lower() == text.lower()]
        )
        if len(found) != 1:
            raise _Problem(
                f"Unknown brand {text!r}: no brand has that name or slug."
                + _suggestion(text, [b.name for b in self.brands])
            )
        return found[0]

    # The variant, and its stock

    def _variant(self, check: RowCheck, slug: str) -> None:
        sku = check.cells["sku"]
        if not sku:
            described = [
                column for column in (*_VARIANT_FIELDS, *self.locations) if check.cells.get(column)
            ]
            if described:
                check.problem(
                    "sku",
                    f"A SKU is required: {', '.join(described)} describe a variant. "
                    "Leave sku blank only on a row for the product alone.",
                )
            return
        if len(sku) > 64:
            check.problem("sku", "A SKU is at most 64 characters.")
            return
        if sku in self.sku_lines:
            check.problem("sku", f"SKU {sku} is also on line {self.sku_lines[sku]}.")
            return
        self.sku_lines[sku] = check.line
        existing = self.variants.get(sku)
        if existing is not None and existing.product.slug != slug:
            check.problem(
                "sku",
                f"SKU {sku} belongs to another product: {existing.product.name} "
                f"({existing.product.slug}).",
            )
            return
        values = self._variant_values(check, existing)
        if existing is None:
            if slug not in self.next_position:
                product = self.products.get(slug)
                taken = [v.position for v in self.variants_of[product.pk]] if product else []
                self.next_position[slug] = max(taken, default=-1) + 1
            variant = ProductVariant(sku=sku, position=self.next_position[slug], **values)
            self.next_position[slug] += 1
            changed = []
            check.action = NEW
        else:
            variant, changed = existing, []
            for column, name in _VARIANT_FIELDS.items():
                now = getattr(existing, name)
                if isinstance(now, str):
                    now = now.strip()
                if name in values and now != values[name]:
                    check.changes[column] = (_shown(now), _shown(values[name]))
                    setattr(existing, name, values[name])
                    changed.append(name)
        check.target = variant
        self.variant_plans.append(
            _VariantPlan(
                variant,
                slug,
                check,
                is_new=existing is None,
                changed=changed,
                stock=self._stock(check, existing),
            )
        )

    def _variant_values(self, check: RowCheck, existing: ProductVariant | None) -> dict:
        values = {}
        for column, limit in (("color", 40), ("size", 20)):
            if column not in self.columns:
                values[column] = getattr(existing, column) if existing else ""
                continue
            text = check.cells[column]
            if len(text) > limit:
                check.problem(column, f"A {column} is at most {limit} characters.")
            values[column] = text
        if "variant_price" in self.columns:
            text = check.cells["variant_price"]
            try:
                values["price_override"] = _price(text) if text else None
            except _Problem as problem:
                check.problem("variant_price", str(problem))
        elif existing is None:
            values["price_override"] = None
        return values

    def _stock(self, check: RowCheck, existing: ProductVariant | None) -> dict[int, int]:
        changes = {}
        for column, location in self.locations.items():
            text = check.cells.get(column, "")
            if not text:
                continue
            try:
                units = _units(text)
            except _Problem as problem:
                check.problem(column, str(problem))
                continue
            now = self.levels.get((existing.pk, location.pk), 0) if existing else 0
            if units != now:
                changes[location.pk] = units
                check.changes[column] = (str(now), str(units))
        return changes

    def _check_options(self) -> None:
        """A product's variants differ in colour or size (catalog_variant_unique_option)."""
        lines: dict[tuple[str, str, str], int] = {}
        in_file: dict[str, set[str]] = defaultdict(set)
        for plan in self.variant_plans:
            in_file[plan.slug].add(plan.variant.sku)
        for plan in self.variant_plans:
            option = (plan.slug, plan.variant.color, plan.variant.size)
            if option in lines:
                plan.check.problem(
                    ROW,
                    f"Line {lines[option]} has a variant of this product with the same "
                    f"colour and size ({_option(plan.variant)}).",
                )
                continue
            lines[option] = plan.check.line
            product = self.products.get(plan.slug)
            for other in self.variants_of[product.pk] if product else ():
                if other.sku not in in_file[plan.slug] and (other.color, other.size) == option[1:]:
                    plan.check.problem(
                        ROW,
                        f"The product already has a variant with this colour and size "
                        f"({_option(plan.variant)}): SKU {other.sku}.",
                    )


def _option(variant: ProductVariant) -> str:
    return " / ".join(part or "none" for part in (variant.color, variant.size))


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Category):
        return value.slug
    if value is None:
        return ""
    return str(value)


def _suggestion(text: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def _slug_problem(slug: str) -> str | None:
    if len(slug) > 220:
        return "A product slug is at most 220 characters."
    try:
        validate_slug(slug)
    except ValidationError:
        return f"{slug!r} is not a slug: use letters, digits, hyphens and underscores."
    return None


def _price(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise _Problem(f"{text!r} is not a price: write it like 19.99.")
    if amount < 0:
        raise _Problem(f"{text!r}: a price can't be negative.")
    if amount > _MAX_PRICE:
        raise _Problem(f"{text!r}: a price is at most {_MAX_PRICE}.")
    if amount != amount.quantize(_CENT):
        raise _Problem(f"{text!r}: a price has at most two decimals.")
    return amount.quantize(_CENT)


def _units(text: str) -> int:
    try:
        units = Decimal(text)
    except InvalidOperation:
        units = None
    if units is None or not units.is_finite() or units != units.to_integral_value():
        raise _Problem(f"{text!r} is not a whole number of units.")
    if units < 0:
        raise _Problem(f"{text!r}: stock can't be negative.")
    if units > _MAX_UNITS:
        raise _Problem(f"{text!r} is more units than a stock level holds.")
    return int(units)


def _yes_or_no(text: str) -> bool:
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise _Problem(f"{text!r}: write yes or no.")
