"""Fixtures of the analytics suite (defined in analytics_support so tests can import its helpers)."""

from analytics_support import analytics, analytics_env

__all__ = ["analytics", "analytics_env"]
