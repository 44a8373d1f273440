"""The heat map as an HTML table: rows (agencies or units, each optionally a link),
columns (stages), a count in every cell and the cell's shade from white to deep red by
its share of the largest count. The number is always written, so the shade only adds."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# (background, text) from none to the most; contrast ≥ 4.5:1 on each
SHADES = (
    ("#ffffff", "#1b1f24"),
    ("#fde8e8", "#1b1f24"),
    ("#f6b8b8", "#1b1f24"),
    ("#e57373", "#1b1f24"),
    ("#c62828", "#ffffff"),
    ("#7f1010", "#ffffff"),
)


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: Sequence[int]
    href: str | None = None
    total: int | None = None


def shade(value: int, largest: int) -> tuple[str, str]:
    """Background and text colour of a cell holding ``value``."""
    if value <= 0 or largest <= 0:
        return SHADES[0]
    steps = len(SHADES) - 1
    return SHADES[max(1, min(steps, math.ceil(steps * value / largest)))]


def heat_table(
    caption: str,
    corner: str,
    columns: Sequence[str],
    rows: Sequence[HeatRow],
    *,
    total_label: str | None = None,
) -> str:
    """The table's HTML, every text escaped; ``total_label`` adds a last column of each
    row's ``total``."""
    largest = max((value for row in rows for value in row.cells), default=0)
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in columns)
    if total_label is not None:
        head += f'<th scope="col">{escape(total_label)}</th>'
    body = []
    for row in rows:
        label = escape(row.label)
        if row.href is not None:
            label = f'<a href="{escape(row.href, quote=True)}">{label}</a>'
        cells = []
        for value in row.cells:
            background, ink = shade(value, largest)
            cells.append(f'<td style="background:{background};color:{ink}">{value}</td>')
        if total_label is not None:
            cells.append(f"<td>{'' if row.total is None else row.total}</td>")
        body.append(f'<tr><th scope="row">{label}</th>{"".join(cells)}</tr>')
    return (
        f'<table class="matrix heat"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(corner)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
