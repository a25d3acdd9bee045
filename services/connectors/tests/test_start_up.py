"""A wrong connection file stops the connectors service at start-up, naming the file and what is wrong in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from pacer_testkit.stack import ROOT


def test_the_service_refuses_to_start_on_a_wrong_connection_file_and_says_where(tmp_path: Path) -> None:
    good = yaml.safe_load((ROOT / "docs/connectors/zoho.yaml").read_text())
    wrong = {**good, "id": "zoho-eu", "zoho": {**good["zoho"], "accounts_url": "https://accounts.zoho.mars"}}
    (tmp_path / "zoho-eu.yaml").write_text(yaml.safe_dump(wrong))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PACER_")},
        "PACER_CONNECTORS_CONNECTIONS_DIR": str(tmp_path),
    }
    started = subprocess.run(
        [sys.executable, "-m", "pacer_connectors.main"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode != 0, "it must not run with a connection it cannot use"
    said = started.stdout + started.stderr
    assert "invalid connections" in said, said[-2000:]
    assert "zoho-eu.yaml: zoho: Value error, accounts_url: 'https://accounts.zoho.mars' is none of Zoho's" in said
