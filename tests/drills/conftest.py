"""Drills reuse the API wiring (real app, dev server, worker, PostgreSQL) of tests/api."""

from tests.api.conftest import (  # noqa: F401 - fixtures, re-exported for pytest
    api_context,
    auth,
    client,
    period_id,
    seeded,
    signing_key,
    token_issuer,
)
