"""Temporal payloads encrypted with AES-256-GCM, so SKP content, ratings and keberatan
statements are never stored in Temporal's history in clear.

Every payload is serialised whole (metadata and data) and sealed; the sealed payload says
only ``binary/encrypted`` and which key sealed it, so keys can rotate: encrypt with the
current key, decrypt with any configured key. Payloads that are not ours (histories
written before encryption, e.g. the committed replay histories) pass through unchanged, so
running workflows keep replaying. Failure messages and stack traces are moved into an
encoded attribute and sealed too (``encode_common_attributes``).

The API's codec endpoint reaches this codec only as temporalio's ``PayloadCodec``, through
its Temporal client's data converter, so ``api`` never imports ``runtime``.
"""

import base64
import binascii
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import DataConverter, DefaultFailureConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Bound into every ciphertext: a sealed blob from another system or format never opens.
_ASSOCIATED_DATA = b"kinerja/temporal-payload/v1"


class PayloadKeyError(ValueError):
    """A payload key setting that cannot be used (the message never echoes key material)."""


class PayloadDecryptionError(ValueError):
    """A sealed payload that none of our keys opens: unknown key id, tampered or truncated.
    A ``ValueError`` so the codec endpoint can answer 4xx without importing this module."""


@dataclass(frozen=True)
class PayloadKeys:
    """The configured AES-256 keys by id; ``current`` seals, every one of them opens."""

    current: str
    keys: Mapping[str, bytes]

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise PayloadKeyError(f"kunci payload aktif '{self.current}' tidak dikonfigurasi")
        for key_id, key in self.keys.items():
            if not _KEY_ID.match(key_id):
                raise PayloadKeyError(f"id kunci payload tidak sah: {key_id!r}")
            if len(key) != KEY_BYTES:
                raise PayloadKeyError(
                    f"kunci payload '{key_id}' harus {KEY_BYTES} byte, bukan {len(key)}"
                )

    @classmethod
    def parse(cls, text: str) -> "PayloadKeys":
        """``"kid1:<base64 32 bytes>,kid0:<base64>"``: the first one is current."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            key_id = key_id.strip()
            if not sep or not key_id:
                raise PayloadKeyError("setiap kunci payload ditulis 'id:base64'")
            if key_id in keys:
                raise PayloadKeyError(f"id kunci payload '{key_id}' muncul dua kali")
            try:
                keys[key_id] = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError) as error:
                raise PayloadKeyError(f"kunci payload '{key_id}' bukan base64 yang sah") from error
            order.append(key_id)
        if not order:
            raise PayloadKeyError("tidak ada kunci payload")
        return cls(current=order[0], keys=keys)

    @staticmethod
    def generate(key_id: str = "dev1") -> str:
        """A new setting value with one fresh key (for dev mode and tests)."""
        return f"{key_id}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


class EncryptionCodec(PayloadCodec):
    """AES-GCM over the whole serialised payload, with a fresh 96-bit nonce each time."""

    def __init__(self, keys: PayloadKeys) -> None:
        self._current = keys.current
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.keys.items()}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._current]
        sealed = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            data = cipher.encrypt(nonce, payload.SerializeToString(), _ASSOCIATED_DATA)
            sealed.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID_METADATA: self._current.encode()},
                    data=nonce + data,
                )
            )
        return sealed

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.open(payload) for payload in payloads]

    def open(self, payload: Payload) -> Payload:
        """One payload opened (or passed through when not sealed); no I/O, so sync."""
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption, or not a payload of ours
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f"payload dienkripsi dengan kunci '{key_id}' yang tidak dikonfigurasi"
            )
        nonce, data = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            opened = Payload.FromString(cipher.decrypt(nonce, data, _ASSOCIATED_DATA))
        except (InvalidTag, ValueError, DecodeError) as error:
            raise PayloadDecryptionError(
                f"payload berkunci '{key_id}' tidak dapat dibuka (rusak atau kunci salah)"
            ) from error
        return opened


class EncryptedFailureConverter(DefaultFailureConverter):
    """Failure messages and stack traces go into the encoded attributes, which the codec
    seals: an exception's text can carry a NIP or a statement."""

    def __init__(self) -> None:
        super().__init__(encode_common_attributes=True)


def encrypted_data_converter(keys: PayloadKeys) -> DataConverter:
    """The one data converter of every client, worker, replayer and test environment:
    pydantic JSON, sealed by the codec."""
    return DataConverter(
        payload_converter_class=PydanticPayloadConverter,
        payload_codec=EncryptionCodec(keys),
        failure_converter_class=EncryptedFailureConverter,
    )
