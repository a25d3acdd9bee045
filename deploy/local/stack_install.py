"""Installs what Pacer's local stack runs, once per machine: Kafka's jars from Maven Central and SecantusDB (the Rust
server built with cargo where it can be, else the Python one). `localstack.py install` calls it; `up` does too, so
a first run installs what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Outside the checkout, so every clone (and CI's fresh one) reuses what was fetched or built once.
CACHE = Path(os.environ.get("PACER_CACHE_DIR", Path.home() / ".cache" / "pacer"))
KAFKA_VERSION = "4.4.0"
SECANTUS_PY = "secantusdb==0.7.0b3"
SECANTUS_RS = ("secantus-mdb", "0.5.3-beta.193")


def log(message: str) -> None:
    print(f"[stack] {message}", file=sys.stderr, flush=True)


def kafka_libs() -> Path:
    """The broker's jars, resolved once from Maven Central and cached."""
    libs = CACHE / f"kafka-{KAFKA_VERSION}" / "libs"
    marker = libs / ".complete"
    if not marker.exists():
        log(f"fetching Apache Kafka {KAFKA_VERSION} jars from Maven Central (once)")
        if shutil.which("mvn") is None:
            raise SystemExit("Maven (mvn) is needed to fetch the Kafka broker jars")
        libs.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "mvn",
                "-q",
                "-f",
                str(HERE / "kafka" / "pom.xml"),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={libs}",
            ],
            check=True,
        )
        marker.touch()
    return libs


def secantus_rs() -> Path | None:
    """The Rust SecantusDB server, built once with cargo; None when this machine cannot build it.

    secantus-mdb declares rust-version 1.98. Where the installed toolchain is older, a
    nightly toolchain is asked to build it with --ignore-rust-version (it compiles with
    1.97-nightly); if that fails too, the Python server is used and the reasons printed.
    Only that last outcome is a failure: the first attempt failing on an older toolchain is
    the expected path on most machines, so it is announced as the next step, not as an error.
    """
    if explicit := os.environ.get("PACER_SECANTUSD_RS"):
        return Path(explicit)
    root = CACHE / "secantus-rs"
    binary = root / "bin" / "secantusd-rs"
    if binary.exists():
        return binary
    if found := shutil.which("secantusd-rs"):
        return Path(found)
    if shutil.which("cargo") is None:
        log("cargo not found: using the Python SecantusDB server")
        return None
    name, version = SECANTUS_RS
    base = ["install", "--locked", "--root", str(root), name, "--version", version]
    attempts = [
        ("the installed Rust toolchain", ["cargo", *base]),
        ("the nightly toolchain", ["cargo", "+nightly", *base, "--ignore-rust-version"]),
    ]
    log(
        f"building {name} {version} with cargo (once; several minutes on 2 cores): with the installed Rust "
        "toolchain or, where that is older than the Rust 1.98 the crate declares, with the nightly toolchain"
    )
    reasons = []
    for number, (toolchain, argv) in enumerate(attempts):
        if number:
            log(f"not with {attempts[number - 1][0]}; trying {toolchain} with --ignore-rust-version")
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode == 0 and binary.exists():
            log(f"built secantusd-rs with {toolchain}")
            return binary
        last_line = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
        reasons.append(f"`{' '.join(argv)}`: {last_line[0]}")
    log("could not build secantusd-rs, so the Python SecantusDB server is used:\n  " + "\n  ".join(reasons))
    return None


def secantus_py() -> Path:
    venv = CACHE / "secantusdb-venv"
    server = venv / "bin" / "secantusd-py"
    if not server.exists():
        log(f"installing {SECANTUS_PY} into {venv} (once)")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", SECANTUS_PY], check=True)
    return server
