"""The shop's own settings, plus a URLconf with a trivial view to measure the ceiling against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
