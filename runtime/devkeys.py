"""The dev stack's own signing key, so demo tokens work without an identity provider.
Kept under the data directory so tokens stay valid across restarts of ``kinerja dev``."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "kinerja-dev-1"


def load_or_create_private_key(data_dir: Path) -> bytes:
    path = data_dir / "dev-signing-key.pem"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.touch(mode=0o600)
        path.write_bytes(pem)
    return path.read_bytes()


def public_jwks(private_key_pem: bytes) -> dict[str, Any]:
    private_key = serialization.load_pem_private_key(private_key_pem, password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    jwk = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256"})
    return {"keys": [jwk]}


def load_or_create_secret(data_dir: Path, name: str, create: Callable[[], str]) -> str:
    """A dev-mode secret kept in ``data_dir/name`` (mode 0600), made by ``create`` the
    first time: payload encrypted on one run must still open on the next."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: two processes starting at once cannot each write their own key
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(create() + "\n")
    return path.read_text().strip()
