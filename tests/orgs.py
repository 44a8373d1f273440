"""A small organisation for tests: one agency, a chain three levels deep, plus HR."""

from domain.organisation import EmployeeRecord

HEAD = "197001012000031001"  # Kepala Dinas Kesehatan
SUPERVISOR = "198002022005011002"  # Kepala Bidang, reports to HEAD
STAFF = "199003032015032003"  # staff, reports to SUPERVISOR
PEER = "199104042016031004"  # another staff member of SUPERVISOR
OUTSIDER = "198505052010012005"  # Dinas Pendidikan, unrelated
HR = "198806062012032006"  # BKPSDM
TIM = "198707072011011007"  # tim penilai of Dinas Kesehatan


def _employee(
    nip: str, supervisor: str | None, agency: str = "DINKES", **flags: bool
) -> EmployeeRecord:
    return EmployeeRecord(
        nip=nip,
        name=f"Pegawai {nip[-3:]}",
        position="Analis",
        grade="Penata (III/c)",
        agency_code=agency,
        agency_name=agency.title(),
        unit_code=f"{agency}-UMUM",
        unit_name="Umum",
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
