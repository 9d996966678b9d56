"""The Celery broker's transport: kombu's Redis transport, with one client per channel for the
commands it sends outside its event loop.

kombu builds a new redis.Redis for each of those (each copies redis-py's ~170 reply
callbacks): about a fifth of the CPU of a task's .delay(), which a request pays for every mail
it queues. One client over the channel's connection pool is safe to share: each command takes
a connection from the pool.
"""

from contextlib import contextmanager

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _shared_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        pool = self.pool
        if self._shared_client is None or self._shared_client.connection_pool is not pool:
            self._shared_client = self._create_client()
        yield self._shared_client


class Transport(kombu_redis.Transport):
    Channel = Channel
