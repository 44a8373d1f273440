"""SKP content validation: an SKP the pejabat penilai can approve must name at least one
main result, identify its RHK and indicators unambiguously (check-ins report per indicator
id), cover every BerAKHLAK value exactly once, and accept nothing it does not define."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.perencanaan import DraftSkp
from domain.skp import Aspect, BerakhlakValue, RhkKind, SkpContent
from tests.domain.builders import valid_content


def content_data(rhk_count: int = 2) -> dict[str, Any]:
    """A valid SKP as the JSON the API would receive, to break one part at a time."""
    return valid_content(rhk_count).model_dump(mode="json")


def test_the_builder_makes_the_documented_skp() -> None:
    """Other tests rely on these ids, kinds and targets."""
    content = valid_content()
    first, second = content.rhk
    assert (first.id, first.kind) == ("rhk-1", RhkKind.UTAMA)
    assert (second.id, second.kind) == ("rhk-2", RhkKind.TAMBAHAN)
    ind1, ind2 = first.indicators[0], second.indicators[0]
    assert (ind1.id, ind1.aspect, ind1.target, ind1.unit) == (
        "ind-1",
        Aspect.KUANTITAS,
        12,
        "dokumen",
    )
    assert (ind2.id, ind2.aspect, ind2.target, ind2.unit) == ("ind-2", Aspect.KUALITAS, 90, "%")
    assert {item.value for item in content.perilaku} == set(BerakhlakValue)
    assert set(content.indicators()) == {"ind-1", "ind-2"}


@pytest.mark.parametrize("rhk_count", [1, 2, 5, 30])
def test_valid_skp_of_any_allowed_size_round_trips(rhk_count: int) -> None:
    content = valid_content(rhk_count)
    assert len(content.rhk) == rhk_count
    assert SkpContent.model_validate(content.model_dump(mode="json")) == content


def test_an_skp_needs_rhk() -> None:
    data = content_data()
    data["rhk"] = []
    with pytest.raises(ValidationError, match="rhk"):
        SkpContent.model_validate(data)


def test_an_skp_with_only_tambahan_results_is_refused() -> None:
    """Extra results alone cannot be rated: the rating rule hinges on the main ones."""
    data = content_data(3)
    for item in data["rhk"]:
        item["kind"] = RhkKind.TAMBAHAN.value
    with pytest.raises(ValidationError, match="RHK utama"):
        SkpContent.model_validate(data)


def test_one_utama_among_tambahan_is_enough() -> None:
    data = content_data(4)
    for item in data["rhk"][1:]:
        item["kind"] = RhkKind.TAMBAHAN.value
    content = SkpContent.model_validate(data)
    assert [item.kind for item in content.rhk].count(RhkKind.UTAMA) == 1


def test_rhk_ids_must_be_unique() -> None:
    data = content_data(3)
    data["rhk"][2]["id"] = "rhk-1"
    with pytest.raises(ValidationError, match="id RHK harus unik"):
        SkpContent.model_validate(data)


def test_indicator_ids_must_be_unique_across_the_whole_skp() -> None:
    """Check-ins report realisation by indicator id, so an id repeated in another RHK
    would make a report ambiguous."""
    data = content_data(2)
    data["rhk"][1]["indicators"][0]["id"] = "ind-1"
    with pytest.raises(ValidationError, match="id indikator harus unik"):
        SkpContent.model_validate(data)


def test_indicator_ids_must_be_unique_within_one_rhk() -> None:
    data = content_data(1)
    indicator = data["rhk"][0]["indicators"][0]
    data["rhk"][0]["indicators"] = [indicator, {**indicator, "description": "Lagi"}]
    with pytest.raises(ValidationError, match="id indikator harus unik"):
        SkpContent.model_validate(data)


def test_an_rhk_needs_an_indicator() -> None:
    data = content_data()
    data["rhk"][0]["indicators"] = []
    with pytest.raises(ValidationError, match="indicators"):
        SkpContent.model_validate(data)


@pytest.mark.parametrize("missing", list(BerakhlakValue))
def test_every_berakhlak_value_is_required(missing: BerakhlakValue) -> None:
    data = content_data()
    data["perilaku"] = [item for item in data["perilaku"] if item["value"] != missing.value]
    with pytest.raises(ValidationError):
        SkpContent.model_validate(data)


@pytest.mark.parametrize("duplicated", list(BerakhlakValue))
def test_a_berakhlak_value_twice_is_refused_even_with_seven_entries(
    duplicated: BerakhlakValue,
) -> None:
    """Seven entries are not enough: one value twice means another is missing."""
    data = content_data()
    replaced = next(item for item in data["perilaku"] if item["value"] != duplicated.value)
    replaced["value"] = duplicated.value
    assert len(data["perilaku"]) == 7
    with pytest.raises(ValidationError, match="ketujuh nilai BerAKHLAK"):
        SkpContent.model_validate(data)


def test_an_eighth_behaviour_expectation_is_refused() -> None:
    data = content_data()
    data["perilaku"].append({"value": "loyal", "expectation": "Sekali lagi loyal"})
    with pytest.raises(ValidationError, match="perilaku"):
        SkpContent.model_validate(data)


def test_an_unknown_behaviour_value_is_refused() -> None:
    data = content_data()
    data["perilaku"][0]["value"] = "jujur"
    with pytest.raises(ValidationError):
        SkpContent.model_validate(data)


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("rhk", 0),
        ("rhk", 0, "indicators", 0),
        ("perilaku", 0),
    ],
)
def test_extra_fields_are_refused_at_every_level(path: tuple[Any, ...]) -> None:
    """No mass assignment: a client cannot slip in fields such as an approval status or
    a realisation through the draft."""
    data = content_data()
    target: Any = data
    for step in path:
        target = target[step]
    target["status"] = "disetujui"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        SkpContent.model_validate(data)


@pytest.mark.parametrize("field", ["status", "submissions", "version", "stage"])
def test_the_draft_command_accepts_only_its_content(field: str) -> None:
    """DraftSkp cannot carry state fields either (it is what the API deserialises)."""
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        DraftSkp.model_validate({"content": content_data(), field: "disetujui"})


@pytest.mark.parametrize("target", [0, -1, -0.5])
def test_indicator_targets_must_be_positive(target: float) -> None:
    """A zero target would make every achievement share a division by zero."""
    data = content_data()
    data["rhk"][0]["indicators"][0]["target"] = target
    with pytest.raises(ValidationError, match="greater than 0"):
        SkpContent.model_validate(data)


@given(st.floats(min_value=0.001, max_value=1_000_000_000))
def test_any_positive_target_up_to_the_bound_is_accepted(target: float) -> None:
    data = content_data()
    data["rhk"][0]["indicators"][0]["target"] = target
    assert SkpContent.model_validate(data).rhk[0].indicators[0].target == target


def test_absurd_targets_are_refused() -> None:
    data = content_data()
    data["rhk"][0]["indicators"][0]["target"] = 1e12
    with pytest.raises(ValidationError):
        SkpContent.model_validate(data)


@pytest.mark.parametrize("bad_id", ["", "rhk 1", "rhk/1", "a" * 41, "rhk-1;drop"])
def test_ids_are_short_safe_slugs(bad_id: str) -> None:
    data = content_data()
    data["rhk"][0]["id"] = bad_id
    with pytest.raises(ValidationError):
        SkpContent.model_validate(data)


def test_content_is_immutable() -> None:
    content = valid_content()
    with pytest.raises(ValidationError):
        content.rhk = ()  # type: ignore[misc]
