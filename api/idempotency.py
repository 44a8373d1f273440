"""Idempotency-Key on POSTs that start something, kept where the thing itself lives: the
key and a fingerprint of the request go into the started workflow's memo. A repeat with
the same key and body gets the first answer; the same key with another body is a 422;
no second workflow is ever started (the workflow id decides that)."""

import hashlib
import json
from typing import Annotated, Any

from fastapi import Header
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.problems import Problem
from api.temporal_errors import problem_from_rpc

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
