"""Fixtures of the notifications suite (defined in notifications_support so tests can import its helpers)."""

from notifications_support import clock, notifier

__all__ = ["clock", "notifier"]
