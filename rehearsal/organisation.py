"""Generated organisations: a regency of agencies, bidang and seksi with chains four
deep, and the well-formed, unique NIPs its people (and every other generated roster)
carry."""

import random
from collections.abc import Sequence
from datetime import date, timedelta

from domain.organisation import EmployeeRecord


def make_nip(index: int) -> str:
    """A well-formed, unique NIP for the ``index``-th generated employee (index < 10^7)."""
    birth = date(1965, 1, 1) + timedelta(days=index // 1000)
    tmt_year = 1990 + index % 30
    tmt_month = 1 + index % 12
    sex = 1 + index % 2
    return f"{birth:%Y%m%d}{tmt_year}{tmt_month:02d}{sex}{index % 1000:03d}"


def generate_organisation(
    employees: int, *, seed: int = 1, agency_size: int = 250, first_index: int = 0
) -> list[EmployeeRecord]:
    """A regency of ``employees`` ASN in agencies of about ``agency_size``.

    Each agency (OPD) has a head, up to six bidang (each its own unit, the unit the
    distribution rule applies to) with a kepala bidang, up to four kepala seksi under
    each, and staff under those: chains four deep (staff → kepala seksi → kepala bidang →
    kepala OPD → the regional head, whom BKPSDM represents). The first agency is BKPSDM;
    its first staff member is an HR admin, and so is the second agency's (the demo roster
    too has an HR admin outside BKPSDM): a head of agency is rated by HR, and segregation
    of duties refuses anyone in the head's own chain (``hr_admin_for``). Each agency's
    first staff member sits on its tim penilai. NIPs are ``make_nip(first_index)`` onwards.
    """
    if employees < 1:
        raise ValueError("employees must be at least 1")
    rng = random.Random(seed)
    # at least two agencies (a regency has dozens): each head of agency needs an HR admin
    # outside their own chain, which one agency cannot give
    agency_count = max(min(2, employees), round(employees / agency_size))
    weights = [rng.uniform(0.6, 1.4) for _ in range(agency_count)]
    total = sum(weights)
    sizes = [max(1, int(employees * w / total)) for w in weights]
    sizes[0] += employees - sum(sizes)
    while sizes[0] < 1:  # rounding took too much from the first agency
        donor = max(range(agency_count), key=sizes.__getitem__)
        sizes[donor] -= 1
        sizes[0] += 1
    records: list[EmployeeRecord] = []

    def add(agency: str, unit: str, supervisor: str | None, position: str, **flags: bool) -> str:
        nip = make_nip(first_index + len(records))
        records.append(
            EmployeeRecord(
                nip=nip,
                name=f"Pegawai {len(records) + 1}",
                position=position,
                grade="Penata (III/c)",
                agency_code=agency,
                agency_name=f"Dinas {agency}",
                unit_code=unit,
                unit_name=f"Bidang {unit}",
                supervisor_nip=supervisor,
                **flags,
            )
        )
        return nip

    for number, size in enumerate(sizes):
        agency = "BKPSDM" if number == 0 else f"OPD{number:02d}"
        head = add(agency, f"{agency}-PIM", None, "Kepala OPD")
        left = size - 1
        bidang = max(1, min(6, left // 40)) if left else 0
        for b in range(bidang):
            share = left // (bidang - b)
            left -= share
            if share == 0:
                continue
            unit = f"{agency}-B{b + 1}"
            kabid = add(agency, unit, head, "Kepala Bidang")
            rest = share - 1
            seksi = min(4, rest // 8)
            leaders = [kabid]
            for _ in range(seksi):
                leaders.append(add(agency, unit, kabid, "Kepala Seksi"))
                rest -= 1
            staff_leaders = leaders[1:] or leaders
            for s in range(rest):
                flags: dict[str, bool] = {}
                if b == 0 and s == 0:
                    flags["is_tim_penilai"] = True
                    if number in (0, 1):
                        flags["is_hr_admin"] = True
                add(agency, unit, staff_leaders[s % len(staff_leaders)], "Analis", **flags)
    return records


def hr_admin_for(records: Sequence[EmployeeRecord], appraisee: EmployeeRecord) -> str:
    """An HR admin who may act as ``appraisee``'s rater or atasan: for the head of an
    agency (rated for the regional head, whom HR represents) one from another agency,
    since segregation of duties refuses anyone below the appraisee; otherwise the first."""
    admins = [r for r in records if r.is_hr_admin]
    if appraisee.supervisor_nip is None:
        outside = [r for r in admins if r.agency_code != appraisee.agency_code]
        admins = outside or admins
    return admins[0].nip
