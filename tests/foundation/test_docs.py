"""The README documents every setting the services read."""

from __future__ import annotations

import re
from pathlib import Path

from pacer_shared.settings import ServiceSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_shared_setting_is_in_the_readme_configuration_table() -> None:
    table = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z_]+)`", table))
    for match in re.findall(r"`([A-Z_]+)` / `_([A-Z_]+)` / `_([A-Z_]+)`", table):
        documented.update(f"{match[0].rsplit('_', 1)[0]}_{suffix}" for suffix in match[1:])
    missing = sorted(name.upper() for name in ServiceSettings.model_fields if name.upper() not in documented)
    assert missing == []
