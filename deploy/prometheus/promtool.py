"""Builds promtool, which checks and unit-tests Pacer's Prometheus rules, once and caches it.

Usage: python deploy/prometheus/promtool.py install|path

`go install` builds it from the Go module proxy (no release download is needed). The binary
is kept outside the checkout, beside the Kafka jars (PACER_CACHE_DIR, default ~/.cache/pacer),
so every clone and CI's fresh one reuse it; the version matches the Prometheus image in
docker-compose.yml, so the rules are tested by the engine that will run them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Also the Prometheus image in docker-compose.yml. 3.5.0 (the LTS release) cannot be built this way: its
# go.mod holds replace directives, which `go install module@version` refuses.
PROMETHEUS_VERSION = "3.16.0"
# Prometheus 3.x.y is published as the Go module version v0.3xx.y (the module stays at v0).
MODULE = "github.com/prometheus/prometheus/cmd/promtool"
MODULE_VERSION = "v0.{}{:02d}.{}".format(*map(int, PROMETHEUS_VERSION.split(".")))
GO_NEEDED = "1.26.7"  # the go directive of Prometheus' go.mod at that version
CACHE = Path(os.environ.get("PACER_CACHE_DIR", Path.home() / ".cache" / "pacer"))


def log(message: str) -> None:
    print(f"[promtool] {message}", file=sys.stderr, flush=True)


def binary() -> Path:
    return CACHE / "bin" / f"promtool-{PROMETHEUS_VERSION}"


def install() -> Path:
    """The cached promtool, built first if it is missing."""
    target = binary()
    if target.exists():
        return target
    go = shutil.which("go")
    if go is None:
        raise SystemExit(f"Go ({GO_NEEDED} or newer) is needed to build promtool {PROMETHEUS_VERSION}")
    log(f"building promtool {PROMETHEUS_VERSION} with go install (once; a few minutes on 2 cores)")
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # Built into a directory beside the target and renamed, so the cache never holds half a binary.
    with tempfile.TemporaryDirectory(dir=target.parent) as build:
        env = {**os.environ, "GOBIN": build, "CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false"}
        subprocess.run([go, "install", f"{MODULE}@{MODULE_VERSION}"], env=env, check=True)
        os.replace(Path(build) / "promtool", target)
    log(f"built {target} in {time.monotonic() - started:.0f} s")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["install", "path"])
    args = parser.parse_args()
    print(install() if args.command == "install" else binary())


if __name__ == "__main__":
    main()
