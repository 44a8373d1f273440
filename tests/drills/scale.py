"""Drill sizes and figures.

Every drill runs small inside ``make test`` (seconds, so the suite stays quick) and at full
size under ``make drills`` (``KINERJA_DRILL_SCALE=full``). Each drill prints its figure as
one ``DRILL n | ...`` line (visible with ``pytest -s``) and, when ``KINERJA_DRILL_REPORT``
names a file, appends the same line there, so ``make drills`` leaves a report behind.
"""

import os
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FULL = os.environ.get("KINERJA_DRILL_SCALE", "small").lower() == "full"
SCALE = "full" if FULL else "small"


def sized(small: T, full: T) -> T:
    """The small value inside ``make test``, the full one under ``make drills``."""
    return full if FULL else small


def report(drill: int, title: str, **figures: object) -> str:
    """Print (and record) a drill's figure; returns the line."""
    details = ", ".join(f"{key}={_format(value)}" for key, value in figures.items())
    line = f"DRILL {drill} | {title} | scale={SCALE} | {details}"
    print(f"\n{line}")
    target = os.environ.get("KINERJA_DRILL_REPORT")
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    return line


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
