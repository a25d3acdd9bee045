"""`PACER_DEMO_CRM=zoho make run`: the demo's calls are logged in a CRM, and the connectors service feeds goals.

Without it the demo publishes `SalesActivityRecorded` itself, as a company's own bridge would. With it the demo's
assistants log their calls in a local Zoho CRM (the fake the connectors' tests run against,
tests/pacer_testkit/fake_zoho.py) through Zoho's insert-records API, and the connectors service learns of each
call from Zoho's notification callback, reads it, and publishes it: what a company sees after connecting its CRM.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
ZOHO_PORT = int(os.environ.get("PACER_DEMO_ZOHO_PORT", "8690"))
ZOHO_URL = f"http://127.0.0.1:{ZOHO_PORT}"
CONNECTION = "demo-zoho"
# The fake's own credentials (tests/pacer_testkit/fake_zoho.py), handed to the connector as a company's would be.
SECRETS = {
    "DEMO_ZOHO_CLIENT_SECRET": "fake-client-secret",
    "DEMO_ZOHO_REFRESH_TOKEN": "1000.fake-refresh-token",
    "DEMO_ZOHO_CHANNEL_TOKEN": "demo-channel-token",
}
CLIENT_ID = "1000.FAKECLIENT"


def chosen() -> str | None:
    crm = os.environ.get("PACER_DEMO_CRM", "").strip().lower()
    if crm not in ("", "zoho"):
        raise SystemExit(f"PACER_DEMO_CRM={crm!r}: the demo has a local CRM for zoho only")
    return crm or None


def connection(connectors_url: str) -> dict[str, Any]:
    """The connection file a company would write (docs/connectors/zoho.yaml), pointed at the local Zoho."""
    return {
        "id": CONNECTION,
        "crm": "zoho",
        "poll_seconds": 30,  # catch-up behind the callbacks
        "zoho": {
            "accounts_url": ZOHO_URL,
            "allow_any_accounts_url": True,
            "client_id": CLIENT_ID,
            "client_secret_env": "DEMO_ZOHO_CLIENT_SECRET",
            "refresh_token_env": "DEMO_ZOHO_REFRESH_TOKEN",
            "notify_url": f"{connectors_url}/v1/connections/{CONNECTION}/zoho/notify",
            "channel_id": 1000,
            "channel_token_env": "DEMO_ZOHO_CHANNEL_TOKEN",
        },
        "objects": [{"object": "Calls", "kind": "call", "occurred_at_field": "Call_Start_Time"}],
        "people": {"by_email": True},
    }


def service_env(folder: Path, connectors_url: str) -> dict[str, str]:
    """Writes the connection file into `folder`; the variables the services need to use it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{CONNECTION}.yaml").write_text(yaml.safe_dump(connection(connectors_url), sort_keys=False))
    return {"PACER_CONNECTORS_CONNECTIONS_DIR": str(folder), "PACER_CONNECTORS_RETRY_SECONDS": "2", **SECRETS}


def start_zoho(log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pacer_testkit.fake_zoho", "--port", str(ZOHO_PORT)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


class ZohoUser:
    """A CRM user's client: logs a call the way Zoho's web form does, through the insert-records API."""

    def __init__(self, url: str = ZOHO_URL) -> None:
        self._http = httpx.AsyncClient(base_url=url, timeout=10)
        self._token: str | None = None

    async def log_call(self, owner: dict[str, str], subject: str, at: str) -> str:
        if self._token is None:
            # The refresh-token grant (https://www.zoho.com/crm/developer/docs/api/v7/refresh.html)
            answer = await self._http.post(
                "/oauth/v2/token",
                params={
                    "grant_type": "refresh_token",
                    "client_id": CLIENT_ID,
                    "client_secret": SECRETS["DEMO_ZOHO_CLIENT_SECRET"],
                    "refresh_token": SECRETS["DEMO_ZOHO_REFRESH_TOKEN"],
                },
            )
            self._token = str(answer.json()["access_token"])
        response = await self._http.post(
            "/crm/v7/Calls",
            json={"data": [{"Subject": subject, "Owner": owner, "Call_Start_Time": at}]},
            headers={"Authorization": f"Zoho-oauthtoken {self._token}"},
        )
        response.raise_for_status()
        return str(response.json()["data"][0]["details"]["id"])

    async def aclose(self) -> None:
        await self._http.aclose()
