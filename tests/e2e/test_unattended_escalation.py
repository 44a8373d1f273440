"""Through the API on the dev server, with a schedule a few seconds long: an SKP nobody
drafts is reminded, then escalated to the supervisor, the atasan and BKPSDM on its own."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from persistence.models import AuditEvent, Notification
from tests.api.conftest import TokenFor
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.orgs import HEAD, HR, SMALL_ORG, STAFF, SUPERVISOR
from tests.waiting import eventually

SECOND = timedelta(seconds=1)


async def test_an_unattended_skp_escalates_up_the_chain(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    temporal_env: WorkflowEnvironment,
) -> None:
    now = datetime.now(UTC)
    period = make_period(
        period_id,
        start=now - 4 * SECOND,
        step=6 * SECOND,
        reminder_before=2 * SECOND,
        escalation_interval=3 * SECOND,
    )
    hr = auth(HR, "hr_admin")
    started = await client.post("/periods", json=period.model_dump(mode="json"), headers=hr)
    assert started.status_code == 201, started.text
    url = f"/appraisals/{period_id}/{STAFF}"

    async def appraisal() -> dict:
        response = await client.get(url, headers=hr)
        return response.json() if response.status_code == 200 else {}

    await eventually(appraisal, lambda body: body.get("stage") == "sosialisasi")
    acknowledged = await client.post(f"{url}/acknowledge", headers=auth(STAFF))
    assert acknowledged.status_code == 200, acknowledged.text

    body = await eventually(
        appraisal,
        lambda body: any(
            n["kind"] == "eskalasi"
            and n["recipient_role"] == "hr_admin"
            and n["step"] == "skp_penyusunan"
            for n in body.get("notices", [])
        ),
        patience=60,
        what="escalation of the SKP up to BKPSDM",
    )

    skp_notices = [n for n in body["notices"] if n["step"] == "skp_penyusunan"]
    assert [(n["kind"], n["level"], n["recipient_role"], n["recipient_nip"]) for n in skp_notices][
        :4
    ] == [
        ("pengingat", 0, "pegawai", STAFF),
        ("eskalasi", 1, "pejabat_penilai", SUPERVISOR),
        ("eskalasi", 2, "atasan_penilai", HEAD),
        ("eskalasi", 3, "hr_admin", None),
    ]
    assert body["overdue"] is True
    assert body["pending"][0]["kind"] == "skp_penyusunan"
    async with sessionmaker() as session:
        outbox = (
            await session.scalars(
                select(Notification).where(
                    Notification.period_id == period_id,
                    Notification.subject_nip == STAFF,
                    Notification.step == "skp_penyusunan",
                )
            )
        ).all()
        audited = (
            await session.scalars(
                select(AuditEvent.action).where(
                    AuditEvent.subject_id == f"{period_id}/{STAFF}",
                    AuditEvent.action.like("deadline.%"),
                )
            )
        ).all()
    assert {(n.recipient_role, n.recipient_nip) for n in outbox} >= {
        ("pegawai", STAFF),
        ("pejabat_penilai", SUPERVISOR),
        ("atasan_penilai", HEAD),
        ("hr_admin", None),
    }
    assert audited.count("deadline.eskalasi") >= 3

    # operators find it in the Temporal UI by stage, agency and overdue flag
    query = (
        f"WorkflowId STARTS_WITH 'appraisal-{period_id}-' AND AppraisalStage = 'perencanaan' "
        "AND Agency = 'DINKES' AND Overdue = true"
    )

    async def listed() -> list[str]:
        return [wf.id async for wf in temporal_env.client.list_workflows(query)]

    found = await eventually(listed, lambda ids: ids != [], what="search attributes indexed")
    assert found == [appraisal_id(period_id, STAFF)]
    assert len(SMALL_ORG) > 1  # the others stay in sosialisasi and are not listed
