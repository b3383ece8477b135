from django.core.management.base import BaseCommand

from ...indexer import rebuild


class Command(BaseCommand):
    help = "Rebuild the whole search index from the published catalogue."

    def handle(self, *args, **options):
        self.stdout.write(f"Indexed {rebuild()} published datasets.")
