"""Record workflow histories for the replay tests: ``python -m tests.replay.capture``.

Runs real scenarios on an embedded PostgreSQL and a Temporal dev server and writes each
history to ``tests/replay/histories/``. Run it when a scenario is added, never to "fix" a
failing replay: a replay failure means the workflow change needs ``workflow.patched``.
"""

import asyncio
import contextlib
import tempfile
import uuid
from pathlib import Path

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.appraisal import Actor
from domain.roles import Role
from domain.sosialisasi import Acknowledge
from persistence.db import create_engine, create_sessionmaker
from persistence.migrate import upgrade_to_head
from persistence.repositories.organisation import upsert_roster
from runtime.devstack import start_embedded_postgres, venv_binary
from runtime.worker import build_worker
from tests.factories import make_period
from tests.orgs import SMALL_ORG, STAFF, SUPERVISOR
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import CycleInput, Envelope
from workflows.cycle import CycleWorkflow
from workflows.ids import appraisal_workflow_id, cycle_workflow_id
from workflows.search import AGENCY, OVERDUE, STAGE

HISTORIES = Path(__file__).parent / "histories"
PERIOD = "replay"


async def _wait_for_appraisals(client: Client) -> None:
    query = f"WorkflowId STARTS_WITH 'appraisal-{PERIOD}-'"
    for _ in range(600):
        if len([wf async for wf in client.list_workflows(query)]) == len(SMALL_ORG):
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("appraisals did not start")


async def _save(client: Client, name: str, workflow_id: str, run_id: str | None = None) -> None:
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    print(f"saved {name} ({len(history.events)} events)")


async def capture() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(start_embedded_postgres(Path(scratch) / "pg"))
        await upgrade_to_head(engine)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker.begin() as session:
            await upsert_roster(session, SMALL_ORG)
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=str(venv_binary("temporal")),
            search_attributes=[STAGE, AGENCY, OVERDUE],
            ui=False,
        )
        client = env.client
        task_queue = f"capture-{uuid.uuid4().hex[:6]}"
        try:
            async with build_worker(client, sessionmaker, task_queue=task_queue):
                cycle_id = cycle_workflow_id(PERIOD)
                await client.start_workflow(
                    CycleWorkflow.run,
                    CycleInput(
                        period=make_period(PERIOD), started_by="hr", page_size=3, pages_per_run=1
                    ),
                    id=cycle_id,
                    task_queue=task_queue,
                )
                await _wait_for_appraisals(client)
                staff = client.get_workflow_handle(appraisal_workflow_id(PERIOD, STAFF))
                owner = Actor(subject=STAFF, nip=STAFF, roles=frozenset({Role.PEGAWAI}))
                intruder = Actor(subject=SUPERVISOR, nip=SUPERVISOR)
                # refused by the validator: leaves no trace in history
                with contextlib.suppress(WorkflowUpdateFailedError):
                    await staff.execute_update(
                        AppraisalWorkflow.acknowledge,
                        Envelope(command=Acknowledge(), actor=intruder),
                    )
                await staff.execute_update(
                    AppraisalWorkflow.acknowledge, Envelope(command=Acknowledge(), actor=owner)
                )
                runs = [wf async for wf in client.list_workflows(f"WorkflowId = '{cycle_id}'")]
                first_run = min(runs, key=lambda wf: wf.start_time)
                await _save(client, "cycle_first_page_continue_as_new", cycle_id, first_run.run_id)
                await _save(client, "cycle_last_page_waiting", cycle_id)
                await _save(client, "appraisal_acknowledged", staff.id)
                await _save(
                    client,
                    "appraisal_waiting_in_sosialisasi",
                    appraisal_workflow_id(PERIOD, SUPERVISOR),
                )
        finally:
            await env.shutdown()
            await engine.dispose()


if __name__ == "__main__":
    asyncio.run(capture())
