"""The shop's own settings, plus a URLconf with a trivial view to measure the ceiling against."""

import os

from config.settings import *

ROOT_URLCONF = "bench.urls"

# bench/whatif.py's "pubsub" experiment (socket benchmark only): channels-redis' pub/sub layer
# in place of the default one, with the same hosts.
if "pubsub" in os.environ.get("BENCH_WHATIF", "").split(",") and REDIS_URL:
    CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"
