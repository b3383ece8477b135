"""python manage.py benchsearch --size N [--requests R] [--pages] [--no-datasette]

Times search over HTTP against gunicorn with production settings, per query class, at concurrency 1
and 8, beside a hand-written SQL baseline and (on SQLite) Datasette serving the same file; writes
``bench-data/report-<vendor>-<N>.md`` and ``.json``. See ``search.httpbench`` for what it does and the
README's "Performance" section for how to read it.

The benchmark database sits next to the one in use: a SQLite file under bench-data/ when the site
runs on SQLite, a ``licensedb_bench_<N>`` database on the same server when it runs on PostgreSQL
(``--database-url`` overrides), so the site's own data is never touched.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ... import httpbench


class Command(BaseCommand):
    help = "Benchmark search over HTTP (gunicorn, production settings) against hand-written SQL and Datasette."
    pages_default = False
    search_default = True

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True, help="number of datasets, e.g. 10000, 100000")
        parser.add_argument("--requests", type=int, default=40, help="requests per query class or page and concurrency")
        parser.add_argument("--concurrency", default="1,8", help="client concurrencies, comma-separated (default 1,8)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
        parser.add_argument("--per-class", type=int, default=15, help="queries per class (default 15)")
        parser.add_argument("--database-url", help="benchmark database (default: derived from the current one)")
        parser.add_argument("--out", help="folder for the reports (default bench-data/)")
        parser.add_argument("--rebuild", action="store_true", help="regenerate the synthetic catalogue")
        parser.add_argument("--no-datasette", action="store_true", help="skip the Datasette comparison")
        parser.add_argument("--pages", action="store_true", default=self.pages_default, help="also time the pages")
        parser.add_argument("--no-search", action="store_true", default=not self.search_default, help="skip search")

    def handle(self, *args, **o):
        if o["size"] < 50:
            raise CommandError("--size must be at least 50.")
        try:
            concurrency = tuple(int(c) for c in o["concurrency"].split(",") if c.strip())
        except ValueError as error:
            raise CommandError("--concurrency takes whole numbers, e.g. 1,8") from error
        options = httpbench.Options(
            size=o["size"], requests=o["requests"], concurrency=concurrency, workers=o["workers"],
            per_class=o["per_class"], out=Path(o["out"]) if o["out"] else None, search=not o["no_search"],
            pages=o["pages"], datasette=not o["no_datasette"], rebuild=o["rebuild"],
            command=" ".join(shlex.quote(a) for a in ["python", "manage.py", *sys.argv[2:]]) if sys.argv[1:2] else "",
        )
        url = o["database_url"] or default_url(o["size"])
        self.stderr.write(f"benchmark database: {url}")
        try:
            httpbench.run(Path(settings.BASE_DIR), options, url, lambda line: self.stdout.write(line))
        except httpbench.BenchError as error:
            raise CommandError(str(error)) from error


def default_url(size: int) -> str:
    current = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        name = f"licensedb_bench_{size}"
        _create_pg_database(current, name)
        user = current.get("USER") or ""
        password = f":{current['PASSWORD']}" if current.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        return f"postgres://{auth}{current.get('HOST') or '127.0.0.1'}:{current.get('PORT') or 5432}/{name}"
    folder = Path(settings.BASE_DIR) / "bench-data"
    folder.mkdir(exist_ok=True)
    return f"sqlite:///{folder / f'bench-{size}.sqlite3'}"


def _create_pg_database(current, name):
    import psycopg

    params = {k: v for k, v in {"host": current.get("HOST"), "port": current.get("PORT"), "user": current.get("USER"),
                                "password": current.get("PASSWORD"), "dbname": "postgres"}.items() if v}
    with psycopg.connect(**params, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
