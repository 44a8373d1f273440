"""Personal data kept out of Temporal in clear, read back the way an operator with access
to Temporal (not to our keys) would: the raw gRPC service, with no codec in between.

And appraisals still running under the old NIP-bearing workflow id keep taking commands,
because the API reaches a workflow by the id its PostgreSQL row stores."""

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import (
    GetWorkflowExecutionHistoryRequest,
    ListWorkflowExecutionsRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment

from domain.appraisal import AppraisalState
from domain.schedule import PeriodSchedule
from persistence.models import Appraisal
from persistence.repositories.appraisals import get_appraisal
from persistence.repositories.periods import get_period
from tests.api.conftest import TokenFor
from tests.api.journey import Journey, skp_content, start_period
from tests.keys import appraisal_id
from tests.orgs import SMALL_ORG, STAFF
from tests.waiting import eventually
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput
from workflows.ids import legacy_appraisal_workflow_id
from workflows.search import AGENCY, STAGE

# Free text the journey below sends, besides every NIP and name of the organisation.
SKP_TEXTS = [
    text
    for rhk in skp_content()["rhk"]
    for text in (rhk["description"], rhk["supports"], rhk["indicators"][0]["description"])
]
JOURNEY_TEXTS = [
    "Sesuai rencana",
    "6 dokumen selesai",
    "Terus pertahankan",
    "Dialog kinerja akhir tahun",
    "Pendampingan penyusunan laporan",
    "Penilaian akhir",
]


async def _executions(client: Client, query: str) -> list[tuple[str, str]]:
    """(workflow id, run id) of every run the raw visibility API lists for ``query``."""
    found: list[tuple[str, str]] = []
    token = b""
    while True:
        page = await client.workflow_service.list_workflow_executions(
            ListWorkflowExecutionsRequest(
                namespace=client.namespace, query=query, next_page_token=token
            )
        )
        found += [(e.execution.workflow_id, e.execution.run_id) for e in page.executions]
        token = page.next_page_token
        if not token:
            return found


async def _raw_history(client: Client, workflow_id: str, run_id: str) -> bytes:
    """The stored history as the server sends it: serialized protobuf, nothing decoded."""
    chunks: list[bytes] = []
    token = b""
    while True:
        page = await client.workflow_service.get_workflow_execution_history(
            GetWorkflowExecutionHistoryRequest(
                namespace=client.namespace,
                execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
                next_page_token=token,
            )
        )
        chunks.append(page.history.SerializeToString())
        token = page.next_page_token
        if not token:
            return b"".join(chunks)


async def test_temporal_stores_no_nip_name_or_skp_text_in_clear(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str, temporal_env: WorkflowEnvironment
) -> None:
    await start_period(client, auth, period_id)
    journey = Journey(client, auth, period_id, STAFF)
    await journey.to_wawancara()
    await journey.record_dialogue()
    rated = await journey.rate("di_atas", "sesuai")
    assert rated["result"] is not None  # the commands went through, sealed both ways

    raw = temporal_env.client  # only its raw service stubs are used: no codec decodes
    appraisals = await eventually(
        lambda: _executions(raw, f"WorkflowId STARTS_WITH 'appraisal-{period_id}-'"),
        lambda runs: len(runs) >= len(SMALL_ORG),
        what="every appraisal listed",
    )
    runs = appraisals + await _executions(raw, f"WorkflowId = 'cycle-{period_id}'")
    assert appraisal_id(period_id, STAFF) in {workflow_id for workflow_id, _ in runs}
    secrets = (
        [member.nip for member in SMALL_ORG]
        + [member.name for member in SMALL_ORG]
        + SKP_TEXTS
        + JOURNEY_TEXTS
    )
    scanned = 0
    for workflow_id, run_id in runs:
        assert not any(member.nip in workflow_id for member in SMALL_ORG), workflow_id
        history = await _raw_history(raw, workflow_id, run_id)
        scanned += len(history)
        leaked = [secret for secret in secrets if secret.encode() in history]
        assert leaked == [], f"{workflow_id} stores in clear: {leaked}"
    # the scan read real histories: the rated appraisal's alone carries a dozen updates
    assert scanned > 20_000, scanned


async def _move_to_legacy_id(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    period_id: str,
    nip: str,
    task_queue: str,
) -> str:
    """Put ``nip``'s appraisal where one started before pseudonymous ids would be: running
    under ``appraisal-{period}-{nip}``, its row pointing there, the new id gone."""
    async with sessionmaker() as session:
        row = await get_appraisal(session, period_id, nip)
        period = await get_period(session, period_id)
    assert row is not None and period is not None
    assert row.workflow_id == appraisal_id(period_id, nip)
    await temporal_env.client.get_workflow_handle(row.workflow_id).terminate("ke id lama")
    legacy = legacy_appraisal_workflow_id(period_id, nip)
    state = AppraisalState.model_validate(row.state)
    await temporal_env.client.start_workflow(
        AppraisalWorkflow.run,
        AppraisalInput(state=state, schedule=PeriodSchedule.model_validate(period.schedule)),
        id=legacy,
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(STAGE, state.stage.value),
                SearchAttributePair(AGENCY, state.agency_code),
            ]
        ),
    )
    async with sessionmaker.begin() as session:
        await session.execute(
            update(Appraisal)
            .where(Appraisal.period_id == period_id, Appraisal.nip == nip)
            .values(workflow_id=legacy)
        )
    return legacy


async def test_a_workflow_on_its_old_nip_id_still_takes_commands_through_the_api(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    task_queue: str,
) -> None:
    await start_period(client, auth, period_id)
    legacy = await _move_to_legacy_id(temporal_env, sessionmaker, period_id, STAFF, task_queue)

    journey = Journey(client, auth, period_id, STAFF)
    acknowledged = await journey.ok("POST", "/acknowledge", journey.employee)
    drafted = await journey.ok("PUT", "/skp", journey.employee, {"content": skp_content()})

    assert acknowledged["stage"] == "perencanaan"
    assert drafted["skp"]["content"] is not None
    # the commands reached the workflow on the old id (the new one was terminated)
    live = await temporal_env.client.get_workflow_handle(legacy).query(AppraisalWorkflow.state)
    assert live.skp.content is not None
    async with sessionmaker() as session:
        row = await get_appraisal(session, period_id, STAFF)
    assert row is not None and row.workflow_id == legacy and row.stage == "perencanaan"
