"""What one analytics worker asks another: the table rows of the partitions the other holds (adapters/org_tables.py).

Not for people: it answers rows about anyone, so it takes no person's token but the workers' shared secret
(ANALYTICS_PEER_SECRET), and it is left out of the OpenAPI document and the generated clients. Who may see what was
decided by the worker the person asked, before it asked its peers.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header

from pacer_analytics.adapters.org_tables import PEER_HEADER, Ask, Moved, Unavailable
from pacer_analytics.api.deps import AnalyticsDep
from pacer_shared.problems import Conflict, Forbidden, Unprocessable

router = APIRouter(prefix="/internal/v1", include_in_schema=False)


@router.post("/tables/rows")
async def table_rows(
    raw: Annotated[dict[str, Any], Body()],
    analytics: AnalyticsDep,
    secret: Annotated[str, Header(alias=PEER_HEADER)] = "",
) -> dict[str, Any]:
    expected = analytics.settings.peer_secret.get_secret_value()
    if not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Forbidden("for the other analytics workers only")
    try:
        ask = Ask.from_json(raw)
        return {"rows": analytics.org.serve(ask)}
    except (ValueError, TypeError, IndexError) as error:
        raise Unprocessable(f"not a table read: {error}") from None
    except Moved as error:
        if analytics.unready():
            raise Unavailable(str(error)) from None
        raise Conflict(str(error)) from None
