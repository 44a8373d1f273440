"""The predicate (predikat kinerja): results × behaviour, by the matrix of PermenPANRB
6/2022, and what each predicate means for the employee's career."""

from enum import StrEnum

from domain.checkin import Rating, Realisation, achievement
from domain.skp import RhkKind, SkpContent


class Predikat(StrEnum):
    SANGAT_BAIK = "sangat_baik"  # outstanding
    BAIK = "baik"  # good
    BUTUH_PERBAIKAN = "butuh_perbaikan"  # needs improvement
    KURANG = "kurang"  # poor (also: good results with misconduct)
    SANGAT_KURANG = "sangat_kurang"  # very poor


_MATRIX: dict[tuple[Rating, Rating], Predikat] = {
    # (hasil kerja, perilaku kerja)
    (Rating.DI_ATAS, Rating.DI_ATAS): Predikat.SANGAT_BAIK,
    (Rating.DI_ATAS, Rating.SESUAI): Predikat.BAIK,
    (Rating.DI_ATAS, Rating.DI_BAWAH): Predikat.KURANG,
    (Rating.SESUAI, Rating.DI_ATAS): Predikat.BAIK,
    (Rating.SESUAI, Rating.SESUAI): Predikat.BAIK,
    (Rating.SESUAI, Rating.DI_BAWAH): Predikat.KURANG,
    (Rating.DI_BAWAH, Rating.DI_ATAS): Predikat.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.SESUAI): Predikat.BUTUH_PERBAIKAN,
    (Rating.DI_BAWAH, Rating.DI_BAWAH): Predikat.SANGAT_KURANG,
}

# Functional-post credit points (angka kredit) are converted at these shares.
CREDIT_PERCENT = {
    Predikat.SANGAT_BAIK: 150,
    Predikat.BAIK: 100,
    Predikat.BUTUH_PERBAIKAN: 75,
    Predikat.KURANG: 50,
    Predikat.SANGAT_KURANG: 25,
}
NEEDS_DEVELOPMENT = frozenset({Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG})
PROMOTION_ELIGIBLE = frozenset({Predikat.SANGAT_BAIK, Predikat.BAIK})


def predikat(hasil_kerja: Rating, perilaku: Rating) -> Predikat:
    """The kuadran kinerja: poor behaviour caps good results at kurang (misconduct)."""
    return _MATRIX[(hasil_kerja, perilaku)]


# Around the target, a result "meets" expectations; beyond these shares it is above or below.
EXCEEDS_FROM = 1.1
BELOW_UNDER = 0.9
_TOLERANCE = 1e-9


def suggest_results_rating(content: SkpContent, realisations: tuple[Realisation, ...]) -> Rating:
    """A suggestion only; the supervisor decides. Above when most RHK exceed and no main
    RHK is below; below when most are below; otherwise meets. An RHK counts by its weakest
    indicator, and an unreported indicator counts as zero."""
    reported = {item.indicator_id: item.value for item in realisations}
    above = below = 0
    main_below = False
    for rhk in content.rhk:
        weakest = min(
            achievement(i.target, reported.get(i.id, 0.0), lower_is_better=i.lower_is_better)
            for i in rhk.indicators
        )
        # exactly on a threshold counts as reaching it, whatever binary floats say
        if weakest >= EXCEEDS_FROM - _TOLERANCE:
            above += 1
        elif weakest < BELOW_UNDER - _TOLERANCE:
            below += 1
            main_below = main_below or rhk.kind is RhkKind.UTAMA
    half = len(content.rhk) / 2
    if below > half:
        return Rating.DI_BAWAH
    if above > half and not main_below:
        return Rating.DI_ATAS
    return Rating.SESUAI
