"""Protection against misuse: a per-caller rate limit on writes (limits' moving window;
per process — put a shared limiter in front when running several API replicas) and a cap
on request bodies."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from api.deps import current_actor
from api.problems import Problem, problem_response
from domain.appraisal import Actor

MAX_BODY_BYTES = 1024 * 1024
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WriteLimiter:
    """At most ``rate`` writes per caller (token subject)."""

    def __init__(self, rate: str) -> None:
        self._item: RateLimitItem = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def allow(self, subject: str) -> bool:
        return await self._limiter.hit(self._item, subject)


async def writing_actor(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """The authenticated caller of a write, counted against their rate limit."""
    limiter: WriteLimiter | None = getattr(request.app.state, "write_limiter", None)
    if limiter is not None and not await limiter.allow(actor.subject):
        raise Problem("too-many-requests", "Terlalu banyak perubahan; coba lagi sebentar lagi")
    return actor


WritingActor = Annotated[Actor, Depends(writing_actor)]


async def cap_request_body(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Refuse bodies over the cap before reading them (413)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return problem_response(
            request, "payload-too-large", f"Isi permintaan melebihi {MAX_BODY_BYTES} byte"
        )
    return await call_next(request)
