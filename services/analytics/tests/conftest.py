"""Fixtures of the analytics suite (defined in analytics_support so tests can import its helpers)."""

from analytics_support import analytics

__all__ = ["analytics"]
