"""How the web application is wired: the OIDC provider it logs people in with, whether
the demo people picker is offered, and how long a session lives."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class OidcClient:
    """An OIDC provider (Keycloak in production) and this application's client there."""

    metadata_url: str  # .../.well-known/openid-configuration
    client_id: str
    client_secret: str | None = None  # a public client uses PKCE alone
    identity_claim: str = "sub"  # the claim naming the employee, as for API tokens
    scope: str = "openid profile"


@dataclass(frozen=True)
class WebConfig:
    oidc: OidcClient | None = None
    dev_login: bool = False  # the demo people picker; dev mode only, loopback only
    secure_cookies: bool = False  # set when served over https
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_timeout: timedelta = timedelta(hours=10)  # a working day, then log in again
