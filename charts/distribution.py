"""A unit's distribution curve (kurva distribusi): the share of its rated people in each
predikat, as points joined by a line, over the bands its rule allows. A band covers the
predikat its bound counts (one, or two side by side: "kurang atau butuh perbaikan") from
the least to the most share allowed; a broken band is drawn dashed in red and marked in
words, and the points inside it are squares instead of circles."""

from collections.abc import Sequence
from dataclasses import dataclass

from charts.svg import (
    ALLOWED,
    BAR,
    BROKEN,
    GRID,
    MUTED,
    add,
    chart_root,
    number,
    serialise,
    shorten,
    text,
)

WIDTH, HEIGHT = 360, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 26, 60  # the plot's margins


@dataclass(frozen=True)
class Band:
    """Categories ``first``..``last`` (indices, inclusive) together may hold ``low`` to
    ``high`` of the rated people (shares 0..1). ``label`` is short ("≤ 70 %"), ``rule``
    the bound in words; ``actual`` the share they hold now."""

    first: int
    last: int
    low: float
    high: float
    label: str
    rule: str
    broken: bool
    actual: float


def _lines(label: str) -> list[str]:
    """A category name on at most two lines under its column."""
    words = shorten(label, 24).split(" ")
    if len(words) == 1:
        return words
    middle = max(1, len(words) // 2)
    return [" ".join(words[:middle]), " ".join(words[middle:])]


def distribution_curve(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    counts: Sequence[int],
    bands: Sequence[Band],
    *,
    broken_word: str,
) -> str:
    """The SVG: y is the share of rated people (0–100 %), one column per category."""
    root = chart_root(chart_id, WIDTH, HEIGHT, title, description)
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    column = (x1 - x0) / max(len(categories), 1)
    size = sum(counts)

    def y(share: float) -> float:
        return y1 - max(0.0, min(1.0, share)) * (y1 - y0)

    for tick in (0, 25, 50, 75, 100):
        at = y(tick / 100)
        add(root, "line", x1=float(x0), x2=float(x1), y1=at, y2=at, stroke=GRID)
        text(root, x0 - 4, at + 4, f"{tick}%", text_anchor="end", font_size="12", fill=MUTED)
    for band in bands:
        left = x0 + band.first * column + 3
        width = (band.last - band.first + 1) * column - 6
        top, bottom = y(band.high), y(band.low)
        colour = BROKEN if band.broken else ALLOWED
        shape = add(root, "rect", x=left, y=top, width=width, height=max(bottom - top, 2.0),
                    fill=colour, fill_opacity="0.12", stroke=colour,
                    stroke_width="2" if band.broken else "1")  # fmt: skip
        if band.broken:
            shape.set("stroke-dasharray", "6 3")
        add(shape, "title").text = shorten(band.rule, 120)
        text(root, left + 3, top - 4 if top > y0 + 2 else top + 13, band.label, font_size="12",
             fill=colour, font_weight="bold")  # fmt: skip
        if band.last > band.first:  # the share the categories hold together
            at = y(band.actual)
            add(root, "line", x1=left, x2=left + width, y1=at, y2=at, stroke=colour,
                stroke_width="2", stroke_dasharray="2 2")  # fmt: skip
        if band.broken:
            mark = y1 + 50
            centre = left + width / 2
            add(root, "path", d=f"M{number(centre)} {number(mark - 9)} l6 6 l-6 6 l-6 -6 z",
                fill=BROKEN)  # fmt: skip
            text(root, centre + 9, mark + 1, broken_word, font_size="12", fill=BROKEN,
                 font_weight="bold")  # fmt: skip
    broken_columns = {i for band in bands if band.broken for i in range(band.first, band.last + 1)}
    points = []
    for index, (name, count) in enumerate(zip(categories, counts, strict=True)):
        centre = x0 + (index + 0.5) * column
        share = count / size if size else 0.0
        points.append((centre, y(share)))
        for line, part in enumerate(_lines(name)):
            text(root, centre, y1 + 16 + 13 * line, part, text_anchor="middle", font_size="12")
    if size:
        path = " ".join(f"{number(px)},{number(py)}" for px, py in points)
        add(root, "polyline", points=path, fill="none", stroke=BAR, stroke_width="2")
    for index, ((px, py), count) in enumerate(zip(points, counts, strict=True)):
        if index in broken_columns:
            add(root, "rect", x=px - 5, y=py - 5, width=10.0, height=10.0, fill=BROKEN)
        else:
            add(root, "circle", cx=px, cy=py, r="4.5", fill=BAR)
        text(root, px, py - 9, str(count), text_anchor="middle", font_size="13",
             font_weight="bold")  # fmt: skip
    return serialise(root)
