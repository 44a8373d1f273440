"""Temporal client construction: one place sets the pydantic data converter, so every
client, worker, replayer and test speaks the same payload format."""

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

SEARCH_ATTRIBUTE_TYPES = {
    "AppraisalStage": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Agency": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Overdue": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
}


async def connect(address: str, namespace: str = "default") -> Client:
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter
    )


async def ensure_search_attributes(client: Client) -> None:
    """Register our custom search attributes if the server lacks them.

    A workflow that sets an unregistered attribute fails its task and retries forever, so
    the worker does this before it polls (the dev server also gets them on its command line).
    """
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        known = set(existing.custom_attributes)
    except RPCError as error:
        if error.status is not RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()  # the time-skipping test server cannot list; adding is enough
    missing = {name: kind for name, kind in SEARCH_ATTRIBUTE_TYPES.items() if name not in known}
    if missing:
        try:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
            )
        except RPCError as error:
            if error.status is not RPCStatusCode.ALREADY_EXISTS:
                raise
