from django.core.management.base import BaseCommand

from ...verdict_store import refresh


class Command(BaseCommand):
    help = "Recompute the stored effective verdicts of every dataset."

    def handle(self, *args, **options):
        self.stdout.write(f"Recomputed the effective verdicts of {refresh()} datasets.")
