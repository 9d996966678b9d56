import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.core.management.base import BaseCommand, OutputWrapper
from django.utils.module_loading import import_string
from tqdm import tqdm


class Command(BaseCommand):
    help = (
        "Load the demo data and print the demo logins. Deterministic. Each app with a "
        "demo.load_demo loads its own part, in INSTALLED_APPS order."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=500, help="How many products (default 500)."
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load into a database with no products yet.",
        )

    def handle(self, *args, products: int, seed: int, if_empty: bool, **options):
        stage = StageReporter(self.stdout)
        for load_demo in demo_loaders():
            for line in load_demo(products=products, seed=seed, if_empty=if_empty, stage=stage):
                self.stdout.write(line)


def demo_loaders() -> list:
    """Each installed app's ``demo.load_demo``, in INSTALLED_APPS order."""
    loaders = []
    for config in apps.get_app_configs():
        try:
            loaders.append(import_string(f"{config.name}.demo.load_demo"))
        except ImportError:
            continue
    return loaders


class StageReporter:
    """The ``stage`` a loader reports its long steps to: ``with stage(name, total, unit) as
    advance:`` shows a progress bar on a terminal, moved on by ``advance(n)``, and once the stage
    is done a line with its time, which is all there is elsewhere (a log, the bench)."""

    def __init__(self, stdout: OutputWrapper):
        self.stdout = stdout

    @contextmanager
    def __call__(
        self, name: str, total: int | None = None, unit: str = "steps"
    ) -> Iterator[Callable[[int], object]]:
        started = time.perf_counter()
        # disable=None: a bar only when stderr is a terminal.
        with tqdm(
            desc=name,
            total=total,
            unit=f" {unit}",
            leave=False,
            disable=None,
            file=sys.stderr,
            mininterval=0.5,
        ) as bar:
            yield bar.update
        amount = f" ({total:,} {unit})" if total is not None else ""
        self.stdout.write(f"{name}: {time.perf_counter() - started:.1f} s{amount}")
