"""One employee's appraisal year as a durable workflow (id ``appraisal-{period}-{pseudonym}``,
see ``workflows.ids``).

Commands arrive as Updates. Each validator runs the domain command against the current
state and discards the result, so a refused command never reaches history; each handler
runs it again, changes ``self._state`` *before* awaiting anything (so a concurrent
duplicate is refused by its validator), then persists the change through an activity.

Between commands the run loop sleeps until the earliest reminder or escalation that the
domain plans for the steps owed now; any state change (a command, an extension) wakes it
to plan again, so timers always follow the current due times.
"""

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import deadlines
    from domain.administrasi import ChangeSupervisor, ExtendDeadline
    from domain.appraisal import AppraisalState, Command, RuleContext
    from domain.audit import appraisal_decision, locked_decision
    from domain.errors import DomainError
    from domain.notices import NoticeKind, PlannedNotice
    from domain.pemantauan import GiveFeedback, ReportCheckIn
    from domain.penilaian import (
        AddKeberatanStatement,
        DecideKeberatan,
        DeliverResult,
        FileKeberatan,
        RateAppraisal,
        automatic_lock_at,
        close_window_if_due,
    )
    from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
    from domain.roles import Role
    from domain.sosialisasi import Acknowledge
    from domain.stages import Stage
    from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
    from domain.wawancara import RecordDialogue, ScheduleDialogue
    from workflows.activity_contracts import NoticeContract, RecordContract
    from workflows.contracts import (
        AppraisalChange,
        AppraisalInput,
        Envelope,
        MutasiRecord,
        NoticeDelivery,
        NoticeReceipt,
    )
    from workflows.ids import cycle_workflow_id
    from workflows.search import OVERDUE, STAGE

SYSTEM_ACTOR = "system"
ACTIVITY_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


def _as_application_error(error: DomainError) -> ApplicationError:
    """Handlers may raise only ApplicationError; anything else would retry the task forever."""
    return ApplicationError(str(error), type=type(error).__name__, non_retryable=True)


def _role_of(envelope: Envelope[Any], state: AppraisalState) -> str:
    """The role the actor acted in, for the audit trail."""
    actor = envelope.actor
    if state.is_employee(actor):
        return Role.PEGAWAI.value
    if state.is_pejabat_penilai(actor):
        return Role.PEJABAT_PENILAI.value
    for role in (Role.HR_ADMIN, Role.TIM_PENILAI):
        if actor.has(role):
            return role.value
    return "unknown"


@workflow.defn(name="AppraisalWorkflow")
class AppraisalWorkflow:
    @workflow.init
    def __init__(self, input: AppraisalInput) -> None:
        self._state = input.state
        self._schedule = input.schedule
        self._history_limit = input.history_limit
        self._search_attributes: tuple[str, bool] | None = None

    @workflow.run
    async def run(self, input: AppraisalInput) -> AppraisalState:
        if input.persisted_version < input.state.version:
            # Persist the state as opened, even if an update has already moved past it:
            # the projection keeps the newest version, the audit trail keeps both events.
            await self._persist(
                input.state,
                action="appraisal.opened",
                actor=SYSTEM_ACTOR,
                actor_role=None,
                after={"stage": input.state.stage.value},
            )
        while self._state.stage is not Stage.SELESAI:
            if self._continue_as_new_due():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    AppraisalInput(
                        state=self._state,
                        schedule=self._schedule,
                        persisted_version=self._state.version,
                        history_limit=self._history_limit,
                    )
                )
            await self._wait_for_change_or_deliver_next_notice()
        # the command that completed the year is still persisting its change
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._report_completion()
        return self._state

    async def _report_completion(self) -> None:
        """Tell the period's cycle; a lone appraisal (no cycle) has nobody to tell."""
        cycle = workflow.get_external_workflow_handle(cycle_workflow_id(self._state.period_id))
        try:
            await cycle.signal("appraisal_completed", self._state.nip)
        except Exception:
            workflow.logger.info("no cycle to report completion to")

    async def _wait_for_change_or_deliver_next_notice(self) -> None:
        """Sleep until the next notice or automatic transition, or until state changes."""
        version = self._state.version
        planned = deadlines.earliest_notice(self._state, self._schedule, workflow.now())
        closes = automatic_lock_at(self._state, self._schedule.keberatan_days)
        wake_times = [t for t in (planned.at if planned else None, closes) if t is not None]

        def changed() -> bool:
            return self._state.version != version or self._continue_as_new_due()

        if not wake_times:
            await workflow.wait_condition(changed)
            return
        wait = min(wake_times) - workflow.now()
        if wait > timedelta(0):
            try:
                await workflow.wait_condition(changed, timeout=wait)
                return
            except TimeoutError:
                pass
        locked = close_window_if_due(self._state, self._context())
        if locked is not None:
            await self._apply_system_change(
                locked, "penilaian.locked", decision=locked_decision(locked)
            )
        elif planned is not None and planned.at <= workflow.now():
            await self._deliver(planned)

    def _continue_as_new_due(self) -> bool:
        info = workflow.info()
        if self._history_limit is not None:
            return info.get_current_history_length() >= self._history_limit
        return info.is_continue_as_new_suggested()

    @workflow.query
    def state(self) -> AppraisalState:
        return self._state

    # --- commands: each an Update whose validator asks the domain -------------------

    @workflow.update
    async def acknowledge(self, envelope: Envelope[Acknowledge]) -> AppraisalState:
        return await self._execute(envelope)

    @acknowledge.validator
    def _check_acknowledge(self, envelope: Envelope[Acknowledge]) -> None:
        self._check(envelope)

    @workflow.update
    async def draft_skp(self, envelope: Envelope[DraftSkp]) -> AppraisalState:
        return await self._execute(envelope)

    @draft_skp.validator
    def _check_draft_skp(self, envelope: Envelope[DraftSkp]) -> None:
        self._check(envelope)

    @workflow.update
    async def submit_skp(self, envelope: Envelope[SubmitSkp]) -> AppraisalState:
        return await self._execute(envelope)

    @submit_skp.validator
    def _check_submit_skp(self, envelope: Envelope[SubmitSkp]) -> None:
        self._check(envelope)

    @workflow.update
    async def approve_skp(self, envelope: Envelope[ApproveSkp]) -> AppraisalState:
        return await self._execute(envelope)

    @approve_skp.validator
    def _check_approve_skp(self, envelope: Envelope[ApproveSkp]) -> None:
        self._check(envelope)

    @workflow.update
    async def return_skp(self, envelope: Envelope[ReturnSkp]) -> AppraisalState:
        return await self._execute(envelope)

    @return_skp.validator
    def _check_return_skp(self, envelope: Envelope[ReturnSkp]) -> None:
        self._check(envelope)

    @workflow.update
    async def report_checkin(self, envelope: Envelope[ReportCheckIn]) -> AppraisalState:
        return await self._execute(envelope)

    @report_checkin.validator
    def _check_report_checkin(self, envelope: Envelope[ReportCheckIn]) -> None:
        self._check(envelope)

    @workflow.update
    async def give_feedback(self, envelope: Envelope[GiveFeedback]) -> AppraisalState:
        return await self._execute(envelope)

    @give_feedback.validator
    def _check_give_feedback(self, envelope: Envelope[GiveFeedback]) -> None:
        self._check(envelope)

    @workflow.update
    async def extend_deadline(self, envelope: Envelope[ExtendDeadline]) -> AppraisalState:
        return await self._execute(envelope)

    @extend_deadline.validator
    def _check_extend_deadline(self, envelope: Envelope[ExtendDeadline]) -> None:
        self._check(envelope)

    @workflow.update
    async def change_supervisor(self, envelope: Envelope[ChangeSupervisor]) -> AppraisalState:
        """Mutasi: record the new supervisor, update the organisation, and tell the new
        supervisor about every approval now waiting on them."""
        state = await self._execute(envelope)
        await workflow.execute_activity_method(
            NoticeContract.record_mutasi,
            MutasiRecord(nip=state.nip, new_supervisor_nip=state.supervisor_nip),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        for step in deadlines.pending_steps(self._state, self._schedule):
            if step.owed_by is Role.PEJABAT_PENILAI:
                await self._deliver(
                    PlannedNotice(
                        step=step,
                        kind=NoticeKind.PENGALIHAN,
                        level=len(self._state.supervisor_history),
                        recipient_role=Role.PEJABAT_PENILAI,
                        at=workflow.now(),
                    )
                )
        return self._state

    @change_supervisor.validator
    def _check_change_supervisor(self, envelope: Envelope[ChangeSupervisor]) -> None:
        self._check(envelope)

    @workflow.update
    async def schedule_dialogue(self, envelope: Envelope[ScheduleDialogue]) -> AppraisalState:
        return await self._execute(envelope)

    @schedule_dialogue.validator
    def _check_schedule_dialogue(self, envelope: Envelope[ScheduleDialogue]) -> None:
        self._check(envelope)

    @workflow.update
    async def record_dialogue(self, envelope: Envelope[RecordDialogue]) -> AppraisalState:
        return await self._execute(envelope)

    @record_dialogue.validator
    def _check_record_dialogue(self, envelope: Envelope[RecordDialogue]) -> None:
        self._check(envelope)

    @workflow.update
    async def rate(self, envelope: Envelope[RateAppraisal]) -> AppraisalState:
        return await self._execute(envelope)

    @rate.validator
    def _check_rate(self, envelope: Envelope[RateAppraisal]) -> None:
        self._check(envelope)

    @workflow.update
    async def deliver_result(self, envelope: Envelope[DeliverResult]) -> AppraisalState:
        return await self._execute(envelope)

    @deliver_result.validator
    def _check_deliver_result(self, envelope: Envelope[DeliverResult]) -> None:
        self._check(envelope)

    @workflow.update
    async def file_keberatan(self, envelope: Envelope[FileKeberatan]) -> AppraisalState:
        return await self._execute(envelope)

    @file_keberatan.validator
    def _check_file_keberatan(self, envelope: Envelope[FileKeberatan]) -> None:
        self._check(envelope)

    @workflow.update
    async def add_keberatan_statement(
        self, envelope: Envelope[AddKeberatanStatement]
    ) -> AppraisalState:
        return await self._execute(envelope)

    @add_keberatan_statement.validator
    def _check_add_keberatan_statement(self, envelope: Envelope[AddKeberatanStatement]) -> None:
        self._check(envelope)

    @workflow.update
    async def decide_keberatan(self, envelope: Envelope[DecideKeberatan]) -> AppraisalState:
        return await self._execute(envelope)

    @decide_keberatan.validator
    def _check_decide_keberatan(self, envelope: Envelope[DecideKeberatan]) -> None:
        self._check(envelope)

    @workflow.update
    async def assign_development(self, envelope: Envelope[AssignDevelopment]) -> AppraisalState:
        return await self._execute(envelope)

    @assign_development.validator
    def _check_assign_development(self, envelope: Envelope[AssignDevelopment]) -> None:
        self._check(envelope)

    @workflow.update
    async def report_development(self, envelope: Envelope[ReportDevelopmentDone]) -> AppraisalState:
        return await self._execute(envelope)

    @report_development.validator
    def _check_report_development(self, envelope: Envelope[ReportDevelopmentDone]) -> None:
        self._check(envelope)

    @workflow.update
    async def confirm_development(self, envelope: Envelope[ConfirmDevelopment]) -> AppraisalState:
        return await self._execute(envelope)

    @confirm_development.validator
    def _check_confirm_development(self, envelope: Envelope[ConfirmDevelopment]) -> None:
        self._check(envelope)

    # --- mechanics ------------------------------------------------------------------

    def _context(self) -> RuleContext:
        return RuleContext(now=workflow.now(), schedule=self._schedule)

    def _check(self, envelope: Envelope[Any]) -> None:
        command: Command = envelope.command
        command.apply(self._state, envelope.actor, self._context())

    async def _execute(self, envelope: Envelope[Any]) -> AppraisalState:
        command: Command = envelope.command
        before = self._state
        try:
            self._state = command.apply(before, envelope.actor, self._context())
        except DomainError as error:
            raise _as_application_error(error) from error
        await self._persist(
            self._state,
            action=command.action,
            actor=envelope.actor.subject,
            actor_role=_role_of(envelope, before),
            request_id=envelope.request_id,
            before={"stage": before.stage.value, "version": before.version},
            after={"stage": self._state.stage.value, "version": self._state.version},
            decision=self._decision(command, before),
        )
        return self._state

    def _decision(self, command: Command, before: AppraisalState) -> dict[str, Any] | None:
        """What the command decided, for the audit trail. Not behind ``workflow.patched``:
        it changes only the data an activity receives, never which commands the workflow
        issues, so old histories replay unchanged; a patch would also be answered once per
        run from its first, replayed call, leaving every appraisal started before this code
        without decisions for the rest of its year. Never raises (it runs in replay too)."""
        try:
            return appraisal_decision(command, before, self._state, self._schedule)
        except Exception:
            workflow.logger.warning("audit decision not derivable for %s", command.action)
            return None

    async def _apply_system_change(
        self, state: AppraisalState, action: str, *, decision: dict[str, Any] | None = None
    ) -> None:
        """A transition the workflow makes on its own (e.g. the keberatan window closing)."""
        before = self._state
        self._state = state
        await self._persist(
            state,
            action=action,
            actor=SYSTEM_ACTOR,
            actor_role=None,
            before={"stage": before.stage.value, "version": before.version},
            after={"stage": state.stage.value, "version": state.version},
            decision=decision,
        )

    async def _deliver(self, planned: PlannedNotice) -> None:
        """Send a reminder, escalation or re-routing notice and record who was told."""
        state = self._state
        receipt: NoticeReceipt = await workflow.execute_activity_method(
            NoticeContract.deliver_notice,
            NoticeDelivery(
                workflow_id=workflow.info().workflow_id,
                notice_key=planned.key,
                period_id=state.period_id,
                nip=state.nip,
                supervisor_nip=state.supervisor_nip,
                kind=planned.kind,
                level=planned.level,
                step=planned.step.kind,
                recipient_role=planned.recipient_role,
                due=planned.step.due,
                at=workflow.now(),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        self._state = deadlines.with_notice(
            self._state,
            self._schedule,
            planned,
            recipient_role=receipt.recipient_role,
            recipient_nip=receipt.recipient_nip,
            at=workflow.now(),
        )
        await self._persist(
            self._state,
            action=f"deadline.{planned.kind.value}",
            actor=SYSTEM_ACTOR,
            actor_role=None,
            after={
                "step": planned.step.kind.value,
                "level": planned.level,
                "recipient_role": receipt.recipient_role.value,
                "due": planned.step.due.isoformat(),
            },
        )

    def _publish_search_attributes(self) -> None:
        current = (self._state.stage.value, self._state.overdue)
        if current != self._search_attributes:
            workflow.upsert_search_attributes(
                [STAGE.value_set(current[0]), OVERDUE.value_set(current[1])]
            )
            self._search_attributes = current

    async def _persist(
        self,
        state: AppraisalState,
        *,
        action: str,
        actor: str,
        actor_role: str | None,
        request_id: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        decision: dict[str, Any] | None = None,
    ) -> None:
        self._publish_search_attributes()
        await workflow.execute_activity_method(
            RecordContract.record_appraisal_change,
            AppraisalChange(
                workflow_id=workflow.info().workflow_id,
                state=state,
                action=action,
                actor=actor,
                actor_role=actor_role,
                request_id=request_id,
                at=workflow.now(),
                before=before,
                after=after,
                decision=decision,
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
