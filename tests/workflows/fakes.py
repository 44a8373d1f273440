"""The in-memory activities of the workflow tests: rehearsal's, under the names these
tests have always used."""

from rehearsal.memory import MemoryActivities as FakeActivities
from rehearsal.memory import MemoryCycleActivities as FakeCycleActivities
from rehearsal.memory import MemoryUnitActivities as FakeUnitActivities

__all__ = ["FakeActivities", "FakeCycleActivities", "FakeUnitActivities"]
