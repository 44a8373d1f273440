"""In-memory stand-ins for the activities, registered under the real names, for
workflow tests on the time-skipping server (the real ones are tested against PostgreSQL
in tests/activities). They record what the workflow asked for."""

from dataclasses import dataclass, field

from temporalio import activity

from domain.roles import Role
from workflows.contracts import (
    ActivityNames,
    AppraisalChange,
    MutasiRecord,
    NoticeDelivery,
    NoticeReceipt,
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
        role = delivery.recipient_role
        if role is Role.PEGAWAI:
            return NoticeReceipt(recipient_role=role, recipient_nip=delivery.nip)
        if role is Role.PEJABAT_PENILAI and delivery.supervisor_nip:
            return NoticeReceipt(recipient_role=role, recipient_nip=delivery.supervisor_nip)
        if role is Role.ATASAN_PENILAI and delivery.supervisor_nip:
            atasan = self.supervisors.get(delivery.supervisor_nip)
            if atasan:
                return NoticeReceipt(recipient_role=role, recipient_nip=atasan)
        return NoticeReceipt(recipient_role=Role.HR_ADMIN, recipient_nip=None)

    @activity.defn(name=ActivityNames.RECORD_MUTASI)
    async def record_mutasi(self, record: MutasiRecord) -> bool:
        self.mutations.append(record)
        self.supervisors[record.nip] = record.new_supervisor_nip
        return True

    def all(self) -> list[object]:
        return [self.record_appraisal_change, self.deliver_notice, self.record_mutasi]
