"""The worker hosts exactly the activities workflows call (``workflows.activity_contracts``),
each under the name history records, implemented by a subclass of its contract."""

import inspect
from typing import Any, cast

from temporalio import activity

from runtime.worker import build_activities
from workflows import activity_contracts
from workflows.contracts import ActivityNames


def _name(fn: Any) -> str:
    name = activity._Definition.must_from_callable(fn).name
    assert name is not None
    return name


CONTRACTS = [
    cls
    for _, cls in inspect.getmembers(activity_contracts, inspect.isclass)
    if cls.__module__ == activity_contracts.__name__
]
STUBS = {
    _name(stub): (contract, stub_name)
    for contract in CONTRACTS
    for stub_name, stub in vars(contract).items()
    if activity._Definition.from_callable(stub) is not None
}


def test_every_recorded_name_has_one_stub() -> None:
    names = [value for key, value in vars(ActivityNames).items() if key.isupper()]
    assert sorted(STUBS) == sorted(names)


def test_the_worker_hosts_each_contract_by_its_implementation() -> None:
    hosted = build_activities(
        cast(Any, None), cast(Any, None), task_queue="q", workflow_id_key=b"k" * 32
    )
    names = [_name(fn) for fn in hosted]
    assert sorted(names) == sorted(STUBS)
    for fn in hosted:
        contract, stub_name = STUBS[_name(fn)]
        assert contract in type(fn.__self__).__mro__  # subclasses it: mypy checks each stub
        assert fn.__name__ == stub_name
