"""What people send as text: the checks every client input passes where it enters.

Control characters are refused: PostgreSQL cannot store a NUL, so a NUL accepted into a
workflow would make its persistence activity fail on every retry and stall that appraisal
for good. Refusing control characters where input enters (commands and periods) keeps
that poison out; tabs and line breaks are ordinary text.

Free text a person must write (a reason, a note) is :data:`WrittenText`: whitespace-only
is no text at all, so it is refused with the field's name rather than stored as blanks.
API bodies and domain commands use the same aliases, so a body the API accepted can never
fail when the route builds its command from it.

Dates and times arrive as ISO strings: JSON has no date type, and pydantic's lax parsing
would otherwise take ``0`` or ``"3600"`` as a Unix timestamp (a period starting on
1970-01-01). The shapes accepted are the ones pydantic itself writes, so Temporal payloads
recorded earlier keep deserialising.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

_ALLOWED = {"\t", "\n", "\r"}


def control_character_at(value: Any, path: str = "") -> str | None:
    """The path of the first string in ``value`` holding a control character, or None."""
    if isinstance(value, str):
        bad = any((ord(c) < 32 and c not in _ALLOWED) or ord(c) == 127 for c in value)
        return path or "teks" if bad else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = control_character_at(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class PlainTextInput(BaseModel):
    """Base of every model built from what a client sends."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_control_characters(cls, data: Any) -> Any:
        where = control_character_at(data)
        if where is not None:
            raise ValueError(f"Teks tidak boleh memuat karakter kontrol (di {where})")
        return data


def _refuse_blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("blank_text", "Teks tidak boleh kosong atau hanya berisi spasi")
    return value


_NOT_BLANK = BeforeValidator(_refuse_blank)


def _written(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(
        strip_whitespace=True, min_length=min_length, max_length=max_length, pattern=r"\S"
    )


# Text a person must actually write: not blank, stored without surrounding whitespace.
# (Aliases rather than a factory so type checkers see plain ``str``; the blank check comes
# last so it wraps the constraints and runs first.)
WrittenText = Annotated[str, StringConstraints(strip_whitespace=True), _NOT_BLANK]
Name = Annotated[str, _written(1, 200), _NOT_BLANK]
Reason = Annotated[str, _written(3, 1000), _NOT_BLANK]
OverrideReason = Annotated[str, _written(10, 1000), _NOT_BLANK]
Note = Annotated[str, _written(3, 2000), _NOT_BLANK]
LongNote = Annotated[str, _written(3, 4000), _NOT_BLANK]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$"
)


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise PydanticCustomError("iso_date", "Tanggal harus berupa teks ISO 8601, mis. 2027-01-01")


def _iso_instant(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise PydanticCustomError("timezone_required", "Waktu harus menyertakan zona waktu")
        return value
    if isinstance(value, str) and _ISO_INSTANT.match(value):
        return value
    raise PydanticCustomError(
        "iso_instant",
        "Waktu harus berupa teks ISO 8601 dengan zona waktu, mis. 2027-01-15T16:00:00+07:00",
    )


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar day sent as ``YYYY-MM-DD`` (never a number)."""

Instant = Annotated[datetime, BeforeValidator(_iso_instant)]
"""A moment sent as an ISO 8601 string with its offset (never a number, never naive)."""
