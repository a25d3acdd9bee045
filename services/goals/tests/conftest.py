"""Fixtures of the goals suite (defined in goals_support so tests can import its helpers)."""

from goals_support import goals_env, world

__all__ = ["goals_env", "world"]
