"""The Pub/Sub API's messages are compiled from eventbus.proto: the committed modules must be what it compiles to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1]
PROTO = "pacer_connectors/adapters/pubsub/eventbus.proto"


def test_the_compiled_pubsub_messages_are_current(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "grpc_tools.protoc", "-I", "."]
    command += [f"--python_out={tmp_path}", f"--pyi_out={tmp_path}"]
    subprocess.run([*command, PROTO], cwd=SERVICE, check=True)
    for suffix in ("_pb2.py", "_pb2.pyi"):
        module = PROTO.removesuffix(".proto") + suffix
        regenerate = " ".join([*command, PROTO]).replace(str(tmp_path), ".").replace(sys.executable, "python")
        assert (tmp_path / module).read_text() == (SERVICE / module).read_text(), (
            f"{module} is not what {PROTO} compiles to: run `{regenerate}` in services/connectors"
        )
