"""Fixtures of the incentives suite (defined in incentives_support so tests can import its helpers)."""

from incentives_support import world

__all__ = ["world"]
