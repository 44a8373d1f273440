"""Request-scoped dependencies: the caller, a database session, the Temporal client."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.auth import DevTokenIssuer, TokenVerifier, bearer_token
from domain.appraisal import Actor
from domain.schedule import DEFAULT_MINIMUM_PACING


@dataclass(frozen=True)
class ApiContext:
    """What the app is wired with; built by the runtime, stored on ``app.state``."""

    temporal: Client
    sessionmaker: async_sessionmaker[AsyncSession]
    verifier: TokenVerifier
    task_queue: str
    dev_issuer: DevTokenIssuer | None = None
    write_rate: str = "120/minute"
    minimum_pacing: timedelta = DEFAULT_MINIMUM_PACING  # shortest escalation/reminder


def context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.context
    return ctx


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with context(request).sessionmaker() as session:
        yield session


async def release_connection(session: AsyncSession) -> None:
    """End the session's read transaction so its pooled connection goes back before a
    long wait on Temporal: the workflow's persistence activity may need a connection from
    the same pool (API and worker share one in ``kinerja dev``), and a burst of writes
    each holding one would starve it. The session stays usable; loaded rows stay loaded
    (``expire_on_commit=False``)."""
    await session.commit()


_bearer = HTTPBearer(auto_error=False, description="OIDC access token (JWT)")


def current_actor(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    """Declares the Bearer scheme in OpenAPI; the token itself is checked by the verifier."""
    return context(request).verifier.verify(bearer_token(request))


def request_id(request: Request) -> str | None:
    value: str | None = getattr(request.state, "request_id", None)
    return value


CurrentActor = Annotated[Actor, Depends(current_actor)]
Session = Annotated[AsyncSession, Depends(db_session)]
Context = Annotated[ApiContext, Depends(context)]
RequestId = Annotated[str | None, Depends(request_id)]
