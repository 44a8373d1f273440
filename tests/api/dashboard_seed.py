"""A period seeded straight into PostgreSQL with SMALL_ORG's appraisals spread over the
stages, for the dashboard's tests: the dashboard is a read of the projections, so no
workflow needs to run to fill them. What each person stands at is listed once here and
the tests assert the sums from it.

| who | agency | stage | predikat | overdue | at risk | development |
|---|---|---|---|---|---|---|
| HEAD | DINKES | sosialisasi | – | yes | – | – |
| SUPERVISOR | DINKES | perencanaan | – | yes | – | – |
| STAFF | DINKES | tindak_lanjut | butuh_perbaikan | yes | yes | pelatihan, open |
| PEER | DINKES | selesai | kurang | – | – | coaching, confirmed |
| TIM | DINKES | penilaian | baik | – | – | – |
| OUTSIDER | DISDIK | pemantauan | – | yes | yes | – |
| HR | BKPSDM | wawancara | – | – | – | – |

DINKES-UMUM's unit predikat is butuh_perbaikan (at least 60 % butuh_perbaikan: 1 of 3
rated breaks it), overridden by CALIBRATOR with ``OVERRIDE_REASON``. Escalations: about
STAFF's rating two at level 1 and one at level 2; about OUTSIDER's check-in one at level
1; a reminder to HEAD (not an escalation)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.distribusi import UnitPredikat, check_distribution
from domain.predikat import Predikat
from domain.unit import Override, UnitState
from persistence.models import Appraisal, Period
from persistence.repositories import notifications
from persistence.repositories.units import save_unit_state
from tests.orgs import CALIBRATOR, HEAD, HR, OUTSIDER, PEER, STAFF, SUPERVISOR, TIM

UNIT = "DINKES-UMUM"
OVERRIDE_REASON = "Capaian unit diverifikasi Inspektorat; sebaran diterima"
PEOPLE: dict[str, tuple[str, str, str | None, bool, bool]] = {
    # nip: agency, stage, predikat, overdue, at risk
    HEAD: ("DINKES", "sosialisasi", None, True, False),
    SUPERVISOR: ("DINKES", "perencanaan", None, True, False),
    STAFF: ("DINKES", "tindak_lanjut", "butuh_perbaikan", True, True),
    PEER: ("DINKES", "selesai", "kurang", False, False),
    TIM: ("DINKES", "penilaian", "baik", False, False),
    OUTSIDER: ("DISDIK", "pemantauan", None, True, True),
    HR: ("BKPSDM", "wawancara", None, False, False),
}


def _action(kind: str, *, confirmed: bool, now: datetime) -> dict[str, Any]:
    return {
        "number": 1,
        "kind": kind,
        "title": "Pelatihan pelayanan dasar",
        "catalogue_code": None,
        "due": (now + timedelta(days=60)).isoformat(),
        "assigned_by": SUPERVISOR,
        "assigned_at": now.isoformat(),
        "reported_at": now.isoformat() if confirmed else None,
        "report_note": "Selesai" if confirmed else None,
        "evidence_url": None,
        "confirmed_at": now.isoformat() if confirmed else None,
        "confirmed_by": SUPERVISOR if confirmed else None,
    }


async def seed_dashboard_period(
    sessionmaker: async_sessionmaker[AsyncSession], period_id: str
) -> None:
    now = datetime.now(UTC)
    development = {
        STAFF: [_action("pelatihan", confirmed=False, now=now)],
        PEER: [_action("coaching", confirmed=True, now=now)],
    }
    async with sessionmaker.begin() as session:
        session.add(
            Period(
                id=period_id,
                name=f"Penilaian {period_id}",
                starts_on=date(now.year, 1, 1),
                ends_on=date(now.year, 12, 31),
                schedule={},
                status="running",
                employees_started=len(PEOPLE),
                created_by=HR,
            )
        )
        await session.flush()
        for nip, (agency, stage, predikat, overdue, at_risk) in PEOPLE.items():
            session.add(
                Appraisal(
                    period_id=period_id,
                    nip=nip,
                    agency_code=agency,
                    unit_code=f"{agency}-UMUM",
                    supervisor_nip=None,
                    stage=stage,
                    predikat=predikat,
                    overdue=overdue,
                    at_risk=at_risk,
                    version=1,
                    state={"development": development.get(nip, [])},
                    workflow_id=f"appraisal-{period_id}-{nip}",
                    updated_at=now,
                )
            )
        rated = [Predikat(PEOPLE[n][2] or "") for n in (STAFF, PEER, TIM)]
        override = Override(
            reason=OVERRIDE_REASON,
            by=CALIBRATOR,
            at=now,
            violations=tuple(check_distribution(UnitPredikat.BUTUH_PERBAIKAN, rated)),
        )
        state = UnitState(
            period_id=period_id,
            unit_code=UNIT,
            agency_code="DINKES",
            unit_predikat=UnitPredikat.BUTUH_PERBAIKAN,
            override=override,
        )
        await save_unit_state(session, state, at=now)
        for number, (subject, step, level) in enumerate(
            [
                (STAFF, "penilaian", 1),
                (STAFF, "penilaian", 1),
                (STAFF, "penilaian", 2),
                (OUTSIDER, "pemantauan_laporan", 1),
            ]
        ):
            await notifications.add_notification(
                session,
                workflow_id=f"appraisal-{period_id}-{subject}",
                notice_key=f"{step}/{number}/eskalasi/{level}",
                period_id=period_id,
                subject_nip=subject,
                recipient_role="pejabat_penilai",
                recipient_nip=None,
                kind="eskalasi",
                step=step,
                level=level,
                due=now,
                created_at=now,
            )
        await notifications.add_notification(
            session,
            workflow_id=f"appraisal-{period_id}-{HEAD}",
            notice_key="sosialisasi/pengingat/0",
            period_id=period_id,
            subject_nip=HEAD,
            recipient_role="pegawai",
            recipient_nip=HEAD,
            kind="pengingat",
            step="sosialisasi",
            level=0,
            due=now,
            created_at=now,
        )
