"""Logging in through the dev people picker, the session behind the cookie, CSRF and
logout, against the real database."""

import httpx
from fastapi import FastAPI

from tests.orgs import HR, STAFF, SUPERVISOR
from tests.web.conftest import BrowserFor, csrf_of, local_browser


async def test_the_picker_lists_people_by_role_and_logs_one_in(browser_for: BrowserFor) -> None:
    browser = await browser_for(STAFF)
    home = await browser.get("/beranda")
    assert home.status_code == 200
    assert "Pegawai 003" in home.text  # SMALL_ORG names people by their NIP's tail
    assert home.headers["content-language"] == "id"
    assert home.headers["cache-control"] == "no-store"
    cookie = next(c for c in browser.cookies.jar if c.name == "kinerja_sesi")
    assert cookie.has_nonstandard_attr("HttpOnly")


async def test_without_a_session_a_page_sends_you_to_login(api: httpx.AsyncClient) -> None:
    response = await api.get("/beranda")
    assert response.status_code == 303
    assert response.headers["location"] == "/masuk?lanjut=/beranda"


async def test_a_forged_form_post_is_refused_and_changes_nothing(
    browser_for: BrowserFor, api: httpx.AsyncClient
) -> None:
    browser = await browser_for(STAFF)
    forged = await browser.post("/keluar", data={"csrf_token": "not-the-token"})
    assert forged.status_code == 403
    assert "tidak berasal dari sesi Anda" in forged.text
    assert (await browser.get("/beranda")).status_code == 200  # still logged in
    no_token = await browser.post("/keluar")
    assert no_token.status_code == 403


async def test_logout_ends_the_session_on_the_server(
    browser_for: BrowserFor, web_app: FastAPI
) -> None:
    browser = await browser_for(SUPERVISOR)
    home = await browser.get("/beranda")
    stolen = browser.cookies.get("kinerja_sesi")
    out = await browser.post("/keluar", data={"csrf_token": csrf_of(home)})
    assert out.status_code == 303
    assert (await browser.get("/beranda")).status_code == 303
    replay = local_browser(web_app)
    replay.cookies.set("kinerja_sesi", stolen or "")
    assert (await replay.get("/beranda")).status_code == 303  # the old cookie opens nothing
    await replay.aclose()


async def test_the_picker_is_not_offered_off_loopback(api: httpx.AsyncClient) -> None:
    response = await api.get("/masuk/demo")  # the api client connects from a test address
    assert response.status_code == 404


async def test_roles_come_from_the_roster_on_every_page(browser_for: BrowserFor) -> None:
    supervisor = await browser_for(SUPERVISOR)
    assert "/tim" in (await supervisor.get("/beranda")).text
    staff = await browser_for(STAFF)
    assert 'href="/tim"' not in (await staff.get("/beranda")).text
    hr = await browser_for(HR)
    assert (await hr.get("/beranda")).status_code == 200


async def test_english_on_request(browser_for: BrowserFor) -> None:
    browser = await browser_for(STAFF)
    switched = await browser.post("/bahasa", data={"bahasa": "en", "kembali": "/beranda"})
    assert switched.status_code == 303
    home = await browser.get("/beranda")
    assert home.status_code == 200, home.text
    assert home.headers["content-language"] == "en"
    assert "What I need to do" in home.text
