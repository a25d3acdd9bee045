"""Sealed text: both people's keys open it; without either one, or moved to another feedback, nothing does."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from pacer_shared.events.reviews import ActionItemDue
from pacer_shared.shredding import open_with, seal_with

KEYS = {"ann": os.urandom(32), "bob": os.urandom(32)}
TEXT = "Ann calmed Acme down; 谢谢"


def test_the_keys_of_everyone_it_was_sealed_for_open_it() -> None:
    sealed = seal_with(KEYS, ["ann", "bob"], TEXT, "f-1")
    assert open_with(KEYS, sealed, "f-1") == TEXT
    assert "Acme" not in sealed.model_dump_json()
    assert sealed.key_ids == ["ann", "bob"]


@pytest.mark.parametrize("erased", ["ann", "bob"])
def test_without_either_key_it_stays_shut(erased: str) -> None:
    sealed = seal_with(KEYS, ["ann", "bob"], TEXT, "f-1")
    assert open_with({p: k for p, k in KEYS.items() if p != erased}, sealed, "f-1") is None


def test_another_key_for_the_same_person_does_not_open_it() -> None:
    """A person erased and later known again gets a new key: the old texts stay shut."""
    sealed = seal_with(KEYS, ["ann", "bob"], TEXT, "f-1")
    assert open_with({**KEYS, "ann": os.urandom(32)}, sealed, "f-1") is None


def test_a_sealed_text_moved_to_another_feedback_does_not_open() -> None:
    sealed = seal_with(KEYS, ["ann", "bob"], TEXT, "f-1")
    assert open_with(KEYS, sealed, "f-2") is None


def test_each_sealing_differs_though_the_text_is_the_same() -> None:
    first, second = (seal_with(KEYS, ["ann", "bob"], TEXT, "f-1") for _ in range(2))
    assert first.ciphertext != second.ciphertext
    assert first.shares != second.shares


def test_an_event_carrying_a_text_both_in_clear_and_sealed_is_refused() -> None:
    """What a consumer would take for the sealed text could differ from the clear one: such an event is invalid
    (and dead-lettered with this reason), whichever event declares the text."""
    sealed = seal_with(KEYS, ["ann"], "Call Acme back", "item-1")
    due = datetime(2026, 12, 1, tzinfo=UTC)
    fields = {"item_id": "item-1", "meeting_id": "m", "team_id": "north", "owner_id": "ann", "organizer_id": "mia"}
    with pytest.raises(ValidationError, match=r"text in clear .* or sealed_text, not both"):
        ActionItemDue(**fields, due_at=due, text="Call Acme back", sealed_text=sealed)
    assert ActionItemDue(**fields, due_at=due, sealed_text=sealed).text is None
