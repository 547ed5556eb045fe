"""Background work (the task worker: queues imports and reports) as the pages see it — when a job that
should be moving has stalled because its worker stopped (a restart, a crash) or none is running."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def stalled_minutes() -> int:
    return settings.KEXIE_TASK_STALLED_MINUTES


def stalled_after() -> dt.timedelta:
    return dt.timedelta(minutes=stalled_minutes())


def stalled_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """A job whose last sign of life is older than this has stalled."""
    return (now or timezone.now()) - stalled_after()


def is_stalled(last_moved: dt.datetime | None) -> bool:
    """Callers pass the stamp or, when it was never set, the record's creation time."""
    return last_moved is not None and last_moved < stalled_cutoff()


def is_stalled_q(last_moved: str, fallback: str = "created_at", now: dt.datetime | None = None) -> Q:
    """The same test in SQL: `last_moved` older than the cutoff, or — never stamped — `fallback`."""
    cutoff = stalled_cutoff(now)
    return Q(**{f"{last_moved}__lt": cutoff}) | Q(
        **{f"{last_moved}__isnull": True, f"{fallback}__lt": cutoff}
    )
