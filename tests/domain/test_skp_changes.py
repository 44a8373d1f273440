"""What changed since the returned SKP: nothing for the same content, each edit named."""

from hypothesis import given
from hypothesis import strategies as st

from domain.skp_changes import ChangeKind, SkpChange, skp_changes
from rehearsal.skp import skp_content


def test_the_same_content_has_no_changes() -> None:
    assert skp_changes(skp_content(2), skp_content(2)) == []


def test_a_changed_target_an_added_rhk_and_an_expectation_are_named() -> None:
    old = skp_content(1)
    first = old.rhk[0]
    indicator = first.indicators[0].model_copy(update={"target": 15.0})
    new_first = first.model_copy(update={"indicators": (indicator,)})
    extra = skp_content(2).rhk[1]
    perilaku = (old.perilaku[0].model_copy(update={"expectation": "Melayani dengan ramah"}),)
    new = old.model_copy(
        update={"rhk": (new_first, extra), "perilaku": perilaku + old.perilaku[1:]}
    )
    assert skp_changes(old, new) == [
        SkpChange(ChangeKind.CHANGED, "RHK 1, indikator 1", "target", "12", "15"),
        SkpChange(ChangeKind.ADDED, "RHK 2", after=extra.description),
        SkpChange(
            ChangeKind.CHANGED,
            f"perilaku: {old.perilaku[0].value.value}",
            "expectation",
            old.perilaku[0].expectation,
            "Melayani dengan ramah",
        ),
    ]


def test_a_removed_rhk_is_named_with_its_description() -> None:
    old, new = skp_content(3), skp_content(2)
    assert skp_changes(old, new) == [
        SkpChange(ChangeKind.REMOVED, "RHK 3", before=old.rhk[2].description)
    ]


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=6))
def test_rhk_counts_differ_by_exactly_the_added_or_removed(old_count: int, new_count: int) -> None:
    changes = skp_changes(skp_content(old_count), skp_content(new_count))
    kinds = {change.kind for change in changes}
    assert len(changes) == abs(old_count - new_count)
    assert kinds <= ({ChangeKind.ADDED} if new_count > old_count else {ChangeKind.REMOVED})
