"""Segregation of duties through the API: the chain each rule checks comes from the roster
on every request, and each refusal is a 403 that names the rule and changes nothing."""

from typing import Any

import httpx

from tests.api.conftest import TokenFor
from tests.api.journey import Journey, assert_problem, dialogue_body, start_period
from tests.orgs import HEAD, HR, STAFF, TIM

OWN = "Pemisahan tugas: Anda tidak dapat bertindak atas penilaian Anda sendiri"
ABOVE = "Pemisahan tugas: Anda tidak dapat menilai, memutus, atau mengubah penilaian atasan"
SELF_APPOINTED = "Pemisahan tugas: Anda tidak dapat menunjuk diri sendiri"


async def _refused(
    client: httpx.AsyncClient,
    journey: Journey,
    path: str,
    headers: dict[str, str],
    body: Any,
    rule: str,
) -> None:
    before = await journey.read()
    response = await client.post(f"{journey.url}{path}", json=body, headers=headers)
    assert rule in assert_problem(response, 403, "forbidden")["detail"], response.text
    after = await journey.read()
    assert (after["version"], after["stage"]) == (before["version"], before["stage"])


async def test_self_dealing_and_chain_inverting_writes_are_refused_naming_the_rule(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    hr, tim = auth(HR), auth(TIM)
    own = Journey(client, auth, period_id, HR)
    staff = Journey(client, auth, period_id, STAFF)
    head = Journey(client, auth, period_id, HEAD)
    extend = {"new_due": "2099-01-01T08:00:00+07:00", "reason": "Perlu waktu tambahan"}
    cells = [
        (own, "/deadlines/sosialisasi_due/extend", hr, extend, OWN),
        (own, "/supervisor", hr, {"new_supervisor_nip": HEAD, "reason": "Mutasi jabatan"}, OWN),
        (
            staff,
            "/supervisor",
            hr,
            {"new_supervisor_nip": HR, "reason": "Mengisi kekosongan"},
            SELF_APPOINTED,
        ),
    ]
    for journey, path, headers, body, rule in cells:
        await _refused(client, journey, path, headers, body, rule)

    # TIM reports to HEAD (the roster says so; the token does not): HEAD is above TIM
    await head.to_wawancara()
    await _refused(client, head, "/wawancara", tim, dialogue_body(HEAD, None), ABOVE)
    await head.record_dialogue()  # HR, for the regional head: independent of HEAD
    rating = {"hasil_kerja": "di_atas", "perilaku": "di_atas", "notes": "Kalibrasi tim"}
    await _refused(client, head, "/rating", tim, rating, ABOVE)
    rated = await head.rate("sesuai", "sesuai")  # the pejabat penilai may
    assert rated["result"]["predikat"] == "baik"
    print(f"segregation of duties through the API: {len(cells) + 2} cells, 0 successes")
