"""The codec endpoint of the Temporal UI and the ``temporal`` CLI (``--codec-endpoint``).

Temporal stores our payloads sealed (``runtime.codec``); an operator reads a history by
pointing the UI at ``{api}/codec``, which POSTs ``/codec/decode`` (and ``/codec/encode``
for input typed into the UI) with ``{"payloads": [{"metadata": {...}, "data": ...}]}``,
bytes in base64, the JSON form of ``temporal.api.common.v1.Payloads``. The same bearer
authentication as the rest of the API applies, only HR and the auditor may use it, and
every decode is recorded in the audit trail: reading a history reads personal data.

The codec is the one the API's own Temporal client seals with, taken from its data
converter as temporalio's ``PayloadCodec``, so the API needs no key handling of its own.
"""

import base64
import binascii
import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from temporalio.api.common.v1 import Payload

from api.deps import Context, RequestId, Session
from api.problems import Problem
from api.roles import HrOrAuditor
from persistence.repositories import audit
from persistence.repositories.audit import AuditRecord

MAX_PAYLOADS = 1000
CORS_HEADERS = "authorization, content-type, x-namespace"

router = APIRouter(prefix="/codec", tags=["temporal"])


class CodecPayload(BaseModel):
    """One payload: metadata values and data in base64, as protobuf's JSON form has them."""

    model_config = ConfigDict(extra="forbid")
    metadata: dict[str, str] = Field(default_factory=dict, max_length=64)
    data: str = ""


class CodecPayloads(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payloads: list[CodecPayload] = Field(max_length=MAX_PAYLOADS)


def allow_origin(app: FastAPI, origin: str | None) -> None:
    """Let the Temporal UI at ``origin`` call the codec from the browser (CORS)."""
    app.state.codec_origin = origin.rstrip("/") if origin else None


def _cors(request: Request, response: Response) -> None:
    allowed = getattr(request.app.state, "codec_origin", None)
    origin = request.headers.get("origin")
    if allowed and origin is not None and origin == allowed:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"


def _decode_base64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise Problem("validation-error", f"{where} bukan base64 yang sah") from error


def _to_protos(body: CodecPayloads) -> list[Payload]:
    return [
        Payload(
            metadata={
                key: _decode_base64(value, f"payloads[{index}].metadata.{key}")
                for key, value in payload.metadata.items()
            },
            data=_decode_base64(payload.data, f"payloads[{index}].data"),
        )
        for index, payload in enumerate(body.payloads)
    ]


def _to_json(payloads: list[Payload]) -> CodecPayloads:
    return CodecPayloads(
        payloads=[
            CodecPayload(
                metadata={k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                data=base64.b64encode(p.data).decode(),
            )
            for p in payloads
        ]
    )


async def _apply(ctx: Context, payloads: list[Payload], *, decode: bool) -> list[Payload]:
    codec = ctx.temporal.data_converter.payload_codec
    if codec is None or not payloads:
        return payloads
    try:
        return await (codec.decode(payloads) if decode else codec.encode(payloads))
    except ValueError as error:  # a payload none of our keys opens: the caller's input
        raise Problem("validation-error", str(error)) from error


@router.options("/decode", include_in_schema=False)
@router.options("/encode", include_in_schema=False)
async def preflight(request: Request) -> Response:
    response = Response(status_code=204)
    _cors(request, response)
    if "Access-Control-Allow-Origin" in response.headers:
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response


@router.post("/decode")
async def decode(
    body: CodecPayloads,
    request: Request,
    response: Response,
    actor: HrOrAuditor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> CodecPayloads:
    """Open sealed payloads for the Temporal UI (HR and the auditor only, audited)."""
    payloads = _to_protos(body)
    await audit.append_event(
        session,
        AuditRecord(
            event_key=f"codec-{uuid.uuid4().hex}",
            at=datetime.now(UTC),
            actor=actor.subject,
            actor_role=None,
            action="temporal.payloads.decoded",
            subject_type="temporal-namespace",
            subject_id=ctx.temporal.namespace,
            request_id=request_id,
            after={"payloads": len(body.payloads)},
        ),
    )
    await session.commit()  # recorded before any payload leaves
    opened = await _apply(ctx, payloads, decode=True)
    _cors(request, response)
    return _to_json(opened)


@router.post("/encode")
async def encode(
    body: CodecPayloads, request: Request, response: Response, _actor: HrOrAuditor, ctx: Context
) -> CodecPayloads:
    """Seal payloads typed into the Temporal UI (a signal's input, say); same roles."""
    sealed = await _apply(ctx, _to_protos(body), decode=False)
    _cors(request, response)
    return _to_json(sealed)
