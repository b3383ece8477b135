"""The catalogue revision: a number and a time that change whenever anything public may have changed,
and the database's epoch, which tells this database's revisions from another's."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import F
from django.utils import timezone

from . import deferral
from .models import Revision


class Current(NamedTuple):
    number: int
    changed_at: datetime.datetime
    epoch: str

    @property
    def tag(self) -> str:
        """``<epoch>-<number>``: what cache keys and ETags carry."""
        return f"{self.epoch}-{self.number}"


_NONE = Current(0, datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc), "none")


def current() -> Current:
    row = Revision.objects.filter(pk=1).values_list("number", "changed_at", "epoch").first()
    return Current(*row) if row else _NONE


def bump() -> None:
    if not Revision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now()):
        Revision.objects.get_or_create(pk=1)


def request_bump() -> None:
    """Bump now, or once at the end of the enclosing deferral.deferred() block."""
    deferral.submit("revision", {1})


deferral.register("revision", 30, lambda ids, extra: bump())
