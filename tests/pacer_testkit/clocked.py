"""A service process whose clock a test moves: `python -m pacer_testkit.clocked pacer_<service>.main`.

Scheduled work (anonymous releases, deadlines) is driven by the service's injectable clock; in a separate
process the test reaches it through a file holding the clock's offset from real time, read on every `now()`.
"""

from __future__ import annotations

import importlib
import os
import sys
import typing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CLOCK_FILE = "PACER_TEST_CLOCK_FILE"


class FileClock:
    """Real time shifted by the number of seconds in a file; rewriting the file moves the process's time."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset()

    def set(self, moment: datetime) -> None:
        self._write(moment - datetime.now(UTC))

    def advance(self, delta: timedelta) -> None:
        self._write(self._offset() + delta)

    def _offset(self) -> timedelta:
        try:
            return timedelta(seconds=float(self.path.read_text()))
        except (FileNotFoundError, ValueError):  # not written yet, or read halfway through a write
            return timedelta(0)

    def _write(self, offset: timedelta) -> None:
        staged = self.path.with_suffix(".tmp")
        staged.write_text(repr(offset.total_seconds()))
        staged.replace(self.path)  # atomic: the service never reads half an offset


def main() -> None:
    from pacer_shared.service import serve

    module = importlib.import_module(sys.argv[1])
    settings_type = typing.get_args(typing.get_type_hints(module.build)["settings"])[0]
    clock = FileClock(Path(os.environ[CLOCK_FILE]))

    def build(settings: Any) -> Any:
        return module.build(settings, clock)

    serve(build, settings_type())


if __name__ == "__main__":
    main()
