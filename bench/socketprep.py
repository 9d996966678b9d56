"""The Django side of the WebSocket benchmark, run by `python -m bench` in a process of its own,
with the environment of the server it serves (its DATABASE_URL and REDIS_URL):

    python -m bench.socketprep staff     a staff JWT and a stock level to change (JSON)
    python -m bench.socketprep trigger   read quantities on stdin; for each, group_send the
                                         stock event directly, print {"t0": ..., "sent": ...}

The staff account is bench-staff@example.com (unusable password), made when missing. The stock
level is the first of the (demo-seeded) database. `trigger` builds the event with
catalog.broadcast.inventory_frame, the message the app sends after a stock change commits, and
hands it to the channel layer of the settings (the Redis one: an in-memory layer would live
in this process, not the server's); no stock changes. It isolates the fan-out from the HTTP
request and the transaction that the staff API trigger includes.
"""

import argparse
import asyncio
import json
import os
import sys
import time

STAFF_EMAIL = "bench-staff@example.com"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def level():
    from catalog.models import StockLevel

    found = StockLevel.objects.select_related("variant__product", "location").order_by("pk").first()
    if found is None:
        sys.exit("No stock level in the database: seed it first (manage.py seed_demo).")
    return found


def staff() -> dict:
    from accounts.models import User
    from accounts.tokens import issue_token_pair

    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is None:
        user = User(
            email=STAFF_EMAIL, username="bench-staff", full_name="Bench Staff", is_staff=True
        )
        user.set_unusable_password()
        user.save()
    found = level()
    return {
        "token": issue_token_pair(user)["access"],
        "sku": found.variant.sku,
        "location_id": found.location_id,
        "quantity": found.quantity,
        "product_id": found.variant.product_id,
    }


def trigger() -> None:
    from channels.layers import get_channel_layer
    from django.utils import timezone

    from catalog.broadcast import INVENTORY_GROUP, inventory_frame
    from catalog.stock import StockChange
    from core.realtime import relay

    found = level()
    layer = get_channel_layer()
    loop = (
        asyncio.new_event_loop()
    )  # one loop for every send: channels-redis keeps connections per loop
    loop.run_until_complete(
        layer.group_send("bench-warmup", {"type": "warm.up"})
    )  # connect now, not in t0
    print(json.dumps({"ready": True, "layer": type(layer).__name__}), flush=True)
    for line in sys.stdin:
        quantity = int(line)
        event = relay(
            inventory_frame(
                StockChange(
                    product_id=found.variant.product_id,
                    variant_id=found.variant_id,
                    sku=found.variant.sku,
                    location_id=found.location_id,
                    location=found.location.name,
                    new_quantity=quantity,
                    added=0,
                    variant_stock=found.variant.stock,
                    product_stock=found.variant.product.stock,
                    at=timezone.now(),
                )
            )
        )
        t0 = time.time()
        loop.run_until_complete(layer.group_send(INVENTORY_GROUP, event))
        print(json.dumps({"t0": t0, "sent": time.time()}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.socketprep")
    parser.add_argument("what", choices=["staff", "trigger"])
    args = parser.parse_args()
    setup_django()
    if args.what == "staff":
        print(json.dumps(staff()))
    else:
        trigger()


if __name__ == "__main__":
    main()
