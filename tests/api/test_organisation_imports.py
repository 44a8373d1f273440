"""HR's roster upload through the API, on real PostgreSQL (and Temporal where a supervisor
change moves a running appraisal): the row errors are exactly the command line's, in CSV
and XLSX alike; a dry run previews the change and is kept; applying applies exactly it,
and is refused once the organisation has changed; bad files are 413/415/422."""

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from api.roster_files import RosterLimits
from api.roster_import import import_roster
from domain.organisation import REQUIRED_COLUMNS, EmployeeRecord
from persistence.models import AuditEvent, Employee, RosterUpload
from rehearsal.organisation import make_nip
from runtime.devkeys import public_jwks
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.api.journey import Journey, assert_problem, start_period
from tests.orgs import HEAD, HR, OUTSIDER, PEER, SMALL_ORG, STAFF, SUPERVISOR, TIM

IMPORTS = "/organisation/imports"
COLUMNS = [*REQUIRED_COLUMNS, "jenis_pegawai", "tim_penilai", "hr_admin", "auditor", "aktif"]
NEWCOMER = "199505052020122011"
Sessions = async_sessionmaker[AsyncSession]


def roster_row(record: EmployeeRecord) -> dict[str, str]:
    def flag(value: bool) -> str:
        return "ya" if value else "tidak"

    return {
        "nip": record.nip,
        "nama": record.name,
        "jabatan": record.position,
        "pangkat_golongan": record.grade,
        "kode_opd": record.agency_code,
        "nama_opd": record.agency_name,
        "kode_unit": record.unit_code,
        "nama_unit": record.unit_name,
        "nip_atasan": record.supervisor_nip or "",
        "jenis_pegawai": record.employment_type.value,
        "tim_penilai": flag(record.is_tim_penilai),
        "hr_admin": flag(record.is_hr_admin),
        "auditor": flag(record.is_auditor),
        "aktif": flag(record.active),
    }


def small_org_rows() -> list[dict[str, str]]:
    return [roster_row(record) for record in SMALL_ORG]


def as_csv(rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def encoded(kind: str, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> bytes:
    return as_csv(rows, columns) if kind == "csv" else as_xlsx(rows, columns)


async def post_roster(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    name: str,
    *,
    dry_run: bool = True,
) -> httpx.Response:
    return await client.post(
        IMPORTS,
        headers=headers,
        files={"file": (name, data, "application/octet-stream")},
        data={"dry_run": "true" if dry_run else "false"},
    )


async def employees(sessionmaker: Sessions) -> list[tuple[Any, ...]]:
    async with sessionmaker() as session:
        result = await session.execute(select(Employee.__table__).order_by(Employee.nip))
        return [tuple(row) for row in result.all()]


def rows_with_errors() -> list[dict[str, str]]:
    """SMALL_ORG with a bad NIP, an unknown supervisor, a duplicate and a cycle."""
    rows = small_org_rows()
    by_nip = {row["nip"]: row for row in rows}
    by_nip[PEER]["nip"] = PEER[:-1]  # 17 digits
    by_nip[OUTSIDER]["nip_atasan"] = "199901012020121999"  # nobody
    by_nip[HEAD]["nip_atasan"] = STAFF  # HEAD → STAFF → SUPERVISOR → HEAD
    rows.append(dict(by_nip[TIM]))  # TIM twice
    return rows


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_row_errors_are_the_command_lines(
    client: httpx.AsyncClient,
    auth: TokenFor,
    sessionmaker: Sessions,
    tmp_path: Path,
    kind: str,
) -> None:
    data = encoded(kind, rows_with_errors())
    path = tmp_path / f"salah.{kind}"
    path.write_bytes(data)
    before = await employees(sessionmaker)

    response = await post_roster(client, auth(HR, "hr_admin"), data, path.name)

    assert response.status_code == 200, response.text
    body = response.json()
    cli = await import_roster(sessionmaker, path, dry_run=True)
    assert body["errors"] == [error.model_dump() for error in cli.errors]
    found = {(error["column"], error["message"]) for error in body["errors"]}
    assert ("nip_atasan", "atasan tidak ditemukan di berkas maupun di basis data") in found
    assert ("nip_atasan", "rantai atasan membentuk lingkaran (siklus)") in found
    assert any(column == "nip" and "ganda" in message for column, message in found)
    assert any(column == "nip" and "ganda" not in message for column, message in found)
    assert {error["row"] for error in body["errors"]} >= {2, 5, 7, 9}  # spreadsheet rows
    assert body["id"] is None and body["summary"] is None and body["changes"] is None
    assert await employees(sessionmaker) == before
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(RosterUpload)) == 0

    # the same file applied at once: a 422 naming the same rows, nothing written
    refused = await post_roster(client, auth(HR, "hr_admin"), data, path.name, dry_run=False)
    problem = assert_problem(refused, 422, "validation-error")
    assert problem["row_errors"] == body["errors"]
    assert await employees(sessionmaker) == before


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_missing_columns_are_named(
    client: httpx.AsyncClient, auth: TokenFor, kind: str
) -> None:
    columns = [column for column in COLUMNS if column not in ("nip_atasan", "kode_unit")]
    data = encoded(kind, small_org_rows(), columns)

    response = await post_roster(client, auth(HR, "hr_admin"), data, f"kolom.{kind}")

    assert response.status_code == 200, response.text
    assert response.json()["errors"] == [
        {"row": 1, "column": "kode_unit", "message": "kolom wajib tidak ada"},
        {"row": 1, "column": "nip_atasan", "message": "kolom wajib tidak ada"},
    ]


async def test_bad_files_are_refused_with_a_problem(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    hr = auth(HR, "hr_admin")
    assert_problem(
        await post_roster(client, hr, b"nip,nama\n1,a\n", "roster.txt"),
        415,
        "unsupported-media-type",
    )
    assert_problem(
        await post_roster(client, hr, b"PK\x03\x04rusak", "roster.xlsx"), 422, "validation-error"
    )
    empty = assert_problem(
        await post_roster(client, hr, b"  \n", "roster.csv"), 422, "validation-error"
    )
    assert empty["detail"] == "berkas kosong"
    latin = "nip,nama\n1,Ca\xf1a\n".encode("latin-1")
    assert (
        "UTF-8"
        in assert_problem(await post_roster(client, hr, latin, "r.csv"), 422, "validation-error")[
            "detail"
        ]
    )
    missing = await client.post(IMPORTS, headers=hr, data={"dry_run": "true"})
    assert_problem(missing, 422, "validation-error")
    # a body over 1 MiB is still read on this path (the roster's own cap is 10 MiB) ...
    padded = [dict(row, catatan="x" * 400) for row in small_org_rows()]
    padded += [dict(padded[-1], nip=make_nip(index), nip_atasan=HEAD) for index in range(3_000)]
    big = as_csv(padded, [*COLUMNS, "catatan"])
    assert len(big) > 1024 * 1024
    answered = await post_roster(client, hr, big, "besar.csv")
    assert answered.status_code == 200, answered.text
    assert answered.json()["errors"] == [] and answered.json()["changes"]["new"] == 3_000
    # ... but only here: other writes keep the 1 MiB cap
    other = await client.post(
        "/periods",
        headers={**hr, "content-type": "application/json"},
        content=b" " * (2 * 1024 * 1024),
    )
    assert_problem(other, 413, "payload-too-large")


@pytest.fixture
async def small_cap_client(
    temporal_env: WorkflowEnvironment,
    sessionmaker: Sessions,
    signing_key: bytes,
    task_queue: str,
    seeded: None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app where a roster may be at most 2,000 bytes."""
    context = ApiContext(
        temporal=temporal_env.client,
        sessionmaker=sessionmaker,
        verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
        task_queue=task_queue,
        roster_limits=RosterLimits(max_file_bytes=2_000),
    )
    transport = httpx.ASGITransport(app=create_app(context))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        yield http


async def test_a_file_over_the_cap_is_413(
    small_cap_client: httpx.AsyncClient, auth: TokenFor
) -> None:
    hr = auth(HR, "hr_admin")
    data = as_csv(small_org_rows() * 3)
    assert 2_000 < len(data) < 64 * 1024  # within the multipart slack: the reader refuses
    problem = assert_problem(
        await post_roster(small_cap_client, hr, data, "r.csv"), 413, "payload-too-large"
    )
    assert problem["detail"].startswith("berkas lebih dari")
    huge = b"x" * (200 * 1024)  # beyond the cap and the slack: refused before it is read
    assert_problem(await post_roster(small_cap_client, hr, huge, "r.csv"), 413, "payload-too-large")


async def test_only_hr_uploads_and_applies(client: httpx.AsyncClient, auth: TokenFor) -> None:
    data = as_csv(small_org_rows())
    for headers in (auth(STAFF), auth(TIM, "tim_penilai"), auth(SUPERVISOR, "pejabat_penilai")):
        assert_problem(await post_roster(client, headers, data, "r.csv"), 403, "forbidden")
    assert_problem(await post_roster(client, {}, data, "r.csv"), 401, "unauthenticated")
    kept = await post_roster(client, auth(HR, "hr_admin"), data, "r.csv")
    upload_id = kept.json()["id"]
    assert_problem(
        await client.post(f"{IMPORTS}/{upload_id}/apply", headers=auth(STAFF)), 403, "forbidden"
    )
    unknown = await client.post(f"{IMPORTS}/{'0' * 32}/apply", headers=auth(HR, "hr_admin"))
    assert_problem(unknown, 404, "not-found")


def changed_roster() -> list[dict[str, str]]:
    """SMALL_ORG with a newcomer, PEER promoted, STAFF moved under HEAD, TIM left out."""
    rows = [row for row in small_org_rows() if row["nip"] != TIM]
    by_nip = {row["nip"]: row for row in rows}
    by_nip[PEER]["jabatan"] = "Analis Kebijakan Ahli Muda"
    by_nip[STAFF]["nip_atasan"] = HEAD
    newcomer = dict(by_nip[PEER], nip=NEWCOMER, nama="Pegawai Baru", jabatan="Analis")
    return [*rows, newcomer]


async def test_preview_apply_and_the_moved_appraisal(
    client: httpx.AsyncClient,
    auth: TokenFor,
    sessionmaker: Sessions,
    period_id: str,
) -> None:
    hr = auth(HR, "hr_admin")
    await start_period(client, auth, period_id)
    staff = Journey(client, auth, period_id, STAFF)
    await staff.api.acknowledge()
    await staff.api.draft_skp()
    await staff.api.submit_skp()  # the SKP now waits on SUPERVISOR's approval
    before = await employees(sessionmaker)

    preview = await post_roster(client, hr, as_csv(changed_roster()), "kuranji-baru.csv")

    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["errors"] == [] and body["dry_run"] and not body["applied"]
    assert body["summary"] == {"created": 1, "updated": 2, "unchanged": 4}
    changes = body["changes"]
    assert (changes["new"], changes["changed"], changes["leaving"]) == (1, 2, 1)
    assert [p["nip"] for p in changes["new_people"]] == [NEWCOMER]
    assert [p["nip"] for p in changes["leaving_people"]] == [TIM]
    fields = {p["nip"]: p["fields"] for p in changes["changed_people"]}
    assert fields[PEER] == [
        {"column": "jabatan", "before": "Analis", "after": "Analis Kebijakan Ahli Muda"}
    ]
    assert fields[STAFF] == [{"column": "nip_atasan", "before": SUPERVISOR, "after": HEAD}]
    [moved] = changes["supervisors"]
    assert (moved["nip"], moved["before"], moved["after"]) == (STAFF, SUPERVISOR, HEAD)
    [appraisal] = moved["appraisals"]
    assert appraisal["period_id"] == period_id
    assert appraisal["steps"] == ["skp_persetujuan"]
    assert (changes["rerouted_appraisals"], changes["rerouted_steps"]) == (1, 1)
    assert await employees(sessionmaker) == before  # a dry run writes nothing
    assert (await staff.read())["supervisor_nip"] == SUPERVISOR

    applied = await client.post(f"{IMPORTS}/{body['id']}/apply", headers=hr)

    assert applied.status_code == 200, applied.text
    result = applied.json()
    assert result["applied"] and result["summary"] == body["summary"]
    assert (result["rerouted"], result["reroute_refusals"]) == (1, [])
    async with sessionmaker() as session:
        moved_staff = await session.get(Employee, STAFF)
        newcomer = await session.get(Employee, NEWCOMER)
        tim = await session.get(Employee, TIM)
    assert moved_staff is not None and moved_staff.supervisor_nip == HEAD
    assert newcomer is not None and newcomer.name == "Pegawai Baru"
    assert tim is not None and tim.active  # left out of the file, not deactivated
    # the pending approval is HEAD's now; SUPERVISOR stays on record
    appraisal_now = await staff.read()
    assert appraisal_now["supervisor_nip"] == HEAD
    assert appraisal_now["supervisor_history"][-1]["previous_nip"] == SUPERVISOR
    refused = await client.post(
        f"/appraisals/{period_id}/{STAFF}/skp/approve",
        headers=auth(SUPERVISOR, "pejabat_penilai"),
        json={"note": "Disetujui"},
    )
    assert refused.status_code in (403, 404), refused.text
    approved = await client.post(
        f"/appraisals/{period_id}/{STAFF}/skp/approve",
        headers=auth(HEAD, "pejabat_penilai"),
        json={"note": "Disetujui"},
    )
    assert approved.status_code == 200, approved.text
    async with sessionmaker() as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "organisation.imported")
            )
        ).all()
    assert [(e.actor, e.actor_role, e.subject_id, e.after) for e in events] == [
        (HR, "hr_admin", "kuranji-baru.csv", {"created": 1, "updated": 2, "unchanged": 4})
    ]
    # applied once only; the bytes are not kept
    again = await client.post(f"{IMPORTS}/{body['id']}/apply", headers=hr)
    assert_problem(again, 409, "wrong-state")
    async with sessionmaker() as session:
        kept = await session.get(RosterUpload, body["id"])
    assert kept is not None and kept.content is None and kept.applied_at is not None


async def test_apply_is_refused_once_the_organisation_changed(
    client: httpx.AsyncClient, auth: TokenFor, sessionmaker: Sessions
) -> None:
    hr = auth(HR, "hr_admin")
    preview = await post_roster(client, hr, as_csv(changed_roster()), "a.csv")
    upload_id = preview.json()["id"]
    # meanwhile another file is applied at once: PEER's position changes
    other = small_org_rows()
    for row in other:
        if row["nip"] == PEER:
            row["jabatan"] = "Pranata Komputer"
    direct = await post_roster(client, hr, as_csv(other), "b.csv", dry_run=False)
    assert direct.status_code == 200, direct.text
    assert direct.json()["applied"] and direct.json()["id"] is None
    before = await employees(sessionmaker)

    refused = await client.post(f"{IMPORTS}/{upload_id}/apply", headers=hr)

    problem = assert_problem(refused, 409, "wrong-state")
    assert "berubah sejak pratinjau" in problem["detail"]
    assert await employees(sessionmaker) == before
    async with sessionmaker() as session:
        peer = await session.get(Employee, PEER)
    assert peer is not None and peer.position == "Pranata Komputer"
