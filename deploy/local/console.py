"""The console for `make run` and the browser tests: built once with npm, served with its runtime config.

`python deploy/local/console.py --port 8600` serves `frontend/dist` with a `/config.json` pointing at the local
services (and every other path answered by `index.html`, so the console's own routes load on refresh). `index.html`
carries the same config written in, as the image's nginx writes it (SSI): the page's first requests need not wait
for `/config.json`. Production serves the same files from its own image; only `config.json` differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pacer_shared.ports import local_urls

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
LOCAL_APIS = local_urls()
# Where index.html takes the runtime config: the SSI command frontend/nginx.conf carries out in the image.
CONFIG_SLOT = '<!--# include virtual="/config.json" -->'


def install() -> None:
    """`npm ci` from the committed lockfile, when the installed packages are missing or older than it."""
    installed = FRONTEND / "node_modules" / ".package-lock.json"
    lock = FRONTEND / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("the console needs Node.js 20.19+ and npm")
    env = {**os.environ, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}  # the tests drive the system's Chromium
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, env=env, check=True)


def build() -> Path:
    """The production build in `frontend/dist` (type checks and lint run in `make test`, not here)."""
    install()
    subprocess.run(
        [str(FRONTEND / "node_modules" / ".bin" / "vite"), "build", "--logLevel", "warn"], cwd=FRONTEND, check=True
    )
    return DIST


def runtime_config(apis: Mapping[str, str], refetch_seconds: int = 3) -> dict[str, Any]:
    """Local mode: sign in as a roster person; each API at its own port (the services allow the console's origin)."""
    return {"auth": {"mode": "local"}, "apis": dict(apis), "refetch_seconds": refetch_seconds}


def console_app(dist: Path, config: Mapping[str, Any], routes: Sequence[BaseRoute] = ()) -> Starlette:
    root = dist.resolve()
    # `<` escaped: inside a <script> element, a "</script>" in a value must not end it.
    written = json.dumps(dict(config)).replace("<", "\\u003c")

    async def runtime(_: Request) -> Response:
        return JSONResponse(dict(config), headers={"Cache-Control": "no-store"})

    def index() -> Response:
        page = (root / "index.html").read_text(encoding="utf-8").replace(CONFIG_SLOT, written)
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    async def files(request: Request) -> Response:
        wanted = (root / request.path_params["path"]).resolve()
        if wanted.is_file() and wanted.is_relative_to(root) and wanted != root / "index.html":
            immutable = wanted.parent == root / "assets"  # names carry a content hash
            return FileResponse(
                wanted, headers={"Cache-Control": "public, max-age=31536000, immutable"} if immutable else None
            )
        return index()

    return Starlette(routes=[Route("/config.json", runtime), *routes, Route("/{path:path}", files)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--no-build", action="store_true", help="serve what frontend/dist holds")
    args = parser.parse_args()
    dist = DIST if args.no_build else build()
    uvicorn.run(console_app(dist, runtime_config(LOCAL_APIS)), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
