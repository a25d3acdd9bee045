"""Errors the goals domain raises; the API turns them into problem+json once, at the edge."""

from __future__ import annotations


class GoalRuleViolation(Exception):
    """A request that breaks a rule of goals (adjusting a closed goal, analysing a goal that was not missed)."""
