"""Exports each service's OpenAPI document for the console's generated API clients.

`python scripts/openapi_clients.py write` writes `frontend/src/client/<service>/openapi.json` from the apps
themselves (no server runs); `npm run client` in `frontend/` then generates the TypeScript types from them
(`make clients` does both). `check` exits non-zero when a committed document differs from its service, which
the test suite runs, so an API change cannot land without the console's client following it.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

CLIENTS = Path(__file__).resolve().parents[1] / "frontend" / "src" / "client"
SERVICES = ("goals", "reviews", "feedback", "incentives", "notifications", "analytics", "connectors")


def document(service: str) -> dict[str, Any]:
    app = importlib.import_module(f"pacer_{service}.main").build()
    return app.openapi()  # type: ignore[no-any-return]


def rendered() -> dict[Path, str]:
    return {
        CLIENTS / service / "openapi.json": json.dumps(document(service), indent=2, ensure_ascii=False) + "\n"
        for service in SERVICES
    }


def drift() -> list[str]:
    """Documents that are missing or differ from what the services publish now."""
    return sorted(str(path) for path, text in rendered().items() if not path.exists() or path.read_text() != text)


def write() -> None:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "write":
        write()
    elif command == "check":
        if stale := drift():
            print("stale OpenAPI documents (run `make clients`):\n  " + "\n  ".join(stale), file=sys.stderr)
            sys.exit(1)
    else:
        sys.exit(f"usage: {sys.argv[0]} write|check")


if __name__ == "__main__":
    main()
