"""Errors as RFC 9457 problem details: domain errors are raised anywhere and translated once, here."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pacer_shared.logs import get_logger

log = get_logger(__name__)
PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """A failure the client can act on. Subclasses fix the status and title."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(Problem):
    status = 404
    title = "Not found"


class Forbidden(Problem):
    status = 403
    title = "Forbidden"


class Unauthorized(Problem):
    status = 401
    title = "Unauthorized"


class Conflict(Problem):
    status = 409
    title = "Conflict"


class Unprocessable(Problem):
    """Input that is well-formed but breaks a rule of the domain."""

    status = 422
    title = "Unprocessable content"


def problem_response(status: int, title: str, detail: str, request: Request, **extensions: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.url.path}
    body.update(extensions)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(error.status, error.title, error.detail, request, **error.extensions)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(part) for part in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in error.errors()
        ]
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return problem_response(422, "Invalid request", detail, request, errors=fields)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem_response(error.status_code, str(error.detail), str(error.detail), request)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem_response(500, "Internal server error", "The error was logged.", request)
