"""Idempotency-Key on POSTs that start something. The first answer is remembered per
caller and key, with a fingerprint of the request: a repeat with the same body gets that
answer again; the key with another body (even for another period) is a 422. The key and
fingerprint also go into the started workflow's memo, so two identical requests racing
past the registry still start one workflow and get the same answer."""

import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.problems import Problem
from api.temporal_errors import problem_from_rpc
from persistence.repositories import idempotency

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]{8,100}$",
        description="Repeat a request safely: the same key and body return the first answer.",
    ),
]
MEMO_FIELD = "idempotency"


def fingerprint(subject: str, body: Any) -> str:
    """Who asked and what they asked for; the key alone must not replay someone else's."""
    canonical = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{subject}\n{canonical}".encode()).hexdigest()


def _key_hash(subject: str, key: str) -> str:
    return hashlib.sha256(f"{subject}\n{key}".encode()).hexdigest()


async def remembered_answer(
    session: AsyncSession,
    subject: str,
    key: str | None,
    print_: str,
    location_of: Callable[[dict[str, Any]], str],
) -> JSONResponse | None:
    """The answer first given to this caller's ``key``; a 422 if the key came with
    another request; None when it is new (or absent)."""
    if key is None:
        return None
    record = await idempotency.recall(session, _key_hash(subject, key))
    if record is None:
        return None
    if record.fingerprint != print_:
        raise Problem(
            "validation-error",
            "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda",
        )
    return JSONResponse(
        record.response,
        status_code=record.status_code,
        headers={"Location": location_of(record.response)},
    )


async def remember_answer(
    session: AsyncSession,
    subject: str,
    key: str | None,
    print_: str,
    status_code: int,
    answer: BaseModel,
) -> None:
    if key is None:
        return
    await idempotency.remember(
        session, _key_hash(subject, key), print_, status_code, answer.model_dump(mode="json")
    )
    await session.commit()


def _memo_for(key: str | None, print_: str) -> dict[str, Any]:
    return {MEMO_FIELD: {"key": key, "fingerprint": print_}} if key else {}


async def start_once(
    client: Client,
    run: Any,
    arg: Any,
    *,
    workflow_id: str,
    task_queue: str,
    key: str | None,
    print_: str,
    conflict: Problem,
) -> None:
    """Start the workflow unless it runs already. A replay of the same keyed request
    returns quietly (the caller answers as the first time); anything else is ``conflict``."""
    try:
        await client.start_workflow(
            run,
            arg,
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            memo=_memo_for(key, print_),
        )
    except WorkflowAlreadyStartedError as error:
        if not await _is_replay(client, workflow_id, key, print_):
            raise conflict from error
    except RPCError as error:
        raise problem_from_rpc(error, not_found="Namespace Temporal tidak ditemukan") from error


async def _is_replay(client: Client, workflow_id: str, key: str | None, print_: str) -> bool:
    """True when ``workflow_id`` was started by this same request (same key, same body);
    a 422 when the key was used for another request; False without a key."""
    if key is None:
        return False
    try:
        memo = await (await client.get_workflow_handle(workflow_id).describe()).memo()
    except RPCError:
        return False
    recorded = memo.get(MEMO_FIELD) or {}
    if recorded.get("key") != key:
        return False
    if recorded.get("fingerprint") != print_:
        raise Problem(
            "validation-error",
            "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda",
        )
    return True
