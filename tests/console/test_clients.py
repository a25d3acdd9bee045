"""The console's API clients follow the services: each committed OpenAPI document is what its service publishes."""

from __future__ import annotations

import json
from typing import Any

import openapi_clients
import pytest


def test_the_committed_openapi_documents_match_the_services() -> None:
    assert openapi_clients.drift() == [], "an API changed: run `make clients` and commit the regenerated clients"


def test_the_drift_check_notices_a_changed_api(monkeypatch: pytest.MonkeyPatch) -> None:
    goals = openapi_clients.CLIENTS / "goals" / "openapi.json"
    committed = json.loads(goals.read_text())
    published = openapi_clients.document

    def with_a_new_route(service: str) -> dict[str, Any]:
        found = published(service)
        if service == "goals":
            found["paths"] = {**found["paths"], "/v1/new": {}}
        return found

    monkeypatch.setattr(openapi_clients, "document", with_a_new_route)
    assert openapi_clients.drift() == [str(goals)]
    assert json.loads(goals.read_text()) == committed, "checking writes nothing"
