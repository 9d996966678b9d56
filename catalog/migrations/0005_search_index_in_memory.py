"""Search matches on catalog.search_index, in each process's memory: the full-text column and
table, their triggers and the vocabulary table (with its trigram index) are no longer read."""

import importlib

from django.db import migrations

_earlier = importlib.import_module("catalog.migrations.0002_search_indexes")
_run = _earlier._run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_list_orderings_in_indexes")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": _earlier.POSTGRES_BACKWARD, "sqlite": _earlier.SQLITE_BACKWARD}),
            _run({"postgresql": _earlier.POSTGRES_FORWARD, "sqlite": _earlier.SQLITE_FORWARD}),
        ),
        migrations.DeleteModel(name="SearchTerm"),
    ]
