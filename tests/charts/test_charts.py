"""The chart functions: well-formed SVG that names itself for screen readers, every bar
and point with its number, the allowed bands drawn and the broken ones marked in words,
and hostile labels kept as text."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from charts.bars import Bar, BarGroup, bar_chart, funnel
from charts.distribution import Band, distribution_curve
from charts.heat import SHADES, HeatRow, heat_table, shade

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '</svg><script>alert("x")</script>&amp; "quoted" \x01 <b>'
PREDIKAT = ["Sangat baik", "Baik", "Butuh perbaikan", "Kurang", "Sangat kurang"]


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output, the thing under test)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") == "100%"  # scales to its container, 360 px included
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def texts(root: ET.Element) -> list[str]:
    return [node.text or "" for node in root.iter("{http://www.w3.org/2000/svg}text")]


def test_a_funnel_labels_every_stage_with_its_count_in_order() -> None:
    stages = [Bar("Sosialisasi", 1200), Bar("Perencanaan (SKP)", 800), Bar("Selesai", 0)]
    root = parsed(funnel("corong", "Corong tahap", "Penilaian per tahap", stages))

    shown = texts(root)
    assert shown == ["Sosialisasi", "1.200", "Perencanaan (SKP)", "800", "Selesai", "0"]
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "#0b5394"]
    widths = [float(r.get("width", 0)) for r in bars]
    assert len(bars) == 2 and widths[0] > widths[1]  # nothing drawn for zero
    assert float(bars[0].get("x", 0)) < float(bars[1].get("x", 0))  # centred: a funnel


def test_grouped_bars_carry_their_headings_and_an_empty_chart_says_so() -> None:
    groups = [BarGroup("Penilaian", [Bar("Tingkat 1", 2), Bar("Tingkat 2", 1)])]
    root = parsed(bar_chart("eskalasi", "Eskalasi", "Per tahap dan tingkat", groups))
    assert texts(root) == ["Penilaian", "Tingkat 1", "2", "Tingkat 2", "1"]
    empty = parsed(bar_chart("kosong", "Eskalasi", "-", [], empty="Belum ada eskalasi"))
    assert texts(empty) == ["Belum ada eskalasi"]


def test_a_long_label_is_shortened_and_kept_whole_in_its_tooltip() -> None:
    long = "Bidang Pencegahan dan Pengendalian Penyakit Menular"
    root = parsed(bar_chart("b", "t", "d", [BarGroup(None, [Bar(long, 3)])]))
    label = next(iter(root.iter("{http://www.w3.org/2000/svg}text")))
    assert label.text is not None and label.text.endswith("…")
    assert label.find("svg:title", NS) is not None
    assert label.find("svg:title", NS).text == long  # type: ignore[union-attr]


def band(first: int, last: int, low: float, high: float, *, broken: bool) -> Band:
    return Band(first=first, last=last, low=low, high=high, label=f"≤ {high:.0%}",
                rule="paling banyak 70% baik", broken=broken, actual=0.5)  # fmt: skip


def test_the_distribution_curve_draws_the_bands_and_marks_the_broken_one() -> None:
    bands = [band(1, 1, 0.0, 0.7, broken=True), band(2, 3, 1 / 3, 1.0, broken=False)]
    svg = distribution_curve(
        "unit-DINKES-UMUM", "Kurva distribusi", "Unit Umum", PREDIKAT, [0, 3, 1, 0, 0], bands,
        broken_word="melanggar",
    )  # fmt: skip
    root = parsed(svg)
    rects = [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("svg:title", NS) is not None
    ]
    assert len(rects) == 2  # one band per bound, each with the rule in its tooltip
    broken, allowed = rects
    assert broken.get("stroke-dasharray") == "6 3" and broken.get("stroke") == "#a61b1b"
    assert allowed.get("stroke-dasharray") is None and allowed.get("stroke") == "#1d6b35"
    assert float(allowed.get("width", 0)) > float(broken.get("width", 0))  # spans two columns
    assert texts(root).count("melanggar") == 1  # marked in words, not by colour alone
    squares = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("width") == "10"]
    assert len(squares) == 1  # the point inside the broken band
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 4
    assert root.find("svg:polyline", NS) is not None  # the curve
    for count in ("0", "3", "1"):
        assert count in texts(root)


def test_an_unrated_unit_draws_no_curve() -> None:
    svg = distribution_curve("u", "t", "d", PREDIKAT, [0] * 5, [], broken_word="melanggar")
    root = parsed(svg)
    assert root.find("svg:polyline", NS) is None
    assert "melanggar" not in texts(root)


@given(st.text(max_size=80), st.text(max_size=80), st.text(max_size=40))
def test_hostile_text_stays_text_in_every_chart(title: str, label: str, chart_id: str) -> None:
    for svg in (
        funnel(chart_id, title, label, [Bar(label, 3)]),
        bar_chart(chart_id, title, label, [BarGroup(label, [Bar(label, 1)])]),
        distribution_curve(chart_id, title, label, [label] * 5, [1, 2, 0, 0, 1],
                           [band(0, 1, 0.1, 0.9, broken=True)], broken_word=label),
    ):  # fmt: skip
        root = parsed(svg)
        assert root.find(".//script") is None and root.find(".//svg:script", NS) is None
        assert all(child.tag.startswith("{http://www.w3.org/2000/svg}") for child in root.iter())
        ident = root.find("svg:title", NS).get("id", "")  # type: ignore[union-attr]
        assert ident.replace("-", "").replace("_", "").isalnum()


def test_hostile_names_in_svg_are_escaped() -> None:
    svg = funnel("x", HOSTILE, HOSTILE, [Bar(HOSTILE, 1)])
    assert "<script>" not in svg and "\x01" not in svg
    root = parsed(svg)
    assert root.find("svg:title", NS).text == HOSTILE.replace("\x01", "")  # type: ignore[union-attr]


class _Table(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: list[str] = []
        self.links: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in = tag
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._in in ("td", "th", "a"):
            self.cells.append(data)


def test_the_heat_table_writes_every_count_links_its_rows_and_escapes_names() -> None:
    rows = [
        HeatRow(HOSTILE, [0, 4, 1], href='/unit/2027/X"><script>', total=9),
        HeatRow("Bidang Umum", [2, 0, 0], total=3),
    ]
    html = heat_table("Terlambat per tahap", "Unit", ["Sosialisasi", "SKP", "Selesai"], rows,
                      total_label="Jumlah")  # fmt: skip
    assert "<script>" not in html
    table = _Table()
    table.feed(html)
    assert "script" not in table.tags
    assert table.links == ['/unit/2027/X"><script>']  # the attribute kept whole, escaped
    assert table.cells == [
        "Unit", "Sosialisasi", "SKP", "Selesai", "Jumlah",
        HOSTILE, "0", "4", "1", "9", "Bidang Umum", "2", "0", "0", "3",
    ]  # fmt: skip
    assert 'scope="row"' in html and 'scope="col"' in html


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_a_shade_darkens_with_the_count_and_zero_stays_white(value: int, largest: int) -> None:
    value = min(value, largest)
    colour = shade(value, largest)
    assert (colour == SHADES[0]) == (value == 0)
    if value and value < largest:
        assert SHADES.index(colour) <= SHADES.index(shade(largest, largest))
