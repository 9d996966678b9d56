from catalog.broadcast import INVENTORY_GROUP
from core.consumers import LiveConsumer

MAX_SUBSCRIBED = 500


class InventoryStream:
    """A socket mixin: every committed stock change, narrowed by {"subscribe": [product ids]}
    (an empty list or null: everything again)."""

    streams = (INVENTORY_GROUP,)
    subscribed: set[int] | None = None

    async def receive_json(self, content, **kwargs):
        if "subscribe" in content:
            await self.subscribe(content["subscribe"])
        else:
            await super().receive_json(content, **kwargs)

    async def subscribe(self, ids):
        if ids is None or ids == []:
            self.subscribed = None
        elif (
            isinstance(ids, list)
            and all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
            and len(ids) <= MAX_SUBSCRIBED
        ):
            self.subscribed = set(ids)
        else:
            await self.send_error(
                f'Subscribe with {{"subscribe": [product ids]}} (at most {MAX_SUBSCRIBED}).'
            )
            return
        products = sorted(self.subscribed) if self.subscribed else None
        await self.send_event("subscribed", product_ids=products)

    def wants(self, group: str, frame: dict) -> bool:
        if group == INVENTORY_GROUP and self.subscribed is not None:
            return frame.get("product_id") in self.subscribed
        return super().wants(group, frame)


class InventoryConsumer(InventoryStream, LiveConsumer):
    """/ws/inventory/: every committed stock change; anonymous visitors welcome."""
