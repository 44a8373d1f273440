"""Text that people send may not carry control characters.

PostgreSQL cannot store a NUL, so a NUL accepted into a workflow would make its
persistence activity fail on every retry and stall that appraisal for good. Refusing
control characters where input enters (commands and periods) keeps that poison out;
tabs and line breaks are ordinary text."""

from typing import Any

from pydantic import BaseModel, model_validator

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
