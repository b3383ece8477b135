"""Batching derived work (effective verdicts, the search index) during bulk edits.

Signal handlers ``submit`` the ids an edit touched. Outside a :func:`deferred` block the work runs at
once; inside one (``loaddata`` uses it), ids collect per queue and each queue runs once when the
outermost block exits, in priority order (verdicts before search, since search documents carry the
effective verdicts). Work submitted while a queue runs is picked up before the block finishes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _Queue:
    priority: int
    handler: Callable[[set, set], None]
    ids: set = field(default_factory=set)
    extra: set = field(default_factory=set)


_state = threading.local()
_handlers: dict[str, tuple[int, Callable[[set, set], None]]] = {}


def register(name: str, priority: int, handler: Callable[[set, set], None]) -> None:
    """``handler(ids, extra)`` does the work; lower priority numbers run first."""
    _handlers[name] = (priority, handler)


def active() -> bool:
    return getattr(_state, "queues", None) is not None


def submit(name: str, ids: Iterable = (), extra: Iterable = ()) -> None:
    ids, extra = set(ids), set(extra)
    if not ids and not extra:
        return
    priority, handler = _handlers[name]
    if not active():
        handler(ids, extra)
        return
    queue = _state.queues.setdefault(name, _Queue(priority, handler))
    queue.ids |= ids
    queue.extra |= extra


@contextmanager
def deferred():
    if active():
        yield
        return
    _state.queues = {}
    try:
        yield
        while _state.queues:
            name = min(_state.queues, key=lambda n: _state.queues[n].priority)
            queue = _state.queues.pop(name)
            queue.handler(queue.ids, queue.extra)
    finally:
        _state.queues = None
