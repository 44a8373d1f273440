"""Horizontal bar charts: plain or in groups (escalations per stage, one bar per level),
and the stage funnel (the same bars centred, so the narrowing reads as a funnel). Each
bar is labelled and carries its number; lengths are to the largest value."""

from collections.abc import Sequence
from dataclasses import dataclass

from charts.svg import BAR, GRID, MUTED, add, chart_root, clean, serialise, shorten, text

WIDTH = 360
LABEL_WIDTH = 150  # the labels' column; bars start after it
VALUE_WIDTH = 44  # the numbers' column at the right
ROW, GAP, HEADING = 22, 6, 24
LABEL_CHARACTERS = 17


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class BarGroup:
    """Bars under a heading (None: no heading)."""

    heading: str | None
    bars: Sequence[Bar]


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    groups: Sequence[BarGroup],
    *,
    centred: bool = False,
    empty: str = "",
) -> str:
    """The SVG of ``groups`` as horizontal bars; ``empty`` is shown when there are none."""
    rows = sum(len(group.bars) for group in groups)
    headings = sum(1 for group in groups if group.heading)
    height = max(rows * (ROW + GAP) + headings * HEADING + GAP, ROW + 2 * GAP)
    root = chart_root(chart_id, WIDTH, height, title, description)
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((bar.value for group in groups for bar in group.bars), default=0)
    if rows == 0:
        text(root, WIDTH / 2, height / 2 + 4, empty, text_anchor="middle", fill=MUTED)
        return serialise(root)
    y = float(GAP)
    for group in groups:
        if group.heading:
            text(root, 0, y + HEADING - 8, shorten(group.heading, 50), font_weight="bold")
            y += HEADING
        for bar in group.bars:
            length = area * bar.value / largest if largest else 0.0
            x = LABEL_WIDTH + (area - length) / 2 if centred else float(LABEL_WIDTH)
            label = text(root, LABEL_WIDTH - 8, y + ROW / 2 + 5, "", text_anchor="end")
            label.text = shorten(bar.label, LABEL_CHARACTERS)
            if label.text != clean(bar.label):
                add(label, "title").text = clean(bar.label)
            add(root, "rect", x=float(LABEL_WIDTH), y=y, width=float(area), height=float(ROW),
                fill=GRID, fill_opacity="0.35")  # fmt: skip
            if length:
                add(root, "rect", x=x, y=y, width=max(length, 1.0), height=float(ROW), fill=BAR)
            text(root, WIDTH, y + ROW / 2 + 5, f"{bar.value:,}".replace(",", "."),
                 text_anchor="end", font_weight="bold")  # fmt: skip
            y += ROW + GAP
    return serialise(root)


def funnel(chart_id: str, title: str, description: str, stages: Sequence[Bar]) -> str:
    """How many are in each stage, in stage order, as a funnel."""
    return bar_chart(chart_id, title, description, [BarGroup(None, stages)], centred=True)
