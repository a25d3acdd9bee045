"""Errors the goals domain raises; the API turns them into problem+json once, at the edge."""

from __future__ import annotations


class GoalRuleViolation(Exception):
    """A request that breaks a rule of goals (adjusting a closed goal, analysing a goal that was not missed).

    `code` (with its values in `ctx`) names the rule for a client to word in its own language; `field` is where the
    request broke it, `body` for the request as a whole."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str = "body",
        ctx: dict[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.field, self.ctx = code, field, ctx
