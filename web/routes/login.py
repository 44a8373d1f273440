"""Logging in and out. OpenID Connect authorization code flow with PKCE (authlib) against
the configured provider; the ID token's identity claim names the employee, the roster says
what they may do (as for API tokens). In dev mode, on loopback only, a picker lists the
demo people so a newcomer can be anyone in two clicks. The language switch lives here
too: it must work before login."""

from datetime import UTC, datetime
from typing import Annotated

from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import TokenIdentity
from api.deps import Session
from api.identity import resolve_actor
from api.problems import Problem
from api.routes.dev import served_on_loopback
from domain.roles import Role, roster_roles
from persistence.repositories.organisation import list_employees, supervisor_nips
from persistence.repositories.web_sessions import end_session
from web.config import OidcClient, WebConfig
from web.i18n import LOCALE_COOKIE, LOCALES
from web.route import HtmlRoute
from web.sessions import check_csrf, current_row, end_current, open_session, web_config
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

LOGIN_EXPIRED = "Proses masuk kedaluwarsa atau tidak dikenali; silakan masuk lagi"
LOGIN_REFUSED = "Penyedia identitas tidak mengizinkan masuk"
NO_IDENTITY = "Token identitas tidak memuat identitas pegawai"
NO_DEMO = "Halaman demo hanya ada pada mode pengembangan di loopback"
ROLE_ORDER = (Role.HR_ADMIN, Role.TIM_PENILAI, Role.AUDITOR, Role.PEJABAT_PENILAI, Role.PEGAWAI)


def oidc_app(oidc: OidcClient) -> StarletteOAuth2App:
    """The provider's client, configured from its discovery document (fetched on first
    use); PKCE with S256 on every authorization request."""
    oauth = OAuth()
    client: StarletteOAuth2App = oauth.register(
        "kinerja",
        server_metadata_url=oidc.metadata_url,
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        client_kwargs={"scope": oidc.scope, "code_challenge_method": "S256"},
    )
    return client


def safe_next(target: str | None) -> str:
    """Only a path of this site: ``//evil.example`` or a full URL would be an open
    redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/beranda"


def _demo_allowed(request: Request, config: WebConfig) -> bool:
    return config.dev_login and served_on_loopback(request)


@router.get("/masuk")
async def login_page(request: Request, db: Session, lanjut: str | None = None) -> Response:
    config = web_config(request)
    row = await current_row(request, db)
    if row is not None and row.employee_key is not None:
        return RedirectResponse(safe_next(lanjut), status_code=303)
    return render(
        request,
        "masuk.html",
        {
            "next": safe_next(lanjut),
            "sso": config.oidc is not None,
            "demo": _demo_allowed(request, config),
        },
    )


@router.get("/masuk/sso")
async def login_start(request: Request, db: Session, lanjut: str | None = None) -> Response:
    client: StarletteOAuth2App | None = getattr(request.app.state, "web_oidc", None)
    if client is None:
        raise Problem("not-found", "Masuk dengan SSO belum dikonfigurasi")
    request.scope["session"] = {}  # authlib keeps state, nonce and PKCE verifier here
    redirect: Response = await client.authorize_redirect(
        request, str(request.url_for("login_finish"))
    )
    data = {"oidc": dict(request.scope["session"]), "next": safe_next(lanjut)}
    (await open_session(db, data=data)).attach(redirect, web_config(request))
    return redirect


@router.get("/masuk/selesai", name="login_finish")
async def login_finish(request: Request, db: Session) -> Response:
    config = web_config(request)
    client: StarletteOAuth2App | None = getattr(request.app.state, "web_oidc", None)
    pending = await current_row(request, db)
    if client is None or config.oidc is None or pending is None or "oidc" not in pending.data:
        raise Problem("unauthenticated", LOGIN_EXPIRED)
    request.scope["session"] = dict(pending.data["oidc"])
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as refused:  # wrong state, a denied consent, a bad code
        raise Problem("unauthenticated", LOGIN_REFUSED) from refused
    claims = token.get("userinfo") or {}
    subject, key = claims.get("sub"), claims.get(config.oidc.identity_claim)
    if not isinstance(subject, str) or not isinstance(key, str):
        raise Problem("unauthenticated", NO_IDENTITY)
    await resolve_actor(db, TokenIdentity(subject=subject, employee_key=key))  # 403 if unknown
    target = safe_next(pending.data.get("next"))
    await end_session(db, pending.id, datetime.now(UTC))
    response = RedirectResponse(target, status_code=303)
    (await open_session(db, subject=subject, employee_key=key)).attach(response, config)
    return response


@router.get("/masuk/demo")
async def demo_picker(request: Request, db: Session) -> Response:
    config = web_config(request)
    if not _demo_allowed(request, config):
        raise Problem("not-found", NO_DEMO)
    people = await list_employees(db)
    supervisors = await supervisor_nips(db)
    groups: dict[Role, list[object]] = {role: [] for role in ROLE_ORDER}
    for person in people:
        if not person.active:
            continue
        roles = roster_roles(
            is_hr_admin=person.is_hr_admin,
            is_tim_penilai=person.is_tim_penilai,
            is_auditor=person.is_auditor,
            is_supervisor=person.nip in supervisors,
        )
        groups[next(role for role in ROLE_ORDER if role in roles)].append(person)
    row = await current_row(request, db)
    created = None if row is not None else await open_session(db)  # for the form's token
    csrf = created.row.csrf_token if created else row.csrf_token if row else ""
    response = render(request, "masuk_demo.html", {"groups": groups, "csrf": csrf})
    if created is not None:
        created.attach(response, config)
    return response


@router.post("/masuk/demo")
async def demo_login(request: Request, db: Session, nip: Annotated[str, Form()]) -> Response:
    config = web_config(request)
    if not _demo_allowed(request, config):
        raise Problem("not-found", NO_DEMO)
    pending = await current_row(request, db)
    await check_csrf(request, pending)
    await resolve_actor(db, TokenIdentity(subject=nip, employee_key=nip))  # 403 if unknown
    assert pending is not None  # check_csrf refuses a post without a session
    await end_session(db, pending.id, datetime.now(UTC))
    response = RedirectResponse("/beranda", status_code=303)
    (await open_session(db, subject=nip, employee_key=nip)).attach(response, config)
    return response


@router.post("/keluar")
async def logout(request: Request, db: Session) -> Response:
    await check_csrf(request, await current_row(request, db))
    response = RedirectResponse("/masuk?keluar=1", status_code=303)
    await end_current(request, db, response)
    return response


@router.post("/bahasa")
async def choose_language(
    bahasa: Annotated[str, Form()], kembali: Annotated[str, Form()] = "/beranda"
) -> Response:
    response = RedirectResponse(safe_next(kembali), status_code=303)
    if bahasa in LOCALES:
        response.set_cookie(LOCALE_COOKIE, bahasa, max_age=365 * 86400, samesite="lax")
    return response
