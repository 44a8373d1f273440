"""The in-memory activities of the workflow tests: rehearsal's, under the names these
tests have always used."""

from collections.abc import Callable
from typing import Any

from temporalio import activity

from rehearsal.memory import MemoryActivities as FakeActivities
from rehearsal.memory import MemoryCycleActivities as FakeCycleActivities
from rehearsal.memory import MemoryUnitActivities as FakeUnitActivities
from workflows.activity_contracts import ClosureContract, contract_name
from workflows.contracts import CloseAppraisals, ClosurePageRequest, ClosureTally, FinishClosure

__all__ = ["FakeActivities", "FakeClosureActivities", "FakeCycleActivities", "FakeUnitActivities"]


class FakeClosureActivities(ClosureContract):
    """A period's appraisals in memory: those in ``running`` are stopped once each."""

    def __init__(self, nips: list[str], running: set[str]) -> None:
        self.nips = sorted(nips)
        self.running = set(running)
        self.cycle_stopped = 0
        self.finished: list[FinishClosure] = []

    @activity.defn(name=contract_name(ClosureContract.stop_cycle))
    async def stop_cycle(self, period_id: str) -> bool:
        self.cycle_stopped += 1
        return True

    @activity.defn(name=contract_name(ClosureContract.load_closure_page))
    async def load_closure_page(self, request: ClosurePageRequest) -> list[str]:
        after = request.after_nip or ""
        return [nip for nip in self.nips if nip > after][: request.limit]

    @activity.defn(name=contract_name(ClosureContract.close_appraisals))
    async def close_appraisals(self, request: CloseAppraisals) -> ClosureTally:
        stopped = [nip for nip in request.nips if nip in self.running]
        self.running -= set(stopped)
        return ClosureTally(closed=len(stopped), skipped=len(request.nips) - len(stopped))

    @activity.defn(name=contract_name(ClosureContract.finish_closure))
    async def finish_closure(self, request: FinishClosure) -> bool:
        self.finished.append(request)
        return True

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.stop_cycle,
            self.load_closure_page,
            self.close_appraisals,
            self.finish_closure,
        ]
