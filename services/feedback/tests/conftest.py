"""Fixtures of the feedback suite (defined in feedback_support so tests can import its helpers)."""

from feedback_support import world

__all__ = ["world"]
