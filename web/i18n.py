"""Bahasa Indonesia first, English on request. Page texts are written in Indonesian in
the templates (``{{ _("...") }}``); the English catalogue (``translations/en``) is a
gettext .po file read at start-up, so there is no build step. Regulation terms (SKP, RHK,
predikat, keberatan) are the same in both. Dates and numbers come from Babel (CLDR)."""

import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from fastapi import Request

LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
LOCALE_COOKIE = "bahasa"
CATALOGUES = Path(__file__).parent / "translations"
# Schedules carry their own offsets; pages show WIB, the time of the regional government.
DISPLAY_ZONE = ZoneInfo("Asia/Jakarta")

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


def locale_of(request: Request) -> str:
    """The person's choice (the language switch's cookie), else their browser's."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE


@cache
def translations(locale: str) -> NullTranslations:
    if locale == DEFAULT_LOCALE:
        return NullTranslations()  # the templates are written in Indonesian
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def _wib(moment: datetime) -> datetime:
    return moment.astimezone(DISPLAY_ZONE)


def tanggal(value: date | datetime | None) -> str:
    """A date as people write it: 31 Januari 2027 / January 31, 2027."""
    if value is None:
        return "—"
    day = _wib(value).date() if isinstance(value, datetime) else value
    return format_date(day, format="long", locale=current_locale.get())


def waktu(value: datetime | None) -> str:
    """A moment in WIB: 31 Jan 2027 16.00 WIB."""
    if value is None:
        return "—"
    text = format_datetime(_wib(value), format="d MMM y HH.mm", locale=current_locale.get())
    return f"{text} WIB"


def angka(value: float | int | None) -> str:
    """A number with the locale's separators (1.234,5 / 1,234.5)."""
    if value is None:
        return "—"
    return format_decimal(value, locale=current_locale.get())
