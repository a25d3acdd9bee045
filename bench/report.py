"""The results file's two faces: the machine it ran on, and a markdown table a person can read."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

import localstack

from pacer_shared.mongo import create_client


async def machine(mongo_url: str) -> dict[str, Any]:
    client = create_client(mongo_url, "bench")
    try:
        build = await client.admin.command("buildInfo")
    finally:
        await client.close()
    server = (
        f"SecantusDB {build['secantusVersion']} (MongoDB {build['version']})" if "secantusVersion" in build else None
    )
    return {**host(), "database": server or f"MongoDB {build.get('version', '?')}"}


def host() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024 // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "kafka": localstack.KAFKA_VERSION,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"# Pacer benchmarks, {results['date']}",
        "",
        f"Machine: {json.dumps(results['machine'], ensure_ascii=False)}",
        "",
        f"Command: `{results['command']}`"
        + (" (quick sizes: they only check that it all runs)" if results["quick"] else ""),
        "",
        "Ratio = Pacer ÷ the baseline measured in the same run.",
        "",
        "| scenario | figure | Pacer | baseline | ratio | target |",
        "| --- | --- | ---: | --- | ---: | --- |",
    ]
    for scenario in results["scenarios"]:
        if "error" in scenario:
            lines.append(f"| {scenario['scenario']} | failed: {scenario['error'].replace('|', '/')} | | | | |")
        for f in scenario.get("figures", []):
            lines.append(
                f"| {scenario['scenario']} | {f['figure']} ({f['unit']}) | {f['pacer']:,} "
                f"| {f['baseline']:,} ({f['baseline_is']}) | {f['ratio']} | {_target(f)} |"
            )
    lines += ["", "## Details", ""]
    for scenario in results["scenarios"]:
        about = scenario.get("details", {}) if "error" not in scenario else {"traceback": scenario["traceback"]}
        lines.append(
            f"- **{scenario['scenario']}** ({scenario.get('seconds', '?')} s): {json.dumps(about, ensure_ascii=False)}"
        )
    return "\n".join(lines) + "\n"


def _target(figure: dict[str, Any]) -> str:
    verdict = {True: "met", False: "**not met**", None: ""}[figure.get("met")]
    return f"{figure['target']}: {verdict}" if figure["target"] and verdict else figure["target"]
