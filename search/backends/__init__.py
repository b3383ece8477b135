"""Search backends, chosen from the database vendor at run time."""

from django.db import connection as default_connection

from .base import BackendResult, Row, SearchBackend
from .postgres import PostgresBackend
from .sqlite import SQLiteBackend

BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def get_backend(connection=None) -> SearchBackend:
    connection = connection or default_connection
    try:
        return BACKENDS[connection.vendor](connection)
    except KeyError:
        raise RuntimeError(f"No search backend for the {connection.vendor} database.") from None


__all__ = ["BackendResult", "Row", "SearchBackend", "get_backend"]
