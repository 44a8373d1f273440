"""Pid files as the dev stack reads them: only a positive pid names a process. A fresh
cluster's initdb leaves the negative pid of a standalone backend in postmaster.pid; once
that crashed `kinerja dev` at start (psutil refuses negative pids)."""

from pathlib import Path

import pytest

from runtime.devstack import _process, _read_pid


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4242\n/data\n", 4242), ("-7648\n/data\n", None), ("0\n", None), ("", None), ("x\n", None)],
)
def test_only_a_positive_pid_names_a_process(
    tmp_path: Path, text: str, expected: int | None
) -> None:
    pid_file = tmp_path / "postmaster.pid"
    pid_file.write_text(text)
    assert _read_pid(pid_file) == expected


def test_a_missing_pid_file_names_nobody(tmp_path: Path) -> None:
    assert _read_pid(tmp_path / "postmaster.pid") is None


@pytest.mark.parametrize("pid", [0, -1, -7648])
def test_a_pid_that_is_no_process_id_is_no_process(pid: int) -> None:
    assert _process(pid) is None
