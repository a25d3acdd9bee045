"""`PACER_DEMO_CRM=zoho make run` hands the connectors service a connection file it accepts."""

from __future__ import annotations

from pathlib import Path

import crm
import pytest

from pacer_connectors.service.connections import load


def test_the_demos_connection_file_is_one_the_connectors_service_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = crm.service_env(tmp_path / "connections", "http://127.0.0.1:8107")
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    [configured] = load(Path(env["PACER_CONNECTORS_CONNECTIONS_DIR"]))

    connection = configured.connection
    assert connection.id == crm.CONNECTION
    assert [(rule.object, rule.kind) for rule in connection.objects] == [("Calls", "call")]
    assert connection.zoho is not None
    assert connection.zoho.notify_url == "http://127.0.0.1:8107/v1/connections/demo-zoho/zoho/notify"
    assert set(configured.secrets) == {"client_secret_env", "refresh_token_env", "channel_token_env"}


def test_a_crm_the_demo_has_no_local_copy_of_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACER_DEMO_CRM", "salesforce")
    with pytest.raises(SystemExit, match="zoho only"):
        crm.chosen()
