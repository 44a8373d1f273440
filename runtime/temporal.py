"""Temporal client construction: one place sets the data converter (pydantic JSON sealed
by the payload codec), so every client, worker, replayer and test speaks the same format,
and one place resolves the keys that keep personal data out of Temporal in clear."""

import base64
import binascii
import os
from dataclasses import dataclass

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode

from runtime.codec import PayloadKeyError, PayloadKeys, encrypted_data_converter
from runtime.devkeys import load_or_create_secret
from runtime.settings import Settings

SEARCH_ATTRIBUTE_TYPES = {
    "AppraisalStage": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Agency": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Overdue": IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
}


PAYLOAD_KEYS_FILE = "dev-payload-keys"
WORKFLOW_ID_KEY_FILE = "dev-workflow-id-key"
WORKFLOW_ID_KEY_MIN_BYTES = 32
MISSING_KEYS = (
    "Set KINERJA_PAYLOAD_KEYS and KINERJA_WORKFLOW_ID_KEY (or run 'kinerja dev'): "
    "personal data must not reach Temporal in clear. Missing: {missing}"
)


@dataclass(frozen=True)
class TemporalKeys:
    """What seals payloads and what pseudonymises appraisal workflow ids."""

    payload: PayloadKeys
    workflow_ids: bytes


def temporal_keys(settings: Settings | None = None) -> TemporalKeys:
    """The configured keys; ``settings`` defaults to the environment's.

    In dev mode a missing key is generated once and kept under the data directory (0600),
    so what one run sealed the next one opens. Outside dev mode a missing or unusable key
    stops the process: a worker or API without one would write personal data in clear."""
    settings = settings if settings is not None else Settings()
    payload = settings.payload_keys.get_secret_value() if settings.payload_keys else ""
    id_key = settings.workflow_id_key.get_secret_value() if settings.workflow_id_key else ""
    if settings.dev_mode:
        data_dir = settings.data_dir.resolve()
        payload = payload or load_or_create_secret(
            data_dir, PAYLOAD_KEYS_FILE, PayloadKeys.generate
        )
        id_key = id_key or load_or_create_secret(
            data_dir, WORKFLOW_ID_KEY_FILE, new_workflow_id_key
        )
    missing = [
        name
        for name, value in (("KINERJA_PAYLOAD_KEYS", payload), ("KINERJA_WORKFLOW_ID_KEY", id_key))
        if not value
    ]
    if missing:
        raise SystemExit(MISSING_KEYS.format(missing=", ".join(missing)))
    try:
        return TemporalKeys(
            payload=PayloadKeys.parse(payload), workflow_ids=parse_workflow_id_key(id_key)
        )
    except PayloadKeyError as error:
        raise SystemExit(f"Kunci Temporal tidak dapat dipakai: {error}") from error


def new_workflow_id_key() -> str:
    return base64.b64encode(os.urandom(WORKFLOW_ID_KEY_MIN_BYTES)).decode()


def parse_workflow_id_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise PayloadKeyError("KINERJA_WORKFLOW_ID_KEY bukan base64 yang sah") from error
    if len(key) < WORKFLOW_ID_KEY_MIN_BYTES:
        raise PayloadKeyError(
            f"KINERJA_WORKFLOW_ID_KEY harus paling sedikit {WORKFLOW_ID_KEY_MIN_BYTES} byte"
        )
    return key


def export_keys(settings: Settings) -> None:
    """Put ``settings``' keys into this process's environment, for the parts that resolve
    them from there (``connect``, ``build_worker``) and for child processes. ``kinerja dev``
    calls it once its keys exist under the data directory."""
    keys = temporal_keys(settings)
    os.environ["KINERJA_PAYLOAD_KEYS"] = ",".join(
        f"{key_id}:{base64.b64encode(key).decode()}"
        for key_id, key in sorted(
            keys.payload.keys.items(), key=lambda kv: kv[0] != keys.payload.current
        )
    )
    os.environ["KINERJA_WORKFLOW_ID_KEY"] = base64.b64encode(keys.workflow_ids).decode()


def ephemeral_keys() -> TemporalKeys:
    """Fresh keys for a server that lives only as long as this process (``simulate``)."""
    return TemporalKeys(
        payload=PayloadKeys.parse(PayloadKeys.generate("ephemeral")),
        workflow_ids=os.urandom(WORKFLOW_ID_KEY_MIN_BYTES),
    )


def data_converter(keys: TemporalKeys | None = None) -> DataConverter:
    """The data converter of every client, worker, replayer and test environment."""
    return encrypted_data_converter((keys or temporal_keys()).payload)


async def connect(
    address: str, namespace: str = "default", *, keys: TemporalKeys | None = None
) -> Client:
    """A client that seals what it sends; ``keys`` default to the environment's."""
    return await Client.connect(address, namespace=namespace, data_converter=data_converter(keys))


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
