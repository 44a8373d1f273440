"""What every answer carries besides its body: the time of the change a command made,
problem details in English on ``Accept-Language: en``, and ``Allow`` on a 405."""

import re

import httpx

from api.messages import CATALOGUE, english
from domain.distribusi import Violation
from domain.unit import DistributionViolatedError
from tests.api.conftest import TokenFor
from tests.api.journey import assert_problem, start_period, unit_url
from tests.orgs import HR, STAFF

EN = {"Accept-Language": "en"}


async def test_a_commands_answer_carries_the_time_of_its_change(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    url = f"/appraisals/{period_id}/{STAFF}"
    before = (await client.get(url, headers=auth(STAFF))).json()

    answer = await client.post(f"{url}/acknowledge", headers=auth(STAFF))

    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] > before["version"]
    assert answer.json()["updated_at"] > before["updated_at"]


async def test_problem_details_are_in_english_when_asked(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")

    missing = await client.get("/periods/nowhere", headers={**hr, **EN})
    refused_by_the_domain = await client.post(  # a Temporal update failure
        f"{unit_url(period_id)}/finalise", headers={**hr, **EN}
    )
    blank = await client.post(
        f"/appraisals/{period_id}/{STAFF}/checkins/1/feedback",
        json={"text": "   "},
        headers={**hr, **EN},
    )
    indonesian = await client.get("/periods/nowhere", headers=hr)

    assert assert_problem(missing, 404, "not-found")["detail"] == "Period nowhere not found"
    problem = assert_problem(refused_by_the_domain, 409, "wrong-state")
    assert problem["detail"] == "The unit's predicate has not been set"
    problem = assert_problem(blank, 422, "validation-error")
    assert problem["detail"] == "Check the fields marked"
    assert problem["errors"][0]["message"] == "Text may not be empty or only spaces"
    problem = assert_problem(indonesian, 404, "not-found")
    assert problem["detail"] == "Periode nowhere tidak ditemukan"


def test_a_distribution_refusal_is_translated_violation_by_violation() -> None:
    violations = [
        Violation(rule="paling banyak 70% baik", actual_count=5, allowed_count=3, unit_size=5,
                  off_by=2),
        Violation(rule="sedikitnya 1 pegawai butuh_perbaikan atau kurang", actual_count=0,
                  allowed_count=1, unit_size=5, off_by=1),
    ]  # fmt: skip

    assert english(str(DistributionViolatedError(violations))) == (
        "Rule 'paling banyak 70% baik' broken: 5 of 5 employees; off by 2; "
        "Rule 'sedikitnya 1 pegawai butuh_perbaikan atau kurang' broken: 0 of 5 employees; "
        "off by 1"
    )


def test_a_detail_not_in_the_catalogue_stays_indonesian() -> None:
    assert english("Sesuatu yang belum diterjemahkan") == "Sesuatu yang belum diterjemahkan"


def test_every_catalogue_entry_keeps_its_placeholders() -> None:
    placeholders = re.compile(r"\{(\w+)\}")
    for indonesian, text in CATALOGUE.items():
        assert set(placeholders.findall(indonesian)) == set(placeholders.findall(text)), indonesian


async def test_a_405_says_which_methods_are_allowed(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    hr = auth(HR, "hr_admin")

    on_periods = await client.delete("/periods", headers=hr)
    on_an_appraisal = await client.patch(f"/appraisals/p1/{STAFF}", headers={**hr, **EN})

    assert_problem(on_periods, 405, "method-not-allowed")
    assert set(on_periods.headers["allow"].split(", ")) == {"GET", "POST"}
    assert "DELETE" in on_periods.json()["detail"]
    problem = assert_problem(on_an_appraisal, 405, "method-not-allowed")
    assert "GET" in on_an_appraisal.headers["allow"].split(", ")
    assert problem["detail"].startswith("Method PATCH is not allowed here; use ")
