"""Rate limits (limits' moving window, in memory): per caller on writes, reads and
exports; per client address on failed authentication and demo tokens. Per process — put a
shared limiter in front when running several API replicas."""

from dataclasses import dataclass

from fastapi import Request
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from api.problems import Problem

TOO_MANY = "Terlalu banyak permintaan; coba lagi sebentar lagi"


class KeyedLimiter:
    """At most ``rate`` hits per key (a caller's subject or a client address)."""

    def __init__(self, rate: str) -> None:
        self._item: RateLimitItem = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def allow(self, key: str) -> bool:
        """Count one hit; False once the key is over its limit."""
        return await self._limiter.hit(self._item, key)

    async def exhausted(self, key: str) -> bool:
        """True when the key has no hit left, without counting one."""
        return not await self._limiter.test(self._item, key)


@dataclass(frozen=True)
class Limiters:
    """Every limiter of one API process, built from the context's rates."""

    writes: KeyedLimiter
    reads: KeyedLimiter
    exports: KeyedLimiter
    failed_auth: KeyedLimiter
    dev_tokens: KeyedLimiter


def limiters(request: Request) -> Limiters | None:
    found: Limiters | None = getattr(request.app.state, "limiters", None)
    return found


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def limit(limiter: KeyedLimiter | None, key: str, detail: str = TOO_MANY) -> None:
    if limiter is not None and not await limiter.allow(key):
        raise Problem("too-many-requests", detail)


def build_limiters(
    *, writes: str, reads: str, exports: str, failed_auth: str, dev_tokens: str
) -> Limiters:
    return Limiters(
        writes=KeyedLimiter(writes),
        reads=KeyedLimiter(reads),
        exports=KeyedLimiter(exports),
        failed_auth=KeyedLimiter(failed_auth),
        dev_tokens=KeyedLimiter(dev_tokens),
    )
