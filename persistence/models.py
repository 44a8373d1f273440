"""Tables. The organisation is imported; periods and appraisals are projections written by
activities from workflow state; ``audit_event`` is append-only (a trigger refuses UPDATE
and DELETE, see the first migration)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSONB}  # noqa: RUF012


class Agency(Base):
    """An OPD (organisasi perangkat daerah), e.g. Dinas Kesehatan."""

    __tablename__ = "agency"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Unit(Base):
    """A work unit inside an agency; the distribution rule applies per unit."""

    __tablename__ = "unit"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class Employee(Base):
    """An ASN. ``supervisor_nip`` makes the tree that escalation climbs."""

    __tablename__ = "employee"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(100))
    employment_type: Mapped[str] = mapped_column(String(8))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("unit.code"), index=True)
    supervisor_nip: Mapped[str | None] = mapped_column(String(18), index=True)
    is_tim_penilai: Mapped[bool] = mapped_column(Boolean, default=False)
    is_hr_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_auditor: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Period(Base):
    """An appraisal period as HR created it, and how far its fan-out has got."""

    __tablename__ = "period"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    schedule: Mapped[dict[str, Any]]
    briefing: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="starting")
    employees_started: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # closing a period opened by mistake (domain.period_closure): who asked, when, why,
    # when every appraisal had stopped and how many were stopped or already over
    closure_reason: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closing_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    appraisals_closed: Mapped[int | None] = mapped_column(Integer)
    appraisals_skipped: Mapped[int | None] = mapped_column(Integer)


class Appraisal(Base):
    """Read model of one employee's appraisal, written only by workflow activities.

    ``version`` comes from the workflow state: an upsert only wins when its version is
    newer, so a retried or late activity can never move the projection backwards.
    """

    __tablename__ = "appraisal"
    period_id: Mapped[str] = mapped_column(ForeignKey("period.id"), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(40))
    supervisor_nip: Mapped[str | None] = mapped_column(String(18))
    stage: Mapped[str] = mapped_column(String(20))
    predikat: Mapped[str | None] = mapped_column(String(20))
    overdue: Mapped[bool] = mapped_column(Boolean, server_default="false")
    at_risk: Mapped[bool] = mapped_column(Boolean, server_default="false")
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict[str, Any]]
    workflow_id: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # set when the period's closure stopped this appraisal; never written by save_state,
    # so a late projection write cannot reopen it
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_appraisal_period_stage", "period_id", "stage"),
        Index("ix_appraisal_period_agency_unit", "period_id", "agency_code", "unit_code"),
        Index("ix_appraisal_period_supervisor", "period_id", "supervisor_nip"),
        Index("ix_appraisal_period_unit_predikat", "period_id", "unit_code", "predikat"),
        Index("ix_appraisal_period_overdue", "period_id", "overdue"),
        Index("ix_appraisal_period_nip", "nip", "period_id"),
    )


class UnitAssessment(Base):
    """Read model of a unit's assessment: its predicate, override and finalisation."""

    __tablename__ = "unit_assessment"
    period_id: Mapped[str] = mapped_column(ForeignKey("period.id"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(40))
    unit_predikat: Mapped[str | None] = mapped_column(String(20))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Notification(Base):
    """Outbox of reminders and escalations: who is told what, about whose appraisal.

    Written once per notice (unique per workflow and notice key); a delivery channel
    (e-mail, WhatsApp, the inbox) reads from here and stamps ``delivered_at``.
    """

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(120))
    notice_key: Mapped[str] = mapped_column(String(200))
    period_id: Mapped[str] = mapped_column(String(40))
    subject_nip: Mapped[str] = mapped_column(String(18))
    recipient_role: Mapped[str] = mapped_column(String(40))
    recipient_nip: Mapped[str | None] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("workflow_id", "notice_key"),
        Index("ix_notification_recipient", "recipient_nip", "created_at"),
        Index("ix_notification_period_subject", "period_id", "subject_nip"),
    )


class AuditEvent(Base):
    """Who did what to whom, when. ``event_key`` makes writes idempotent across retries."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(120))
    period_id: Mapped[str | None] = mapped_column(String(40), index=True)
    workflow_id: Mapped[str | None] = mapped_column(String(120))
    request_id: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    # what was decided (ratings, outcome, new due time, reason...), see domain.audit
    decision: Mapped[dict[str, Any] | None]
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        Index("ix_audit_event_subject", "subject_type", "subject_id"),
        Index("ix_audit_event_action", "action", "id"),  # GET /audit?kind= filters by action
    )


class IdempotencyKey(Base):
    """An Idempotency-Key a caller used, with a fingerprint of the request it came with
    and the answer given, so a repeat gets the same answer and a reuse for another
    request is refused. ``key_hash`` covers the caller too: keys are per caller."""

    __tablename__ = "idempotency_key"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WebSession(Base):
    """A browser's session, kept on the server: the cookie holds a random token and this
    row its SHA-256, so a leaked table opens no session and logout ends it for certain.

    Before login the row carries only the OIDC round-trip (``data``: state, nonce, PKCE
    verifier); a login replaces it with a new row naming the person (no fixation)."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(255))
    employee_key: Mapped[str | None] = mapped_column(String(255))
    csrf_token: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_web_session_last_seen_at", "last_seen_at"),)


class RosterUpload(Base):
    """A roster file HR uploaded as a dry run, kept so that applying it applies exactly
    what was previewed: the bytes, and a fingerprint of the organisation the preview was
    computed against (applying is refused once the organisation has changed). The bytes
    are dropped once applied; unapplied uploads are deleted after a day."""

    __tablename__ = "roster_upload"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    file_name: Mapped[str] = mapped_column(String(200))
    sheet: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_roster_upload_created_at", "created_at"),)
