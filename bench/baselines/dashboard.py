"""The team dashboard's query behind a bare FastAPI endpoint: the API benchmark's baseline.

    python bench/baselines/dashboard.py PORT MONGO_URL DATABASE

Same database, same client settings, same two queries as the goals service's GET /v1/teams/{team}/dashboard,
asking only for the fields that endpoint shows; no token check, no domain objects, no response model, the stored
documents serialized straight to JSON by pydantic-core: the least any endpoint answering that question does.
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI, Response
from pydantic_core import to_json

from pacer_goals.adapters.repository import open_goals_of
from pacer_shared.mongo import create_client

PERSON = {"display_name": 1, "role": 1}
GOAL = {
    field: 1
    for field in (
        "owner_id", "owner_kind", "team_id", "title", "metric", "target", "unit", "timezone", "period_start",
        "period_end", "recurrence", "pace_profile", "parent_goal_id", "status", "actual", "activity_count",
        "achieved_at", "closed_at", "adjustments", "miss_analysis", "needs_miss_analysis",
    )
}  # fmt: skip


def build(mongo_url: str, database: str) -> FastAPI:
    db = create_client(mongo_url, "bench-bare-dashboard")[database]
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/teams/{team_id}/dashboard")
    async def dashboard(team_id: str) -> Response:
        team = await db["people"].find({"team_id": team_id, "active": True}, PERSON).to_list()
        members = sorted((m for m in team if m.get("role") == "assistant"), key=lambda m: m["display_name"])
        found = await db["goals"].find(open_goals_of([m["_id"] for m in members], [team_id]), GOAL).to_list()
        answer = {
            "team_id": team_id,
            "team_goals": [g for g in found if g["owner_kind"] == "team"],
            "members": [
                {
                    "person_id": m["_id"],
                    "display_name": m["display_name"],
                    "goals": [g for g in found if g["owner_kind"] == "assistant" and g["owner_id"] == m["_id"]],
                }
                for m in members
            ],
        }
        return Response(to_json(answer), media_type="application/json")

    return app


if __name__ == "__main__":
    port, mongo_url, database = sys.argv[1:4]
    uvicorn.run(build(mongo_url, database), host="127.0.0.1", port=int(port), log_config=None, access_log=False)
