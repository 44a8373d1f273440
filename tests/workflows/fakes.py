"""In-memory stand-ins for the activities, registered under the real names, for
workflow tests on the time-skipping server (the real ones are tested against PostgreSQL
in tests/activities). They record what the workflow asked for."""

from dataclasses import dataclass, field

from temporalio import activity

from domain.notices import notice_recipient
from domain.organisation import RosterMember
from domain.unit import UnitMember
from workflows.contracts import (
    ActivityNames,
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


@dataclass
class FakeActivities:
    supervisors: dict[str, str | None] = field(default_factory=dict)
    changes: list[AppraisalChange] = field(default_factory=list)
    deliveries: list[NoticeDelivery] = field(default_factory=list)
    mutations: list[MutasiRecord] = field(default_factory=list)

    @activity.defn(name=ActivityNames.RECORD_APPRAISAL_CHANGE)
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        self.changes.append(change)
        return True

    @activity.defn(name=ActivityNames.DELIVER_NOTICE)
    async def deliver_notice(self, delivery: NoticeDelivery) -> NoticeReceipt:
        self.deliveries.append(delivery)
        atasan = self.supervisors.get(delivery.supervisor_nip or "")
        role, nip = notice_recipient(
            delivery.recipient_role, delivery.nip, delivery.supervisor_nip, atasan
        )
        return NoticeReceipt(recipient_role=role, recipient_nip=nip)

    @activity.defn(name=ActivityNames.RECORD_MUTASI)
    async def record_mutasi(self, record: MutasiRecord) -> bool:
        self.mutations.append(record)
        self.supervisors[record.nip] = record.new_supervisor_nip
        return True

    def all(self) -> list[object]:
        return [self.record_appraisal_change, self.deliver_notice, self.record_mutasi]


@dataclass
class FakeCycleActivities:
    """Stand-ins for the period-level activities: a roster in memory, starts counted."""

    roster: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    progress: list[PeriodProgress] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)

    @activity.defn(name=ActivityNames.REGISTER_PERIOD)
    async def register_period(self, request: RegisterPeriod) -> bool:
        return True

    @activity.defn(name=ActivityNames.LOAD_ROSTER_PAGE)
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

    @activity.defn(name=ActivityNames.START_APPRAISALS)
    async def start_appraisals(self, request: StartAppraisals) -> int:
        self.started += [member.nip for member in request.members]
        return len(request.members)

    @activity.defn(name=ActivityNames.RECORD_PERIOD_PROGRESS)
    async def record_period_progress(self, progress: PeriodProgress) -> None:
        self.progress.append(progress)

    @activity.defn(name=ActivityNames.LOAD_APPRAISAL_PAGE)
    async def load_appraisal_page(self, request: AppraisalPageRequest) -> list[str]:
        after = request.after_nip or ""
        return [nip for nip in sorted(self.roster) if nip > after][: request.limit]

    @activity.defn(name=ActivityNames.EXTEND_DEADLINES)
    async def extend_deadlines(self, request: ApplyExtension) -> ExtensionTally:
        self.extended += request.nips
        return ExtensionTally(extended=len(request.nips))

    def all(self) -> list[object]:
        return [
            self.register_period,
            self.load_roster_page,
            self.start_appraisals,
            self.record_period_progress,
            self.load_appraisal_page,
            self.extend_deadlines,
        ]


@dataclass
class FakeUnitActivities:
    """A unit's members in memory; deliveries recorded instead of sent."""

    members: list[UnitMember] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    changes: list[UnitChange] = field(default_factory=list)

    @activity.defn(name=ActivityNames.LOAD_UNIT_MEMBERS)
    async def load_unit_members(self, request: UnitMembersRequest) -> list[UnitMember]:
        return self.members

    @activity.defn(name=ActivityNames.DELIVER_UNIT_RESULTS)
    async def deliver_unit_results(self, request: DeliverUnitResults) -> int:
        self.delivered += [member.nip for member in request.members]
        return len(request.members)

    @activity.defn(name=ActivityNames.RECORD_UNIT_CHANGE)
    async def record_unit_change(self, change: UnitChange) -> bool:
        self.changes.append(change)
        return True

    def all(self) -> list[object]:
        return [self.load_unit_members, self.deliver_unit_results, self.record_unit_change]
