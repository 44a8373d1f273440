"""What changed in an SKP since the version the pejabat penilai returned: so a reviewer
reads the revision, not the whole SKP again. Compared by position (RHK and indicators keep
their ids as the editor numbers them)."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from domain.skp import Indicator, Rhk, SkpContent


class ChangeKind(StrEnum):
    ADDED = "ditambah"
    REMOVED = "dihapus"
    CHANGED = "diubah"


@dataclass(frozen=True)
class SkpChange:
    kind: ChangeKind
    where: str  # "RHK 1", "RHK 1, indikator 2", "perilaku: Akuntabel"
    field: str | None = None  # which field changed; None for an added or removed item
    before: str | None = None
    after: str | None = None


T = TypeVar("T")
_RHK_FIELDS = ("description", "kind", "supports")
_INDICATOR_FIELDS = ("description", "aspect", "target", "unit")


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(getattr(value, "value", value))


def _compare(
    where: str, fields: tuple[str, ...], old: Rhk | Indicator, new: Rhk | Indicator
) -> list[SkpChange]:
    changes = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(SkpChange(ChangeKind.CHANGED, where, name, _text(before), _text(after)))
    return changes


def _paired(old: Sequence[T], new: Sequence[T]) -> list[tuple[int, T | None, T | None]]:
    size = max(len(old), len(new))
    return [
        (i, old[i] if i < len(old) else None, new[i] if i < len(new) else None) for i in range(size)
    ]


def skp_changes(old: SkpContent, new: SkpContent) -> list[SkpChange]:
    """Every added, removed or changed RHK, indicator and behaviour expectation."""
    changes: list[SkpChange] = []
    for i, before, after in _paired(old.rhk, new.rhk):
        where = f"RHK {i + 1}"
        if after is None:
            changes.append(SkpChange(ChangeKind.REMOVED, where, before=_describe(before)))
            continue
        if before is None:
            changes.append(SkpChange(ChangeKind.ADDED, where, after=after.description))
            continue
        changes += _compare(where, _RHK_FIELDS, before, after)
        for j, was, now in _paired(before.indicators, after.indicators):
            spot = f"{where}, indikator {j + 1}"
            if now is None:
                changes.append(SkpChange(ChangeKind.REMOVED, spot, before=_describe(was)))
            elif was is None:
                changes.append(SkpChange(ChangeKind.ADDED, spot, after=now.description))
            else:
                changes += _compare(spot, _INDICATOR_FIELDS, was, now)
    old_values = {item.value: item.expectation for item in old.perilaku}
    for item in new.perilaku:
        if old_values.get(item.value) != item.expectation:
            changes.append(
                SkpChange(
                    ChangeKind.CHANGED,
                    f"perilaku: {item.value.value}",
                    "expectation",
                    old_values.get(item.value),
                    item.expectation,
                )
            )
    return changes


def _describe(item: Rhk | Indicator | None) -> str | None:
    return item.description if item is not None else None
