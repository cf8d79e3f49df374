"""Business days, for the portal's promises ("within three business days"): Monday to Friday."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` moved ``days`` business days later at the same time of day; a weekend start counts from the
    next Monday."""
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    added = 0
    while added < days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            added += 1
    return moment
