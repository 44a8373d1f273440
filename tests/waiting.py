"""Waiting on a condition instead of sleeping a fixed time."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    *,
    patience: float = 60,
    what: str = "condition",
) -> T:
    """Call ``probe`` until ``accept`` holds for its result; fail with the last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while True:
        value = await probe()
        if accept(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"{what} not reached within {patience}s; last value: {value!r}")
        await asyncio.sleep(0.1)
