"""python manage.py backup [--output FILE]: everything curated, with its history, in one file."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Derived data is left out and rebuilt on restore: effective verdicts, the search index, the revision.
EXCLUDE = ["licensedb.effectiveverdict", "licensedb.revision"]
INCLUDE = ["licensedb", "auth.user", "auth.group", "authtoken.token"]


class Command(BaseCommand):
    help = "Dump the curated data (entries, verdicts, evidence, licences, platforms, history, curator accounts and their API tokens)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (.json, .json.gz, .json.xz); default under backups/")

    def handle(self, *args, output=None, **options):
        if not output:
            folder = Path(settings.BASE_DIR) / "backups"
            folder.mkdir(exist_ok=True)
            output = folder / f"licensedb-{datetime.datetime.now(datetime.timezone.utc):%Y%m%d-%H%M%S}.json.gz"
        call_command(
            "dumpdata", *INCLUDE, *[f"--exclude={e}" for e in EXCLUDE],
            natural_foreign=True, natural_primary=False, indent=None, output=str(output), verbosity=0,
        )
        self.stdout.write(f"Backed up to {output}")
