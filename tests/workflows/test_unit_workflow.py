"""A unit's distribution gate on the time-skipping server: the rule blocks finalisation
and says by how much; the tim penilai's override (with a reason) unblocks it; the
results are then delivered and the unit is final."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.distribusi import UnitPredikat
from domain.predikat import Predikat
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitMember, UnitState
from runtime.worker import workflow_runner
from tests.workflows.fakes import FakeUnitActivities
from tests.workflows.harness import BKPSDM, TEAM
from workflows.contracts import Envelope, UnitInput
from workflows.unit import UnitAssessmentWorkflow

Unit = tuple[WorkflowHandle[UnitAssessmentWorkflow, UnitState], FakeUnitActivities]


@pytest.fixture
async def unit(time_skipping_env: WorkflowEnvironment) -> AsyncIterator[Unit]:
    fakes = FakeUnitActivities(
        members=[
            UnitMember(nip=f"19900101201501{n:04d}", predikat=Predikat.BAIK) for n in range(1, 6)
        ]
    )
    queue = f"unit-{uuid.uuid4().hex[:8]}"
    async with Worker(
        time_skipping_env.client,
        task_queue=queue,
        workflows=[UnitAssessmentWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        handle = await time_skipping_env.client.start_workflow(
            UnitAssessmentWorkflow.run,
            UnitInput(
                state=UnitState(period_id="2027", unit_code="DINKES-UMUM", agency_code="DINKES")
            ),
            id=f"unit-{queue}",
            task_queue=queue,
        )
        yield handle, fakes
        if (await handle.describe()).status.name == "RUNNING":  # type: ignore[union-attr]
            await handle.terminate("test over")


async def send(handle: Any, update: Any, actor: Any, command: Any) -> UnitState:
    result: UnitState = await handle.execute_update(update, Envelope(actor=actor, command=command))
    return result


async def test_the_rule_blocks_and_an_override_unblocks(unit: Unit) -> None:
    handle, fakes = unit
    await send(
        handle,
        UnitAssessmentWorkflow.set_predikat,
        BKPSDM,
        SetUnitPredikat(predikat=UnitPredikat.BAIK),
    )

    with pytest.raises(WorkflowUpdateFailedError) as blocked:
        await send(handle, UnitAssessmentWorkflow.finalise, BKPSDM, FinaliseUnit())

    cause = blocked.value.cause
    assert cause.type == "DistributionViolatedError"  # type: ignore[union-attr]
    violations = cause.details[0]  # type: ignore[union-attr]
    assert {(v["rule"], v["off_by"]) for v in violations} == {
        ("paling banyak 70% baik", 2),  # 5 baik, at most 3 allowed
        ("sedikitnya 1 pegawai butuh_perbaikan atau kurang", 1),
    }
    assert fakes.delivered == []

    with pytest.raises(WorkflowUpdateFailedError) as not_hr:
        await send(
            handle, UnitAssessmentWorkflow.record_override, BKPSDM, RecordOverride(reason="x" * 12)
        )
    assert not_hr.value.cause.type == "NotPermittedError"  # type: ignore[union-attr]

    overridden = await send(
        handle,
        UnitAssessmentWorkflow.record_override,
        TEAM,
        RecordOverride(reason="Unit kecil; semua target tercapai dan terverifikasi"),
    )
    assert overridden.override is not None and len(overridden.override.violations) == 2

    final = await send(handle, UnitAssessmentWorkflow.finalise, BKPSDM, FinaliseUnit())
    assert final.finalised_at is not None and final.delivered == 5
    assert sorted(fakes.delivered) == sorted(m.nip for m in fakes.members)
    assert [c.action for c in fakes.changes] == [
        "unit.predikat_set",
        "unit.override",
        "unit.finalised",
    ]
    assert (await handle.result()).finalised_at == final.finalised_at


async def test_unrated_members_block_finalisation(unit: Unit) -> None:
    handle, fakes = unit
    fakes.members[0] = fakes.members[0].model_copy(update={"predikat": None})
    await send(
        handle,
        UnitAssessmentWorkflow.set_predikat,
        TEAM,
        SetUnitPredikat(predikat=UnitPredikat.ISTIMEWA),
    )

    with pytest.raises(WorkflowUpdateFailedError) as blocked:
        await send(handle, UnitAssessmentWorkflow.finalise, TEAM, FinaliseUnit())

    assert blocked.value.cause.type == "WrongStateError"  # type: ignore[union-attr]
    assert "1 pegawai" in str(blocked.value.cause)
    assert (await handle.query(UnitAssessmentWorkflow.state)).finalised_at is None
