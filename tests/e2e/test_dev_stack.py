"""`kinerja dev` (what `make run` starts) as a newcomer uses it: a real process with its
own embedded PostgreSQL and Temporal dev server, driven over HTTP, stopped with Ctrl-C,
and started again on the same data directory to show that nothing was lost."""

import json

import httpx

from tests.e2e.devstack import DEMO, DevStack, demo_nip, token, wait_until_serving
from tests.waiting import eventually


async def test_make_run_serves_a_period_and_keeps_it_across_a_restart(stack: DevStack) -> None:
    period = json.loads((DEMO / "period-2027.json").read_text())
    employee = demo_nip()
    stack.start()
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
        hr = await token(http, demo_nip("hr_admin"))
        me = await token(http, employee)

        assert (await http.get("/docs")).status_code == 200
        ui = await http.get(f"http://127.0.0.1:{stack.ui_port}/")
        assert ui.status_code == 200
        started = await http.post("/periods", json=period, headers=hr)
        assert started.status_code == 201, started.text

        async def summary() -> dict:
            return (await http.get("/periods/2027", headers=hr)).json()

        body = await eventually(summary, lambda b: b.get("total") == 60, what="60 appraisals")
        assert body["stages"]["sosialisasi"] == 60
        acknowledged = await http.post(f"/appraisals/2027/{employee}/acknowledge", headers=me)
        assert acknowledged.status_code == 200, acknowledged.text

    banner = stack.output.read_text()
    assert f"{stack.base_url}/docs" in banner
    assert "TOKEN_HR=" in banner
    assert stack.interrupt() == 0
    log = stack.output.read_text()
    assert "Kinerja berhenti." in log
    assert employee not in log.split("Coba: curl")[-1]  # no NIP in the request logs

    stack.start()  # same data directory: PostgreSQL and Temporal state survive
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
        hr = await token(http, demo_nip("hr_admin"))
        me = await token(http, employee)
        body = (await http.get("/periods/2027", headers=hr)).json()
        again = await http.post(f"/appraisals/2027/{employee}/acknowledge", headers=me)
        restart = await http.post("/periods", json=period, headers=hr)

    assert body["total"] == 60 and body["stages"]["perencanaan"] == 1
    assert again.status_code == 409  # the workflow itself remembers the acknowledgement
    assert restart.status_code == 409
    assert stack.interrupt() == 0
