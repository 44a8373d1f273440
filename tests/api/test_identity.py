"""The token says who, the organisation says what. Tokens are signed with the suite's own
key, so each one below is one a real identity provider could have issued: roles claimed
in it are never believed, the identity comes from one configured claim, a person the
roster does not know is refused, and claims of an unexpected type are a 401, not a 500."""

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from persistence.models import Employee
from runtime.devkeys import KEY_ID, public_jwks
from tests.api.conftest import AUDIENCE, GENEROUS_LIMITS, ISSUER
from tests.api.journey import assert_problem
from tests.orgs import HR, OUTSIDER, STAFF, TIM

Sign = Callable[..., dict[str, str]]
ClientFor = Callable[..., Any]


@pytest.fixture
def sign(signing_key: bytes) -> Sign:
    """Headers with a token of exactly these claims (plus valid iss/aud/exp)."""

    def headers(**claims: Any) -> dict[str, str]:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, **claims}
        token = jwt.encode(body, signing_key, algorithm="RS256", headers={"kid": KEY_ID})
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
async def client_for(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    signing_key: bytes,
    seeded: None,
) -> AsyncIterator[ClientFor]:
    """An API (reads only, no worker needed) whose verifier is configured as given."""
    opened: list[httpx.AsyncClient] = []

    def build(**verifier: Any) -> httpx.AsyncClient:
        context = ApiContext(
            temporal=temporal_env.client,
            sessionmaker=sessionmaker,
            verifier=TokenVerifier(
                issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key), **verifier
            ),
            task_queue="unused",
            **GENEROUS_LIMITS,
        )
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(context)), base_url="http://kinerja.test"
        )
        opened.append(http)
        return http

    yield build
    for http in opened:
        await http.aclose()


# --- roles come from the roster, never from the token --------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        {"roles": ["hr_admin"]},
        {"roles": ["auditor", "tim_penilai"]},
        {"realm_access": {"roles": ["hr_admin", "auditor"]}},
        {"resource_access": {"kinerja": {"roles": ["hr_admin"]}}},
    ],
    ids=["roles-hr", "roles-auditor-tim", "realm-roles", "client-roles-unconfigured"],
)
async def test_a_plain_pegawai_claiming_hr_roles_is_refused(
    client_for: ClientFor, sign: Sign, forged: dict[str, Any]
) -> None:
    http = client_for()
    headers = sign(sub=STAFF, nip=STAFF, **forged)

    assert_problem(await http.get("/audit", headers=headers), 403, "forbidden")
    assert_problem(await http.get("/periods/2027/summary", headers=headers), 403, "forbidden")
    listed = await http.get("/appraisals", headers=headers)
    assert listed.status_code == 200
    assert listed.json()["total"] == 0  # no period yet; and never anyone else's


async def test_claiming_tim_penilai_does_not_open_an_agency(
    client_for: ClientFor, sign: Sign
) -> None:
    http = client_for()
    # OUTSIDER (Dinas Pendidikan) is no tim penilai in the roster
    headers = sign(sub=OUTSIDER, roles=["tim_penilai"])

    assert_problem(await http.get("/periods/2027/summary", headers=headers), 403, "forbidden")


async def test_the_roster_grants_what_the_token_does_not_claim(
    client_for: ClientFor, sign: Sign
) -> None:
    http = client_for()

    response = await http.get("/audit", headers=sign(sub=HR, roles=[]))

    assert response.status_code == 200, response.text


async def test_a_roster_change_takes_effect_on_the_next_request_without_a_new_token(
    client_for: ClientFor, sign: Sign, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    http = client_for()
    staff, hr = sign(sub=STAFF), sign(sub=HR)
    assert_problem(await http.get("/audit", headers=staff), 403, "forbidden")

    async with sessionmaker.begin() as session:
        await session.execute(
            update(Employee).where(Employee.nip == STAFF).values(is_hr_admin=True)
        )
        await session.execute(update(Employee).where(Employee.nip == HR).values(is_hr_admin=False))

    assert (await http.get("/audit", headers=staff)).status_code == 200
    assert_problem(await http.get("/audit", headers=hr), 403, "forbidden")


# --- identity from one configured claim ----------------------------------------------------


async def test_the_identity_is_the_configured_claim_only(client_for: ClientFor, sign: Sign) -> None:
    by_sub = client_for()  # the default: sub
    # sub names a plain pegawai, a second claim names HR: the caller is the pegawai
    assert_problem(await by_sub.get("/audit", headers=sign(sub=STAFF, nip=HR)), 403, "forbidden")

    by_nip = client_for(identity_claim="nip")  # e.g. a Keycloak mapper; sub is a UUID
    keycloak_like = sign(sub="3f0c8a1e-5b6d-4c1f-9f7e-1a2b3c4d5e6f", nip=HR)
    assert (await by_nip.get("/audit", headers=keycloak_like)).status_code == 200


@pytest.mark.parametrize(
    "subject",
    ["201001012030011999", "not-a-nip", "3f0c8a1e-5b6d-4c1f-9f7e-1a2b3c4d5e6f"],
    ids=["unknown-nip", "not-a-nip", "uuid"],
)
async def test_a_token_naming_no_employee_is_refused_with_a_clear_problem(
    client_for: ClientFor, sign: Sign, subject: str
) -> None:
    problem = assert_problem(
        await client_for().get("/me/appraisals", headers=sign(sub=subject)), 403, "forbidden"
    )
    assert "tidak terdaftar" in problem["detail"]


async def test_an_employee_no_longer_active_is_refused(
    client_for: ClientFor, sign: Sign, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        await session.execute(update(Employee).where(Employee.nip == STAFF).values(active=False))

    assert_problem(
        await client_for().get("/me/appraisals", headers=sign(sub=STAFF)), 403, "forbidden"
    )


# --- claims of the wrong type: 401, never 500 ----------------------------------------------


@pytest.mark.parametrize(
    ("verifier", "claims"),
    [
        ({"identity_claim": "nip"}, {"sub": "x", "nip": int(STAFF)}),  # a Keycloak "long" mapper
        ({"identity_claim": "nip"}, {"sub": "x"}),  # the claim is missing
        ({}, {"sub": int(STAFF)}),
        ({}, {"sub": ["a", "b"]}),
        ({"roles_client": "kinerja"}, {"sub": HR, "resource_access": "hr_admin"}),
        ({"roles_client": "kinerja"}, {"sub": HR, "resource_access": {"kinerja": {"roles": 5}}}),
        ({"roles_client": "kinerja"}, {"sub": HR, "resource_access": {"kinerja": "hr_admin"}}),
    ],
    ids=[
        "nip-number",
        "nip-missing",
        "sub-number",
        "sub-list",
        "resource-access-string",
        "client-roles-number",
        "client-entry-string",
    ],
)
async def test_claims_of_an_unexpected_type_are_a_401(
    client_for: ClientFor, sign: Sign, verifier: dict[str, Any], claims: dict[str, Any]
) -> None:
    response = await client_for(**verifier).get("/me/appraisals", headers=sign(**claims))

    problem = assert_problem(response, 401, "unauthenticated")
    assert STAFF not in response.text and HR not in response.text
    assert problem["detail"]


@pytest.mark.parametrize(
    "claims",
    [{"roles": 5}, {"realm_access": "hr_admin"}, {"roles": {"a": 1}}, {"realm_access": [1]}],
    ids=["roles-number", "realm-access-string", "roles-object", "realm-access-list"],
)
async def test_role_claims_of_any_shape_are_ignored_not_a_500(
    client_for: ClientFor, sign: Sign, claims: dict[str, Any]
) -> None:
    http = client_for()

    assert (await http.get("/me/appraisals", headers=sign(sub=STAFF, **claims))).status_code == 200
    assert_problem(await http.get("/audit", headers=sign(sub=STAFF, **claims)), 403, "forbidden")


# --- Keycloak client roles may narrow, never widen -----------------------------------------


async def test_client_roles_narrow_the_roster_but_never_widen_it(
    client_for: ClientFor, sign: Sign
) -> None:
    http = client_for(roles_client="kinerja")
    granted = {"resource_access": {"kinerja": {"roles": ["hr_admin"]}}}

    assert (await http.get("/audit", headers=sign(sub=HR, **granted))).status_code == 200
    # HR in the roster, but this client did not grant it: narrowed away
    assert_problem(await http.get("/audit", headers=sign(sub=HR)), 403, "forbidden")
    # the client grants hr_admin to a plain pegawai: the roster does not, so no
    assert_problem(await http.get("/audit", headers=sign(sub=STAFF, **granted)), 403, "forbidden")
    # tim penilai keeps being pegawai when the client grants nothing
    assert (await http.get("/me/appraisals", headers=sign(sub=TIM))).status_code == 200


# --- clock leeway --------------------------------------------------------------------------


async def test_a_little_clock_skew_is_tolerated_but_not_more(
    client_for: ClientFor, signing_key: bytes
) -> None:
    http = client_for(leeway_seconds=30)

    def expired(seconds_ago: int) -> dict[str, str]:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": STAFF, "exp": now - seconds_ago}
        token = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KEY_ID})
        return {"Authorization": f"Bearer {token}"}

    assert (await http.get("/me/appraisals", headers=expired(10))).status_code == 200
    assert_problem(await http.get("/me/appraisals", headers=expired(120)), 401, "unauthenticated")
