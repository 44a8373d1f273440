"""Control characters are refused wherever client input enters the domain."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.perencanaan import ReturnSkp
from domain.text import control_character_at

CONTROL = st.sampled_from([chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127]])
PLAIN = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r"))


@given(PLAIN)
def test_ordinary_text_with_tabs_and_line_breaks_passes(text: str) -> None:
    assert control_character_at({"a": [text, {"b": text}]}) is None


@given(PLAIN, CONTROL, PLAIN)
def test_a_control_character_anywhere_is_found_with_its_path(
    before: str, control: str, after: str
) -> None:
    nested = {"content": {"rhk": [{"id": "r1"}, {"description": before + control + after}]}}
    assert control_character_at(nested) == "content.rhk.1.description"


def test_a_command_with_a_nul_is_refused_before_it_reaches_a_workflow() -> None:
    with pytest.raises(ValidationError, match="karakter kontrol"):
        ReturnSkp.model_validate({"note": "Perbaiki\u0000 indikator"})
    assert ReturnSkp.model_validate({"note": "Perbaiki\nindikator"}).note == "Perbaiki\nindikator"


WHITESPACE = st.text(st.sampled_from(" \t\n\r\u00a0\u2003"), max_size=20)


@given(WHITESPACE)
def test_whitespace_only_is_no_written_text(blank: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ReturnSkp.model_validate({"note": blank})
    assert refused.value.errors()[0]["loc"] == ("note",)


@given(WHITESPACE, st.text(st.characters(categories=("L", "N")), min_size=3, max_size=50))
def test_written_text_is_kept_without_its_surrounding_whitespace(pad: str, word: str) -> None:
    assert ReturnSkp.model_validate({"note": pad + word + pad}).note == word
