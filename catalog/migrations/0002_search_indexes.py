"""Search indexes, which differ by engine (see catalog.search).

PostgreSQL: pg_trgm, a weighted tsvector column with a GIN index, trigram indexes.
SQLite: an FTS5 table kept in step with catalog_product by triggers.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE catalog_product ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(search_extra, '')), 'B')
    ) STORED""",
    "CREATE INDEX catalog_product_search_vector ON catalog_product USING gin (search_vector)",
    "CREATE INDEX catalog_searchterm_word_trgm ON catalog_searchterm USING gin (word gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_searchterm_word_trgm",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
        name, search_extra, content='catalog_product', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER catalog_product_fts_insert AFTER INSERT ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(rowid, name, search_extra)
        VALUES (new.id, new.name, new.search_extra);
    END""",
    """CREATE TRIGGER catalog_product_fts_delete AFTER DELETE ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, search_extra)
        VALUES ('delete', old.id, old.name, old.search_extra);
    END""",
    """CREATE TRIGGER catalog_product_fts_update AFTER UPDATE OF name, search_extra
    ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, search_extra)
        VALUES ('delete', old.id, old.name, old.search_extra);
        INSERT INTO catalog_product_fts(rowid, name, search_extra)
        VALUES (new.id, new.name, new.search_extra);
    END""",
    "INSERT INTO catalog_product_fts(catalog_product_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_update",
    "DROP TRIGGER IF EXISTS catalog_product_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_product_fts_insert",
    "DROP TABLE IF EXISTS catalog_product_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
