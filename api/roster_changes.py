"""What a valid roster would change, shown to HR before it is applied: people new to the
organisation, people changed (which columns, from what to what), people of the file's
agencies it leaves out, and supervisor changes with the open appraisals whose pending
steps would move to the new pejabat penilai when the import is applied.

Read inside the import's transaction, before the upsert, so it is exactly the change the
upsert then makes. Lists are cut at ``MAX_LISTED`` each; the counts are always whole."""

from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from domain.appraisal import AppraisalState
from domain.deadlines import pending_steps
from domain.notices import StepKind
from domain.organisation import EmployeeRecord
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.stages import Stage
from persistence.models import Employee
from persistence.repositories import periods, roster_changes

MAX_LISTED = 200
# The roster's column for each stored field, as HR knows them from the spreadsheet.
COLUMNS = {
    "name": "nama",
    "position": "jabatan",
    "grade": "pangkat_golongan",
    "employment_type": "jenis_pegawai",
    "agency_code": "kode_opd",
    "unit_code": "kode_unit",
    "supervisor_nip": "nip_atasan",
    "is_tim_penilai": "tim_penilai",
    "is_hr_admin": "hr_admin",
    "is_auditor": "auditor",
    "active": "aktif",
}


class PersonLine(BaseModel):
    nip: str
    name: str
    unit_code: str


class FieldChange(BaseModel):
    column: str = Field(description="The roster column, e.g. jabatan or nip_atasan.")
    before: str
    after: str


class ChangedPerson(PersonLine):
    fields: list[FieldChange]


class Reroute(BaseModel):
    """One open appraisal whose pejabat penilai the import changes (a mutasi)."""

    period_id: str
    nip: str
    stage: Stage
    current_supervisor_nip: str | None
    new_supervisor_nip: str | None
    steps: list[StepKind] = Field(
        description="Steps owed now by the pejabat penilai, which move to the new one."
    )


class SupervisorChange(PersonLine):
    before: str | None
    after: str | None
    appraisals: list[Reroute]


class RosterChanges(BaseModel):
    """The change a valid roster makes to the organisation as stored now."""

    new: int
    changed: int
    leaving: int = Field(
        description="Active employees of the file's agencies the file leaves out. They stay "
        "active: a departure is a row with aktif=tidak."
    )
    supervisor_changes: int
    rerouted_appraisals: int
    rerouted_steps: int
    new_people: list[PersonLine]
    changed_people: list[ChangedPerson]
    leaving_people: list[PersonLine]
    supervisors: list[SupervisorChange]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return "" if value is None else str(value)


def _field_changes(record: EmployeeRecord, stored: Employee) -> list[FieldChange]:
    changes = []
    for field, column in COLUMNS.items():
        after = getattr(record, field)
        after = after.value if field == "employment_type" else after
        before = getattr(stored, field)
        if before != after:
            changes.append(FieldChange(column=column, before=_shown(before), after=_shown(after)))
    return changes


async def reroutes_for(
    session: AsyncSession, new_supervisors: dict[str, str | None]
) -> list[Reroute]:
    """The open appraisals of the people in ``new_supervisors`` (NIP → their new
    supervisor) whose pejabat penilai is someone else: a mutasi each."""
    rows = await roster_changes.open_appraisals_of(session, sorted(new_supervisors))
    schedules: dict[str, PeriodSchedule | None] = {}
    found = []
    for row in rows:
        new = new_supervisors[row.nip]
        if row.supervisor_nip == new:
            continue
        if row.period_id not in schedules:
            period = await periods.get_period(session, row.period_id)
            schedules[row.period_id] = (
                PeriodSchedule.model_validate(period.schedule) if period else None
            )
        schedule = schedules[row.period_id]
        state = AppraisalState.model_validate(row.state)
        steps = [] if schedule is None else pending_steps(state, schedule)
        found.append(
            Reroute(
                period_id=row.period_id,
                nip=row.nip,
                stage=Stage(row.stage),
                current_supervisor_nip=row.supervisor_nip,
                new_supervisor_nip=new,
                steps=[step.kind for step in steps if step.owed_by is Role.PEJABAT_PENILAI],
            )
        )
    return found


async def roster_changes_of(
    session: AsyncSession, records: Sequence[EmployeeRecord]
) -> tuple[RosterChanges, list[Reroute]]:
    """The preview, and every re-route in full (the preview lists at most ``MAX_LISTED``)."""
    stored = await roster_changes.employees_by_nip(session, [record.nip for record in records])
    new_people: list[PersonLine] = []
    changed: list[ChangedPerson] = []
    moved: dict[str, tuple[EmployeeRecord, Employee]] = {}
    for record in records:
        current = stored.get(record.nip)
        line = {"nip": record.nip, "name": record.name, "unit_code": record.unit_code}
        if current is None:
            new_people.append(PersonLine(**line))
            continue
        fields = _field_changes(record, current)
        if fields:
            changed.append(ChangedPerson(**line, fields=fields))
        if current.supervisor_nip != record.supervisor_nip:
            moved[record.nip] = (record, current)
    in_file = {record.nip for record in records}
    agencies = {record.agency_code for record in records}
    leaving = [
        PersonLine(nip=nip, name=name, unit_code=unit)
        for nip, name, unit in await roster_changes.active_in_agencies(session, agencies)
        if nip not in in_file
    ]
    reroutes = await reroutes_for(
        session, {nip: record.supervisor_nip for nip, (record, _) in moved.items()}
    )
    by_person: dict[str, list[Reroute]] = {}
    for reroute in reroutes:
        by_person.setdefault(reroute.nip, []).append(reroute)
    supervisors = [
        SupervisorChange(
            nip=nip,
            name=record.name,
            unit_code=record.unit_code,
            before=current.supervisor_nip,
            after=record.supervisor_nip,
            appraisals=by_person.get(nip, []),
        )
        for nip, (record, current) in moved.items()
    ]
    # those whose pending steps move first: they are what HR must look at
    supervisors.sort(key=lambda change: (not change.appraisals, change.nip))
    changes = RosterChanges(
        new=len(new_people),
        changed=len(changed),
        leaving=len(leaving),
        supervisor_changes=len(supervisors),
        rerouted_appraisals=len(reroutes),
        rerouted_steps=sum(len(reroute.steps) for reroute in reroutes),
        new_people=new_people[:MAX_LISTED],
        changed_people=changed[:MAX_LISTED],
        leaving_people=leaving[:MAX_LISTED],
        supervisors=supervisors[:MAX_LISTED],
    )
    return changes, reroutes
