"""When an open action item reminds its owner: once as it falls due, once when it is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Reminder(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Next:
    send: Reminder | None
    then_at: datetime | None
    """When to look at the item again; None once both reminders went (or were no longer useful)."""


def first_look(due_at: datetime, lead: timedelta) -> datetime:
    return due_at - lead


def next_reminder(due_at: datetime, raised: frozenset[Reminder], now: datetime, lead: timedelta) -> Next:
    """Which reminder is owed now. One due before its time is the 'due' reminder; past its time, the 'overdue' one.

    An item whose due reminder was never sent (no worker ran in its window) gets only the overdue one: telling
    someone an item is due after it is overdue says less than the truth.
    """
    if now < due_at - lead:
        return Next(None, due_at - lead)
    if now < due_at:
        return Next(None if Reminder.DUE in raised else Reminder.DUE, due_at)
    return Next(None if Reminder.OVERDUE in raised else Reminder.OVERDUE, None)
