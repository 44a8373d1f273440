"""``python -m bench.import_bomb``: how fast, and in how much memory, the roster import
refuses decompression bombs.

The bomb is the one from the attack report: an XLSX of about 1.2 MB whose
``xl/sharedStrings.xml`` inflates to 480 MB, 30 million shared strings (unguarded openpyxl
took 240 s and 2.8 GB to refuse it). Three variants:

- ``honest``: the zip directory tells the truth (refused from the directory alone);
- ``lying``: the directory declares 100 MiB instead of 480 MB (refused while inflating,
  when the shared strings counted pass the cell cap);
- ``unused``: 1 million shared strings, well under every size cap, and a sheet of one
  cell (refused after the counting pass: more strings than cells could ever use).

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
import zlib
from pathlib import Path

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
_BLOCK = 65_536  # strings per repeated deflate block (1 MiB of XML)


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


def _shared_strings(count: int) -> _Member:
    """``count`` shared strings without deflating them ``count`` times: a full flush makes
    a block that refers to nothing before it, so the same bytes can simply be repeated."""
    blocks, rest = divmod(count, _BLOCK)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(_STRINGS_HEAD) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(_STRING * _BLOCK) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(_STRING * rest + _STRINGS_TAIL) + compressor.flush()
    crc = zlib.crc32(_STRINGS_HEAD)
    whole = _STRING * _BLOCK
    for _ in range(blocks):
        crc = zlib.crc32(whole, crc)
    crc = zlib.crc32(_STRING * rest + _STRINGS_TAIL, crc)
    size = len(_STRINGS_HEAD) + len(_STRING) * count + len(_STRINGS_TAIL)
    return _Member("xl/sharedStrings.xml", head + block * blocks + tail, crc, size)


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


def write_bomb(path: Path, *, strings: int = 30_000_000, declare: int | None = None) -> Path:
    """Write an XLSX whose shared-string table holds ``strings`` one-letter strings.
    ``declare`` makes the zip directory lie about that table's inflated size."""
    table = _shared_strings(strings)
    if declare is not None:
        table.declared = declare
    parts = [
        _Member.of("[Content_Types].xml", _CONTENT_TYPES),
        _Member.of("_rels/.rels", _ROOT_RELS),
        _Member.of("xl/workbook.xml", _WORKBOOK),
        _Member.of("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        table,
        _Member.of("xl/worksheets/sheet1.xml", _SHEET),
    ]
    _write_zip(path, parts)
    return path


def _refuse(path: Path) -> None:
    """Child side: read the file with the import's reader, report time, memory, outcome."""
    from runtime.org_files import RosterFileError, read_roster_file

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refuse", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.refuse:
        _refuse(arguments.refuse)
        return
    variants = {
        "honest": {"strings": 30_000_000},
        "lying": {"strings": 30_000_000, "declare": 100 * 1024 * 1024},
        "unused": {"strings": 1_000_000},
    }
    failed = False
    with tempfile.TemporaryDirectory() as directory:
        print(f"{'variant':8} {'file':>9} {'inflated':>10} {'seconds':>8} {'peak RSS':>9} "
              f"{'baseline':>9}  message")  # fmt: skip
        for name, options in variants.items():
            path = write_bomb(Path(directory) / f"{name}.xlsx", **options)  # type: ignore[arg-type]
            inflated = len(_STRING) * options["strings"]
            child = subprocess.run(
                [sys.executable, "-m", "bench.import_bomb", "--refuse", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(child.stdout)
            met = (
                figures["message"] != "ACCEPTED"
                and figures["seconds"] < GOAL_SECONDS
                and figures["peak_mib"] < GOAL_MIB
            )
            failed |= not met
            print(
                f"{name:8} {path.stat().st_size / 1e6:7.2f}MB {inflated / 1e6:8.0f}MB "
                f"{figures['seconds']:7.2f}s {figures['peak_mib']:7.1f}MiB "
                f"{figures['baseline_mib']:7.1f}MiB  {'' if met else 'GOAL MISSED '}"
                f"{figures['message']}"
            )
    print(f"goal: refused in under {GOAL_SECONDS:g} s and {GOAL_MIB:g} MiB of peak RSS")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
