"""What the first `make run` says while it builds SecantusDB's Rust server: the plan, and a failure only when every
way of building it failed (a `cargo` on PATH stands in for the real one, which takes many minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest
import stack_install

# Builds the server only when asked for the nightly toolchain, like cargo on a machine whose Rust is older than 1.98.
NIGHTLY_ONLY = """#!/bin/sh
case "$1" in
  +nightly) root=$(echo "$@" | sed 's/.*--root \\([^ ]*\\).*/\\1/'); mkdir -p "$root/bin"
            touch "$root/bin/secantusd-rs"; exit 0 ;;
  *) echo "error: \\`secantus-mdb 0.0.0\\` has an unspecified minimum rustc version" >&2; exit 101 ;;
esac
"""
NEVER = """#!/bin/sh
echo "error: could not compile \\`secantus-mdb\\`" >&2
exit 101
"""


@pytest.fixture
def cargo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.delenv("PACER_SECANTUSD_RS", raising=False)
    monkeypatch.setattr(stack_install, "CACHE", tmp_path / "cache")
    return bin_dir / "cargo"


def test_building_with_the_nightly_toolchain_after_the_installed_one_is_no_failure(
    cargo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cargo.write_text(NIGHTLY_ONLY)
    cargo.chmod(0o755)

    built = stack_install.secantus_rs()

    assert built is not None
    assert built.exists()
    said = capsys.readouterr().err
    assert "fail" not in said.lower(), said
    assert "with the installed Rust toolchain or, where that is older than the Rust 1.98" in said
    assert "trying the nightly toolchain with --ignore-rust-version" in said
    assert "built secantusd-rs with the nightly toolchain" in said


def test_a_failure_is_reported_once_every_toolchain_failed_with_each_reason(
    cargo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cargo.write_text(NEVER)
    cargo.chmod(0o755)

    assert stack_install.secantus_rs() is None

    said = capsys.readouterr().err
    assert "could not build secantusd-rs, so the Python SecantusDB server is used" in said
    assert said.count("could not compile `secantus-mdb`") == 2, said
    assert "`cargo +nightly install" in said
