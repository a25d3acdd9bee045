"""Errors as RFC 9457 problem details: domain errors are raised anywhere and translated once, here."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pymongo.errors import ConnectionFailure
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
    """A request the resource's present state refuses (already done, someone else's turn, changed meanwhile).

    With `code` the body carries it and its `ctx` beside `detail`, the English text: a stable reason a client words
    in its own language, as it does a 422's `type`.
    """

    status = 409
    title = "Conflict"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        ctx: dict[str, str | int | float] | None = None,
        **extensions: Any,
    ) -> None:
        if code is not None:
            extensions.setdefault("code", code)
            extensions.setdefault("ctx", ctx)
        super().__init__(detail, **extensions)


class Unprocessable(Problem):
    """Input that is well-formed but breaks a rule of the domain.

    With `field` and `code` the reason is also one of the body's `errors`, like a schema's: `code` is its stable
    `type` (a client words it in its own language from the code and `ctx`), `detail` the English text.
    """

    status = 422
    title = "Unprocessable content"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        code: str | None = None,
        ctx: dict[str, str | int | float] | None = None,
        **extensions: Any,
    ) -> None:
        if field is not None and code is not None:
            message = detail.removeprefix(f"{field.split('.')[-1]}: ")
            extensions.setdefault("errors", [{"field": field, "message": message, "type": code, "ctx": ctx}])
        super().__init__(detail, **extensions)


class FieldProblem(BaseModel):
    field: str = Field(description="Where the input was wrong, e.g. `body.target` or `query.limit`")
    message: str = Field(description="Why, in English")
    type: str = Field(description="A stable code of the reason: pydantic's error type, or the service's own")
    ctx: dict[str, str | int | float] | None = Field(
        default=None, description='The reason\'s values, e.g. `{"min_length": 3}`, for a client to word it'
    )


class ProblemDetails(BaseModel):
    """An RFC 9457 problem; extensions (e.g. `errors`, a SMART report) sit beside the standard members."""

    model_config = ConfigDict(title="Problem", extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | None = Field(default=None, description="Each invalid field, on a 422")
    code: str | None = Field(default=None, description="On a 409: the refusal's stable code, for a client to word it")
    ctx: dict[str, str | int | float] | None = Field(
        default=None, description="On a 409 with a `code`: the refusal's values, e.g. its status"
    )


PROBLEM_REF = "#/components/schemas/Problem"


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for a route that may answer these statuses with a problem."""
    return {status: _documented(status) for status in statuses}


def _documented(status: int) -> dict[str, Any]:
    return {"description": HTTPStatus(status).phrase, "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}}


def problem_response(status: int, title: str, detail: str, request: Request, **extensions: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.url.path}
    body.update(extensions)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _ctx(error: Any) -> dict[str, str | int | float] | None:
    """pydantic's values of a reason (`min_length`, `gt`, `expected`), as JSON numbers or text."""
    values = error.get("ctx")
    if not values:
        return None
    return {k: v if isinstance(v, int | float) and not isinstance(v, bool) else str(v) for k, v in values.items()}


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(error.status, error.title, error.detail, request, **error.extensions)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            {"field": ".".join(str(part) for part in e["loc"]), "message": e["msg"], "type": e["type"], "ctx": _ctx(e)}
            for e in error.errors()
        ]
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        if any(f["type"] == "json_invalid" for f in fields):
            return problem_response(400, "Body is not JSON", detail, request, errors=fields)
        return problem_response(422, "Invalid request", detail, request, errors=fields)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem_response(error.status_code, str(error.detail), str(error.detail), request)

    @app.exception_handler(ConnectionFailure)
    async def on_database_unreachable(request: Request, error: ConnectionFailure) -> JSONResponse:
        # A MongoDB election or a paused connection pool (AutoReconnect) passes in seconds: the client should try
        # again, which a 500 does not tell it.
        log.warning("database unreachable", path=request.url.path, error=str(error))
        response = problem_response(503, "Service unavailable", "The database cannot be reached; try again.", request)
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", path=request.url.path)
        return problem_response(500, "Internal server error", "The error was logged.", request)

    _document(app)


def _document(app: FastAPI) -> None:
    """Publish the Problem schema and document what the handlers above answer for any route: 422 for an
    invalid request, as a problem rather than FastAPI's default body, and 400 for a body that is not JSON."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        problem = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}), Problem=problem)
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                if "422" in answers:
                    answers["422"] = _documented(422)
                if "requestBody" in operation:
                    answers.setdefault("400", _documented(400))
        return document

    app.openapi = openapi  # type: ignore[method-assign]
