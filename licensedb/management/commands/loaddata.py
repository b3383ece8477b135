"""``loaddata`` that also keeps the derived state right.

It is Django's own command, with two additions: the effective verdicts are recomputed once for
everything loaded (instead of once per saved row), and every loaded object that has no history yet
gets one "created" record, so that loaded entries show up in the change history. Those records share
one time and name the catalogue revision the load produced: the change log shows the whole load as one
event ("catalogue loaded, revision N"), not as hundreds of additions.
"""

from django.core.management.commands import loaddata
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from ... import revision
from ...history import TRACKED, load_reason
from ...models import Licence, Organisation, PlatformVerdict, SourcePlatform
from ...deferral import deferred

HISTORY_MODELS = [model for model, _ in TRACKED] + [Licence, Organisation, SourcePlatform, PlatformVerdict]


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        using = options.get("database") or "default"
        with deferred(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            super().handle(*fixture_labels, **options)
        reason, loaded_at = load_reason(revision.current().number), timezone.now()
        with transaction.atomic(using=using):
            for model in HISTORY_MODELS:
                have = model.history.using(using).values("id")
                missing = list(model.objects.using(using).exclude(pk__in=have))
                if missing:
                    model.history.bulk_history_create(
                        missing, batch_size=500, default_change_reason=reason, default_date=loaded_at
                    )
