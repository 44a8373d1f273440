"""Wiring shared by every entry point: the Temporal client, the API context, uvicorn
(the worker is built and run by ``runtime.worker``)."""

import asyncio
import contextlib
import functools
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.app import create_app
from api.auth import DevTokenIssuer, TokenVerifier
from api.deps import ApiContext
from api.roster_files import RosterLimits
from api.routes.codec import allow_origin
from runtime.devkeys import KEY_ID, load_or_create_private_key, public_jwks
from runtime.settings import Settings
from runtime.temporal import connect
from web.app import install_web
from web.config import OidcClient, WebConfig


def build_api_context(
    settings: Settings, client: Client, sessionmaker: async_sessionmaker[AsyncSession]
) -> ApiContext:
    """In dev mode the stack signs and verifies its own tokens; otherwise it trusts the
    configured OIDC provider's JWKS only."""
    issuer = None
    verifier_with_keys = functools.partial(
        TokenVerifier,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        identity_claim=settings.identity_claim,
        leeway_seconds=settings.jwt_leeway_seconds,
        roles_client=settings.roles_client,
    )
    if settings.dev_mode:
        private_key = load_or_create_private_key(settings.data_dir)
        verifier = verifier_with_keys(jwks=public_jwks(private_key))
        issuer = DevTokenIssuer(
            private_key_pem=private_key,
            key_id=KEY_ID,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )
    elif settings.jwks_url:
        verifier = verifier_with_keys(jwks_url=settings.jwks_url)
    elif settings.jwks_file:
        verifier = verifier_with_keys(jwks=json.loads(Path(settings.jwks_file).read_text()))
    else:
        raise SystemExit("Set KINERJA_JWKS_URL or KINERJA_JWKS_FILE (or KINERJA_DEV_MODE=1)")
    return ApiContext(
        temporal=client,
        sessionmaker=sessionmaker,
        verifier=verifier,
        task_queue=settings.task_queue,
        dev_issuer=issuer,
        write_rate=settings.write_rate,
        read_rate=settings.read_rate,
        export_rate=settings.export_rate,
        failed_auth_rate=settings.failed_auth_rate,
        dev_token_rate=settings.dev_token_rate,
        export_row_limit=settings.export_row_limit,
        minimum_pacing=settings.minimum_pacing,
        roster_limits=RosterLimits.from_settings(settings),
    )


def build_web_config(settings: Settings) -> WebConfig:
    """The web login: the configured OIDC provider, and in dev mode the demo picker."""
    oidc = None
    if settings.oidc_metadata_url:
        secret = settings.oidc_client_secret
        oidc = OidcClient(
            metadata_url=settings.oidc_metadata_url,
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            identity_claim=settings.identity_claim,
        )
    return WebConfig(
        oidc=oidc,
        dev_login=settings.dev_mode,
        secure_cookies=settings.public_https,
        idle_timeout=timedelta(minutes=settings.web_idle_minutes),
        absolute_timeout=timedelta(hours=settings.web_absolute_hours),
    )


def build_app(settings: Settings, context: ApiContext) -> FastAPI:
    """Both faces on one app: the JSON API and the web pages."""
    app = install_web(create_app(context), build_web_config(settings))
    return _with_codec_origin(app, settings)


async def connect_temporal(settings: Settings) -> Client:
    address = settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"
    return await connect(address, settings.temporal_namespace)


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the caller decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _with_codec_origin(app: FastAPI, settings: Settings) -> FastAPI:
    """The Temporal UI may call /codec from the browser (its own UI in dev mode)."""
    origin = settings.temporal_ui_origin
    if origin is None and settings.dev_mode:
        origin = f"http://127.0.0.1:{settings.temporal_ui_port}"
    allow_origin(app, origin)
    return app


async def serve_api(
    settings: Settings, context: ApiContext, stop: asyncio.Event | None = None
) -> None:
    """Serve until SIGINT/SIGTERM (uvicorn's handlers) or, when ``stop`` is given,
    until it is set; then finish open requests and return."""
    config = uvicorn.Config(
        build_app(settings, context),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,  # our handlers, which mask NIPs in access logs
        access_log=True,
        timeout_graceful_shutdown=5,
    )
    if stop is None:
        await uvicorn.Server(config).serve()
        return
    server = _QuietServer(config)

    async def stop_when_asked() -> None:
        await stop.wait()
        server.should_exit = True

    stopper = asyncio.create_task(stop_when_asked())
    try:
        await server.serve()
    except SystemExit as failure:  # uvicorn's answer to a port it cannot bind
        raise RuntimeError(
            f"API tidak bisa berjalan di {settings.api_host}:{settings.api_port}"
        ) from failure
    finally:
        stopper.cancel()
