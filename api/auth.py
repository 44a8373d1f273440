"""Bearer-token authentication: OIDC JWTs (Keycloak is what Indonesian government SSO
uses) verified with pyjwt against a JWKS. Identity comes from the token; what the caller
may do with a given object is decided per request in ``api.access``."""

import time
from collections.abc import Mapping
from typing import Any

import jwt
from fastapi import Request

from api.problems import Problem
from domain.appraisal import Actor
from domain.nip import is_valid_nip
from domain.roles import Role

ALGORITHMS = ["RS256"]


class TokenVerifier:
    """Verifies signature, expiry, issuer and audience, and turns claims into an Actor."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        jwks: Mapping[str, Any] | None = None,
    ) -> None:
        if (jwks_url is None) == (jwks is None):
            raise ValueError("give exactly one of jwks_url or jwks")
        self._issuer = issuer
        self._audience = audience
        self._remote = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._local = jwt.PyJWKSet.from_dict(dict(jwks)) if jwks else None

    def _key_for(self, token: str) -> Any:
        if self._remote is not None:
            return self._remote.get_signing_key_from_jwt(token).key
        assert self._local is not None
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self._local.keys:
            if kid is None or key.key_id == kid:
                return key.key
        raise jwt.InvalidTokenError("unknown key id")

    def verify(self, token: str) -> Actor:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
            raise Problem("unauthenticated", "Token tidak valid atau kedaluwarsa") from error
        return actor_from_claims(claims)


def actor_from_claims(claims: Mapping[str, Any]) -> Actor:
    """Roles from a ``roles`` claim or Keycloak's ``realm_access.roles``; unknown ones ignored."""
    raw_roles = claims.get("roles") or claims.get("realm_access", {}).get("roles", [])
    roles = {Role(role) for role in raw_roles if role in Role.__members__.values()}
    nip = claims.get("nip")
    if nip is not None and not is_valid_nip(str(nip)):
        nip = None
    if nip:
        roles.add(Role.PEGAWAI)
    return Actor(subject=str(claims["sub"]), nip=nip, roles=frozenset(roles))


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem("unauthenticated", "Sertakan header Authorization: Bearer <token>")
    return token.strip()


class DevTokenIssuer:
    """Signs demo tokens with the dev stack's own key. Exists only in dev mode."""

    def __init__(self, *, private_key_pem: bytes, key_id: str, issuer: str, audience: str) -> None:
        self._key = private_key_pem
        self._kid = key_id
        self._issuer = issuer
        self._audience = audience

    def issue(self, *, subject: str, nip: str | None, roles: list[str], ttl_seconds: int) -> str:
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
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})
