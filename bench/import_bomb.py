"""``python -m bench.import_bomb``: how fast, and in how much memory, the roster import
refuses decompression bombs.

The bomb is the one from the attack report: an XLSX of about 1.2 MB whose
``xl/sharedStrings.xml`` inflates to 480 MB, 30 million shared strings (unguarded openpyxl
took 240 s and 2.8 GB to refuse it). The variants:

- ``honest``: the zip directory tells the truth (refused from the directory alone);
- ``lying``: the directory declares 100 MiB instead of 480 MB (refused while inflating,
  when the shared strings counted pass the cell cap);
- ``unused``: 1 million shared strings, well under every size cap, and a sheet of one
  cell (refused after the counting pass: more strings than cells could ever use);
- ``at-caps`` (with ``--at-caps``): not a bomb but the ceiling, a small file just inside
  the cell cap, read in full: what the largest roster allowed costs.

Each refusal runs in a fresh interpreter (``--refuse PATH``) so its peak RSS is its own;
the figures include the interpreter and its imports, shown as ``baseline``.
"""

import argparse
import json
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_SECONDS = 5.0
GOAL_MIB = 200.0

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Pegawai" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
)
_STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_STRINGS_TAIL = b"</sst>"
_STRING = b"<si><t>a</t></si>"
_BLOCK_BYTES = 1024 * 1024  # XML per repeated deflate block
_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_SHEET_TAIL = b"</sheetData></worksheet>"
_WIDTH = 20  # cells per row in the at-the-caps workbook


class _Member:
    """One zip member, already deflated; ``declared`` is what the directory will say."""

    def __init__(self, name: str, deflated: bytes, crc: int, size: int) -> None:
        self.name = name.encode()
        self.deflated = deflated
        self.crc = crc
        self.size = size
        self.declared = size

    @classmethod
    def of(cls, name: str, content: bytes) -> "_Member":
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = compressor.compress(content) + compressor.flush()
        return cls(name, deflated, zlib.crc32(content), len(content))


def _repeated(name: str, head: bytes, unit: bytes, count: int, tail: bytes) -> _Member:
    """``head + unit * count + tail`` without deflating ``unit`` ``count`` times: a full
    flush makes a block that refers to nothing before it, so its bytes can be repeated."""
    per_block = max(1, _BLOCK_BYTES // len(unit))
    blocks, rest = divmod(count, per_block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    whole = unit * per_block
    block = compressor.compress(whole) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(unit * rest + tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(whole, crc)
    crc = zlib.crc32(unit * rest + tail, crc)
    size = len(head) + len(unit) * count + len(tail)
    return _Member(name, start + block * blocks + end, crc, size)


def _shared_strings(count: int) -> _Member:
    return _repeated("xl/sharedStrings.xml", _STRINGS_HEAD, _STRING, count, _STRINGS_TAIL)


def _write_zip(path: Path, members: list[_Member]) -> None:
    local, central = bytearray(), bytearray()
    for member in members:
        offset = len(local)
        local += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            0,
            0x21,
            member.crc,
            len(member.deflated),
            member.declared,
            len(member.name),
            0,
        )
        local += member.name + member.deflated
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            member.crc,
            len(member.deflated),
            member.declared,
            len(member.name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += member.name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))


def _workbook(path: Path, strings: _Member, sheet: _Member) -> Path:
    parts = [
        _Member.of("[Content_Types].xml", _CONTENT_TYPES),
        _Member.of("_rels/.rels", _ROOT_RELS),
        _Member.of("xl/workbook.xml", _WORKBOOK),
        _Member.of("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        strings,
        sheet,
    ]
    _write_zip(path, parts)
    return path


def write_bomb(path: Path, *, strings: int = 30_000_000, declare: int | None = None) -> Path:
    """Write an XLSX whose shared-string table holds ``strings`` one-letter strings.
    ``declare`` makes the zip directory lie about that table's inflated size."""
    table = _shared_strings(strings)
    if declare is not None:
        table.declared = declare
    return _workbook(path, table, _Member.of("xl/worksheets/sheet1.xml", _SHEET))


def write_at_caps(path: Path, cells: int) -> Path:
    """A workbook just inside every cap: ``cells`` cells in rows of 20, each using its
    own shared string. Small on disk, it costs what the largest roster allowed costs."""
    rows = cells // _WIDTH
    row = b"<row>" + b'<c t="s"><v>0</v></c>' * _WIDTH + b"</row>"
    sheet = _repeated("xl/worksheets/sheet1.xml", _SHEET_HEAD, row, rows, _SHEET_TAIL)
    return _workbook(path, _shared_strings(rows * _WIDTH), sheet)


def _refuse(path: Path) -> None:
    """Child side: read the file with the import's reader, report time, memory, outcome."""
    from api.roster_files import RosterFileError, read_roster_file

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    try:
        read_roster_file(path)
        outcome = "ACCEPTED"
    except RosterFileError as error:
        outcome = error.message
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "baseline_mib": baseline,
                      "message": outcome}))  # fmt: skip


def _measure(path: Path) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-m", "bench.import_bomb", "--refuse", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(child.stdout)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--refuse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--at-caps",
        action="store_true",
        help="also read a workbook just inside the cell cap (the dearest file accepted "
        "for reading; about a minute or two)",
    )
    arguments = parser.parse_args()
    if arguments.refuse:
        _refuse(arguments.refuse)
        return
    from api.roster_files import MAX_CELLS

    variants: dict[str, tuple[Callable[[Path], Path], int]] = {
        "honest": (lambda path: write_bomb(path), 30_000_000),
        "lying": (lambda path: write_bomb(path, declare=100 * 1024 * 1024), 30_000_000),
        "unused": (lambda path: write_bomb(path, strings=1_000_000), 1_000_000),
    }
    if arguments.at_caps:
        cells = MAX_CELLS - MAX_CELLS % _WIDTH - _WIDTH
        variants["at-caps"] = (lambda path: write_at_caps(path, cells), cells)
    failed = False
    with tempfile.TemporaryDirectory() as directory:
        print(f"{'variant':8} {'file':>9} {'inflated':>10} {'seconds':>8} {'peak RSS':>9} "
              f"{'baseline':>9}  message")  # fmt: skip
        for name, (build, strings) in variants.items():
            path = build(Path(directory) / f"{name}.xlsx")
            with zipfile.ZipFile(path) as archive:  # what the directory says, true or not
                inflated = sum(info.file_size for info in archive.infolist())
            if name == "lying":
                inflated += len(_STRING) * strings - 100 * 1024 * 1024
            figures = _measure(path)
            met = (
                figures["message"] != "ACCEPTED"
                and figures["seconds"] < GOAL_SECONDS
                and figures["peak_mib"] < GOAL_MIB
            )
            if name != "at-caps":  # inside the caps is read, not refused: a ceiling
                failed |= not met
            print(
                f"{name:8} {path.stat().st_size / 1e6:7.2f}MB {inflated / 1e6:8.0f}MB "
                f"{figures['seconds']:7.2f}s {figures['peak_mib']:7.1f}MiB "
                f"{figures['baseline_mib']:7.1f}MiB  "
                f"{'' if met or name == 'at-caps' else 'GOAL MISSED '}{figures['message']}"
            )
    print(f"goal: bombs refused in under {GOAL_SECONDS:g} s and {GOAL_MIB:g} MiB of peak RSS")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
