"""Background work (the task worker: queues imports and reports) as the pages see it — when a job that
should be moving has stalled because its worker stopped (a restart, a crash) or none is running."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def stalled_minutes() -> int:
    return settings.KEXIE_TASK_STALLED_MINUTES


def stalled_after() -> dt.timedelta:
    return dt.timedelta(minutes=stalled_minutes())


def stalled_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """A job whose last sign of life is older than this has stalled."""
    return (now or timezone.now()) - stalled_after()


def is_stalled(last_moved: dt.datetime | None) -> bool:
    return last_moved is not None and last_moved < stalled_cutoff()
