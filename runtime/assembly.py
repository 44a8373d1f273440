"""Wiring shared by every entry point: clients, the API context, the worker, uvicorn."""

import json
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.app import create_app
from api.auth import DevTokenIssuer, TokenVerifier
from api.deps import ApiContext
from api.routes.codec import allow_origin
from runtime.devkeys import KEY_ID, load_or_create_private_key, public_jwks
from runtime.settings import Settings
from runtime.temporal import connect, ensure_search_attributes
from runtime.worker import build_worker


def build_api_context(
    settings: Settings, client: Client, sessionmaker: async_sessionmaker[AsyncSession]
) -> ApiContext:
    """In dev mode the stack signs and verifies its own tokens; otherwise it trusts the
    configured OIDC provider's JWKS only."""
    issuer = None
    if settings.dev_mode:
        private_key = load_or_create_private_key(settings.data_dir)
        verifier = TokenVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            jwks=public_jwks(private_key),
        )
        issuer = DevTokenIssuer(
            private_key_pem=private_key,
            key_id=KEY_ID,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
    elif settings.jwks_url:
        verifier = TokenVerifier(
            issuer=settings.jwt_issuer, audience=settings.jwt_audience, jwks_url=settings.jwks_url
        )
    elif settings.jwks_file:
        verifier = TokenVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            jwks=json.loads(Path(settings.jwks_file).read_text()),
        )
    else:
        raise SystemExit("Set KINERJA_JWKS_URL or KINERJA_JWKS_FILE (or KINERJA_DEV_MODE=1)")
    return ApiContext(
        temporal=client,
        sessionmaker=sessionmaker,
        verifier=verifier,
        task_queue=settings.task_queue,
        dev_issuer=issuer,
        write_rate=settings.write_rate,
        minimum_pacing=settings.minimum_pacing,
    )


async def connect_temporal(settings: Settings) -> Client:
    address = settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
    return await connect(address, settings.temporal_namespace)


async def run_worker(
    settings: Settings, client: Client, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await ensure_search_attributes(client)
    worker = build_worker(
        client,
        sessionmaker,
        task_queue=settings.task_queue,
        fanout_concurrency=settings.fanout_concurrency,
        workflow_cache=settings.workflow_cache,
    )
    await worker.run()


def _with_codec_origin(app: FastAPI, settings: Settings) -> FastAPI:
    """The Temporal UI may call /codec from the browser (its own UI in dev mode)."""
    origin = settings.temporal_ui_origin
    if origin is None and settings.dev_mode:
        origin = f"http://127.0.0.1:{settings.temporal_ui_port}"
    allow_origin(app, origin)
    return app


async def serve_api(settings: Settings, context: ApiContext) -> None:
    config = uvicorn.Config(
        _with_codec_origin(create_app(context), settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,  # our handlers, which mask NIPs in access logs
        access_log=True,
    )
    await uvicorn.Server(config).serve()
