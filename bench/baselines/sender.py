"""The fan-out benchmark's baseline: the very messages Pacer delivered, sent again by bare httpx and aiosmtplib.

    python bench/baselines/sender.py JOBS.json

JOBS.json: {"concurrency": 8, "smtp_port": N, "messages": [...]}, each message either {"url", "body"} (a chat
post) or {"sender", "recipients", "content"} (an email, content in base64), in the order Pacer delivered them.
Prints {"started": <epoch seconds of the first send>} once every message was accepted; the receivers' clocks say
when the last one arrived. SMTP connections are kept between messages, one per concurrent send, as Pacer does.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiosmtplib
import httpx


async def send_all(jobs: dict[str, Any]) -> float:
    slots = asyncio.Semaphore(jobs["concurrency"])
    async with httpx.AsyncClient(timeout=10) as http:

        async def post(job: dict[str, Any]) -> None:
            answer = await http.post(job["url"], content=job["body"], headers={"content-type": "application/json"})
            answer.raise_for_status()

        idle: list[aiosmtplib.SMTP] = []

        async def mail(job: dict[str, Any]) -> None:
            smtp = idle.pop() if idle else aiosmtplib.SMTP(hostname="127.0.0.1", port=jobs["smtp_port"])
            if not smtp.is_connected:
                await smtp.connect()
            await smtp.sendmail(job["sender"], job["recipients"], base64.b64decode(job["content"]))
            idle.append(smtp)

        async def one(job: dict[str, Any]) -> None:
            async with slots:
                await (post(job) if "url" in job else mail(job))

        started = time.time()
        await asyncio.gather(*(one(job) for job in jobs["messages"]))
        for smtp in idle:
            await smtp.quit()
    return started


if __name__ == "__main__":
    started = asyncio.run(send_all(json.loads(Path(sys.argv[1]).read_text())))
    print(json.dumps({"started": started}))
