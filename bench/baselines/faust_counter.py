"""The analytics benchmark's baseline: a bare faust-streaming agent that only counts the events of a topic.

    python bench/baselines/faust_counter.py BOOTSTRAP TOPIC GROUP EXPECTED

The engine's own limit on this machine and broker: the same faust-streaming and aiokafka as analytics, the same
topic, no decoding, no tables, no re-keying. Once it has counted EXPECTED events it prints
{"events": N, "seconds": <from its first event to its last>} on its standard output.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any

import faust


def main() -> None:
    bootstrap, topic_name, group, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    asyncio.set_event_loop(asyncio.new_event_loop())
    app = faust.App(
        group,
        broker=f"kafka://{bootstrap}",
        web_enabled=False,
        topic_partitions=3,
        store="memory://",
        datadir=f"/tmp/{group}",
    )
    topic = app.topic(topic_name, key_serializer="raw", value_serializer="raw")
    seen = 0
    first = 0.0

    @app.agent(topic)
    async def count(stream: Any) -> None:
        nonlocal seen, first
        async for _ in stream.events():
            if seen == 0:
                first = time.perf_counter()
            seen += 1
            if seen == expected:
                # Straight to the file descriptor: faust turns print() into log lines on stderr.
                os.write(1, json.dumps({"events": seen, "seconds": time.perf_counter() - first}).encode() + b"\n")

    sys.argv = [sys.argv[0], "worker", "--loglevel", "warn"]
    app.main()


if __name__ == "__main__":
    main()
