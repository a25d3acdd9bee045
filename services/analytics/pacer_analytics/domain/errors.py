"""What a request to analytics can get wrong, raised in the domain and turned into problem+json at the edge."""

from __future__ import annotations


class RangeTooLong(ValueError):
    """More days than one series answers, so one request cannot make the worker sum years of tables."""
