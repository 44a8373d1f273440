"""How reports name where a keberatan and a tindak lanjut stand."""

from datetime import UTC, datetime

from domain.development import (
    DevelopmentAction,
    DevelopmentKind,
    DevelopmentStatus,
    development_status,
)
from domain.keberatan import Keberatan, KeberatanStatus, keberatan_status
from domain.predikat import NEEDS_DEVELOPMENT, Predikat

AT = datetime(2027, 1, 5, tzinfo=UTC)


def action(number: int, *, confirmed: bool) -> DevelopmentAction:
    return DevelopmentAction(
        number=number,
        kind=DevelopmentKind.COACHING,
        title="Coaching pelayanan",
        due=AT,
        assigned_by="x",
        assigned_at=AT,
        confirmed_at=AT if confirmed else None,
    )


def test_development_follows_the_predikat_until_actions_are_assigned() -> None:
    assert development_status(None, ()) is None
    for predikat in Predikat:
        expected = (
            DevelopmentStatus.BELUM_DITETAPKAN
            if predikat in NEEDS_DEVELOPMENT
            else DevelopmentStatus.TIDAK_PERLU
        )
        assert development_status(predikat, ()) is expected
    running = (action(1, confirmed=True), action(2, confirmed=False))
    assert development_status(Predikat.KURANG, running) is DevelopmentStatus.BERJALAN
    done = (action(1, confirmed=True), action(2, confirmed=True))
    assert development_status(Predikat.KURANG, done) is DevelopmentStatus.SELESAI
    # a keberatan that lifted the predikat does not hide what was assigned
    assert development_status(Predikat.BAIK, running) is DevelopmentStatus.BERJALAN


def test_keberatan_status() -> None:
    assert keberatan_status(None) is KeberatanStatus.TIDAK_ADA
    assert keberatan_status(Keberatan(filed_at=AT, reasons="x")) is KeberatanStatus.DIAJUKAN
