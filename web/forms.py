"""Reading the web's forms into the domain's commands. A form without JavaScript has a
fixed number of slots (RHK, indicators); blank slots are skipped. Numbers may be typed the
Indonesian way (``12,5``). What cannot be read becomes a message per field, and the page
shows the form again with what the person typed."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from pydantic import ValidationError

from domain.checkin import Evidence, Realisation
from domain.skp import (
    Aspect,
    BehaviourExpectation,
    BerakhlakValue,
    Indicator,
    Rhk,
    RhkKind,
    SkpContent,
)
from web.i18n import DISPLAY_ZONE

INDICATOR_SLOTS = 2
MAX_RHK = 30  # as many as an SkpContent holds
NOT_A_NUMBER = "Isi dengan angka, misalnya 12 atau 12,5"
PYDANTIC_PREFIX = "Value error, "  # how pydantic prefixes a validator's ValueError


@dataclass
class FormErrors:
    """Messages by field name; ``general`` for what belongs to no one field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def _text(form: Mapping[str, str], name: str) -> str:
    return form.get(name, "").strip()


def parse_number(text: str) -> float | None:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:  # Indonesian: 1.234,5
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _pydantic_messages(error: ValidationError, prefix: str, errors: FormErrors) -> None:
    for item in error.errors():
        location = "-".join(str(part) for part in item["loc"])
        name = f"{prefix}-{location}" if location else prefix
        errors.fields.setdefault(name, item["msg"].removeprefix(PYDANTIC_PREFIX))


def rhk_slots(form: Mapping[str, str]) -> list[int]:
    """Indices of the RHK slots the form posted."""
    found = {
        int(name.split("-")[1])
        for name in form
        if name.startswith("rhk-") and name.split("-")[1].isdigit()
    }
    return sorted(index for index in found if index < MAX_RHK)


def _indicator(
    form: Mapping[str, str], rhk: int, slot: int, errors: FormErrors
) -> Indicator | None:
    prefix = f"rhk-{rhk}-ind-{slot}"
    description = _text(form, f"{prefix}-description")
    target_text = _text(form, f"{prefix}-target")
    unit = _text(form, f"{prefix}-unit")
    if not (description or target_text or unit):
        return None
    target = parse_number(target_text)
    if target is None:
        errors.fields[f"{prefix}-target"] = NOT_A_NUMBER
        return None
    try:
        return Indicator(
            id=f"ind-{rhk + 1}-{slot + 1}",
            description=description,
            aspect=Aspect(form.get(f"{prefix}-aspect", Aspect.KUANTITAS.value)),
            target=target,
            unit=unit,
        )
    except (ValidationError, ValueError) as error:
        if isinstance(error, ValidationError):
            _pydantic_messages(error, prefix, errors)
        else:
            errors.fields[f"{prefix}-aspect"] = "Pilih aspek yang tersedia"
        return None


def parse_skp(form: Mapping[str, str]) -> tuple[SkpContent | None, FormErrors]:
    errors = FormErrors()
    rhk: list[Rhk] = []
    for index in rhk_slots(form):
        prefix = f"rhk-{index}"
        indicators = [
            found
            for slot in range(INDICATOR_SLOTS)
            if (found := _indicator(form, index, slot, errors)) is not None
        ]
        description = _text(form, f"{prefix}-description")
        if not description and not indicators:
            continue
        try:
            rhk.append(
                Rhk(
                    id=f"rhk-{index + 1}",
                    description=description,
                    kind=RhkKind(form.get(f"{prefix}-kind", RhkKind.UTAMA.value)),
                    supports=_text(form, f"{prefix}-supports"),
                    indicators=tuple(indicators),
                )
            )
        except ValidationError as error:
            _pydantic_messages(error, prefix, errors)
        except ValueError:
            errors.fields[f"{prefix}-kind"] = "Pilih jenis RHK yang tersedia"
    perilaku = []
    for value in BerakhlakValue:
        name = f"perilaku-{value.value}"
        try:
            perilaku.append(BehaviourExpectation(value=value, expectation=_text(form, name)))
        except ValidationError:
            errors.fields[name] = "Tuliskan ekspektasi perilaku (paling sedikit 3 huruf)"
    if not rhk and not errors:
        errors.general.append("Isi paling sedikit satu RHK dengan satu indikator")
    if errors:
        return None, errors
    try:
        return SkpContent(rhk=tuple(rhk), perilaku=tuple(perilaku)), errors
    except ValidationError as error:
        errors.general += [item["msg"].removeprefix(PYDANTIC_PREFIX) for item in error.errors()]
        return None, errors


def parse_checkin(
    form: Mapping[str, str], indicator_ids: list[str]
) -> tuple[tuple[Realisation, ...], tuple[Evidence, ...], str | None, FormErrors]:
    errors = FormErrors()
    realisations = []
    for indicator_id in indicator_ids:
        name = f"realisasi-{indicator_id}"
        text = _text(form, name)
        if not text:
            errors.fields[name] = "Isi realisasi sampai saat ini"
            continue
        value = parse_number(text)
        if value is None or value < 0:
            errors.fields[name] = NOT_A_NUMBER
            continue
        realisations.append(Realisation(indicator_id=indicator_id, value=value))
    evidence = []
    for slot in range(3):
        url = _text(form, f"bukti-{slot}")
        if not url:
            continue
        try:
            evidence.append(Evidence(url=url))
        except ValidationError:
            errors.fields[f"bukti-{slot}"] = "Tautan bukti dimulai dengan http:// atau https://"
    notes = _text(form, "catatan") or None
    return tuple(realisations), tuple(evidence), notes, errors


def parse_local_time(text: str) -> datetime | None:
    """A ``datetime-local`` field (``2027-01-10T09:00``) read as WIB, the time the pages
    show; None when it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=DISPLAY_ZONE)


def parse_local_date_end(text: str) -> datetime | None:
    """A ``date`` field as the end of that working day (16.00 WIB), for a due date."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return datetime.combine(day, time(16, 0), tzinfo=DISPLAY_ZONE)


def lines_of(text: str) -> tuple[str, ...]:
    """One item per line (or per comma for short lists), blanks dropped."""
    parts = text.replace("\r", "").split("\n")
    if len(parts) == 1:
        parts = parts[0].split(",")
    return tuple(part.strip() for part in parts if part.strip())
