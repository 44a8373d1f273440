"""The activities workflows call: one typed stub per activity, grouped as the worker hosts
them.

Workflows may not import ``activities/`` (import-linter), so they call these stubs with
``workflow.execute_activity_method``: mypy checks the argument and result against the
stub, and a reader or an editor goes from the call to the contract here. Each class in
``activities/`` subclasses its contract (so mypy checks that every method keeps the
stub's signature) and registers each method under the contract's name with
``contract_name``; so do the in-memory activities of ``rehearsal/``.

Each ``name=`` is what history records: renaming a method changes nothing, changing a
name breaks the replay of running workflows (tests/replay holds histories that use each).
"""

from collections.abc import Callable
from typing import Any, Protocol

from temporalio import activity

from domain.unit import UnitMember
from workflows.contracts import (
    ApplyExtension,
    AppraisalChange,
    AppraisalPageRequest,
    CloseAppraisals,
    ClosurePageRequest,
    ClosureTally,
    DeliverUnitResults,
    ExtensionTally,
    FinishClosure,
    MutasiRecord,
    NoticeDelivery,
    NoticeReceipt,
    PeriodProgress,
    RegisterPeriod,
    RosterPage,
    RosterPageRequest,
    StartAppraisals,
    UnitChange,
    UnitMembersRequest,
)


def contract_name(stub: Callable[..., Any]) -> str:
    """The activity type name a contract stub is registered under, for its
    implementation's ``@activity.defn(name=...)``."""
    name = activity._Definition.must_from_callable(stub).name  # no public accessor
    if name is None:
        raise TypeError(f"{stub!r} is a dynamic activity, not a contract")
    return name


class RecordContract(Protocol):
    """Appraisal state into PostgreSQL (``activities.records``)."""

    @activity.defn(name="record_appraisal_change")
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        """Projection and audit event in one transaction; True when anything was new."""
        ...


class PeriodContract(Protocol):
    """A period's cycle: its row, its progress and the roster it walks
    (``activities.periods``)."""

    @activity.defn(name="register_period")
    async def register_period(self, request: RegisterPeriod) -> bool:
        """The period row and its audit event; True when the period is new."""
        ...

    @activity.defn(name="record_period_progress")
    async def record_period_progress(self, progress: PeriodProgress) -> None:
        """Fan-out progress; a change of status is audited once."""
        ...

    @activity.defn(name="load_roster_page")
    async def load_roster_page(self, request: RosterPageRequest) -> RosterPage:
        """Active employees after ``after_nip``, in NIP order."""
        ...


class FanoutContract(Protocol):
    """Starting appraisal workflows through the client (``activities.fanout``)."""

    @activity.defn(name="start_appraisals")
    async def start_appraisals(self, request: StartAppraisals) -> int:
        """One appraisal per member; how many now run (new or already)."""
        ...


class NoticeContract(Protocol):
    """Reminders, escalations and mutasi in the organisation (``activities.notices``)."""

    @activity.defn(name="deliver_notice")
    async def deliver_notice(self, delivery: NoticeDelivery) -> NoticeReceipt:
        """Queue the notice once; who it went to, resolved from the organisation now."""
        ...

    @activity.defn(name="record_mutasi")
    async def record_mutasi(self, record: MutasiRecord) -> bool:
        """Move the employee under the new supervisor in the organisation tree."""
        ...


class BulkContract(Protocol):
    """One deadline extension sent to many appraisals (``activities.bulk``)."""

    @activity.defn(name="load_appraisal_page")
    async def load_appraisal_page(self, request: AppraisalPageRequest) -> list[str]:
        """NIPs of the scope's open appraisals after ``after_nip``, in NIP order."""
        ...

    @activity.defn(name="extend_deadlines")
    async def extend_deadlines(self, request: ApplyExtension) -> ExtensionTally:
        """Send the extension to each NIP; how many took it and why the others refused."""
        ...


class UnitContract(Protocol):
    """A unit's assessment: its members, their results, its read model
    (``activities.units``)."""

    @activity.defn(name="load_unit_members")
    async def load_unit_members(self, request: UnitMembersRequest) -> list[UnitMember]:
        """The unit's appraisals with their predikat, for the distribution gate."""
        ...

    @activity.defn(name="deliver_unit_results")
    async def deliver_unit_results(self, request: DeliverUnitResults) -> int:
        """Deliver each member's result; how many were delivered now."""
        ...

    @activity.defn(name="record_unit_change")
    async def record_unit_change(self, change: UnitChange) -> bool:
        """Unit read model and audit event in one transaction; True when anything was new."""
        ...


class ClosureContract(Protocol):
    """Closing a period opened by mistake (``activities.closure``)."""

    @activity.defn(name="stop_cycle")
    async def stop_cycle(self, period_id: str) -> bool:
        """Cancel the period's cycle so it starts nobody more; True if it was running."""
        ...

    @activity.defn(name="load_closure_page")
    async def load_closure_page(self, request: ClosurePageRequest) -> list[str]:
        """NIPs of the period's appraisals not yet stopped, after ``after_nip``."""
        ...

    @activity.defn(name="close_appraisals")
    async def close_appraisals(self, request: CloseAppraisals) -> ClosureTally:
        """Cancel each appraisal's workflow and mark its row; how many stopped now."""
        ...

    @activity.defn(name="finish_closure")
    async def finish_closure(self, request: FinishClosure) -> bool:
        """The period becomes ``closed`` with its counts, audited once."""
        ...
