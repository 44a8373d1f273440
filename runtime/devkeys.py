"""The dev stack's own signing key, so demo tokens work without an identity provider.
Kept under the data directory so tokens stay valid across restarts of ``kinerja dev``."""

import json
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
