"""python manage.py synthetic_catalogue --size N: fill an empty database for load tests."""

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from licensedb.maintenance import analyze
from licensedb.models import Dataset

from ... import bench
from ...indexer import rebuild


class Command(BaseCommand):
    help = "Fill an EMPTY database with N synthetic datasets, with verdicts, evidence and a search index."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, required=True)

    def handle(self, *args, size, **options):
        if Dataset.objects.exists():
            raise CommandError("The database is not empty; use a database of its own for load tests.")
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            bench.generate(size)
            bench.add_verdicts()
        self.stdout.write(f"Indexed {rebuild()} synthetic datasets.")
        analyze()
