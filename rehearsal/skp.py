"""A plausible SKP, valid by the domain's own rules: what every rehearsed employee
drafts, and what tests build on when they change one field."""

from typing import Any

from domain.skp import (
    Aspect,
    BehaviourExpectation,
    BerakhlakValue,
    Indicator,
    Rhk,
    RhkKind,
    SkpContent,
)


def skp_content(rhk_count: int = 2) -> SkpContent:
    """An SKP with ``rhk_count`` RHK ("rhk-1", ...) of one indicator each ("ind-1", ...).

    Odd RHK are utama with a kuantitas indicator (target 12 dokumen); even RHK are
    tambahan with a kualitas indicator (target 90 %). So the default has one main and one
    extra result. Every BerAKHLAK value has one expectation."""
    rhk = []
    for number in range(1, rhk_count + 1):
        main = number % 2 == 1
        indicator = Indicator(
            id=f"ind-{number}",
            description=(
                f"Jumlah dokumen layanan kesehatan ke-{number} yang diselesaikan"
                if main
                else f"Persentase kepuasan pasien atas layanan ke-{number}"
            ),
            aspect=Aspect.KUANTITAS if main else Aspect.KUALITAS,
            target=12 if main else 90,
            unit="dokumen" if main else "%",
        )
        rhk.append(
            Rhk(
                id=f"rhk-{number}",
                description=f"Rencana hasil kerja ke-{number} bidang pelayanan kesehatan",
                kind=RhkKind.UTAMA if main else RhkKind.TAMBAHAN,
                supports="Meningkatnya mutu pelayanan kesehatan dasar",
                indicators=(indicator,),
            )
        )
    perilaku = tuple(
        BehaviourExpectation(value=value, expectation=f"Menunjukkan perilaku {value.value}")
        for value in BerakhlakValue
    )
    return SkpContent(rhk=tuple(rhk), perilaku=perilaku)


def skp_json(rhk_count: int = 2) -> dict[str, Any]:
    """:func:`skp_content` as the API takes it (``PUT …/skp`` wants ``{"content": …}``)."""
    content: dict[str, Any] = skp_content(rhk_count).model_dump(mode="json")
    return content
