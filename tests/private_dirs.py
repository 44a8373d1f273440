"""Data directories for embedded PostgreSQL servers that pytest does not manage."""

import atexit
import shutil
import tempfile
from pathlib import Path


def private_postgres_dir(purpose: str) -> Path:
    """A data directory for an embedded PostgreSQL outside pytest's own tmp tree: pytest
    resets ``/tmp/pytest-of-<user>`` to mode 0700 whenever another session starts, which
    would lock the server's system user out of its data mid-run. Removed at exit, after
    the library has stopped the server (exit handlers run last-registered first)."""
    root = Path(tempfile.mkdtemp(prefix=f"kinerja-{purpose}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root / "data"
