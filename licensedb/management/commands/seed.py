from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ...maintenance import analyze
from ...models import Dataset


class Command(BaseCommand):
    help = "Load the curated catalogue (fixtures/*.json) into an empty database; leave a used one alone."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even if the catalogue already has entries.")

    def handle(self, *args, force=False, **options):
        if Dataset.objects.exists() and not force:
            self.stdout.write(f"The catalogue already holds {Dataset.objects.count()} datasets; nothing loaded.")
            from search.models import SearchDocument

            if not SearchDocument.objects.exists():
                call_command("rebuild_search_index", verbosity=options.get("verbosity", 1))
            return
        fixtures = sorted(str(p) for p in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
        call_command("loaddata", *fixtures, verbosity=options.get("verbosity", 1))
        analyze()
