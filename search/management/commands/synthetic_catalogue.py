"""python manage.py synthetic_catalogue --size N: fill an empty database for load tests and benchmarks."""

import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from licensedb.maintenance import analyze
from licensedb.models import Dataset

from ... import bench
from ... import toplists
from ...indexer import paused, rebuild
from ...models import SearchTopTerm


class Command(BaseCommand):
    help = "Fill an EMPTY database with N synthetic datasets, with verdicts, evidence and a search index."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True)
        parser.add_argument("--queries-out", help="write the benchmark's query terms (per class) to this JSON file")
        parser.add_argument("--reuse", action="store_true",
                            help="do nothing when the database already holds N datasets and the query file exists")
        parser.add_argument("--flush", action="store_true", help="empty the database first")

    def handle(self, *args, size, queries_out=None, reuse=False, flush=False, **options):
        import time

        out = Path(queries_out) if queries_out else None
        if reuse and not flush and out and out.exists() and Dataset.objects.count() == size:
            self.stdout.write(f"Reusing the {size} synthetic datasets already there.")
            if toplists.min_documents() and not SearchTopTerm.objects.exists():  # made before the lists existed
                self.stdout.write(f"Listed the best entries of {toplists.rebuild()} frequent words.")
            return
        if flush or (reuse and Dataset.objects.exists()):
            call_command("flush", interactive=False, verbosity=0)
        if Dataset.objects.exists():
            raise CommandError("The database is not empty; use a database of its own for load tests.")
        start = time.perf_counter()
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            queries = bench.generate(size)
            self.stdout.write(f"generated {size} datasets in {time.perf_counter() - start:.1f} s")
            with paused():  # the rebuild below indexes everything once
                bench.add_verdicts()
            self.stdout.write(f"verdicts computed at {time.perf_counter() - start:.1f} s")
        self.stdout.write(f"Indexed {rebuild()} synthetic datasets at {time.perf_counter() - start:.1f} s.")
        analyze()
        from django.db import connection

        if connection.vendor == "sqlite":  # merge the FTS segments; fold the WAL into the file (readers opening it read-only)
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if out:
            out.write_text(json.dumps(queries, indent=1))
