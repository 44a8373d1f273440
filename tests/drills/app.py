"""The API app as a drill builds it: on the drill's own database and task queue, with
tokens checked against the test signing key."""

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from runtime.devkeys import public_jwks
from tests.api.conftest import AUDIENCE, ISSUER


def drill_app(
    client: Client,
    sessionmaker: async_sessionmaker[AsyncSession],
    signing_key: bytes,
    queue: str,
) -> FastAPI:
    return create_app(
        ApiContext(
            temporal=client,
            sessionmaker=sessionmaker,
            verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
            task_queue=queue,
            minimum_pacing=timedelta(seconds=1),  # drills compress a period into seconds
        )
    )
