"""Dependencies of the incentives routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pacer_incentives.service.context import Incentives
from pacer_shared.auth import Principal, Role, require


def incentives_from(request: Request) -> Incentives:
    return request.app.state.context  # type: ignore[no-any-return]


IncentivesDep = Annotated[Incentives, Depends(incentives_from)]
HrOnly = Annotated[Principal, Depends(require(Role.HR))]
Approver = Annotated[Principal, Depends(require(Role.MANAGER, Role.HR))]
