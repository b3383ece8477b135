"""The catalogue revision: a number and a time that change whenever anything public may have changed."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone

from . import deferral
from .models import Revision


def current() -> tuple[int, datetime.datetime]:
    row = Revision.objects.filter(pk=1).values_list("number", "changed_at").first()
    return row if row else (0, datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))


def bump() -> None:
    if not Revision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now()):
        Revision.objects.get_or_create(pk=1)


def request_bump() -> None:
    """Bump now, or once at the end of the enclosing deferral.deferred() block."""
    deferral.submit("revision", {1})


deferral.register("revision", 30, lambda ids, extra: bump())
