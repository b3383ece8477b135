"""Full-text structures that Django's schema tools do not describe, per database vendor."""

from django.db import migrations

FTS_COLUMNS = ["title", "aliases", "variants", "organisations", "licences", "platforms", "summary", "details"]

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    + ", ".join(FTS_COLUMNS)
    + ", content='search_document', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    f"INSERT INTO search_fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (new.id, {', '.join('new.' + c for c in FTS_COLUMNS)}); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(FTS_COLUMNS)}) VALUES ('delete', old.id, {', '.join('old.' + c for c in FTS_COLUMNS)}); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(FTS_COLUMNS)}) VALUES ('delete', old.id, {', '.join('old.' + c for c in FTS_COLUMNS)}); "
    f"INSERT INTO search_fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (new.id, {', '.join('new.' + c for c in FTS_COLUMNS)}); END",
    "CREATE VIRTUAL TABLE search_term_trigram USING fts5(term, content='search_term', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_term_ai AFTER INSERT ON search_term BEGIN "
    "INSERT INTO search_term_trigram(rowid, term) VALUES (new.id, new.term); END",
    "CREATE TRIGGER search_term_ad AFTER DELETE ON search_term BEGIN "
    "INSERT INTO search_term_trigram(search_term_trigram, rowid, term) VALUES ('delete', old.id, old.term); END",
    "CREATE TRIGGER search_term_au AFTER UPDATE ON search_term BEGIN "
    "INSERT INTO search_term_trigram(search_term_trigram, rowid, term) VALUES ('delete', old.id, old.term); "
    "INSERT INTO search_term_trigram(rowid, term) VALUES (new.id, new.term); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_term_au", "DROP TRIGGER IF EXISTS search_term_ad", "DROP TRIGGER IF EXISTS search_term_ai",
    "DROP TABLE IF EXISTS search_term_trigram",
    "DROP TRIGGER IF EXISTS search_document_au", "DROP TRIGGER IF EXISTS search_document_ad", "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def _weighted(column: str, weight: str) -> str:
    # split on anything but letters and digits first, exactly as search.text.tokens does, so that
    # "CC-BY-NC-4.0" is the phrase cc by nc 4 0 on both backends
    text = f"regexp_replace(coalesce({column}, ''), '[^[:alnum:]]+', ' ', 'g')"
    return f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}')"


POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    + " || ".join(
        [
            _weighted("title", "A"),
            _weighted("aliases", "A"),
            _weighted("variants", "A"),
            _weighted("organisations", "B"),
            _weighted("licences", "B"),
            _weighted("platforms", "B"),
            _weighted("summary", "C"),
            _weighted("details", "D"),
        ]
    )
    + ") STORED",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
    "CREATE INDEX search_term_trgm ON search_term USING gin (term gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_tables")]
    operations = [migrations.RunPython(forwards, backwards)]
