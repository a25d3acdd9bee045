"""Structured JSON logging for Pacer code and for the libraries under it (uvicorn, aiokafka, pymongo)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

import structlog

SHARED_PROCESSORS: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
    structlog.processors.format_exc_info,
]


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    def add_service(_: object, __: str, event: structlog.types.EventDict) -> structlog.types.EventDict:
        event.setdefault("service", service)
        return event

    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=SHARED_PROCESSORS,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, add_service, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "pymongo"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)


def is_private(path: str, prefixes: Iterable[str]) -> bool:
    """Whether a request path (without its query string) lies under one of the prefixes."""
    return any(path == prefix or path.startswith(prefix.rstrip("/") + "/") for prefix in prefixes)


class PrivateAccessLogs(logging.Filter):
    """Drops uvicorn's access-log lines for private paths: they carry the caller's address and the moment.

    Judged by the request's path alone, never the query string: `/healthz?next=/v1/anonymous` is logged, and a
    query string cannot hide a request from the log either.
    """

    def __init__(self) -> None:
        super().__init__()
        self.prefixes: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            return not is_private(args[2].split("?", 1)[0], self.prefixes)
        # Not uvicorn's usual line: keep the old caution and drop anything that mentions a private path.
        message = record.getMessage()
        return not any(prefix in message for prefix in self.prefixes)


_ACCESS_FILTER = PrivateAccessLogs()


def hide_access_logs(prefixes: Iterable[str]) -> None:
    """Leave no access-log line for requests under these path prefixes (one filter per process)."""
    _ACCESS_FILTER.prefixes.update(prefixes)
    access = logging.getLogger("uvicorn.access")
    if _ACCESS_FILTER not in access.filters:
        access.addFilter(_ACCESS_FILTER)
