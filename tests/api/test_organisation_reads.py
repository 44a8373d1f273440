"""Reads of the organisation (``/organisation/agencies``, ``/organisation/units/{code}``,
``/people/{nip}``), each role's view of SMALL_ORG grown by a chain five levels deep
(HEAD → SUPERVISOR → STAFF → INTERN → TRAINEE), a second DINKES unit and someone who left:
HR and the auditor see everyone, a tim penilai their agency, everyone else themselves,
their chain upward and two levels below; anyone else is a 404 like a NIP that does not
exist, and roster roles are HR's to see alone."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.organisation import EmployeeRecord
from persistence.repositories.organisation import upsert_roster
from tests.api.checks import assert_problem_kind, invalid_fields
from tests.api.conftest import TokenFor
from tests.orgs import (
    AUDITOR,
    CALIBRATOR,
    HEAD,
    HR,
    INDEPENDENT_TIM,
    OTHER_TIM,
    OUTSIDER,
    PEER,
    SMALL_ORG,
    STAFF,
    SUPERVISOR,
    TIM,
    WITH_OTHER_ROLES,
)

INTERN = "200001012022031011"  # reports to STAFF: the fourth level
TRAINEE = "200102022023031012"  # reports to INTERN: the fifth
LEAVER = "199205052017031013"  # reported to SUPERVISOR, no longer active
UNKNOWN = "199912312099121999"  # nobody
UMUM, MUTU = "DINKES-UMUM", "DINKES-MUTU"


def _below(nip: str, supervisor: str, *, active: bool = True) -> EmployeeRecord:
    return EmployeeRecord(
        nip=nip,
        name=f"Pegawai {nip[-3:]}",
        position="Pelaksana",
        grade="Pengatur (II/c)",
        employment_type="PPPK",
        agency_code="DINKES",
        agency_name="Dinkes",
        unit_code=UMUM,
        unit_name="Umum",
        supervisor_nip=supervisor,
        active=active,
    )


@pytest.fixture
async def org(client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    extra = [
        _below(INTERN, STAFF),
        _below(TRAINEE, INTERN),
        _below(LEAVER, SUPERVISOR, active=False),
        INDEPENDENT_TIM,
    ]
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [*SMALL_ORG, *WITH_OTHER_ROLES, *extra])


@pytest.fixture
def as_(auth: TokenFor) -> dict[str, dict[str, str]]:
    """Tokens by who (the roster grants the roles)."""
    return {
        "hr": auth(HR, "hr_admin"),
        "auditor": auth(AUDITOR, "auditor"),
        "tim": auth(TIM, "tim_penilai"),
        "other tim": auth(OTHER_TIM, "tim_penilai"),
        "calibrator": auth(CALIBRATOR, "tim_penilai"),
        "head": auth(HEAD, "pejabat_penilai"),
        "supervisor": auth(SUPERVISOR, "pejabat_penilai"),
        "staff": auth(STAFF),
        "peer": auth(PEER),
        "intern": auth(INTERN),
        "trainee": auth(TRAINEE),
        "outsider": auth(OUTSIDER),
    }


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.text)
    body: dict[str, Any] = response.json()
    return body


def _nips(items: list[dict[str, Any]]) -> list[str]:
    return [item["nip"] for item in items]


# who sees whom: everyone of the organisation that is not named here is a 404 for them
EVERYONE = [HEAD, SUPERVISOR, STAFF, PEER, TIM, OUTSIDER, HR, OTHER_TIM, AUDITOR, CALIBRATOR]
EVERYONE += [INTERN, TRAINEE, LEAVER]
DINKES = {HEAD, SUPERVISOR, STAFF, PEER, TIM, CALIBRATOR, INTERN, TRAINEE, LEAVER}
SEES = {
    "hr": set(EVERYONE),
    "auditor": set(EVERYONE),
    "tim": DINKES,
    "other tim": {OUTSIDER, OTHER_TIM},
    "calibrator": DINKES,
    # two levels down: not INTERN (three below HEAD); TIM reports to HEAD
    "head": {HEAD, SUPERVISOR, TIM, STAFF, PEER},
    # LEAVER is no longer below anyone
    "supervisor": {SUPERVISOR, HEAD, STAFF, PEER, INTERN},
    "staff": {STAFF, SUPERVISOR, HEAD, INTERN, TRAINEE},
    "peer": {PEER, SUPERVISOR, HEAD},
    "intern": {INTERN, STAFF, SUPERVISOR, HEAD, TRAINEE},
    "trainee": {TRAINEE, INTERN, STAFF, SUPERVISOR, HEAD},
    "outsider": {OUTSIDER},
}


@pytest.mark.usefixtures("org")
async def test_each_caller_sees_exactly_their_scope_of_people(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    for who, visible in SEES.items():
        for nip in [*EVERYONE, UNKNOWN]:
            response = await client.get(f"/people/{nip}", headers=as_[who])
            if nip in visible:
                assert response.status_code == 200, (who, nip, response.text)
                assert response.json()["nip"] == nip
            else:
                assert response.status_code == 404, (who, nip, response.text)
                problem = assert_problem_kind(response, "not-found")
                # a stranger cannot tell someone out of scope from nobody at all
                assert problem["detail"] == "Pegawai tidak ditemukan", (who, nip)


@pytest.mark.usefixtures("org")
async def test_the_chain_up_and_the_reports_down_on_a_long_chain(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    hr = as_["hr"]
    trainee = await _get(client, f"/people/{TRAINEE}", hr)
    assert _nips(trainee["supervisors"]) == [INTERN, STAFF, SUPERVISOR, HEAD]  # nearest first
    assert trainee["direct_reports"] == []
    assert trainee["supervisors"][0] == {
        "nip": INTERN,
        "name": "Pegawai 011",
        "position": "Pelaksana",
    }
    assert trainee["employment_type"] == "PPPK"
    assert trainee["unit"] == {"code": UMUM, "name": "Umum"}
    assert trainee["agency"] == {"code": "DINKES", "name": "Dinkes"}

    staff = await _get(client, f"/people/{STAFF}", hr)
    assert _nips(staff["supervisors"]) == [SUPERVISOR, HEAD]
    assert _nips(staff["direct_reports"]) == [INTERN]
    assert (staff["position"], staff["grade"], staff["active"]) == (
        "Analis",
        "Penata (III/c)",
        True,
    )

    # the active direct reports only: LEAVER has left
    supervisor = await _get(client, f"/people/{SUPERVISOR}", hr)
    assert _nips(supervisor["direct_reports"]) == sorted([STAFF, PEER])
    head = await _get(client, f"/people/{HEAD}", hr)
    assert head["supervisors"] == []
    assert _nips(head["direct_reports"]) == sorted([SUPERVISOR, TIM])
    leaver = await _get(client, f"/people/{LEAVER}", hr)
    assert leaver["active"] is False
    assert _nips(leaver["supervisors"]) == [SUPERVISOR, HEAD]

    # the same chain as TRAINEE sees it (all of it is theirs to know) and as INTERN
    assert (await _get(client, f"/people/{TRAINEE}", as_["trainee"]))["supervisors"] == trainee[
        "supervisors"
    ]
    assert _nips((await _get(client, f"/people/{TRAINEE}", as_["intern"]))["supervisors"]) == [
        INTERN,
        STAFF,
        SUPERVISOR,
        HEAD,
    ]


@pytest.mark.usefixtures("org")
async def test_reports_and_chains_name_only_people_in_the_callers_scope(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    # STAFF sees their supervisor's reports as just themselves: PEER is not theirs to see
    supervisor = await _get(client, f"/people/{SUPERVISOR}", as_["staff"])
    assert _nips(supervisor["supervisors"]) == [HEAD]
    assert _nips(supervisor["direct_reports"]) == [STAFF]
    # HEAD sees two levels down: STAFF's report INTERN is beyond
    staff = await _get(client, f"/people/{STAFF}", as_["head"])
    assert _nips(staff["supervisors"]) == [SUPERVISOR, HEAD]
    assert staff["direct_reports"] == []
    head = await _get(client, f"/people/{HEAD}", as_["supervisor"])
    assert _nips(head["direct_reports"]) == [SUPERVISOR]  # not TIM
    # every name in any answer is someone the caller may open
    for who, visible in SEES.items():
        for nip in visible:
            person = await _get(client, f"/people/{nip}", as_[who])
            named = set(_nips(person["supervisors"])) | set(_nips(person["direct_reports"]))
            assert named <= visible, (who, nip, named - visible)


@pytest.mark.usefixtures("org")
async def test_roster_roles_are_shown_to_hr_only(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    tim = await _get(client, f"/people/{TIM}", as_["hr"])
    assert tim["roles"] == {"hr_admin": False, "tim_penilai": True, "auditor": False}
    hr = await _get(client, f"/people/{HR}", as_["hr"])
    assert hr["roles"] == {"hr_admin": True, "tim_penilai": False, "auditor": False}
    for who, nip in (("auditor", TIM), ("tim", TIM), ("head", TIM), ("auditor", HR)):
        assert (await _get(client, f"/people/{nip}", as_[who]))["roles"] is None, (who, nip)
    for who, nip in (("tim", TIM), ("auditor", AUDITOR), ("staff", STAFF)):
        assert (await _get(client, f"/people/{nip}", as_[who]))["roles"] is None, (who, nip)


@pytest.mark.usefixtures("org")
async def test_agencies_all_for_hr_and_auditor_own_for_everyone_else(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    everything = [
        {"code": "BKPSDM", "name": "Bkpsdm", "active_employees": 1, "units": 1},
        # HEAD, SUPERVISOR, STAFF, PEER, TIM, INTERN, TRAINEE, CALIBRATOR; not LEAVER
        {"code": "DINKES", "name": "Dinkes", "active_employees": 8, "units": 2},
        {"code": "DISDIK", "name": "Disdik", "active_employees": 2, "units": 1},
        {"code": "INSPEKTORAT", "name": "Inspektorat", "active_employees": 1, "units": 1},
    ]
    by_code = {agency["code"]: agency for agency in everything}
    own = {
        "hr": [a["code"] for a in everything],
        "auditor": [a["code"] for a in everything],
        "tim": ["DINKES"],
        "other tim": ["DISDIK"],
        "supervisor": ["DINKES"],
        "staff": ["DINKES"],
        "outsider": ["DISDIK"],
    }
    for who, codes in own.items():
        listed = await _get(client, "/organisation/agencies", as_[who])
        assert listed == {"items": [by_code[code] for code in codes]}, who


@pytest.mark.usefixtures("org")
async def test_a_unit_with_its_people_and_heads_as_each_caller_sees_it(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    umum_active = sorted([HEAD, SUPERVISOR, STAFF, PEER, TIM, INTERN, TRAINEE])
    for who in ("hr", "auditor", "tim", "calibrator"):
        unit = await _get(client, f"/organisation/units/{UMUM}", as_[who])
        assert (unit["code"], unit["name"]) == (UMUM, "Umum")
        assert unit["agency"] == {"code": "DINKES", "name": "Dinkes"}
        assert _nips(unit["people"]) == umum_active, who
        assert unit["total"] == len(umum_active)
        assert _nips(unit["heads"]) == [HEAD]
        assert unit["heads"][0]["supervisor_nip"] is None
    staff_view = {
        person["nip"]: person
        for person in (await _get(client, f"/organisation/units/{UMUM}", as_["staff"]))["people"]
    }
    assert sorted(staff_view) == sorted(SEES["staff"])
    assert staff_view[INTERN] == {
        "nip": INTERN,
        "name": "Pegawai 011",
        "position": "Pelaksana",
        "supervisor_nip": STAFF,
    }
    for who in ("head", "supervisor", "peer", "trainee"):
        unit = await _get(client, f"/organisation/units/{UMUM}", as_[who])
        assert set(_nips(unit["people"])) == SEES[who] - {LEAVER}, who
        assert _nips(unit["heads"]) == [HEAD], who

    # a unit with nobody of the caller's in it, or of another agency, is not there
    refused = [
        ("other tim", UMUM),
        ("outsider", UMUM),
        ("tim", "DISDIK-UMUM"),
        ("staff", MUTU),
        ("head", MUTU),
        ("hr", "NO-SUCH-UNIT"),
        ("staff", "NO-SUCH-UNIT"),
    ]
    for who, code in refused:
        response = await client.get(f"/organisation/units/{code}", headers=as_[who])
        problem = assert_problem_kind(response, "not-found")
        assert problem["detail"] == "Unit tidak ditemukan", (who, code)
    # MUTU is one tim penilai's own unit: they are its head (their supervisor: nobody)
    mutu = await _get(client, f"/organisation/units/{MUTU}", as_["calibrator"])
    assert _nips(mutu["people"]) == _nips(mutu["heads"]) == [CALIBRATOR]
    mutu = await _get(client, f"/organisation/units/{MUTU}", as_["tim"])
    assert _nips(mutu["heads"]) == [CALIBRATOR]
    disdik = await _get(client, "/organisation/units/DISDIK-UMUM", as_["other tim"])
    assert _nips(disdik["people"]) == sorted([OUTSIDER, OTHER_TIM])
    assert _nips(disdik["heads"]) == sorted([OUTSIDER, OTHER_TIM])


@pytest.mark.usefixtures("org")
async def test_a_units_people_are_paged_by_nip_with_every_head_on_every_page(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    hr = as_["hr"]
    seen: list[str] = []
    for offset in range(0, 8, 3):
        page = await _get(client, f"/organisation/units/{UMUM}?limit=3&offset={offset}", hr)
        assert (page["total"], page["limit"], page["offset"]) == (7, 3, offset)
        assert _nips(page["heads"]) == [HEAD]
        seen += _nips(page["people"])
    assert seen == sorted([HEAD, SUPERVISOR, STAFF, PEER, TIM, INTERN, TRAINEE])
    beyond = await _get(client, f"/organisation/units/{UMUM}?offset=50", hr)
    assert (beyond["total"], beyond["people"]) == (7, [])
    # a page past the end is still the caller's unit: STAFF gets it, empty, not a 404
    beyond = await _get(client, f"/organisation/units/{UMUM}?offset=50", as_["staff"])
    assert (beyond["total"], beyond["people"]) == (5, [])
    for query in ("limit=0", "limit=501", "offset=-1", "limit=x"):
        response = await client.get(f"/organisation/units/{UMUM}?{query}", headers=hr)
        assert invalid_fields(response), query


@pytest.mark.usefixtures("org")
async def test_bad_input_is_a_422_and_no_token_a_401(
    client: httpx.AsyncClient, as_: dict[str, dict[str, str]]
) -> None:
    hr = as_["hr"]
    for url in (
        "/people/12345",
        "/people/1970010120000310011",
        "/people/19700101200003100x",
        "/people/%EF%BC%91" + "9" * 17,  # a fullwidth digit
        "/organisation/units/DINKES%20UMUM",
        "/organisation/units/" + "A" * 41,
        "/organisation/units/%00",
    ):
        response = await client.get(url, headers=hr)
        assert invalid_fields(response), (url, response.text)
    english = {**as_["outsider"], "Accept-Language": "en"}
    for url, detail in (
        (f"/people/{STAFF}", "Employee not found"),
        (f"/organisation/units/{UMUM}", "Unit not found"),
    ):
        assert (await client.get(url, headers=english)).json()["detail"] == detail
    for url in ("/organisation/agencies", f"/organisation/units/{UMUM}", f"/people/{STAFF}"):
        response = await client.get(url)
        assert_problem_kind(response, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"
