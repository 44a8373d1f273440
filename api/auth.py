"""Bearer-token authentication: OIDC JWTs (Keycloak is what Indonesian government SSO
uses) verified with pyjwt against a JWKS.

The token says *who* the caller is and nothing more: one configured, string-typed claim
names an employee. *What* they may do comes from the organisation roster
(``api.identity``): realm-wide SSO roles are granted by whoever runs the province's SSO,
not by this agency. A deployment may let a Keycloak client's roles narrow the roster's
grants (never widen them); that is off unless configured.
"""

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from fastapi import Request

from api.problems import Problem

ALGORITHMS = ["RS256"]
INVALID_TOKEN = "Token tidak valid atau kedaluwarsa"  # noqa: S105 - a message


@dataclass(frozen=True)
class TokenIdentity:
    """What a verified token asserts: the subject, the employee it names (the value of the
    identity claim, not yet checked against the roster), and the client roles when the
    deployment narrows by them (None: not configured)."""

    subject: str
    employee_key: str
    client_roles: frozenset[str] | None = None


class TokenVerifier:
    """Verifies signature, expiry, issuer and audience (with a little clock leeway), and
    reads the identity claim. Claims of the wrong type are a 401, never a 500."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        jwks: Mapping[str, Any] | None = None,
        identity_claim: str = "sub",
        leeway_seconds: int = 30,
        roles_client: str | None = None,
    ) -> None:
        if (jwks_url is None) == (jwks is None):
            raise ValueError("give exactly one of jwks_url or jwks")
        self._issuer = issuer
        self._audience = audience
        self._remote = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._local = jwt.PyJWKSet.from_dict(dict(jwks)) if jwks else None
        self._identity_claim = identity_claim
        self._leeway = leeway_seconds
        self._roles_client = roles_client

    def _key_for(self, token: str) -> Any:
        if self._remote is not None:
            return self._remote.get_signing_key_from_jwt(token).key
        assert self._local is not None
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self._local.keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise jwt.InvalidTokenError("unknown key id")

    def verify(self, token: str) -> TokenIdentity:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError, ValueError, TypeError) as error:
            raise Problem("unauthenticated", INVALID_TOKEN) from error
        return identity_from_claims(claims, self._identity_claim, self._roles_client)


def _string_claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 255:
        # the value is not echoed: it may be a NIP
        raise Problem("unauthenticated", f"Klaim '{name}' pada token harus berupa teks")
    return value.strip()


def _client_roles(claims: Mapping[str, Any], client: str) -> frozenset[str]:
    """Keycloak's ``resource_access.<client>.roles``; absent means no roles, the wrong
    shape means a token we do not understand (401)."""
    access = claims.get("resource_access", {})
    if not isinstance(access, Mapping):
        raise Problem("unauthenticated", "Klaim 'resource_access' pada token tidak dikenali")
    entry = access.get(client, {})
    roles = entry.get("roles", []) if isinstance(entry, Mapping) else None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise Problem("unauthenticated", "Klaim peran klien pada token tidak dikenali")
    return frozenset(roles)


def identity_from_claims(
    claims: Mapping[str, Any], identity_claim: str, roles_client: str | None
) -> TokenIdentity:
    """The identity a verified token asserts. Realm roles and a bare ``roles`` claim are
    never read: they are not this agency's to grant."""
    subject = _string_claim(claims, "sub")
    key = subject if identity_claim == "sub" else _string_claim(claims, identity_claim)
    roles = None if roles_client is None else _client_roles(claims, roles_client)
    return TokenIdentity(subject=subject, employee_key=key, client_roles=roles)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem("unauthenticated", "Sertakan header Authorization: Bearer <token>")
    return token.strip()


class DevTokenIssuer:
    """Signs demo tokens with the dev stack's own key. Exists only in dev mode. The
    ``roles`` claim is informational (what the roster said when it was issued): the API
    reads roles from the roster on every request."""

    def __init__(self, *, private_key_pem: bytes, key_id: str, issuer: str, audience: str) -> None:
        self._key = private_key_pem
        self._kid = key_id
        self._issuer = issuer
        self._audience = audience

    def issue(
        self,
        *,
        subject: str,
        nip: str | None,
        roles: list[str],
        ttl_seconds: int,
        extra_claims: Mapping[str, Any] | None = None,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": subject,
            "roles": roles,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        if nip:
            claims["nip"] = nip
        claims.update(extra_claims or {})
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})
