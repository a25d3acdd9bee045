"""Serving an ASGI app in the test's own event loop: the chat receivers and the fake CRMs."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp


@asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Run `app` on 127.0.0.1 and a free port in the current event loop; yield its base URL, then stop it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
                raise RuntimeError("the receiver stopped before it started")
            await asyncio.sleep(0.005)  # readiness poll: uvicorn has no started event
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        if not task.done():
            await task
        sock.close()
