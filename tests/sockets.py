"""Socket test helpers."""


async def refused_with(communicator) -> int | None:
    """The close code a socket is refused with (None if it was accepted). The application is
    then told the socket is gone, as a server would, so it ends: left running, its cancellation
    at teardown can hang inside the Redis channel layer's receive."""
    connected, code = await communicator.connect()
    await communicator.disconnect()
    return None if connected else code
