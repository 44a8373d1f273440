"""Checks the API tests share: a problem document exactly as PROBLEM_KINDS has it, the
fields a 422 names, whether a workflow exists, how many appraisal rows a period has."""

import json
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from api.problems import PROBLEM_KINDS
from persistence.models import Appraisal
from tests.api.journey import (
    PROBLEM_JSON,
)


def assert_problem_kind(response: httpx.Response, kind: str) -> dict[str, Any]:
    """``response`` is a problem document of ``kind``, exactly as PROBLEM_KINDS has it."""
    assert kind in PROBLEM_KINDS, kind
    status, title_id, title_en = PROBLEM_KINDS[kind]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"/problems/{kind}", problem
    assert problem["status"] == status
    assert problem["title"] in (title_id, title_en)
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert problem["instance"] == response.request.url.path
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


def invalid_fields(response: httpx.Response) -> set[str]:
    problem = assert_problem_kind(response, "validation-error")
    return {error["field"] for error in problem["errors"]}


async def workflow_exists(env: WorkflowEnvironment, workflow_id: str) -> bool:
    try:
        await env.client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def appraisal_rows(sessionmaker: async_sessionmaker[AsyncSession], period_id: str) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Appraisal).where(Appraisal.period_id == period_id)
        )
    return int(count or 0)


TWO_MIB = 2 * 1024 * 1024


def padded(body: dict[str, Any], size: int = TWO_MIB) -> bytes:
    """A valid JSON document of ``size`` bytes: the body followed by whitespace."""
    text = json.dumps(body)
    return (text + " " * (size - len(text))).encode()
