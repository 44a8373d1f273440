"""Protection against misuse: a per-caller rate limit on writes (limits' moving window;
per process — put a shared limiter in front when running several API replicas) and a cap
on request bodies."""

from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class BodyCap:
    """ASGI middleware refusing request bodies over ``limit`` bytes (413), whether the
    size is declared (Content-Length) or not (chunked): the body is read up to the limit
    before the application sees any of it, then handed on unchanged."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self._app(scope, receive, send)
            return
        request = Request(scope)
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self._limit):
            await self._refuse(request, scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; let the application see that
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self._limit:
                await self._refuse(request, scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self._app(scope, replay, send)

    async def _refuse(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            request, "payload-too-large", f"Isi permintaan melebihi {self._limit} byte"
        )
        await response(scope, receive, send)
