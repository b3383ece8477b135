"""Database upkeep after bulk loads."""

from django.db import connection


def analyze() -> None:
    """Refresh the query planner's statistics. After a bulk load (fixtures, a restore, a synthetic
    catalogue) PostgreSQL otherwise plans with empty statistics until autovacuum catches up: on the
    10k load-test catalogue one evidence prefetch took 19 ms instead of under 1 ms."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
