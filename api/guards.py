"""Protection against misuse: the write limit per caller (the limiters themselves are in
``api.rate_limits``), a cap on request bodies, and the headers every answer carries."""

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import current_actor
from api.problems import problem_response
from api.rate_limits import limit, limiters
from domain.appraisal import Actor

MAX_BODY_BYTES = 1024 * 1024
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOAD_CAPS = "upload_caps"  # app.state: path -> the larger body cap of an upload there
MULTIPART_SLACK = 64 * 1024  # the form's boundaries, part headers and small fields


def allow_upload(app: FastAPI, path: str, max_file_bytes: int) -> None:
    """Let posts to ``path`` carry a file of up to ``max_file_bytes`` (multipart), above
    the 1 MiB every other body is capped at. The upload's own reader still checks the
    file's size, format and what it inflates to."""
    caps: dict[str, int] = getattr(app.state, UPLOAD_CAPS, None) or {}
    caps[path] = max(max_file_bytes + MULTIPART_SLACK, MAX_BODY_BYTES)
    setattr(app.state, UPLOAD_CAPS, caps)


async def writing_actor(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """The authenticated caller of a write, counted against their rate limit."""
    found = limiters(request)
    await limit(
        found.writes if found else None,
        actor.subject,
        "Terlalu banyak perubahan; coba lagi sebentar lagi",
    )
    return actor


WritingActor = Annotated[Actor, Depends(writing_actor)]


class SecurityHeaders:
    """ASGI middleware: answers hold personal data, so no cache keeps them
    (``Cache-Control: no-store``), browsers never sniff a type, and no ``Server`` banner
    tells a scanner what runs here. Static documentation assets may be cached."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = "no-store"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if "server" in headers:
                    del headers["server"]
            await send(message)

        await self._app(scope, receive, send_with_headers)


class BodyCap:
    """ASGI middleware refusing request bodies over ``limit`` bytes (413), whether the
    size is declared (Content-Length) or not (chunked): the body is read up to the limit
    before the application sees any of it, then handed on unchanged. A path registered
    with ``allow_upload`` has its own, larger cap."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._limit = limit

    def _limit_for(self, scope: Scope) -> int:
        app = scope.get("app")
        caps = getattr(getattr(app, "state", None), UPLOAD_CAPS, None) or {}
        cap: int = caps.get(scope.get("path", ""), self._limit)
        return cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self._app(scope, receive, send)
            return
        request = Request(scope)
        limit = self._limit_for(scope)
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(request, scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; let the application see that
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await self._refuse(request, scope, receive, send, limit)
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

    async def _refuse(
        self, request: Request, scope: Scope, receive: Receive, send: Send, limit: int
    ) -> None:
        response = problem_response(
            request, "payload-too-large", f"Isi permintaan melebihi {limit} byte"
        )
        await response(scope, receive, send)
