r"""Schemathesis against the running app's own OpenAPI, every operation, as HR and as an
employee: no 5xx, every status code and content type documented, every response matching
its schema. Bounded examples so it fits in `make test`.

All four phases run, as in the run from outside that found whitespace-only text and
numbers for dates giving 500s: the schema's examples, coverage (boundary and negative
values of every constraint, e.g. blank text against the ``\S`` pattern), fuzzing and
stateful sequences over the links schemathesis infers. Half of the generated path
parameters are the demo period, a real employee and their unit, so requests get past
the 404 into the workflows' own validation. Coverage is deterministic and the same for
every caller, so it runs once, as HR."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from runtime.devstack import venv_binary
from tests.e2e.devstack import DEMO, DevStack, demo_nip, token, wait_until_serving
from tests.waiting import eventually

EXAMPLES = os.environ.get("KINERJA_SCHEMATHESIS_EXAMPLES", "25")
PHASES = {"hr": "examples,coverage,fuzzing,stateful", "pegawai": "examples,fuzzing,stateful"}
GENEROUS = "100000/minute"  # fuzzing, not a flood test
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)


def known_values(config: Path) -> Path:
    """A schemathesis config that draws half of the path parameters from real data."""
    employee = demo_nip()
    with (DEMO / "kuranji.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["nip"] == employee)
    config.write_text(
        f"""
[dictionaries.periods]
values = ["2027"]
[dictionaries.nips]
values = ["{employee}", "{row["nip_atasan"]}"]
[dictionaries.units]
values = ["{row["kode_unit"]}"]
[parameters]
"path.period_id" = {{ dictionary = "periods", probability = 0.5 }}
"path.nip" = {{ dictionary = "nips", probability = 0.5 }}
"path.unit_code" = {{ dictionary = "units", probability = 0.5 }}
"""
    )
    return config


def schemathesis(
    stack: DevStack, bearer: dict[str, str], phases: str, report: Path, config: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own venv's tool against our own server
        [
            str(venv_binary("schemathesis")),
            "--config-file",
            str(config),
            "run",
            f"{stack.base_url}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            EXAMPLES,
            "--phases",
            phases,
            "--header",
            f"Authorization: {bearer['Authorization']}",
            "--workers",
            "1",
            "--seed",
            "20261129",
            "--suppress-health-check",
            "all",
            "--report",
            "junit",
            "--report-dir",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.timeout(900)
async def test_every_operation_conforms_and_never_fails_with_5xx(
    stack: DevStack, tmp_path: Path
) -> None:
    period = json.loads((DEMO / "period-2027.json").read_text())
    for limit in ("WRITE", "READ", "EXPORT", "FAILED_AUTH"):
        stack.extra_env[f"KINERJA_{limit}_RATE"] = GENEROUS
    stack.start()
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
        hr = await token(http, demo_nip("hr_admin"))
        assert (await http.post("/periods", json=period, headers=hr)).status_code == 201

        async def total() -> int:
            return int((await http.get("/periods/2027", headers=hr)).json().get("total", 0))

        await eventually(total, lambda n: n == 60, what="demo period started")
        callers = {"hr": hr, "pegawai": await token(http, demo_nip())}

    config = known_values(tmp_path / "schemathesis.toml")
    failures = {}
    for name, bearer in callers.items():
        result = schemathesis(stack, bearer, PHASES[name], tmp_path / name, config)
        print(result.stdout[-3000:], file=sys.stderr)
        if result.returncode != 0:
            failures[name] = result.stdout[-6000:]
    assert failures == {}
