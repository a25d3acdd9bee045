"""Local mail and chat sinks: a real SMTP server (aiosmtpd) and a webhook receiver that record what arrives.

Mail is stored as `.eml` files plus an index; chat posts as JSON lines. Both are
listed over HTTP (`/api/mail`, `/api/chat`) and on a small HTML page at `/`, so a
person running the demo can watch messages arrive.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

# Each vendor's success answer, so the adapters judge the sink as they judge the real thing.
SUCCESS: dict[str, Response] = {
    "slack": PlainTextResponse("ok"),
    "teams": Response(status_code=202),
    "wecom": JSONResponse({"errcode": 0, "errmsg": "ok"}),
    "dingtalk": JSONResponse({"errcode": 0, "errmsg": "ok"}),
    "feishu": JSONResponse({"code": 0, "msg": "success", "data": {}}),
}


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.mail_dir = root / "mail"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.mail: list[dict[str, Any]] = []
        self.chat: list[dict[str, Any]] = []

    def add_mail(self, sender: str, recipients: list[str], raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        entry: dict[str, Any] = {
            "received_at": datetime.now(UTC).isoformat(),
            "from": sender,
            "to": recipients,
            "subject": str(message.get("Subject", "")),
            "text": text.get_content() if text is not None else "",
            "file": f"{len(self.mail):06d}.eml",
        }
        (self.mail_dir / entry["file"]).write_bytes(raw)
        self.mail.append(entry)
        with (self.root / "mail.jsonl").open("a") as index:
            index.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def add_chat(self, channel: str, headers: dict[str, str], body: bytes) -> None:
        try:
            payload: Any = json.loads(body)
        except ValueError:
            payload = body.decode(errors="replace")
        entry = {
            "received_at": datetime.now(UTC).isoformat(),
            "channel": channel,
            "headers": headers,
            "payload": payload,
        }
        self.chat.append(entry)
        with (self.root / "chat.jsonl").open("a") as index:
            index.write(json.dumps(entry, ensure_ascii=False) + "\n")


class MailHandler:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.store.add_mail(envelope.mail_from or "", list(envelope.rcpt_tos), envelope.original_content or b"")
        return "250 Message accepted for delivery"


def _preview(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)[:400]


def web(store: Store) -> Starlette:
    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def mail(_: Request) -> Response:
        return JSONResponse(store.mail)

    async def chat(_: Request) -> Response:
        return JSONResponse(store.chat)

    async def hook(request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.startswith(("x-", "content-type"))}
        channel = request.path_params["channel"]
        store.add_chat(channel, headers, await request.body())
        return SUCCESS.get(channel.split("/")[0], JSONResponse({"ok": True}))

    async def index(_: Request) -> Response:
        rows = [f"<li><b>{html.escape(m['subject'])}</b> to {html.escape(', '.join(m['to']))}</li>" for m in store.mail]
        posts = [
            f"<li>{html.escape(c['channel'])}: <code>{html.escape(_preview(c['payload']))}</code></li>"
            for c in store.chat
        ]
        page = (
            "<html><head><meta charset='utf-8'><meta http-equiv='refresh' content='3'><title>Pacer sinks</title></head>"
            f"<body><h1>Mail ({len(rows)})</h1><ul>{''.join(reversed(rows))}</ul>"
            f"<h1>Chat ({len(posts)})</h1><ul>{''.join(reversed(posts))}</ul></body></html>"
        )
        return HTMLResponse(page)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/api/health", health),
            Route("/api/mail", mail),
            Route("/api/chat", chat),
            Route("/hooks/{channel:path}", hook, methods=["POST"]),
        ]
    )


async def serve(smtp_port: int, http_port: int, store_dir: Path) -> None:
    store = Store(store_dir)
    controller = Controller(MailHandler(store), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        config = uvicorn.Config(web(store), host="127.0.0.1", port=http_port, log_level="warning")
        await uvicorn.Server(config).serve()
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--store", type=Path, default=Path(".stack/run/sinks"))
    args = parser.parse_args()
    asyncio.run(serve(args.smtp_port, args.http_port, args.store))


if __name__ == "__main__":
    main()
