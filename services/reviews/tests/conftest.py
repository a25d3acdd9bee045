"""Fixtures of the reviews suite (defined in reviews_support so tests can import its helpers)."""

from reviews_support import world

__all__ = ["world"]
