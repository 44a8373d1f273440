"""NIP (Nomor Induk Pegawai), the 18-digit civil-servant number.

Layout: birth date YYYYMMDD, appointment (TMT) YYYYMM, sex digit (1 male, 2 female),
3-digit sequence. We check the layout, not just the length, because a typo in a
spreadsheet is the most common bad row and the layout catches most of them.
"""

import re
from datetime import date

NIP_PATTERN = r"^[0-9]{18}$"  # ASCII only: \d also matches e.g. fullwidth digits
_NIP_PATTERN = re.compile(NIP_PATTERN)


class NipError(ValueError):
    """The text is not a well-formed NIP."""


def parse_nip(raw: str) -> str:
    """Return the NIP with surrounding whitespace removed, or raise ``NipError``."""
    nip = raw.strip()
    if not _NIP_PATTERN.match(nip):
        raise NipError("NIP harus 18 digit angka")
    try:
        date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError as exc:
        raise NipError("8 digit pertama NIP bukan tanggal lahir yang valid") from exc
    month = int(nip[12:14])
    if not 1 <= month <= 12:
        raise NipError("digit 9-14 NIP bukan bulan pengangkatan (TMT) yang valid")
    if nip[14] not in "12":
        raise NipError("digit ke-15 NIP (jenis kelamin) harus 1 atau 2")
    return nip


def is_valid_nip(raw: str) -> bool:
    """True when ``raw`` is a well-formed NIP."""
    try:
        parse_nip(raw)
    except NipError:
        return False
    return True
