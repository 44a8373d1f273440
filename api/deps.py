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
from api.identity import resolve_actor
from api.problems import Problem
from api.rate_limits import client_address, limit, limiters
from api.roster_files import RosterLimits
from domain.appraisal import Actor
from domain.schedule import DEFAULT_MINIMUM_PACING

DEFAULT_ROSTER_LIMITS = RosterLimits()
READ_METHODS = frozenset({"GET", "HEAD"})
FAILED_AUTH_LIMITED = "Terlalu banyak percobaan masuk yang gagal dari alamat ini; coba lagi nanti"


@dataclass(frozen=True)
class ApiContext:
    """What the app is wired with; built by the runtime, stored on ``app.state``."""

    temporal: Client
    sessionmaker: async_sessionmaker[AsyncSession]
    verifier: TokenVerifier
    task_queue: str
    dev_issuer: DevTokenIssuer | None = None
    write_rate: str = "120/minute"
    read_rate: str = "600/minute"
    export_rate: str = "10/minute"
    failed_auth_rate: str = "60/minute"
    dev_token_rate: str = "20/minute"  # noqa: S105 - a rate, not a secret
    export_row_limit: int = 1000  # larger exports need HR or the auditor
    minimum_pacing: timedelta = DEFAULT_MINIMUM_PACING  # shortest escalation/reminder
    roster_limits: RosterLimits = DEFAULT_ROSTER_LIMITS  # what one roster upload may cost


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


async def current_actor(
    request: Request,
    session: Annotated[AsyncSession, Depends(db_session)],
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The verified caller with their roles from the roster. ``_credentials`` declares the
    Bearer scheme in OpenAPI; the token itself is checked by the verifier."""
    found = limiters(request)
    address = client_address(request)
    if found is not None and await found.failed_auth.exhausted(address):
        raise Problem("too-many-requests", FAILED_AUTH_LIMITED)
    try:
        identity = context(request).verifier.verify(bearer_token(request))
        actor = await resolve_actor(session, identity)
    except Problem as refused:
        if found is not None and refused.kind in ("unauthenticated", "forbidden"):
            await found.failed_auth.allow(address)
        raise
    if found is not None and request.method in READ_METHODS:
        await limit(found.reads, actor.subject)
    return actor


def request_id(request: Request) -> str | None:
    value: str | None = getattr(request.state, "request_id", None)
    return value


CurrentActor = Annotated[Actor, Depends(current_actor)]
Session = Annotated[AsyncSession, Depends(db_session)]
Context = Annotated[ApiContext, Depends(context)]
RequestId = Annotated[str | None, Depends(request_id)]
