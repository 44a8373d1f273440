"""Generated organisations for the drills: one agency, a head, supervisors and their
staff, so every appraisal has a pejabat penilai who can approve it (NIPs from
``rehearsal.organisation``, as every generated roster has them)."""

from domain.organisation import EmployeeRecord
from rehearsal.organisation import make_nip as nip

AGENCY = "DRILL"
HR_NIP = "198806062012032006"


def record(
    index: int, supervisor: str | None, *, unit: str = "DRILL-UMUM", **flags: bool
) -> EmployeeRecord:
    return EmployeeRecord(
        nip=nip(index),
        name=f"Pegawai {index}",
        position="Analis",
        grade="Penata (III/c)",
        agency_code=AGENCY,
        agency_name="Dinas Latihan",
        unit_code=unit,
        unit_name="Umum",
        supervisor_nip=supervisor,
        **flags,
    )


def organisation(size: int, span: int = 10) -> list[EmployeeRecord]:
    """``size`` employees: a head, then one supervisor per ``span`` staff; plus HR."""
    head = record(0, None)
    records = [head]
    supervisor = head.nip
    for index in range(1, size):
        if index % (span + 1) == 1:
            records.append(record(index, head.nip))
            supervisor = records[-1].nip
        else:
            records.append(record(index, supervisor))
    hr = EmployeeRecord(
        nip=HR_NIP,
        name="Petugas BKPSDM",
        position="Analis SDM",
        grade="Penata (III/c)",
        agency_code="BKPSDM",
        agency_name="BKPSDM",
        unit_code="BKPSDM-UMUM",
        unit_name="Umum",
        supervisor_nip=None,
        is_hr_admin=True,
    )
    return [*records, hr]
