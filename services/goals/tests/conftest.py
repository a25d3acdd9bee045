"""Fixtures of the goals suite (defined in goals_support so tests can import its helpers)."""

from goals_support import clock, goals_at_a_moved_clock, world

__all__ = ["clock", "goals_at_a_moved_clock", "world"]
