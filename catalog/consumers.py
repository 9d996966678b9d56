from catalog.broadcast import INVENTORY_GROUP
from core.consumers import LiveConsumer

MAX_SUBSCRIBED = 500


class InventoryStream:
    """A socket mixin: every committed stock change, narrowed by {"subscribe": [product ids]}
    (an empty list or null: everything again). The fan-out matches each change to the sockets
    that take it by its product (core.realtime.broadcast's topic)."""

    streams = (INVENTORY_GROUP,)

    async def receive_json(self, content, **kwargs):
        if "subscribe" in content:
            await self.subscribe(content["subscribe"])
        else:
            await super().receive_json(content, **kwargs)

    async def subscribe(self, ids):
        if ids is None or ids == []:
            products = None
        elif (
            isinstance(ids, list)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
            and len(ids) <= MAX_SUBSCRIBED
        ):
            products = frozenset(ids)
        else:
            await self.send_error(
                f'Subscribe with {{"subscribe": [product ids]}} (at most {MAX_SUBSCRIBED}).'
            )
            return
        self.listen(INVENTORY_GROUP, products)
        await self.send_event("subscribed", product_ids=sorted(products) if products else None)


class InventoryConsumer(InventoryStream, LiveConsumer):
    """/ws/inventory/: every committed stock change; anonymous visitors welcome."""
