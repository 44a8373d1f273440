"""The FastAPI application factory. The runtime builds the context (clients, verifier)
and hands it in, so tests build the same app against their own servers."""

import re
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi_offline import FastAPIOffline

from api.deps import ApiContext
from api.guards import BodyCap, SecurityHeaders, allow_upload
from api.problems import (
    COMMON_RESPONSES,
    CONFLICT_RESPONSE,
    PROBLEM_KINDS,
    install_problem_handlers,
    problem_type_uri,
)
from api.rate_limits import build_limiters
from api.routes import (
    administration,
    appraisals,
    codec,
    dashboard,
    dev,
    lists,
    notifications,
    organisation,
    organisation_imports,
    penilaian,
    period_closure,
    periods,
    tindak_lanjut,
    units,
    wawancara,
)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

DESCRIPTION = """
Kinerja menjalankan siklus pengelolaan kinerja ASN (PP 30/2019, PermenPANRB 6/2022):
sosialisasi, SKP, pemantauan, wawancara, penilaian (predikat, keberatan) dan tindak lanjut.

Setiap permintaan memakai `Authorization: Bearer <token>` (OIDC). Kesalahan dijawab sebagai
`application/problem+json` (RFC 9457). Kirim `Accept-Language: en` untuk judul dalam bahasa
Inggris.
"""


def create_app(context: ApiContext) -> FastAPI:
    # FastAPIOffline serves Swagger UI and ReDoc from packaged assets: no CDN.
    app = FastAPIOffline(title="Kinerja API", version="0.1.0", description=DESCRIPTION)
    app.state.context = context
    app.state.limiters = build_limiters(
        writes=context.write_rate,
        reads=context.read_rate,
        exports=context.export_rate,
        failed_auth=context.failed_auth_rate,
        dev_tokens=context.dev_token_rate,
    )
    install_problem_handlers(app)
    app.add_middleware(BodyCap)
    app.add_middleware(SecurityHeaders)

    @app.middleware("http")
    async def assign_request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        incoming = request.headers.get("x-request-id", "")
        request.state.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    # lists first: /appraisals/export must not be taken for /appraisals/{period}/{nip}
    stages = (appraisals.router, wawancara.router, penilaian.router, tindak_lanjut.router)
    for router in (lists.router, notifications.router, periods.router, *stages, codec.router):
        app.include_router(router, responses=COMMON_RESPONSES)
    app.include_router(organisation.router, responses=COMMON_RESPONSES)
    app.include_router(dashboard.router, responses=COMMON_RESPONSES)
    app.include_router(organisation_imports.router, responses=COMMON_RESPONSES)
    allow_upload(app, organisation_imports.IMPORTS_PATH, context.roster_limits.max_file_bytes)
    for router in (administration.router, units.router, period_closure.router):
        app.include_router(router, responses=COMMON_RESPONSES | CONFLICT_RESPONSE)
    if context.dev_issuer is not None:
        app.include_router(dev.router, responses=COMMON_RESPONSES)

    @app.get("/health", tags=["ops"], include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/problems/{kind}", include_in_schema=False)
    async def problem_kind(kind: str) -> dict[str, object]:
        status, title_id, title_en = PROBLEM_KINDS.get(kind, (404, "Tidak dikenal", "Unknown"))
        return {
            "type": problem_type_uri(kind),
            "status": status,
            "title": title_id,
            "title_en": title_en,
        }

    return app
