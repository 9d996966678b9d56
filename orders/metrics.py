"""The orders' figures on /metrics (core.metrics serves them)."""

from prometheus_client import Counter

orders_placed = Counter("shop_orders_placed_total", "Orders placed and paid.")
orders_declined = Counter("shop_orders_declined_total", "Orders whose payment was declined.")
