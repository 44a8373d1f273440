"""How a page answers when something is refused: the API's problem, in the person's
language, on a page (never a stack trace); no session sends the browser to the login
page; a forged post is a 403. The same ``Problem`` the JSON API raises is shown here, so
a refusal is written once."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from temporalio.service import RPCError

from api.messages import english
from api.problems import PROBLEM_KINDS, Problem
from web import i18n
from web.sessions import CsrfRefused, LoginRequired
from web.templating import is_htmx, render

FORGED = "Formulir ini tidak berasal dari sesi Anda; muat ulang halaman lalu coba lagi"
INVALID = "Periksa kembali isian yang ditandai"
UNAVAILABLE = "Layanan sedang pulih; coba lagi sebentar lagi"


def problem_text(request: Request, problem: Problem) -> tuple[int, str, str]:
    """Status, title and detail of ``problem`` in the request's language."""
    status, title_id, title_en = PROBLEM_KINDS[problem.kind]
    if i18n.locale_of(request) == "en":
        return status, title_en, problem.detail_en or english(problem.detail)
    return status, title_id, problem.detail


def login_redirect(request: Request) -> Response:
    target = request.url.path if request.method == "GET" else "/beranda"
    location = f"/masuk?lanjut={target}"
    if is_htmx(request):  # htmx follows this header with a full page load
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def problem_page(request: Request, problem: Problem) -> Response:
    status, title, detail = problem_text(request, problem)
    return render(
        request,
        "galat.html",
        {"status": status, "title": title, "detail": detail},
        status_code=status,
    )


class HtmlRoute(APIRoute):
    """An APIRoute whose failures are pages. Forms catch the problems they expect and
    show them next to the form; this catches the rest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return login_redirect(request)
            except CsrfRefused:
                return problem_page(request, Problem("forbidden", FORGED))
            except Problem as problem:
                return problem_page(request, problem)
            except (RequestValidationError, ValidationError):
                return problem_page(request, Problem("validation-error", INVALID))
            except (RPCError, OSError, TimeoutError, DBAPIError):
                return problem_page(request, Problem("service-unavailable", UNAVAILABLE))

        return page_handler
