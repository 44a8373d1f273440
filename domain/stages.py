"""The six stages of one employee's appraisal year, in order."""

from enum import StrEnum


class Stage(StrEnum):
    """Where an appraisal stands. Order matters: an appraisal only moves forward."""

    SOSIALISASI = "sosialisasi"  # socialisation: acknowledge the policy briefing
    PERENCANAAN = "perencanaan"  # target setting: the SKP
    PEMANTAUAN = "pemantauan"  # mid-period monitoring: check-ins
    WAWANCARA = "wawancara"  # performance dialogues
    PENILAIAN = "penilaian"  # scoring, distribution check, keberatan window
    TINDAK_LANJUT = "tindak_lanjut"  # training / development follow-up
    SELESAI = "selesai"  # done; the result is locked

    @property
    def position(self) -> int:
        return list(Stage).index(self)
