"""Rendering pages: Jinja2 with jinja2-fragments (a block alone answers an htmx request),
autoescaped, with gettext and Babel's dates and numbers in the person's language."""

from pathlib import Path
from typing import Any, cast

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments.fastapi import Jinja2Blocks

from web import i18n

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty cell
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters.update(tanggal=i18n.tanggal, waktu=i18n.waktu, angka=i18n.angka)
    return env


templates = Jinja2Blocks(env=_environment())


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """Render ``name`` in the request's language; ``block`` renders one block only (the
    fragment an htmx request swaps in)."""
    locale = i18n.locale_of(request)
    i18n.current_locale.set(locale)
    full = {"locale": locale, "locales": i18n.LOCALES, **context}
    response = templates.TemplateResponse(
        request, name, full, status_code=status_code, block_name=block
    )
    response.headers["Content-Language"] = locale
    return cast(HTMLResponse, response)
