"""python manage.py restore FILE: load a backup into a fresh (migrated, empty) database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ...maintenance import analyze
from ...models import Dataset, Licence


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty database, then rebuild derived data."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="restore even if the database is not empty")

    def handle(self, *args, file, force=False, **options):
        if (Dataset.objects.exists() or Licence.objects.exists()) and not force:
            raise CommandError("This database already holds a catalogue. Restore into a fresh one (or pass --force).")
        call_command("loaddata", file, verbosity=options.get("verbosity", 1))
        call_command("refresh_verdicts", verbosity=0)
        call_command("rebuild_search_index", verbosity=0)
        analyze()
        self.stdout.write(f"Restored {Dataset.objects.count()} datasets from {file}.")
