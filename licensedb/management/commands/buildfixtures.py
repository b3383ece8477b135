from django.core.management.base import BaseCommand, CommandError

from ...curation import CurationError, write_fixtures


class Command(BaseCommand):
    help = "Check the curated sources in fixtures/sources/ and regenerate the fixtures/*.json files."

    def handle(self, *args, **options):
        try:
            counts = write_fixtures()
        except CurationError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(f"fixtures/{name}: {count} objects")
