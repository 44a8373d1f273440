"""The worker hosts exactly the activities workflows call (``workflows.activity_contracts``),
each implemented by a subclass of its contract, and every activity a committed history
scheduled is still a contract under that name (so replay finds it)."""

import inspect
import json
from pathlib import Path
from typing import Any, cast

from temporalio import activity

from runtime.worker import build_activities
from workflows import activity_contracts

HISTORIES = Path(__file__).parent.parent / "replay" / "histories"


def _name(fn: Any) -> str:
    name = activity._Definition.must_from_callable(fn).name
    assert name is not None
    return name


CONTRACTS = [
    cls
    for _, cls in inspect.getmembers(activity_contracts, inspect.isclass)
    if cls.__module__ == activity_contracts.__name__
]
STUBS = [
    (_name(stub), contract, stub_name)
    for contract in CONTRACTS
    for stub_name, stub in vars(contract).items()
    if activity._Definition.from_callable(stub) is not None
]
BY_NAME = {name: (contract, stub_name) for name, contract, stub_name in STUBS}


def test_each_name_has_one_stub_and_every_recorded_name_is_one() -> None:
    recorded = {
        event["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        for history in HISTORIES.glob("*.json")
        for event in json.loads(history.read_text())["events"]
        if "activityTaskScheduledEventAttributes" in event
    }
    assert len(BY_NAME) == len(STUBS)
    assert recorded <= set(BY_NAME)


def test_the_worker_hosts_each_contract_by_its_implementation() -> None:
    hosted = build_activities(
        cast(Any, None), cast(Any, None), task_queue="q", workflow_id_key=b"k" * 32
    )
    assert sorted(_name(fn) for fn in hosted) == sorted(BY_NAME)
    for fn in hosted:
        contract, stub_name = BY_NAME[_name(fn)]
        assert contract in type(fn.__self__).__mro__  # subclasses it: mypy checks each stub
        assert fn.__name__ == stub_name
