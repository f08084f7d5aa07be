"""A Redis server of its own, from Debian's package, on loopback (the local cluster's lock store)."""
import shutil
from pathlib import Path
from typing import Optional

import settings
from cluster.processes import Process, port_open


class RedisServer:
    """Listens on 127.0.0.1:port only, needs the password, keeps nothing on disk (locks are short-lived)."""

    def __init__(self, work_dir: Path, port: int, password: str, log_dir: Optional[Path] = None):
        self.work_dir, self.port, self.password, self.log_dir = Path(work_dir), port, password, log_dir
        self.process: Optional[Process] = None

    def start(self) -> None:
        program = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(program).exists():
            raise RuntimeError("Redis is not installed: apt-get install redis-server (or `make packages`)")
        self.work_dir.mkdir(parents=True, exist_ok=True)
        config = self.work_dir / "redis.conf"
        config.touch(mode=0o600)
        # the password is in a file only we can read, not on the command line
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\nprotected-mode yes\nrequirepass {self.password}\n"
            f"save \"\"\nappendonly no\ndir {self.work_dir}\ndaemonize no\n")
        self.process = Process("redis", [program, str(config)], log_dir=self.log_dir)
        self.process.wait_until(port_open(self.port), timeout=30)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def environment(self) -> dict:
        """endpoints.yml's lock store variables for this server."""
        return {"LOCK_STORE_TYPE": "redis", "LOCK_STORE_HOST": "127.0.0.1", "LOCK_STORE_PORT": str(self.port),
                "LOCK_STORE_DB": settings.default("LOCK_STORE_DB"), "LOCK_STORE_PASSWORD": self.password}
