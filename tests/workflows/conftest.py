"""The year factory the workflow tests share: each call starts an appraisal year with its
own worker on the time-skipping server; all of them stop when the test ends."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.harness import Year, running_year

YearFactory = Callable[..., Awaitable[Year]]


@pytest.fixture
async def year_factory(time_skipping_env: WorkflowEnvironment) -> AsyncIterator[YearFactory]:
    async with contextlib.AsyncExitStack() as stack:

        async def start(history_limit: int | None = None, **schedule: Any) -> Year:
            return await stack.enter_async_context(
                running_year(time_skipping_env, history_limit, **schedule)
            )

        yield start
