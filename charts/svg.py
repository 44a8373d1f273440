"""What every SVG chart shares: a root that scales to its container and names itself for
screen readers, text that cannot break the markup, and the palette."""

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
INK, MUTED, GRID = "#1b1f24", "#4f5a66", "#d5dbe1"
BAR, ALLOWED, BROKEN = "#0b5394", "#1d6b35", "#a61b1b"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML 1.0


def clean(text: str) -> str:
    """``text`` without the control characters XML cannot hold (escaping is the
    serialiser's)."""
    return _CONTROL.sub("", text)


def element_id(raw: str) -> str:
    """An id safe in any document, from a unit code or the like."""
    return "chart-" + _UNSAFE_ID.sub("-", raw)


def chart_root(chart_id: str, width: int, height: int, title: str, description: str) -> ET.Element:
    """The ``<svg>``: as wide as its container (``viewBox``), ``role="img"`` and labelled
    by its own ``<title>`` and ``<desc>``."""
    ident = element_id(chart_id)
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{ident}-title {ident}-desc",
            "font-family": FONT,
            "font-size": "14",
            "fill": INK,
        },
    )
    ET.SubElement(root, "title", id=f"{ident}-title").text = clean(title)
    ET.SubElement(root, "desc", id=f"{ident}-desc").text = clean(description)
    return root


def number(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".removesuffix(".0")


def add(parent: ET.Element, tag: str, **attributes: object) -> ET.Element:
    """A child element; underscores in names become hyphens (``stroke_width``)."""
    return ET.SubElement(
        parent,
        tag,
        {
            name.rstrip("_").replace("_", "-"): number(value)
            if isinstance(value, float)
            else str(value)
            for name, value in attributes.items()
        },
    )


def text(parent: ET.Element, x: float, y: float, content: str, **attributes: object) -> ET.Element:
    node = add(parent, "text", x=float(x), y=float(y), **attributes)
    node.text = clean(content)
    return node


def shorten(label: str, limit: int) -> str:
    label = clean(label)
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def serialise(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode")
