from config.consumers import LiveConsumer


class InventoryConsumer(LiveConsumer):
    """/ws/inventory/: every committed stock change; anonymous visitors welcome."""
