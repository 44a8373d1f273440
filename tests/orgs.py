"""A small organisation for tests: one agency, a chain three levels deep, plus HR."""

from domain.organisation import EmployeeRecord

HEAD = "197001012000031001"  # Kepala Dinas Kesehatan
SUPERVISOR = "198002022005011002"  # Kepala Bidang, reports to HEAD
STAFF = "199003032015032003"  # staff, reports to SUPERVISOR
PEER = "199104042016031004"  # another staff member of SUPERVISOR
OUTSIDER = "198505052010012005"  # Dinas Pendidikan, unrelated
HR = "198806062012032006"  # BKPSDM
TIM = "198707072011011007"  # tim penilai of Dinas Kesehatan
OTHER_TIM = "198908082013012008"  # tim penilai of Dinas Pendidikan
AUDITOR = "197509092001021009"  # Inspektorat
CALIBRATOR = "198510102012121010"  # tim penilai of Dinas Kesehatan outside DINKES-UMUM's chain


def _employee(
    nip: str, supervisor: str | None, agency: str = "DINKES", unit: str = "UMUM", **flags: bool
) -> EmployeeRecord:
    return EmployeeRecord(
        nip=nip,
        name=f"Pegawai {nip[-3:]}",
        position="Analis",
        grade="Penata (III/c)",
        agency_code=agency,
        agency_name=agency.title(),
        unit_code=f"{agency}-{unit}",
        unit_name=unit.title(),
        supervisor_nip=supervisor,
        **flags,
    )


SMALL_ORG = [
    _employee(HEAD, None),
    _employee(SUPERVISOR, HEAD),
    _employee(STAFF, SUPERVISOR),
    _employee(PEER, SUPERVISOR),
    _employee(TIM, HEAD, is_tim_penilai=True),
    _employee(OUTSIDER, None, agency="DISDIK"),
    _employee(HR, None, agency="BKPSDM", is_hr_admin=True),
]

# Roles some tests need besides SMALL_ORG's: the roster, not the token, grants them.
WITH_OTHER_ROLES = [
    _employee(OTHER_TIM, None, agency="DISDIK", is_tim_penilai=True),
    _employee(AUDITOR, None, agency="INSPEKTORAT", is_auditor=True),
]
# A tim penilai who may calibrate DINKES-UMUM: neither in it nor below anyone in it (TIM is
# both, so segregation of duties refuses TIM's override). Added after a period has started.
INDEPENDENT_TIM = _employee(CALIBRATOR, None, unit="MUTU", is_tim_penilai=True)
