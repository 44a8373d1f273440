"""The ``kinerja`` command as an operator runs it, against a real database."""

import asyncio
import os
import subprocess
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import Employee
from runtime.devstack import venv_binary


async def kinerja(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "200"}
    return await asyncio.to_thread(
        subprocess.run,
        [str(venv_binary("kinerja")), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def employees(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Employee)) or 0)


async def test_import_org_reports_bad_rows_and_imports_nothing(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "nip,nama,jabatan,pangkat_golongan,kode_opd,nama_opd,kode_unit,nama_unit,nip_atasan\n"
        "197001012000031001,Kepala,Kepala Dinas,Pembina (IV/a),D,Dinas,D-1,Umum,\n"
        "12345,Salah,Staf,Penata (III/c),D,Dinas,D-1,Umum,197001012000031001\n"
        "199001012015031002,Yatim,Staf,Penata (III/c),D,Dinas,D-1,Umum,198001012005011099\n",
        encoding="utf-8",
    )

    result = await kinerja(database_url, "import-org", str(bad))

    assert result.returncode == 1
    assert "dibatalkan" in result.stdout
    assert "18 digit" in result.stdout  # row 3
    assert "tidak ditemukan" in result.stdout  # row 4
    assert await employees(sessionmaker) == 0


async def test_migrate_then_dry_run_then_import(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], demo_roster_path: Path
) -> None:
    migrated = await kinerja(database_url, "migrate")
    dry = await kinerja(database_url, "import-org", "--dry-run", str(demo_roster_path))
    after_dry = await employees(sessionmaker)
    real = await kinerja(database_url, "import-org", str(demo_roster_path))
    again = await kinerja(database_url, "import-org", str(demo_roster_path))

    assert migrated.returncode == 0, migrated.stderr
    assert dry.returncode == 0 and "60 baru" in dry.stdout
    assert after_dry == 0
    assert real.returncode == 0 and "60 baru" in real.stdout
    assert again.returncode == 0 and "0 baru, 0 diperbarui, 60 tidak berubah" in again.stdout
    assert await employees(sessionmaker) == 60
