"""The rehearsal's update attempts are bounded without swallowing a caller's cancellation.

The SDK turns a cancelled ``execute_update`` into ``WorkflowUpdateRPCTimeoutOrCancelledError``
and would otherwise poll the test server for an answer that never comes; a stand-in handle
that behaves the same way pins both sides of ``time_skipping.answer``."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError

from rehearsal import time_skipping


class UnansweredHandle:
    """An update the server never answers; cancelled, it raises as the SDK does."""

    def __init__(self) -> None:
        self.update_ids: list[str] = []

    async def execute_update(self, update: Any, arg: Any, *, id: str, **_: Any) -> Any:
        self.update_ids.append(id)
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError as cancelled:
            raise WorkflowUpdateRPCTimeoutOrCancelledError() from cancelled


@pytest.fixture
def short_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time_skipping, "UPDATE_PATIENCE", timedelta(milliseconds=50))


@pytest.mark.usefixtures("short_patience")
async def test_an_unanswered_update_gives_up_after_its_patience() -> None:
    handle = UnansweredHandle()
    answer = await asyncio.wait_for(
        time_skipping.answer(handle, "approve_skp", None, "approve-7"),  # type: ignore[arg-type]
        timeout=5,
    )
    assert answer is None
    assert handle.update_ids == ["approve-7"]


async def test_the_callers_cancellation_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time_skipping, "UPDATE_PATIENCE", timedelta(hours=1))
    handle = UnansweredHandle()
    with pytest.raises((TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError)):
        await asyncio.wait_for(
            time_skipping.answer(handle, "approve_skp", None, "approve-8"),  # type: ignore[arg-type]
            timeout=0.05,
        )
