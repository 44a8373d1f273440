"""Delivering reminders and escalations, and recording a mutasi in the organisation.

The recipient is resolved from the organisation tree when the notice goes out, not when
the appraisal started, so an escalation after a mutasi reaches the new chain. A notice
about a period being closed is not queued: its appraisal is about to stop.
"""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from domain.notices import notice_recipient
from domain.period_closure import is_closed
from domain.roles import Role
from persistence.repositories import notifications, organisation, period_closure
from workflows.activity_contracts import NoticeContract, contract_name
from workflows.contracts import MutasiRecord, NoticeDelivery, NoticeReceipt


async def _resolve(session: AsyncSession, delivery: NoticeDelivery) -> tuple[Role, str | None]:
    """Who ``recipient_role`` is for this employee, with the atasan read from the tree."""
    atasan = None
    if delivery.recipient_role is Role.ATASAN_PENILAI and delivery.supervisor_nip:
        atasan = await organisation.supervisor_of(session, delivery.supervisor_nip)
    return notice_recipient(delivery.recipient_role, delivery.nip, delivery.supervisor_nip, atasan)


class NoticeActivities(NoticeContract):
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @activity.defn(name=contract_name(NoticeContract.deliver_notice))
    async def deliver_notice(self, delivery: NoticeDelivery) -> NoticeReceipt:
        """Queue the notice in the outbox once (keyed by workflow and notice)."""
        async with self._sessionmaker.begin() as session:
            role, nip = await _resolve(session, delivery)
            status = await period_closure.period_status(session, delivery.period_id)
            if status is not None and is_closed(status):
                return NoticeReceipt(recipient_role=role, recipient_nip=nip)
            await notifications.add_notification(
                session,
                workflow_id=delivery.workflow_id,
                notice_key=delivery.notice_key,
                period_id=delivery.period_id,
                subject_nip=delivery.nip,
                recipient_role=role.value,
                recipient_nip=nip,
                kind=delivery.kind.value,
                step=delivery.step.value,
                level=delivery.level,
                due=delivery.due,
                created_at=delivery.at,
            )
        return NoticeReceipt(recipient_role=role, recipient_nip=nip)

    @activity.defn(name=contract_name(NoticeContract.record_mutasi))
    async def record_mutasi(self, record: MutasiRecord) -> bool:
        async with self._sessionmaker.begin() as session:
            return await organisation.set_supervisor(session, record.nip, record.new_supervisor_nip)
