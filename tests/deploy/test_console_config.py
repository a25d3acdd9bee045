"""The console's index.html carries the runtime config written in, from the same config.json, wherever it is served:
by the image's nginx (SSI, frontend/nginx.conf) and by the local server (deploy/local/console.py). The page's first
requests then need no round trip to learn where the APIs are; config.json itself stays where it was."""

from __future__ import annotations

import asyncio
import getpass
import json
import re
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pacer_testkit.stack import eventually, free_port, in_process

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
import console  # noqa: E402

PRODUCTION_CONFIG = json.loads((ROOT / "deploy" / "k8s" / "base" / "console-config.json").read_text())
PAGES = ["/", "/team/north", "/index.html"]  # the console's own routes are answered with index.html


def written_config(page: str) -> Any:
    found = re.search(r'<script type="application/json" id="pacer-config">(.*?)</script>', page, re.DOTALL)
    assert found, "index.html has no place for the config"
    return json.loads(found[1])


def site(root: Path, config: dict[str, Any]) -> Path:
    """The console's files as the image holds them: index.html (the source one: the build keeps its head) and the
    mounted config.json."""
    root.mkdir()
    shutil.copy(ROOT / "frontend" / "index.html", root / "index.html")
    (root / "config.json").write_text(json.dumps(config, indent=2))
    return root


@pytest.fixture
async def nginx(tmp_path: Path) -> AsyncIterator[str]:
    """frontend/nginx.conf run by a real nginx (Debian's, as scripts/bootstrap.sh --test-tools installs it)."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    html = site(tmp_path / "html", PRODUCTION_CONFIG)
    port = free_port()
    server = (ROOT / "frontend" / "nginx.conf").read_text()
    assert "listen 8080;" in server
    assert "root /usr/share/nginx/html;" in server
    server = server.replace("listen 8080;", f"listen 127.0.0.1:{port};").replace(
        "root /usr/share/nginx/html;", f"root {html};"
    )
    run = tmp_path / "run"
    run.mkdir()
    temp = " ".join(f"{kind}_temp_path {run / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        # Workers as the user running the test (as root, nginx would give them to `nobody`, who cannot read tmp_path).
        f"user {getpass.getuser()}; pid {run / 'nginx.pid'}; error_log {run / 'error.log'}; daemon off; events {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp}\n{server}\n}}\n"
    )
    process = await asyncio.create_subprocess_exec(
        binary, "-c", str(tmp_path / "nginx.conf"), "-e", str(run / "error.log")
    )
    origin = f"http://127.0.0.1:{port}"

    async def serving() -> bool | None:
        assert process.returncode is None, f"nginx stopped: {(run / 'error.log').read_text()}"
        try:
            async with httpx.AsyncClient() as http:
                return (await http.get(f"{origin}/healthz")).status_code == 200 or None
        except httpx.TransportError:
            return None

    try:
        await eventually(serving, timeout=30, what="nginx to answer /healthz")
        yield origin
    finally:
        process.terminate()
        async with asyncio.timeout(10):
            await process.wait()


async def test_the_image_nginx_writes_config_json_into_every_page_it_answers_with_index_html(nginx: str) -> None:
    async with httpx.AsyncClient(base_url=nginx) as http:
        for path in PAGES:
            page = await http.get(path)  # gzip, as browsers ask for it
            assert page.status_code == 200, path
            assert page.headers["cache-control"] == "no-cache", "a new config.json reaches the next page load"
            assert written_config(page.text) == PRODUCTION_CONFIG, path
        served = await http.get("/config.json")
        assert served.json() == PRODUCTION_CONFIG, "config.json itself is still served, for anything that reads it"
        assert served.headers["cache-control"] == "no-store"


async def test_the_local_server_writes_its_config_into_index_html_and_keeps_config_json(tmp_path: Path) -> None:
    config = console.runtime_config({"goals": "http://127.0.0.1:8101", "reviews": "/reviews</script><script>"})
    async with in_process(console.console_app(site(tmp_path / "dist", {}), config)) as http:
        for path in PAGES:
            page = await http.get(path)
            assert page.status_code == 200, path
            assert written_config(page.text) == config, path
            assert "</script><script>" not in page.text, "a value cannot end the script element it is written into"
        assert (await http.get("/config.json")).json() == config
