"""A PostgreSQL server of its own, from Debian's package, on loopback (the local cluster's tracker store)."""
import os
import pwd
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from cluster.processes import Process, port_open

# Debian installs the server programs here, one folder per major version.
PG_BIN = Path("/usr/lib/postgresql")
OWNER = "postgres"  # PostgreSQL will not run as root: when we are root, it runs as this account


def server_programs() -> Path:
    versions = sorted(PG_BIN.glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (or `make packages`)")
    return versions[-1].parent


class PostgresServer:
    """A database cluster in data_dir, listening on 127.0.0.1:port only.

    user/password: the account Rasa logs in with (password over TCP, scram-sha-256);
    database: created when missing.
    """

    def __init__(self, data_dir: Path, port: int, password: str, user: str = "rasa",
                 database: str = "conversations", log_dir: Optional[Path] = None):
        self.data_dir, self.port, self.password = Path(data_dir), port, password
        self.user, self.database, self.log_dir = user, database, log_dir
        self.bin = server_programs()
        self.process: Optional[Process] = None

    def _as_owner(self) -> Optional[str]:
        return OWNER if os.geteuid() == 0 else None

    def _give_to_owner(self, path: Path) -> None:
        if self._as_owner():
            account = pwd.getpwnam(OWNER)
            os.chown(path, account.pw_uid, account.pw_gid)

    def initialise(self) -> None:
        """initdb once; a data folder from an earlier run is reused as it is."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self._give_to_owner(self.data_dir)
        with tempfile.NamedTemporaryFile("w", prefix="pw-", dir=self.data_dir.parent) as pwfile:
            pwfile.write(self.password)
            pwfile.flush()
            self._give_to_owner(Path(pwfile.name))
            subprocess.run(
                [str(self.bin / "initdb"), "-D", str(self.data_dir), "-U", self.user, "-E", "UTF8",
                 "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile.name}"],
                check=True, capture_output=True, user=self._as_owner())

    def start(self) -> None:
        self.initialise()
        # SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for every client to leave)
        self.process = Process("postgres", [
            str(self.bin / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.data_dir}",
        ], log_dir=self.log_dir, user=OWNER, stop_signal=signal.SIGINT)
        self.process.wait_until(self._accepts_connections, timeout=60)
        self._create_database()

    def _accepts_connections(self) -> bool:
        return port_open(self.port)() and subprocess.run(
            [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True).returncode == 0

    def _psql(self, sql: str, database: str = "postgres") -> str:
        """Run sql over the server's socket as the Rasa account (trusted locally); the output."""
        done = subprocess.run(
            ["psql", "-h", str(self.data_dir), "-p", str(self.port), "-U", self.user, "-d", database,
             "-v", "ON_ERROR_STOP=1", "-Atc", sql], check=True, capture_output=True, text=True,
            user=self._as_owner())
        return done.stdout

    def _create_database(self) -> None:
        if not self._psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'").strip():
            self._psql(f'CREATE DATABASE "{self.database}"')

    def restart(self) -> None:
        """Stop (fast shutdown: open connections are cut) and start again."""
        self.process.restart()
        self.process.wait_until(self._accepts_connections, timeout=60)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def url(self) -> str:
        """SQLAlchemy URL for the conversations database (for tests and scripts)."""
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{self.database}"

    def environment(self) -> dict:
        """endpoints.yml's tracker store variables for this server."""
        return {"TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": "127.0.0.1",
                "TRACKER_DB_PORT": str(self.port), "TRACKER_DB": self.database,
                "TRACKER_DB_USER": self.user, "TRACKER_DB_PASSWORD": self.password}
