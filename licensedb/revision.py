"""The catalogue revision: a number and a time that change whenever anything public may have changed,
and the database's epoch, which tells this database's revisions from another's."""

from __future__ import annotations

import datetime
import threading
from typing import NamedTuple

from django.core.signals import request_finished, request_started
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


# Within one request the revision is read once: the search, its facet labels and the page cache all
# ask for it (three identical queries per search before). Outside a request every call reads it.
_request = threading.local()


def _begin(**kwargs) -> None:
    _request.active, _request.seen = True, None


def _end(**kwargs) -> None:
    _request.active, _request.seen = False, None


request_started.connect(_begin, dispatch_uid="licensedb.revision.begin")
request_finished.connect(_end, dispatch_uid="licensedb.revision.end")


def current() -> Current:
    seen = getattr(_request, "seen", None)
    if seen is not None:
        return seen
    row = Revision.objects.filter(pk=1).values_list("number", "changed_at", "epoch").first()
    found = Current(*row) if row else _NONE
    if getattr(_request, "active", False):
        _request.seen = found
    return found


def bump() -> None:
    _request.seen = None  # this request's later reads see the new revision
    if not Revision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now()):
        Revision.objects.get_or_create(pk=1)


def request_bump() -> None:
    """Bump now, or once at the end of the enclosing deferral.deferred() block."""
    deferral.submit("revision", {1})


deferral.register("revision", 30, lambda ids, extra: bump())
