"""python manage.py benchsearch --size N

Builds (once) a synthetic catalogue of N published datasets in a database of its own, then times
search as the API serves it against a hand-written SQL baseline, side by side, per query class.
The last line is ``overall p50 ratio api/raw = X.XX``.

The benchmark database sits next to the one in use: a SQLite file under bench-data/ when the site
runs on SQLite, a ``licensedb_bench_<N>`` database on the same server when it runs on PostgreSQL
(``--database-url`` overrides). The measurement runs in a child process pointed at that database,
so the site's own data is never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

CHILD_FLAG = "LICENSEDB_BENCH_CHILD"


class Command(BaseCommand):
    help = "Benchmark search (API vs hand-written SQL) on a synthetic catalogue of --size datasets."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True, help="number of datasets, e.g. 1000, 10000, 100000")
        parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query (default 3)")
        parser.add_argument("--database-url", help="benchmark database (default: derived from the current one)")
        parser.add_argument("--rebuild", action="store_true", help="regenerate the synthetic catalogue")

    def handle(self, *args, size: int, repeat: int, database_url: str | None, rebuild: bool, **options):
        if size < 100:
            raise CommandError("--size must be at least 100.")
        if os.environ.get(CHILD_FLAG) != "1":
            return self._spawn(size, repeat, database_url, rebuild)
        self._run(size, repeat, rebuild)

    # parent: choose the benchmark database and run the measurement against it -------------------------
    def _spawn(self, size, repeat, database_url, rebuild):
        url = database_url or self._default_url(size)
        # the result cache would answer repeated queries without doing the work being measured
        env = {**os.environ, CHILD_FLAG: "1", "DATABASE_URL": url, "DJANGO_DEBUG": "false",
               "LICENSEDB_SEARCH_CACHE_SECONDS": "0"}
        command = [sys.executable, "manage.py", "benchsearch", "--size", str(size), "--repeat", str(repeat)]
        if rebuild:
            command.append("--rebuild")
        self.stderr.write(f"benchmark database: {url}")
        result = subprocess.run(command, cwd=settings.BASE_DIR, env=env)
        if result.returncode:
            raise CommandError("the benchmark run failed")

    def _default_url(self, size: int) -> str:
        current = settings.DATABASES["default"]
        if connection.vendor == "postgresql":
            name = f"licensedb_bench_{size}"
            self._create_pg_database(current, name)
            user = current.get("USER") or ""
            password = f":{current['PASSWORD']}" if current.get("PASSWORD") else ""
            auth = f"{user}{password}@" if user else ""
            return f"postgres://{auth}{current.get('HOST') or '127.0.0.1'}:{current.get('PORT') or 5432}/{name}"
        folder = Path(settings.BASE_DIR) / "bench-data"
        folder.mkdir(exist_ok=True)
        return f"sqlite:///{folder / f'bench-{size}.sqlite3'}"

    def _create_pg_database(self, current, name):
        import psycopg

        params = {k: v for k, v in {"host": current.get("HOST"), "port": current.get("PORT"), "user": current.get("USER"),
                                    "password": current.get("PASSWORD"), "dbname": "postgres"}.items() if v}
        with psycopg.connect(**params, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')

    # child: build if needed, then measure -----------------------------------------------------------
    def _run(self, size, repeat, rebuild):
        from licensedb.models import Dataset

        from ... import bench
        from ...indexer import rebuild as rebuild_index

        db_name = dj_database_url.parse(os.environ["DATABASE_URL"]).get("NAME")
        sidecar = Path(settings.BASE_DIR) / "bench-data" / f"queries-{connection.vendor}-{size}.json"
        sidecar.parent.mkdir(exist_ok=True)
        call_command("migrate", verbosity=0)
        queries = bench.load_queries(sidecar)
        if rebuild or queries is None or Dataset.objects.count() != size:
            self.stderr.write(f"generating {size} datasets in {db_name} ...")
            call_command("flush", interactive=False, verbosity=0)
            from django.test.utils import override_settings

            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                queries = bench.generate(size)
            self.stderr.write("indexing ...")
            rebuild_index()
            self._optimise()
            bench.save_queries(sidecar, queries)
        self.stderr.write(f"measuring ({connection.vendor}, {size} datasets, {repeat} runs per query) ...")
        results = bench.measure(queries, repeat=repeat)
        self.stdout.write(f"search benchmark: {connection.vendor}, {size} datasets, {repeat} timed runs per query")
        bench.report(results, self.stdout)

    def _optimise(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
                cursor.execute("ANALYZE")
            else:
                cursor.execute("ANALYZE")
