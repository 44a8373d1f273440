"""The codec endpoint the Temporal UI calls to show sealed histories: HR and the auditor
open payloads (and are audited for it), everyone else is refused, and the body is the
JSON form of ``temporal.api.common.v1.Payloads`` the UI and the CLI send."""

import base64
from typing import Any

import httpx
from google.protobuf import json_format
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.routes.codec import allow_origin
from persistence.models import AuditEvent
from runtime.codec import EncryptionCodec, PayloadKeys
from tests.api.conftest import TokenFor
from tests.api.journey import assert_problem
from tests.orgs import HR, STAFF

SECRET = {"nip": STAFF, "statement": "Saya keberatan atas penilaian ini"}
UI_ORIGIN = "http://127.0.0.1:8233"


def _as_json(payloads: list[Payload]) -> dict[str, Any]:
    body: dict[str, Any] = json_format.MessageToDict(Payloads(payloads=payloads))
    return body


def _from_json(body: dict[str, Any]) -> list[Payload]:
    return list(json_format.ParseDict(body, Payloads()).payloads)


async def _sealed(env: WorkflowEnvironment) -> list[Payload]:
    return await env.client.data_converter.encode([SECRET])


async def test_hr_opens_a_sealed_payload_and_the_read_is_audited(
    client: httpx.AsyncClient,
    auth: TokenFor,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    sealed = await _sealed(temporal_env)
    assert STAFF.encode() not in sealed[0].SerializeToString()

    response = await client.post(
        "/codec/decode",
        json=_as_json(sealed),
        headers={**auth(HR, "hr_admin"), "X-Namespace": "default"},
    )

    assert response.status_code == 200, response.text
    assert await pydantic_data_converter.decode(_from_json(response.json())) == [SECRET]
    async with sessionmaker() as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "temporal.payloads.decoded")
            )
        ).all()
    assert [(e.actor, e.after) for e in events] == [(HR, {"payloads": 1})]


async def test_what_the_endpoint_seals_it_opens_again(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    hr = auth(HR, "hr_admin")
    plain = await pydantic_data_converter.encode([SECRET])

    sealed = await client.post("/codec/encode", json=_as_json(plain), headers=hr)
    assert sealed.status_code == 200, sealed.text
    assert STAFF not in sealed.text
    opened = await client.post("/codec/decode", json=sealed.json(), headers=hr)

    assert opened.status_code == 200, opened.text
    assert _from_json(opened.json()) == plain


async def test_a_plain_pegawai_may_not_decode(
    client: httpx.AsyncClient, auth: TokenFor, temporal_env: WorkflowEnvironment
) -> None:
    body = _as_json(await _sealed(temporal_env))

    response = await client.post("/codec/decode", json=body, headers=auth(STAFF))

    assert_problem(response, 403, "forbidden")
    assert STAFF not in response.text


async def test_decoding_without_a_token_is_401(
    client: httpx.AsyncClient, temporal_env: WorkflowEnvironment
) -> None:
    body = _as_json(await _sealed(temporal_env))

    for path in ("/codec/decode", "/codec/encode"):
        assert_problem(await client.post(path, json=body), 401, "unauthenticated")


async def test_a_payload_of_an_unknown_key_is_a_422_naming_the_key(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    stranger = EncryptionCodec(PayloadKeys.parse(PayloadKeys.generate("elsewhere")))
    sealed = await stranger.encode(await pydantic_data_converter.encode([SECRET]))

    response = await client.post(
        "/codec/decode", json=_as_json(sealed), headers=auth(HR, "hr_admin")
    )

    problem = assert_problem(response, 422, "validation-error")
    assert "'elsewhere'" in problem["detail"]


async def test_data_that_is_not_base64_is_a_422_naming_the_field(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    body = {"payloads": [{"metadata": {"encoding": base64.b64encode(b"x").decode()}, "data": "%"}]}

    response = await client.post("/codec/decode", json=body, headers=auth(HR, "hr_admin"))

    problem = assert_problem(response, 422, "validation-error")
    assert "payloads[0].data" in problem["detail"]


async def test_only_the_configured_temporal_ui_origin_gets_cors(
    client: httpx.AsyncClient,
) -> None:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    allow_origin(transport.app, UI_ORIGIN)  # type: ignore[arg-type]
    preflight = {"Access-Control-Request-Method": "POST"}

    allowed = await client.options("/codec/decode", headers={**preflight, "Origin": UI_ORIGIN})
    other = await client.options(
        "/codec/decode", headers={**preflight, "Origin": "http://evil.example"}
    )

    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == UI_ORIGIN
    assert "authorization" in allowed.headers["access-control-allow-headers"]
    assert "access-control-allow-origin" not in other.headers
