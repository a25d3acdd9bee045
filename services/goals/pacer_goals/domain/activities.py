"""What one recorded or retracted sales activity does to progress, in whatever order they arrive.

Duplicates (the same activity_id) count once; a retraction subtracts what its activity
added; a retraction that overtakes its activity (shuffled delivery, or a retraction keyed by
its activity_id on another partition than its assistant's) makes the activity count zero
when it finally arrives. The activity_id is the identity: the activity itself says whose it
is, whatever assistant a retraction names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel.numbers import list_currencies

from pacer_shared.events.sales import SalesActivity, SalesActivityRecorded, SalesActivityRetracted

CURRENCIES = frozenset(list_currencies())


def unknown_currency(activity: SalesActivity) -> str | None:
    """Why an activity its schema accepts cannot count: a currency that does not exist (None when it exists).

    The one check behind both ways in: the consumer dead-letters such an activity, the HTTP ingest refuses it."""
    if isinstance(activity, SalesActivityRecorded) and activity.currency and activity.currency not in CURRENCIES:
        return f"unknown currency {activity.currency!r} (not ISO 4217)"
    return None


# Not frozen: a frozen dataclass's __init__ goes through object.__setattr__, measurable on the ingest path.
# States are never mutated in place; `replace` makes a new one.
@dataclass(slots=True)
class ActivityState:
    activity_id: str
    assistant_id: str | None
    """The activity's assistant; until the activity arrives, the one its retraction named, if any."""
    recorded: SalesActivityRecorded | None
    retracted: bool
    retraction_reason: str | None = None
    retraction_assistant_id: str | None = None
    """The assistant the retraction named, kept to show a retraction that named someone else."""

    @property
    def counts(self) -> bool:
        return self.recorded is not None and not self.retracted

    @property
    def retraction_names_another_assistant(self) -> bool:
        named, recorded = self.retraction_assistant_id, self.recorded
        return named is not None and recorded is not None and named != recorded.assistant_id


def on_recorded(state: ActivityState | None, activity: SalesActivityRecorded) -> tuple[ActivityState, int]:
    """The new state and +1 when the activity starts counting, 0 when it does not (duplicate or retracted)."""
    if state is None:
        return ActivityState(activity.activity_id, activity.assistant_id, activity, retracted=False), +1
    if state.recorded is not None:
        return state, 0
    return replace(state, assistant_id=activity.assistant_id, recorded=activity), 0 if state.retracted else +1


def on_retracted(state: ActivityState | None, retraction: SalesActivityRetracted) -> tuple[ActivityState, int]:
    """The new state and -1 when a counting activity stops counting, 0 otherwise."""
    if state is None:
        return ActivityState(
            retraction.activity_id,
            retraction.assistant_id,
            None,
            retracted=True,
            retraction_reason=retraction.reason,
            retraction_assistant_id=retraction.assistant_id,
        ), 0
    if state.retracted:
        return state, 0
    retracted = replace(
        state, retracted=True, retraction_reason=retraction.reason, retraction_assistant_id=retraction.assistant_id
    )
    return retracted, -1 if state.recorded else 0
