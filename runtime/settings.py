"""Configuration from the environment (``KINERJA_*``, plus the conventional
``DATABASE_URL`` and ``TEMPORAL_ADDRESS``). When those two are unset, ``kinerja dev``
starts embedded servers under ``.data/`` instead."""

from datetime import timedelta
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.schedule import DEFAULT_MINIMUM_PACING


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "KINERJA_DATABASE_URL")
    )
    temporal_address: str | None = Field(
        default=None,
        validation_alias=AliasChoices("TEMPORAL_ADDRESS", "KINERJA_TEMPORAL_ADDRESS"),
    )
    temporal_namespace: str = "default"
    task_queue: str = "kinerja"
    data_dir: Path = Path(".data")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    temporal_port: int = 7233
    temporal_ui_port: int = 8233

    dev_mode: bool = Field(
        default=False, description="Issue our own signing key and demo tokens; never in production."
    )
    jwks_url: str | None = Field(default=None, description="OIDC JWKS endpoint (e.g. Keycloak).")
    jwks_file: Path | None = Field(default=None, description="A JWKS on disk instead of a URL.")
    jwt_issuer: str = "kinerja-dev"
    jwt_audience: str = "kinerja"

    oidc_metadata_url: str | None = Field(
        default=None,
        description="The web login's OIDC provider, its .well-known/openid-configuration "
        "(e.g. a Keycloak realm's); unset: no SSO button.",
    )
    oidc_client_id: str = "kinerja-web"
    oidc_client_secret: SecretStr | None = None
    public_https: bool = Field(
        default=False, description="Served over https: session cookies are Secure."
    )
    web_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    web_absolute_hours: int = Field(default=10, ge=1, le=7 * 24)

    identity_claim: str = Field(
        default="sub",
        description="The token claim that holds the employee's NIP (e.g. 'nip' for a "
        "Keycloak mapper); roles always come from the roster.",
    )
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    roles_client: str | None = Field(
        default=None,
        description="A Keycloak client whose roles (resource_access.<client>.roles) may "
        "narrow the roster's grants; unset: token roles are ignored.",
    )
    write_rate: str = Field(
        default="120/minute", description="Writes allowed per caller (limits notation)."
    )
    read_rate: str = Field(default="600/minute", description="Reads allowed per caller.")
    export_rate: str = Field(default="10/minute", description="Exports allowed per caller.")
    failed_auth_rate: str = Field(
        default="60/minute", description="Failed authentications allowed per client address."
    )
    dev_token_rate: str = Field(
        default="20/minute", description="Demo tokens issued per client address (dev mode)."
    )
    export_row_limit: int = Field(
        default=1000, ge=1, description="Exports larger than this need HR or the auditor."
    )
    minimum_pacing: timedelta = Field(
        default=DEFAULT_MINIMUM_PACING,
        description="Shortest escalation interval and reminder lead a period may be opened "
        "with (ISO 8601 like PT1H, or HH:MM:SS); lower only for rehearsals.",
    )
    fanout_page_size: int = 500
    fanout_concurrency: int = 20
    workflow_cache: int = Field(
        default=1000,
        ge=1,
        description="Workflows the worker keeps in memory (about 130 MiB per 1,000). "
        "Below the number of appraisals being acted on at once, each action replays its "
        "history from the start.",
    )

    # Personal data kept out of Temporal in clear (Step S); dev mode generates both keys
    # under the data directory when they are unset.
    payload_keys: SecretStr | None = Field(
        default=None,
        description="AES-256 keys that seal Temporal payloads, 'id:base64,...'; the first "
        "one seals, every one opens (rotate by putting a new key first).",
    )
    workflow_id_key: SecretStr | None = Field(
        default=None,
        description="Base64 key (at least 32 bytes) of the pseudonym in appraisal workflow "
        "ids. Keep it for ever: a new key gives a running period's employees new ids.",
    )
    temporal_ui_origin: str | None = Field(
        default=None,
        description="Origin of the Temporal UI allowed to call /codec (CORS), e.g. "
        "http://127.0.0.1:8233.",
    )
    roster_max_file_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="Largest roster file (as uploaded)."
    )
    roster_max_uncompressed_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1,
        description="Largest XLSX roster once inflated (all zip members together).",
    )
    roster_max_rows: int = Field(default=100_000, ge=1, description="Data rows per roster.")
    roster_max_cells: int = Field(
        default=2_000_000, ge=1, description="Cells (and XLSX shared strings) per roster."
    )
