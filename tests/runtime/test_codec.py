"""The payload codec and its keys: what is sealed opens again, keys rotate, a payload no
configured key opens is refused by name, and workflow ids carry no NIP."""

import base64
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from domain.appraisal import AppraisalState
from runtime.codec import (
    ENCODING,
    KEY_ID_METADATA,
    EncryptionCodec,
    PayloadDecryptionError,
    PayloadKeyError,
    PayloadKeys,
    encrypted_data_converter,
)
from runtime.settings import Settings
from runtime.temporal import temporal_keys
from tests import keys
from workflows.ids import appraisal_workflow_id, legacy_appraisal_workflow_id

NIP = "199003032015032003"
OLD = PayloadKeys.generate("k0")
NEW = PayloadKeys.generate("k1")


def _state() -> AppraisalState:
    return AppraisalState(
        period_id="2026",
        nip=NIP,
        agency_code="DINKES",
        unit_code="DINKES-UMUM",
        supervisor_nip=None,
    )


async def test_a_payload_round_trips_and_is_sealed_on_the_way() -> None:
    converter = encrypted_data_converter(keys.KEYS.payload)

    [sealed] = await converter.encode([_state()])
    [opened] = await converter.decode([sealed], [AppraisalState])

    assert opened == _state()
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID_METADATA] == b"test2"  # the first configured key seals
    assert NIP.encode() not in sealed.SerializeToString()
    assert b"DINKES" not in sealed.SerializeToString()


async def test_the_same_payload_seals_differently_each_time() -> None:
    codec = EncryptionCodec(PayloadKeys.parse(NEW))
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'"x"')

    first, second = await codec.encode([plain, plain])

    assert first.data != second.data  # a fresh nonce every time


async def test_after_rotation_the_old_key_still_opens_what_it_sealed() -> None:
    before = EncryptionCodec(PayloadKeys.parse(OLD))
    after = EncryptionCodec(PayloadKeys.parse(f"{NEW},{OLD}"))
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"nip": "x"}')

    [sealed_before] = await before.encode([plain])
    [sealed_after] = await after.encode([plain])

    assert await after.decode([sealed_before]) == [plain]
    assert sealed_after.metadata[KEY_ID_METADATA] == b"k1"
    assert await after.decode([sealed_after]) == [plain]


async def test_a_payload_sealed_with_an_unknown_key_id_is_refused_by_name() -> None:
    [sealed] = await EncryptionCodec(PayloadKeys.parse(NEW)).encode([Payload(data=b"x")])

    with pytest.raises(PayloadDecryptionError, match="kunci 'k1' yang tidak dikonfigurasi"):
        await EncryptionCodec(PayloadKeys.parse(OLD)).decode([sealed])


async def test_a_tampered_payload_is_refused() -> None:
    codec = EncryptionCodec(PayloadKeys.parse(NEW))
    [sealed] = await codec.encode([Payload(data=b"x")])
    tampered = Payload(metadata=sealed.metadata, data=sealed.data[:-1] + b"\x00")

    with pytest.raises(PayloadDecryptionError, match="tidak dapat dibuka"):
        await codec.decode([tampered])


async def test_a_same_id_but_different_key_is_refused() -> None:
    [sealed] = await EncryptionCodec(PayloadKeys.parse(PayloadKeys.generate("k1"))).encode(
        [Payload(data=b"x")]
    )
    with pytest.raises(PayloadDecryptionError):
        await EncryptionCodec(PayloadKeys.parse(NEW)).decode([sealed])


async def test_payloads_written_before_encryption_pass_through_unchanged() -> None:
    [plain] = await pydantic_data_converter.encode([_state()])
    converter = encrypted_data_converter(keys.KEYS.payload)

    assert await converter.decode([plain], [AppraisalState]) == [_state()]


async def test_failure_messages_and_stack_traces_are_sealed() -> None:
    converter = encrypted_data_converter(keys.KEYS.payload)
    failure = Failure()
    error = ApplicationError(f"NIP {NIP} tidak ditemukan", type="NotFound")

    await converter.encode_failure(error, failure)

    assert NIP.encode() not in failure.SerializeToString()
    assert failure.message == "Encoded failure"
    decoded = await converter.decode_failure(failure)
    assert isinstance(decoded, ApplicationError)
    assert decoded.message == f"NIP {NIP} tidak ditemukan"
    assert decoded.type == "NotFound"


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ("", "tidak ada kunci"),
        ("k1", "id:base64"),
        ("k1:!!!", "bukan base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "harus 32 byte, bukan 5"),
        (f"{NEW},{NEW}", "muncul dua kali"),
        (f"bad id:{NEW.split(':')[1]}", "id kunci payload tidak sah"),
    ],
)
def test_unusable_key_settings_are_refused_without_echoing_the_key(
    setting: str, complaint: str
) -> None:
    with pytest.raises(PayloadKeyError, match=complaint) as refused:
        PayloadKeys.parse(setting)
    assert NEW.split(":")[1] not in str(refused.value)


def test_outside_dev_mode_no_key_means_no_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINERJA_PAYLOAD_KEYS", raising=False)
    monkeypatch.delenv("KINERJA_WORKFLOW_ID_KEY", raising=False)

    with pytest.raises(SystemExit, match="KINERJA_PAYLOAD_KEYS, KINERJA_WORKFLOW_ID_KEY"):
        temporal_keys(Settings(dev_mode=False))


def test_dev_mode_makes_its_keys_once_and_keeps_them_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KINERJA_PAYLOAD_KEYS", raising=False)
    monkeypatch.delenv("KINERJA_WORKFLOW_ID_KEY", raising=False)
    settings = Settings(dev_mode=True, data_dir=tmp_path)

    first, second = temporal_keys(settings), temporal_keys(settings)

    assert first == second  # what one run sealed, the next one opens
    kept = sorted(path.name for path in tmp_path.iterdir())
    assert kept == ["dev-payload-keys", "dev-workflow-id-key"]
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@given(
    period=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
    nip=st.from_regex(r"\d{18}", fullmatch=True),
)
def test_appraisal_ids_are_deterministic_and_carry_no_nip(period: str, nip: str) -> None:
    key = keys.KEYS.workflow_ids
    workflow_id = appraisal_workflow_id(period, nip, key)

    assert workflow_id == appraisal_workflow_id(period, nip, key)  # a retried start finds it
    assert workflow_id.startswith(f"appraisal-{period}-")  # still listed by period
    assert nip not in workflow_id
    assert workflow_id != appraisal_workflow_id(period, nip, b"another key" * 3)
    assert legacy_appraisal_workflow_id(period, nip) == f"appraisal-{period}-{nip}"


def test_appraisal_ids_differ_per_person_and_per_period() -> None:
    key = keys.KEYS.workflow_ids
    ids = {appraisal_workflow_id(p, n, key) for p in ("2026", "2027") for n in (NIP, "1" * 18)}
    assert len(ids) == 4
