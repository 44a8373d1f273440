"""The audit trail on the web for HR and the auditor: the events of a period just opened,
filtered by period, actor, kind of action and a date range in WIB, a page at a time;
what cannot be read is marked beside its field; nobody else gets in. The API's
``GET /audit`` takes the same date range (``since``, ``until``)."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories.organisation import upsert_roster
from tests.api.conftest import TokenFor
from tests.api.journey import PROBLEM_JSON, start_period
from tests.orgs import AUDITOR, HR, SMALL_ORG, STAFF, TIM, WITH_OTHER_ROLES
from tests.web.conftest import BrowserFor
from web.i18n import DISPLAY_ZONE
from web.routes import audit as audit_page

HR_NAME = next(record.name for record in SMALL_ORG if record.nip == HR)


async def test_hr_filters_the_trail_by_period_actor_kind_and_dates(
    browser_for: BrowserFor,
    api: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await start_period(api, auth, period_id)
    hr = await browser_for(HR)
    today = datetime.now(UTC).astimezone(DISPLAY_ZONE).date()

    everything = await hr.get("/jejak-audit")
    assert everything.status_code == 200, everything.text
    assert "period.started" in everything.text

    started = await hr.get(
        "/jejak-audit", params={"periode": period_id, "pelaku": HR, "jenis": "period"}
    )
    assert started.status_code == 200
    assert "period.started" in started.text and HR_NAME in started.text  # the actor by name
    assert "appraisal.opened" not in started.text  # another kind
    assert (
        f'value="{period_id}"' in started.text and '<option value="period" selected' in started.text
    )

    opened = await hr.get(
        "/jejak-audit", params={"periode": period_id, "jenis": "appraisal_opened"}
    )
    assert opened.text.count("<tr>") - 1 == len(SMALL_ORG)  # one row each, besides the header

    window = {"periode": period_id, "dari": today.isoformat(), "sampai": today.isoformat()}
    assert "period.started" in (await hr.get("/jejak-audit", params=window)).text
    tomorrow = (today + timedelta(days=1)).isoformat()
    later = await hr.get("/jejak-audit", params=window | {"dari": tomorrow, "sampai": tomorrow})
    assert "Tidak ada peristiwa yang cocok." in later.text

    monkeypatch.setattr(audit_page, "PAGE", 2)
    first = await hr.get("/jejak-audit", params={"periode": period_id})
    assert "Berikutnya" in first.text and "Sebelumnya" not in first.text
    second = await hr.get("/jejak-audit", params={"periode": period_id, "mulai": "2"})
    assert "Sebelumnya" in second.text and "3–4 dari" in second.text


async def test_what_cannot_be_read_is_marked_and_only_hr_and_the_auditor_read(
    browser_for: BrowserFor,
    api: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(api, auth, period_id)
    hr = await browser_for(HR)
    typo = await hr.get(
        "/jejak-audit", params={"dari": "kemarin", "jenis": "semua", "periode": "Bukan Kode"}
    )
    assert typo.status_code == 422
    assert typo.text.count('aria-invalid="true"') == 3
    assert 'value="kemarin"' in typo.text and 'role="alert"' in typo.text
    backwards = await hr.get("/jejak-audit", params={"dari": "2027-02-01", "sampai": "2027-01-01"})
    assert backwards.status_code == 422 and "tidak boleh sebelum" in backwards.text

    for nip in (STAFF, TIM):
        refused = await (await browser_for(nip)).get("/jejak-audit")
        assert refused.status_code == 403
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [r for r in WITH_OTHER_ROLES if r.nip == AUDITOR])
    assert (await (await browser_for(AUDITOR)).get("/jejak-audit")).status_code == 200

    # the API takes the same range, as moments with their offset
    headers = auth(HR, "hr_admin")
    now = datetime.now(UTC)
    base = {"period_id": period_id, "action": "period.started"}
    for query, total in (
        ({"since": (now - timedelta(hours=1)).isoformat()}, 1),
        ({"since": (now + timedelta(hours=1)).isoformat()}, 0),
        ({"until": (now - timedelta(hours=1)).isoformat()}, 0),
    ):
        answer = await api.get("/audit", params=base | query, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == total, query
    for edge in ("0001-01-01T00:00:00+05:00", "2027-01-01T00:00:00"):  # no UTC moment; naive
        refused = await api.get("/audit", params=base | {"since": edge}, headers=headers)
        assert refused.status_code == 422, edge
        assert refused.headers["content-type"] == PROBLEM_JSON
