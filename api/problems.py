"""RFC 9457 problem details: every error a client can cause answers
``application/problem+json`` with a stable ``type`` per kind of error."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from temporalio.service import RPCError

from api.messages import english

PROBLEM_JSON = "application/problem+json"

# type slug -> (status, Indonesian title, English title)
PROBLEM_KINDS: dict[str, tuple[int, str, str]] = {
    "unauthenticated": (401, "Autentikasi diperlukan", "Authentication required"),
    "forbidden": (403, "Tidak berwenang", "Not permitted"),
    "not-found": (404, "Tidak ditemukan", "Not found"),
    "method-not-allowed": (405, "Metode tidak diizinkan", "Method not allowed"),
    "wrong-state": (409, "Tidak dapat dilakukan pada tahap ini", "Not possible at this stage"),
    "already-exists": (409, "Sudah ada", "Already exists"),
    "distribution-violated": (
        409,
        "Distribusi predikat unit melanggar aturan",
        "The unit's predicate distribution breaks the rule",
    ),
    "validation-error": (422, "Data tidak valid", "Invalid data"),
    "payload-too-large": (413, "Isi permintaan terlalu besar", "Request body too large"),
    "unsupported-media-type": (415, "Jenis berkas tidak didukung", "Unsupported file type"),
    "too-many-requests": (429, "Terlalu banyak permintaan", "Too many requests"),
    "service-unavailable": (
        503,
        "Layanan sementara tidak tersedia",
        "Service temporarily unavailable",
    ),
    "internal-error": (500, "Kesalahan internal", "Internal error"),
}


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error is answered."""

    type: str = Field(description="Stable per kind of error, e.g. /problems/wrong-state.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Validation errors: each bad field and what is wrong."
    )
    violations: list[dict[str, Any]] | None = Field(
        default=None, description="Distribution-rule violations (unit finalisation)."
    )

    model_config = {"extra": "allow"}


def _problem_response_doc(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": ProblemDetails.model_json_schema()}},
    }


# Every operation can answer these; documented once for all (OpenAPI must list every code).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem_response_doc("Missing, invalid or expired bearer token"),
    403: _problem_response_doc("Authenticated, but not allowed to do this"),
    404: _problem_response_doc("No such object visible to the caller"),
    413: _problem_response_doc("Request body too large"),
    422: _problem_response_doc("Invalid input; `errors` names each bad field"),
    429: _problem_response_doc("Too many writes; retry after the Retry-After seconds"),
    503: _problem_response_doc("PostgreSQL or Temporal unreachable; retry later"),
}
CONFLICT_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: _problem_response_doc("Not possible in the current state")
}


def problem_type_uri(kind: str) -> str:
    return f"/problems/{kind}"


def _english(request: Request) -> bool:
    return request.headers.get("accept-language", "").lower().startswith("en")


class Problem(Exception):
    """Raise from a route to answer with a problem document. ``detail`` is Indonesian;
    its English form is ``detail_en`` when given, else looked up in ``api.messages``."""

    def __init__(
        self, kind: str, detail: str, *, detail_en: str | None = None, **extensions: Any
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.detail_en = detail_en
        self.extensions = extensions


_VALUE_ERROR = "Value error, "  # how pydantic prefixes a validator's ValueError


def _english_error(error: dict[str, Any]) -> dict[str, Any]:
    message = str(error.get("message", ""))
    prefix = _VALUE_ERROR if message.startswith(_VALUE_ERROR) else ""
    return {**error, "message": prefix + english(message.removeprefix(prefix))}


def problem_response(
    request: Request,
    kind: str,
    detail: str,
    *,
    detail_en: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    status, title_id, title_en = PROBLEM_KINDS[kind]
    if _english(request):
        title, detail = title_en, detail_en or english(detail)
        if isinstance(extensions.get("errors"), list):
            extensions["errors"] = [_english_error(error) for error in extensions["errors"]]
    else:
        title = title_id
    body = {
        "type": problem_type_uri(kind),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429:
        headers.setdefault("Retry-After", "60")
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (RFC 9110 asks for them in ``Allow``
    on a 405; Starlette's own header names only the first route that matched). Each
    method is tried against the routes' own matching, which also sees into included
    routers (FastAPI keeps those as one route each)."""
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


# SQLSTATE classes of an unreachable database: 08 connection exception, 57P operator
# intervention (admin or crash shutdown, cannot connect now).
_UNAVAILABLE_SQLSTATES = ("08", "57P")


def _database_unavailable(exc: DBAPIError) -> bool:
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return exc.connection_invalidated or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)


def _bad_client_data(exc: DBAPIError) -> bool:
    """SQLSTATE class 22 (data exception), e.g. a NUL byte in a filter: the client's input,
    not our fault, so a 422 rather than a 500."""
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return sqlstate.startswith("22") or "invalid byte sequence" in str(exc.orig)


_STATUS_KINDS = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            request, exc.kind, exc.detail, detail_en=exc.detail_en, **exc.extensions
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(part) for part in error.get("loc", ())),
                "message": error.get("msg", ""),
            }
            for error in exc.errors()
        ]
        return problem_response(
            request, "validation-error", "Periksa kembali isian yang ditandai", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _STATUS_KINDS.get(exc.status_code, "validation-error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            allowed = allowed_methods(request) or headers.get("Allow", "").split(", ")
            headers["Allow"] = ", ".join(allowed)
            detail = f"Metode {request.method} tidak diizinkan di sini; gunakan {headers['Allow']}"
        elif exc.status_code == 404:
            detail = "Alamat tidak ditemukan"
        else:
            detail = str(exc.detail)
        return problem_response(request, kind, detail, headers=headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(RPCError)
    @app.exception_handler(OSError)
    @app.exception_handler(TimeoutError)
    async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
        # A database or Temporal outage is not the client's fault and not a bug: say
        # "try again later" (503) so clients and load balancers back off and retry.
        return problem_response(
            request, "service-unavailable", "Layanan sedang pulih; coba lagi sebentar lagi"
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        # asyncpg's errors for a server going away mid-query ("terminating connection due
        # to administrator command") or not taking connections yet ("the database system
        # is starting up") reach us as a bare DBAPIError: those are outages too.
        if _database_unavailable(exc):
            return await _unavailable(request, exc)
        if _bad_client_data(exc):
            return problem_response(
                request, "validation-error", "Isian berisi karakter yang tidak dapat diproses"
            )
        return problem_response(request, "internal-error", "Terjadi kesalahan; coba lagi nanti")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(request, "internal-error", "Terjadi kesalahan; coba lagi nanti")
