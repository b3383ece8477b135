"""``loaddata`` that also keeps the derived state right.

It is Django's own command, with two additions: the effective verdicts are recomputed once for
everything loaded (instead of once per saved row), and every loaded object that has no history yet
gets one "created" record, so that loaded entries show up in the change history.
"""

from django.core.management.commands import loaddata
from django.db import transaction
from django.test.utils import override_settings

from ...history import TRACKED
from ...models import Licence, Organisation, PlatformVerdict, SourcePlatform
from ...deferral import deferred

HISTORY_MODELS = [model for model, _ in TRACKED] + [Licence, Organisation, SourcePlatform, PlatformVerdict]


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        using = options.get("database") or "default"
        with deferred(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            super().handle(*fixture_labels, **options)
        with transaction.atomic(using=using):
            for model in HISTORY_MODELS:
                have = model.history.using(using).values("id")
                missing = list(model.objects.using(using).exclude(pk__in=have))
                if missing:
                    model.history.bulk_history_create(
                        missing, batch_size=500, default_change_reason="Loaded from the curated fixtures"
                    )
