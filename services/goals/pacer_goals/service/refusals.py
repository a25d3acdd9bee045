"""A broken rule of goals as the 422 the API answers, with the rule's code where it has one."""

from __future__ import annotations

from pacer_goals.domain.errors import GoalRuleViolation
from pacer_shared.problems import Unprocessable


def refused(error: GoalRuleViolation) -> Unprocessable:
    return Unprocessable(str(error), field=error.field, code=error.code, ctx=error.ctx)
