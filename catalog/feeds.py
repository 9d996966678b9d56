"""Supplier stock feeds. A feed yields rows (sku, location, quantity); sync_inventory()
validates each row, applies the good ones through the stock service and records the run.

- FileFeed: CSV with the header ``sku,location,quantity`` or a JSON list of objects with those
  keys, from a path or an http(s) URL (settings.INVENTORY_FEED). ``location`` is a location's
  id or its name.
- DemoFeed (INVENTORY_FEED=demo): new quantities for about a tenth of the stock levels, so the
  demo shop shows stock moving.
"""

import csv
import io
import json
import random
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import structlog
from django.conf import settings
from django.utils import timezone

from catalog import stock
from catalog.models import InventorySyncRun, StockLevel, StockLocation

log = structlog.get_logger(__name__)

FIELDS = ("sku", "location", "quantity")
DEMO_MAX_CHANGES = 1000


@dataclass(frozen=True)
class FeedRow:
    line: int
    sku: str
    location: str
    quantity: str


class FeedError(Exception):
    """The feed as a whole can't be read (missing file, bad header, unreachable URL)."""


class SupplierFeed(Protocol):
    source: str

    def rows(self) -> Iterator[FeedRow]: ...


class FileFeed:
    def __init__(self, source: str):
        self.source = source

    def _text(self) -> str:
        try:
            if self.source.startswith(("http://", "https://")):
                with urllib.request.urlopen(self.source, timeout=30) as response:
                    return response.read().decode("utf-8-sig")
            return Path(self.source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise FeedError(f"Could not read {self.source}: {exc}") from exc

    def rows(self) -> Iterator[FeedRow]:
        text = self._text()
        if text.lstrip().startswith(("[", "{")):
            yield from self._json_rows(text)
        else:
            yield from self._csv_rows(text)

    def _csv_rows(self, text: str) -> Iterator[FeedRow]:
        reader = csv.DictReader(io.StringIO(text))
        header = [name.strip().lower() for name in reader.fieldnames or []]
        if not set(FIELDS) <= set(header):
            raise FeedError(
                f"The CSV header must be {','.join(FIELDS)}; it is {','.join(header) or 'empty'}."
            )
        reader.fieldnames = header
        for number, row in enumerate(reader, start=2):
            yield FeedRow(number, *(str(row.get(f) or "").strip() for f in FIELDS))

    def _json_rows(self, text: str) -> Iterator[FeedRow]:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise FeedError(f"The JSON feed is not valid JSON: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("items") or data.get("rows") or []
        if not isinstance(data, list):
            raise FeedError("The JSON feed must be a list of {sku, location, quantity} objects.")
        for number, row in enumerate(data, start=1):
            row = row if isinstance(row, dict) else {}
            yield FeedRow(number, *(str(row.get(f, "")).strip() for f in FIELDS))


class DemoFeed:
    source = "demo"

    def __init__(self, *, fraction: float = 0.1, rng: random.Random | None = None):
        self.fraction = fraction
        self.rng = rng or random.Random()

    def rows(self) -> Iterator[FeedRow]:
        ids = list(StockLevel.objects.values_list("pk", flat=True))
        chosen = (
            self.rng.sample(
                ids, k=min(len(ids), DEMO_MAX_CHANGES, max(1, int(len(ids) * self.fraction)))
            )
            if ids
            else []
        )
        levels = StockLevel.objects.filter(pk__in=chosen).values_list(
            "variant__sku", "location_id", "quantity"
        )
        for number, (sku, location_id, quantity) in enumerate(levels, start=1):
            change = self.rng.choice([-3, -2, -1, 2, 5, 10, 20])
            yield FeedRow(number, sku, str(location_id), str(max(0, quantity + change)))


def configured_feed() -> SupplierFeed | None:
    source = settings.INVENTORY_FEED.strip()
    if not source:
        return None
    return DemoFeed() if source == "demo" else FileFeed(source)


def sync_inventory(feed: SupplierFeed | None = None) -> InventorySyncRun | None:
    """Apply a feed; every row is applied or reported, and the run is recorded either way."""
    feed = feed or configured_feed()
    if feed is None:
        log.info("inventory_sync_skipped", reason="INVENTORY_FEED is not set")
        return None
    run = InventorySyncRun.objects.create(source=feed.source)
    locations = {str(loc.pk): loc.pk for loc in StockLocation.objects.all()}
    locations.update({loc.name.lower(): loc.pk for loc in StockLocation.objects.all()})
    try:
        for row in feed.rows():
            run.rows += 1
            problem = _apply(row, locations, run)
            if problem:
                run.skipped += 1
                run.errors.append({"line": row.line, "sku": row.sku, "error": problem})
    except FeedError as exc:
        run.failure = str(exc)
        log.warning("inventory_sync_failed", source=feed.source, error=str(exc))
    run.finished_at = timezone.now()
    run.save()
    log.info("inventory_sync_done", source=feed.source, applied=run.applied, skipped=run.skipped)
    return run


def _apply(row: FeedRow, locations: dict, run: InventorySyncRun) -> str:
    if not row.sku:
        return "No SKU."
    location_id = locations.get(row.location.lower())
    if location_id is None:
        return f"Unknown location {row.location!r}."
    try:
        quantity = int(row.quantity)
    except ValueError:
        return f"Quantity {row.quantity!r} is not a whole number."
    if quantity < 0:
        return f"Quantity {quantity} is negative."
    current = (
        StockLevel.objects.filter(variant__sku=row.sku, location_id=location_id)
        .values_list("quantity", flat=True)
        .first()
    )
    if current == quantity:
        run.unchanged += 1
        return ""
    try:
        stock.set_stock_level(sku=row.sku, location_id=location_id, quantity=quantity)
    except stock.UnknownStock:
        return f"Unknown SKU {row.sku!r}."
    run.applied += 1
    return ""
