"""The benchmarks keep working: every scenario runs at a tiny size and reports its numbers (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pacer_testkit.stack import ROOT, Stack


def test_every_benchmark_scenario_runs_and_reports_pacer_beside_its_baseline(stack: Stack, tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--quick",
            "--kafka",
            stack.kafka_bootstrap,
            "--mongo",
            stack.mongo_url,
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    [report] = tmp_path.glob("*.json")
    results = json.loads(report.read_text())
    ingest, *deadlines = results["scenarios"]
    assert ingest["scenario"] == "ingest"
    assert set(ingest["events_per_second"]) == {"pacer", "bare_consumer", "minimum_pipeline"}
    assert all(rate > 0 for rate in ingest["events_per_second"].values())
    assert [d["active_goals"] for d in deadlines] == [200, 2000]
    for row in deadlines:
        assert row["seconds_from_deadline_to_last_goal_missed"] >= 0, "no goal is missed before its deadline"
    assert (tmp_path / report.name.replace(".json", ".md")).read_text().startswith("# Pacer benchmarks")
