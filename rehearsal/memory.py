"""In-memory stand-ins for the activities, each class implementing its contracts
(``workflows.activity_contracts``) under the names history records: notices
are recorded instead of sent, the latest state of each appraisal is kept instead of
written. ``kinerja simulate`` rehearses a year on them and the workflow tests check what
the workflows asked for (the real activities are tested against PostgreSQL in
tests/activities)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from temporalio import activity

from domain.appraisal import AppraisalState
from domain.notices import notice_recipient
from domain.organisation import RosterMember
from domain.unit import UnitMember
from workflows.activity_contracts import (
    BulkContract,
    FanoutContract,
    NoticeContract,
    PeriodContract,
    RecordContract,
    UnitContract,
    contract_name,
)
from workflows.contracts import (
    ApplyExtension,
    AppraisalChange,
    AppraisalPageRequest,
    DeliverUnitResults,
    ExtensionTally,
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

Activities = list[Callable[..., Any]]


@dataclass
class MemoryActivities(RecordContract, NoticeContract):
    """The activities of one appraisal: every change and delivery kept in order, the
    latest state per NIP (by version: a retried, older write does not win), and a count
    of all calls, to tell when the timers that fired as time jumped have stopped."""

    supervisors: dict[str, str | None] = field(default_factory=dict)
    changes: list[AppraisalChange] = field(default_factory=list)
    deliveries: list[NoticeDelivery] = field(default_factory=list)
    mutations: list[MutasiRecord] = field(default_factory=list)
    states: dict[str, AppraisalState] = field(default_factory=dict)
    calls: int = 0
    keep_changes: bool = True  # a rehearsal of thousands keeps only the latest states

    @activity.defn(name=contract_name(RecordContract.record_appraisal_change))
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        if self.keep_changes:
            self.changes.append(change)
        self.calls += 1
        known = self.states.get(change.state.nip)
        if known is None or known.version < change.state.version:
            self.states[change.state.nip] = change.state
        return True

    @activity.defn(name=contract_name(NoticeContract.deliver_notice))
    async def deliver_notice(self, delivery: NoticeDelivery) -> NoticeReceipt:
        self.deliveries.append(delivery)
        self.calls += 1
        atasan = self.supervisors.get(delivery.supervisor_nip or "")
        role, nip = notice_recipient(
            delivery.recipient_role, delivery.nip, delivery.supervisor_nip, atasan
        )
        return NoticeReceipt(recipient_role=role, recipient_nip=nip)

    @activity.defn(name=contract_name(NoticeContract.record_mutasi))
    async def record_mutasi(self, record: MutasiRecord) -> bool:
        self.mutations.append(record)
        self.calls += 1
        self.supervisors[record.nip] = record.new_supervisor_nip
        return True

    def all(self) -> Activities:
        return [self.record_appraisal_change, self.deliver_notice, self.record_mutasi]


@dataclass
class MemoryCycleActivities(PeriodContract, FanoutContract, BulkContract):
    """Stand-ins for the period-level activities: a roster in memory, starts counted."""

    roster: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    progress: list[PeriodProgress] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)

    @activity.defn(name=contract_name(PeriodContract.register_period))
    async def register_period(self, request: RegisterPeriod) -> bool:
        return True

    @activity.defn(name=contract_name(PeriodContract.load_roster_page))
    async def load_roster_page(self, request: RosterPageRequest) -> RosterPage:
        after = request.after_nip or ""
        nips = [nip for nip in sorted(self.roster) if nip > after][: request.limit]
        members = [
            RosterMember(
                nip=nip, agency_code="DINKES", unit_code="DINKES-UMUM", supervisor_nip=None
            )
            for nip in nips
        ]
        return RosterPage(members=members)

    @activity.defn(name=contract_name(FanoutContract.start_appraisals))
    async def start_appraisals(self, request: StartAppraisals) -> int:
        self.started += [member.nip for member in request.members]
        return len(request.members)

    @activity.defn(name=contract_name(PeriodContract.record_period_progress))
    async def record_period_progress(self, progress: PeriodProgress) -> None:
        self.progress.append(progress)

    @activity.defn(name=contract_name(BulkContract.load_appraisal_page))
    async def load_appraisal_page(self, request: AppraisalPageRequest) -> list[str]:
        after = request.after_nip or ""
        return [nip for nip in sorted(self.roster) if nip > after][: request.limit]

    @activity.defn(name=contract_name(BulkContract.extend_deadlines))
    async def extend_deadlines(self, request: ApplyExtension) -> ExtensionTally:
        self.extended += request.nips
        return ExtensionTally(extended=len(request.nips))

    def all(self) -> Activities:
        return [
            self.register_period,
            self.load_roster_page,
            self.start_appraisals,
            self.record_period_progress,
            self.load_appraisal_page,
            self.extend_deadlines,
        ]


@dataclass
class MemoryUnitActivities(UnitContract):
    """A unit's members in memory; deliveries recorded instead of sent."""

    members: list[UnitMember] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    changes: list[UnitChange] = field(default_factory=list)

    @activity.defn(name=contract_name(UnitContract.load_unit_members))
    async def load_unit_members(self, request: UnitMembersRequest) -> list[UnitMember]:
        return self.members

    @activity.defn(name=contract_name(UnitContract.deliver_unit_results))
    async def deliver_unit_results(self, request: DeliverUnitResults) -> int:
        self.delivered += [member.nip for member in request.members]
        return len(request.members)

    @activity.defn(name=contract_name(UnitContract.record_unit_change))
    async def record_unit_change(self, change: UnitChange) -> bool:
        self.changes.append(change)
        return True

    def all(self) -> Activities:
        return [self.load_unit_members, self.deliver_unit_results, self.record_unit_change]
