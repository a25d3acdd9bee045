"""Sealed text: both people's keys open it; without either one, or moved to another feedback, nothing does."""

from __future__ import annotations

import os

import pytest

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
