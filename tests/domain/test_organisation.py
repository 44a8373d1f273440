"""Roster validation: every bad row is reported at once, with the row HR sees, and a roster
with any error yields no records (the import is all-or-nothing)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.organisation import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    EmploymentType,
    RowError,
    validate_roster,
)

HEADER = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
HEAD = "197203141998032001"
KABID = "197706182004031001"
KASI = "198403102009032001"
STAFF = "199009252015031001"
OTHER = "199410142019032002"


def row(nip: str, supervisor: str = "", **overrides: str) -> dict[str, str]:
    values = {
        "nip": nip,
        "nama": f"Pegawai {nip[-3:]}",
        "jabatan": "Perawat Ahli Pertama",
        "pangkat_golongan": "Penata Muda (III/a)",
        "kode_opd": "DINKES",
        "nama_opd": "Dinas Kesehatan",
        "kode_unit": "DINKES-YANKES",
        "nama_unit": "Bidang Pelayanan Kesehatan",
        "nip_atasan": supervisor,
        "jenis_pegawai": "PNS",
        "tim_penilai": "tidak",
        "hr_admin": "tidak",
        "auditor": "tidak",
        "aktif": "ya",
    }
    values.update(overrides)
    return values


def chain() -> list[dict[str, str]]:
    return [row(HEAD), row(KABID, HEAD), row(KASI, KABID), row(STAFF, KASI)]


def only_error(rows: list[dict[str, str]], header: list[str] = HEADER) -> RowError:
    result = validate_roster(header, rows)
    assert result.records == []
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_valid_chain_yields_records_in_file_order() -> None:
    result = validate_roster(HEADER, chain())
    assert result.ok
    assert [record.nip for record in result.records] == [HEAD, KABID, KASI, STAFF]
    assert result.records[0].supervisor_nip is None
    assert result.records[3].supervisor_nip == KASI


def test_optional_columns_may_be_absent_and_flags_parse() -> None:
    rows = [
        {k: v for k, v in row(HEAD).items() if k in REQUIRED_COLUMNS},
        row(KABID, HEAD, jenis_pegawai="pppk", tim_penilai="Ya", hr_admin="1", aktif="tidak"),
    ]
    result = validate_roster(list(REQUIRED_COLUMNS), rows)
    assert result.ok, result.errors
    head, kabid = result.records
    assert head.employment_type is EmploymentType.PNS and head.active
    assert kabid.employment_type is EmploymentType.PPPK
    assert kabid.is_tim_penilai and kabid.is_hr_admin and not kabid.is_auditor
    assert not kabid.active


def test_header_names_are_matched_case_insensitively() -> None:
    header = [f" {column.upper()} " for column in HEADER]
    assert validate_roster(header, chain()).ok


def test_malformed_nip() -> None:
    error = only_error([*chain(), row("19900925201503100", KASI)])
    assert (error.row, error.column) == (6, "nip")
    assert "18 digit" in error.message


def test_nip_with_invalid_birth_date() -> None:
    error = only_error([*chain(), row("199002302015031001", KASI)])
    assert (error.row, error.column) == (6, "nip")
    assert "tanggal lahir" in error.message


def test_malformed_supervisor_nip() -> None:
    error = only_error([*chain(), row(OTHER, "12345")])
    assert (error.row, error.column) == (6, "nip_atasan")
    assert "18 digit" in error.message


def test_duplicate_nip_names_both_rows() -> None:
    error = only_error([*chain(), row(OTHER, KASI), row(STAFF, KASI, nama="Orang Lain")])
    assert (error.row, error.column) == (7, "nip")
    assert "ganda" in error.message
    assert "baris 5" in error.message


def test_unknown_supervisor() -> None:
    error = only_error([*chain(), row(OTHER, "198001012005011001")])
    assert (error.row, error.column) == (6, "nip_atasan")
    assert "tidak ditemukan" in error.message


def test_supervisor_known_in_database_is_accepted() -> None:
    result = validate_roster(HEADER, [row(OTHER, HEAD)], existing_supervisors={HEAD: None})
    assert result.ok
    assert result.records[0].supervisor_nip == HEAD


def test_cycle_closing_through_the_database_is_caught() -> None:
    # In the database KABID reports to KASI; the file makes KASI report to KABID.
    existing = {HEAD: None, KASI: HEAD, KABID: KASI}
    result = validate_roster(HEADER, [row(KASI, KABID)], existing_supervisors=existing)
    assert [(error.row, error.column) for error in result.errors] == [(2, "nip_atasan")]
    assert "siklus" in result.errors[0].message


def test_row_numbers_follow_the_spreadsheet() -> None:
    rows = [*chain(), row(STAFF, KASI)]
    numbers = [2, 3, 5, 9, 12]
    result = validate_roster(HEADER, rows, row_numbers=numbers)
    assert [(error.row, error.column) for error in result.errors] == [(12, "nip")]
    assert "baris 9" in result.errors[0].message


def test_cycle_of_two_reports_each_member() -> None:
    rows = [row(HEAD), row(KABID, KASI), row(KASI, KABID), row(STAFF, KASI)]
    result = validate_roster(HEADER, rows)
    assert result.records == []
    assert [(e.row, e.column) for e in result.errors] == [(3, "nip_atasan"), (4, "nip_atasan")]
    assert all("siklus" in e.message for e in result.errors)


def test_cycle_of_three_reports_each_member() -> None:
    rows = [row(HEAD), row(KABID, STAFF), row(KASI, KABID), row(STAFF, KASI), row(OTHER, KASI)]
    result = validate_roster(HEADER, rows)
    assert result.records == []
    assert [e.row for e in result.errors] == [3, 4, 5]  # OTHER only hangs off the cycle
    assert all("siklus" in e.message for e in result.errors)


def test_self_supervision() -> None:
    error = only_error([*chain(), row(OTHER, OTHER)])
    assert (error.row, error.column) == (6, "nip_atasan")
    assert "sendiri" in error.message


def test_missing_required_column() -> None:
    header = [column for column in HEADER if column not in ("nama", "nip_atasan")]
    result = validate_roster(header, [{k: v for k, v in r.items() if k in header} for r in chain()])
    assert result.records == []
    assert {(e.row, e.column) for e in result.errors} == {(1, "nama"), (1, "nip_atasan")}
    assert all("kolom wajib" in e.message for e in result.errors)


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)"])
def test_formula_cell(formula: str) -> None:
    error = only_error([*chain(), row(OTHER, KASI, nama=formula)])
    assert (error.row, error.column) == (6, "nama")
    assert "rumus" in error.message


def test_empty_required_cell() -> None:
    error = only_error([*chain(), row(OTHER, KASI, jabatan="  ")])
    assert (error.row, error.column) == (6, "jabatan")
    assert "wajib diisi" in error.message


def test_overlong_cell() -> None:
    error = only_error([*chain(), row(OTHER, KASI, nama="A" * 501)])
    assert (error.row, error.column) == (6, "nama")


def test_bad_yes_no_flag() -> None:
    error = only_error([*chain(), row(OTHER, KASI, tim_penilai="mungkin")])
    assert (error.row, error.column) == (6, "tim_penilai")
    assert "ya/tidak" in error.message


def test_bad_employment_type() -> None:
    error = only_error([*chain(), row(OTHER, KASI, jenis_pegawai="honorer")])
    assert (error.row, error.column) == (6, "jenis_pegawai")
    assert "PNS atau PPPK" in error.message


def test_all_bad_rows_are_reported_at_once() -> None:
    rows = [
        *chain(),
        row("123", KASI),  # row 6
        row(OTHER, KASI, jenis_pegawai="honorer"),  # row 7
        row("199511302020122001", "198001012005011001"),  # row 8, unknown supervisor
        row("199601012021011001", KASI, aktif="entah"),  # row 9
    ]
    result = validate_roster(HEADER, rows)
    assert result.records == []
    assert [(e.row, e.column) for e in result.errors] == [
        (6, "nip"),
        (7, "jenis_pegawai"),
        (8, "nip_atasan"),
        (9, "aktif"),
    ]


def test_supervisor_made_inactive_while_active_staff_in_the_file_report_to_them() -> None:
    rows = [*chain(), row(OTHER, KASI)]
    rows[2] = row(KASI, KABID, aktif="tidak")  # row 4; STAFF (row 5) and OTHER (row 6) remain
    error = only_error(rows)
    assert (error.row, error.column) == (4, "aktif")
    assert "atasan 2 pegawai aktif" in error.message
    assert "baris 5, 6" in error.message


def test_supervisor_made_inactive_while_active_staff_in_the_database_report_to_them() -> None:
    existing = {HEAD: None, KABID: HEAD, KASI: KABID, STAFF: KASI}
    result = validate_roster(
        HEADER, [row(KASI, KABID, aktif="tidak")], existing_supervisors=existing
    )
    assert [(error.row, error.column) for error in result.errors] == [(2, "aktif")]
    assert "1 di basis data" in result.errors[0].message
    assert result.records == []


def test_supervisor_may_leave_once_staff_are_moved_or_leave_too() -> None:
    existing = {HEAD: None, KABID: HEAD, KASI: KABID, STAFF: KASI}
    moved = [row(KASI, KABID, aktif="tidak"), row(STAFF, KABID)]
    assert validate_roster(HEADER, moved, existing_supervisors=existing).ok
    together = [row(KASI, KABID, aktif="tidak"), row(STAFF, KASI, aktif="tidak")]
    assert validate_roster(HEADER, together, existing_supervisors=existing).ok


# --- properties -------------------------------------------------------------------------


@st.composite
def nips(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2000, 12, 31)))
    year = draw(st.integers(min_value=born.year + 18, max_value=2025))
    month = draw(st.integers(min_value=1, max_value=12))
    sex = draw(st.sampled_from("12"))
    return f"{born:%Y%m%d}{year}{month:02d}{sex}{draw(st.integers(0, 999)):03d}"


@st.composite
def forests(draw: st.DrawFn) -> tuple[list[str], list[int | None], list[int]]:
    """Distinct NIPs, ``parent[i]`` an earlier index or None, and a row order to write them."""
    people = draw(st.lists(nips(), min_size=1, max_size=40, unique=True))
    parents: list[int | None] = [
        draw(st.none() | st.integers(0, index - 1)) if index else None
        for index in range(len(people))
    ]
    order = draw(st.permutations(range(len(people))))
    return people, parents, order


def rows_of(people: list[str], parents: list[int | None], order: list[int]) -> list[dict[str, str]]:
    return [row(people[i], "" if (p := parents[i]) is None else people[p]) for i in order]


@settings(max_examples=200)
@given(forests())
def test_any_forest_validates(forest: tuple[list[str], list[int | None], list[int]]) -> None:
    people, parents, order = forest
    result = validate_roster(HEADER, rows_of(people, parents, order))
    assert result.errors == []
    assert [record.nip for record in result.records] == [people[i] for i in order]


@settings(max_examples=200)
@given(forests(), st.data())
def test_back_edge_cycle_is_always_detected(
    forest: tuple[list[str], list[int | None], list[int]], data: st.DataObject
) -> None:
    people, parents, order = forest
    with_parent = [i for i, parent in enumerate(parents) if parent is not None]
    if not with_parent:  # a forest of roots: make the smallest cycle, a pair
        people = [*people, data.draw(nips().filter(lambda nip: nip not in people))]
        parents = [*parents, 0]
        order = [*order, len(people) - 1]
        with_parent = [len(people) - 1]
    below = data.draw(st.sampled_from(with_parent))
    path = [below]  # from ``below`` up to the root
    while (parent := parents[path[-1]]) is not None:
        path.append(parent)
    top = data.draw(st.sampled_from(path[1:]))
    parents = list(parents)
    parents[top] = below  # the ancestor now reports to its own descendant
    cycle = set(path[: path.index(top) + 1])

    result = validate_roster(HEADER, rows_of(people, parents, order))
    assert result.records == []
    row_of = {person: position + 2 for position, person in enumerate(order)}
    assert {e.row for e in result.errors} == {row_of[i] for i in cycle}
    assert all(e.column == "nip_atasan" and "siklus" in e.message for e in result.errors)


@settings(max_examples=200, deadline=None)  # pure and fast; a busy shared CPU is not a bug
@given(forests(), st.data())
def test_inactive_supervisor_is_flagged_exactly_when_active_staff_remain(
    forest: tuple[list[str], list[int | None], list[int]], data: st.DataObject
) -> None:
    people, parents, order = forest
    inactive = data.draw(st.sets(st.sampled_from(range(len(people)))))
    rows = [
        row(
            people[i],
            "" if (p := parents[i]) is None else people[p],
            aktif="tidak" if i in inactive else "ya",
        )
        for i in order
    ]
    result = validate_roster(HEADER, rows)
    row_of = {person: position + 2 for position, person in enumerate(order)}
    stranded = {
        parent for i, parent in enumerate(parents) if parent in inactive and i not in inactive
    }
    assert {e.row for e in result.errors} == {row_of[i] for i in stranded}
    assert all(e.column == "aktif" for e in result.errors)
