"""Schemathesis against the running app's own OpenAPI, every operation, as HR, a
supervisor and an employee: no 5xx, every status code and content type documented, every
response matching its schema. Bounded examples so it fits in `make test`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from runtime.devstack import venv_binary
from tests.e2e.devstack import DEMO, DevStack, demo_nip, token, wait_until_serving
from tests.waiting import eventually

EXAMPLES = os.environ.get("KINERJA_SCHEMATHESIS_EXAMPLES", "8")
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)


def schemathesis(
    stack: DevStack, bearer: dict[str, str], report: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own venv's tool against our own server
        [
            str(venv_binary("schemathesis")),
            "run",
            f"{stack.base_url}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            EXAMPLES,
            "--phases",
            "examples,coverage,fuzzing",
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


async def test_every_operation_conforms_and_never_fails_with_5xx(
    stack: DevStack, tmp_path: Path
) -> None:
    period = json.loads((DEMO / "period-2027.json").read_text())
    stack.extra_env["KINERJA_WRITE_RATE"] = "100000/minute"  # fuzzing, not a flood test
    stack.start()
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
        hr = await token(http, demo_nip("hr_admin"))
        assert (await http.post("/periods", json=period, headers=hr)).status_code == 201

        async def total() -> int:
            return int((await http.get("/periods/2027", headers=hr)).json().get("total", 0))

        await eventually(total, lambda n: n == 60, what="demo period started")
        callers = {"hr": hr, "pegawai": await token(http, demo_nip())}

    failures = {}
    for name, bearer in callers.items():
        result = schemathesis(stack, bearer, tmp_path / name)
        print(result.stdout[-3000:], file=sys.stderr)
        if result.returncode != 0:
            failures[name] = result.stdout[-6000:]
    assert failures == {}
