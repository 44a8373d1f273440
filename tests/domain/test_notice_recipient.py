"""Who a reminder or escalation reaches: the chain as far as it goes, then BKPSDM."""

from hypothesis import given
from hypothesis import strategies as st

from domain.notices import notice_recipient
from domain.roles import Role

NIPS = st.none() | st.sampled_from(["198001012005011001", "197501012000031002"])


def test_each_role_reaches_its_own_person() -> None:
    assert notice_recipient(Role.PEGAWAI, "E", "S", "A") == (Role.PEGAWAI, "E")
    assert notice_recipient(Role.PEJABAT_PENILAI, "E", "S", "A") == (Role.PEJABAT_PENILAI, "S")
    assert notice_recipient(Role.ATASAN_PENILAI, "E", "S", "A") == (Role.ATASAN_PENILAI, "A")


def test_a_chain_that_ends_early_falls_to_bkpsdm() -> None:
    assert notice_recipient(Role.PEJABAT_PENILAI, "E", None, None) == (Role.HR_ADMIN, None)
    assert notice_recipient(Role.ATASAN_PENILAI, "E", "S", None) == (Role.HR_ADMIN, None)
    assert notice_recipient(Role.ATASAN_PENILAI, "E", None, "A") == (Role.HR_ADMIN, None)
    assert notice_recipient(Role.HR_ADMIN, "E", "S", "A") == (Role.HR_ADMIN, None)


@given(role=st.sampled_from(list(Role)), supervisor=NIPS, atasan=NIPS)
def test_every_notice_has_someone_to_read_it(
    role: Role, supervisor: str | None, atasan: str | None
) -> None:
    """Either a named person in the employee's chain, or BKPSDM without a NIP."""
    to, nip = notice_recipient(role, "199001012015011003", supervisor, atasan)
    if to is Role.HR_ADMIN:
        assert nip is None
    else:
        assert to is role
        assert nip in {"199001012015011003", supervisor, atasan}
        assert nip is not None
