"""Read models the API answers with (inputs are domain models with ``extra="forbid"``)."""

from collections.abc import Collection
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, computed_field

from domain.appraisal import AppraisalState
from domain.audit import AuditKind, kind_of
from domain.checkin import Evidence, Rating, Realisation
from domain.customary_schedule import FIRST_YEAR, LAST_YEAR, customary_period
from domain.deadlines import DEADLINE_KEY_PATTERN
from domain.distribusi import UnitPredikat, Violation
from domain.nip import NIP_PATTERN
from domain.notices import PendingStep
from domain.predikat import Predikat
from domain.roles import Role
from domain.schedule import PERIOD_ID_PATTERN, MonitoringFrequency, Period
from domain.schedule_warnings import WarningKind
from domain.stages import Stage
from domain.text import Instant, LongNote, Name, Note, OverrideReason, PlainTextInput, Reason


class PeriodRequest(Period):
    """A period as HR opens it. Its due times must lie ahead unless ``allow_past`` says
    the period is being entered late on purpose (e.g. re-creating one already under way)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "period_id": "2027",
                    "name": "Penilaian Kinerja ASN 2027",
                    "starts_on": "2027-01-01",
                    "ends_on": "2027-12-31",
                    "schedule": {
                        "sosialisasi_due": "2027-01-15T16:00:00+07:00",
                        "skp_draft_due": "2027-01-22T16:00:00+07:00",
                        "skp_approval_due": "2027-01-31T16:00:00+07:00",
                        "wawancara_due": "2027-11-30T16:00:00+07:00",
                        "penilaian_due": "2027-12-15T16:00:00+07:00",
                        "tindak_lanjut_due": "2028-03-31T16:00:00+07:00",
                    },
                }
            ]
        }
    )

    allow_past: bool = Field(
        default=False, description="Accept due times already passed (they fall due at once)."
    )

    def period(self) -> Period:
        return Period.model_validate(self.model_dump(exclude={"allow_past"}))


class PeriodStarted(BaseModel):
    period_id: str
    workflow_id: str
    status: str = Field(description="'starting' while appraisals are being created.")


class PeriodClosureNote(BaseModel):
    """Who closed a period opened by mistake, when and why (``POST
    /periods/{id}/close``); the counts once every appraisal has stopped."""

    reason: str
    closed_by: str
    closing_at: datetime = Field(description="When HR asked.")
    closed_at: datetime | None = Field(default=None, description="When all had stopped.")
    closed: int | None = Field(default=None, description="Appraisals stopped.")
    skipped: int | None = Field(default=None, description="Appraisals already over.")


class PeriodView(BaseModel):
    period_id: str
    name: str
    starts_on: date
    ends_on: date
    status: str = Field(
        description="starting → running → completed; closing → closed when HR closes it"
    )
    employees_started: int
    total: int = Field(description="Appraisals visible to the caller.")
    stages: dict[Stage, int] = Field(description="Appraisals per stage, every stage listed.")
    closure: PeriodClosureNote | None = Field(
        default=None, description="Present once HR has asked to close the period."
    )


class PeriodFromYear(PlainTextInput):
    """A calendar-year period opened with only its year: the customary schedule of
    domain.md (``domain.customary_schedule``: sosialisasi 15 January, SKP draft 22 and
    approval 31 January, check-ins at each quarter's or month's end, wawancara 30
    November, penilaian 15 December, tindak lanjut 31 March of the next year, all 16:00
    WIB, each moved back to the working day before when it falls on a weekend or a
    national holiday; keberatan within 14 days)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"period_id": "2028", "year": 2028}]},
    )

    period_id: str = Field(
        pattern=PERIOD_ID_PATTERN, description="Short slug used in workflow ids, e.g. '2028'."
    )
    name: Name | None = Field(
        default=None, description="'Penilaian Kinerja ASN <year>' when absent."
    )
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    monitoring_frequency: MonitoringFrequency = MonitoringFrequency.TRIWULAN
    briefing: LongNote | None = Field(
        default=None, description="The socialisation briefing; a standard text when absent."
    )
    allow_past: bool = Field(
        default=False, description="Accept due times already passed (they fall due at once)."
    )

    def period(self, non_working: Collection[date] = ()) -> Period:
        return customary_period(
            self.period_id,
            self.year,
            self.monitoring_frequency,
            name=self.name,
            briefing=self.briefing,
            non_working=non_working,
        )


def _preview_body_kind(data: Any) -> str:
    """A body naming ``year`` is a year-only one; anything else is a full period."""
    if isinstance(data, dict):
        return "year" if "year" in data else "full"
    return "year" if isinstance(data, PeriodFromYear) else "full"


PeriodPreviewBody = Annotated[
    Annotated[PeriodRequest, Tag("full")] | Annotated[PeriodFromYear, Tag("year")],
    Discriminator(_preview_body_kind),
]
"""Either body ``POST /periods`` or ``POST /periods/from-year`` takes. Errors name the
kind first (``body.full.schedule…``, ``body.year.year``)."""


class ScheduleWarningView(BaseModel):
    kind: WarningKind
    field: str = Field(description="The field concerned, within the period.")
    message: str = Field(description="In Indonesian.")
    message_en: str = Field(description="The same in English.")
    due: datetime | None = Field(description="The due time concerned, if any.")
    escalations: int | None = Field(
        description="For escalation_flood: escalations one person's late step sends while "
        "it stays overdue for a week."
    )


class PreviewRefusal(BaseModel):
    field: str
    message: str = Field(description="In Indonesian.")
    message_en: str = Field(description="The same in English.")


class PeriodPreview(BaseModel):
    period: Period = Field(
        description="The period as it would start: check-in dues written out and the "
        "period's span filled in. It can be sent back unchanged to POST /periods."
    )
    employees_included: int = Field(description="Active employees who would get an appraisal.")
    warnings: list[ScheduleWarningView] = Field(
        description="What to look at; none of it stops the period from starting."
    )
    refusals: list[PreviewRefusal] = Field(
        description="Why starting would be refused now (as POST /periods would answer it); "
        "empty when it would start."
    )
    holidays_checked: bool = Field(
        description="Whether national holidays of Indonesia were checked (weekends always are)."
    )


class PeriodListItem(PeriodView):
    created_at: datetime = Field(description="When HR opened the period.")


class PeriodPage(BaseModel):
    total: int = Field(description="How many periods there are in all.")
    limit: int
    offset: int
    items: list[PeriodListItem] = Field(description="Newest first.")


class AppraisalView(AppraisalState):
    """The appraisal as stored, plus what is owed now and by when."""

    updated_at: datetime | None = None
    pending: tuple[PendingStep, ...] = Field(
        default=(), description="Steps someone owes now, earliest due first."
    )
    closed_at: datetime | None = Field(
        default=None, description="When HR's closure of the period stopped this appraisal."
    )


class CheckInReportBody(PlainTextInput):
    """Realisation for one check-in (cumulative so far), with evidence."""

    model_config = ConfigDict(extra="forbid")

    realisations: tuple[Realisation, ...] = Field(min_length=1, max_length=300)
    evidence: tuple[Evidence, ...] = Field(default=(), max_length=50)
    notes: str | None = Field(default=None, max_length=2000)


class FeedbackBody(PlainTextInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Capaian sesuai rencana", "rating": "sesuai"}]},
    )

    text: LongNote
    rating: Rating | None = None


class ExtensionBody(PlainTextInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"new_due": "2027-02-15T16:00:00+07:00", "reason": "Cuti sakit"}]
        },
    )

    new_due: Instant
    reason: Reason


class DevTokenRequest(PlainTextInput):
    nip: str = Field(description="Employee whose demo token to issue.", pattern=NIP_PATTERN)
    ttl_seconds: int = Field(default=8 * 3600, ge=60, le=7 * 24 * 3600)


class DevToken(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    roles: list[str]


class PeriodExtensionBody(PlainTextInput):
    """Extend one deadline for a unit, an agency or the whole period."""

    model_config = ConfigDict(extra="forbid")

    deadline: str = Field(pattern=DEADLINE_KEY_PATTERN)
    new_due: Instant
    reason: Reason
    agency_code: str | None = Field(default=None, max_length=40, description="Only this OPD.")
    unit_code: str | None = Field(default=None, max_length=40, description="Only this unit.")


class ClosureStatus(BaseModel):
    """How far closing a period has got."""

    period_id: str
    status: str = Field(description="running, completed or failed")
    closed: int = Field(description="Appraisals stopped so far.")
    skipped: int = Field(description="Appraisals already over (nothing to stop).")
    reason: str
    closed_by: str
    closing_at: datetime
    closed_at: datetime | None = None


class ExtensionStatus(BaseModel):
    extension_id: str
    status: str = Field(description="running, completed or failed")
    extended: int
    refused: int
    refusals: dict[str, int]


class DevelopmentReportBody(PlainTextInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": "Pelatihan selesai, sertifikat terlampir"}]},
    )

    note: Note
    evidence_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)


class UnitPredikatBody(PlainTextInput):
    model_config = ConfigDict(extra="forbid")

    predikat: UnitPredikat


class OverrideBody(PlainTextInput):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "Seluruh pegawai melampaui target unit"}]},
    )

    reason: OverrideReason = Field(description="Why the rule is set aside.")


class OverrideView(BaseModel):
    """An override the tim penilai recorded: who (role and name), when, why, and which
    broken bounds it covers. Names are for the authorised reader, never for logs."""

    reason: str
    by: str = Field(description="Who recorded it: their token subject.")
    by_nip: str | None = Field(
        description="Their NIP (null for overrides recorded before it was kept)."
    )
    by_name: str | None = Field(description="Their name in the roster; null when not found.")
    by_role: Role = Field(description="The role it was recorded in (only the tim penilai may).")
    at: datetime
    violations: list[Violation] = Field(
        description="The broken bounds it covers, each as far off as when it was recorded; "
        "a distribution that drifts further is no longer covered."
    )
    covers: list[str] = Field(description="The same bounds in words (Indonesian).")


class DistributionReport(BaseModel):
    """Where a unit stands against its distribution rule."""

    period_id: str
    unit_code: str
    agency_code: str
    unit_predikat: UnitPredikat | None
    members: int
    unrated: int
    counts: dict[Predikat, int]
    violations: list[Violation]
    override: OverrideView | None
    finalised_at: datetime | None
    can_finalise: bool


class AppraisalListItem(BaseModel):
    period_id: str
    nip: str
    name: str | None
    position: str | None
    agency_code: str
    unit_code: str
    supervisor_nip: str | None
    stage: Stage
    predikat: Predikat | None
    overdue: bool
    at_risk: bool
    updated_at: datetime
    closed_at: datetime | None = Field(
        default=None, description="When HR's closure of the period stopped this appraisal."
    )


class AppraisalPage(BaseModel):
    total: int = Field(description="How many match the filters in all.")
    limit: int
    offset: int
    items: list[AppraisalListItem]


class InboxItem(BaseModel):
    """Something the caller owes, on someone's appraisal."""

    period_id: str
    nip: str = Field(description="Whose appraisal.")
    step: str
    title: str
    owed_as: str = Field(description="The role in which the caller owes it.")
    due: datetime
    overdue: bool


class Inbox(BaseModel):
    items: list[InboxItem]
    overdue: int


class AgencySummary(BaseModel):
    agency_code: str
    total: int
    stages: dict[Stage, int]
    predikat: dict[Predikat, int]
    unrated: int
    overdue: int


class UnitDistributionStatus(BaseModel):
    agency_code: str
    unit_code: str
    members: int
    unrated: int
    unit_predikat: UnitPredikat | None
    violations: list[Violation]
    finalised: bool
    finalised_at: datetime | None = None
    override: OverrideView | None = Field(
        default=None, description="The override the unit was (or will be) finalised under."
    )


class PeriodSummary(BaseModel):
    period_id: str
    total: int
    overdue: int
    agencies: list[AgencySummary]
    units: list[UnitDistributionStatus]


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_role: str | None
    action: str
    subject_type: str
    subject_id: str
    period_id: str | None
    workflow_id: str | None
    request_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    decision: dict[str, Any] | None = Field(
        default=None,
        description="What was decided: ratings and predikat, keberatan outcome, override "
        "reason and violations, SKP note, new due time, old and new supervisor... (none for "
        "events recorded before decisions were kept).",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind(self) -> AuditKind | None:
        """The kind of action (what ``GET /audit?kind=`` filters by)."""
        return kind_of(self.action)


class AuditPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[AuditEntry]


class NotificationItem(BaseModel):
    """A notice sent to the caller: a reminder before a step's due time, an escalation
    after it, or a step re-routed to them."""

    id: int
    kind: str = Field(description="pengingat, eskalasi or pengalihan.")
    step: str
    title: str = Field(description="The step, in words.")
    level: int = Field(description="0 for a reminder; 1, 2, ... up the chain for escalations.")
    period_id: str
    subject_nip: str = Field(description="Whose appraisal the notice is about.")
    due: datetime
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    """A page of the caller's notices; ``unread`` counts all unread ones, whatever the
    filter and page, so a badge can show it."""

    total: int = Field(description="How many match the filter, on every page.")
    unread: int
    limit: int
    offset: int
    items: list[NotificationItem]


class AgencyOverview(BaseModel):
    """An agency (OPD) with its active employees and its units counted."""

    code: str
    name: str
    active_employees: int
    units: int


class AgencyList(BaseModel):
    """The agencies the caller may see: every one for HR and the auditor, otherwise the
    caller's own."""

    items: list[AgencyOverview]


class OrgRef(BaseModel):
    """An agency or a unit, by code and name."""

    code: str
    name: str


class PersonRef(BaseModel):
    """Someone named on a page of the organisation."""

    nip: str
    name: str
    position: str


class UnitMember(PersonRef):
    supervisor_nip: str | None


class UnitView(BaseModel):
    """A unit with its active people the caller may see (paged by NIP) and its heads:
    members whose supervisor is nobody or nobody active in the unit."""

    code: str
    name: str
    agency: OrgRef
    total: int = Field(description="How many of the unit's active people the caller sees.")
    limit: int
    offset: int
    people: list[UnitMember]
    heads: list[UnitMember] = Field(description="Every head the caller sees, on every page.")


class PersonRoles(BaseModel):
    """The roles the roster grants; shown to HR (BKPSDM) only."""

    hr_admin: bool
    tim_penilai: bool
    auditor: bool


class PersonView(BaseModel):
    """A person with the chain of supervisors above them and their direct reports."""

    nip: str
    name: str
    position: str
    grade: str
    employment_type: str = Field(description="PNS or PPPK.")
    active: bool
    unit: OrgRef
    agency: OrgRef
    supervisors: list[PersonRef] = Field(
        description="The chain upward, nearest first, as far as the caller may see it."
    )
    direct_reports: list[PersonRef] = Field(
        description="Active direct reports the caller may see, by NIP."
    )
    roles: PersonRoles | None = Field(
        default=None,
        description="Roster-granted roles, for an HR caller only; null for everyone else "
        "(roles are not everyone's business).",
    )
