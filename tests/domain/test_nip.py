"""NIP layout checks: a typo in the spreadsheet should fail with a message naming the part."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.nip import NipError, is_valid_nip, parse_nip


@st.composite
def valid_nips(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2005, 12, 31)))
    year = draw(st.integers(min_value=born.year + 18, max_value=2030))
    month = draw(st.integers(min_value=1, max_value=12))
    sex = draw(st.sampled_from("12"))
    sequence = draw(st.integers(min_value=0, max_value=999))
    return f"{born:%Y%m%d}{year:04d}{month:02d}{sex}{sequence:03d}"


def test_valid_nip_is_returned_stripped() -> None:
    assert parse_nip("  198503122010012003 ") == "198503122010012003"
    assert is_valid_nip("198503122010012003")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "18 digit"),
        ("19850312201001200", "18 digit"),  # 17 digits
        ("1985031220100120031", "18 digit"),  # 19 digits
        ("19850312 201001 2 003", "18 digit"),
        ("1985031220100120O3", "18 digit"),  # letter O typed for zero
        ("１９８５０３１２２０１００１2００３", "18 digit"),  # fullwidth digits, ASCII sex digit
        ("198502302010012003", "tanggal lahir"),  # 30 February
        ("198513122010012003", "tanggal lahir"),  # month 13
        ("198503122010002003", "TMT"),  # appointment month 00
        ("198503122010132003", "TMT"),
        ("198503122010013003", "jenis kelamin"),
        ("198503122010010003", "jenis kelamin"),
    ],
)
def test_malformed_nip_names_the_problem(raw: str, fragment: str) -> None:
    with pytest.raises(NipError, match=fragment):
        parse_nip(raw)
    assert not is_valid_nip(raw)


@given(valid_nips())
def test_every_well_formed_nip_parses(nip: str) -> None:
    assert parse_nip(nip) == nip


@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_any_18_digits_either_parse_or_raise_nip_error(raw: str) -> None:
    try:
        assert parse_nip(raw) == raw
    except NipError:
        assert not is_valid_nip(raw)
