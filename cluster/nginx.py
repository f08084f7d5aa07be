"""nginx in front of the replicas, from Debian's package, on loopback (cluster/nginx.conf.in)."""
import shutil
import signal
import subprocess
from pathlib import Path
from typing import List, Optional

from cluster.processes import Process, port_open

TEMPLATE = Path(__file__).with_name("nginx.conf.in")


def replica_name(index: int) -> str:
    """The name replica number index (from 1) gives its socket.io sessions, and its nginx upstream."""
    return f"r{index}"


def render(prefix: Path, listen: str, replicas: List[str], error_log: Optional[str] = None,
           access_log: Optional[str] = None) -> str:
    """The nginx configuration for replicas at these host:port addresses, in replica order; the logs
    in prefix unless given (the compose stack's nginx logs to its output: container/nginx_conf.py)."""
    servers = "\n".join(f"        server {address} max_fails=1 fail_timeout=5s;" for address in replicas)
    upstreams = "\n".join(
        f"    upstream {replica_name(i)} {{\n        server {address};\n    }}"
        for i, address in enumerate(replicas, start=1))
    routes = "\n".join(f'        "~^{replica_name(i)}-" {replica_name(i)};' for i in range(1, len(replicas) + 1))
    text = TEMPLATE.read_text()
    for placeholder, value in (("@ERROR_LOG@", error_log or f"{prefix}/error.log"),
                               ("@ACCESS_LOG@", access_log or f"{prefix}/access.log"),
                               ("@PREFIX@", str(prefix)), ("@LISTEN@", listen), ("@REPLICA_SERVERS@", servers),
                               ("@REPLICA_UPSTREAMS@", upstreams), ("@SESSION_ROUTES@", routes)):
        text = text.replace(placeholder, value)
    return text


class NginxServer:
    """nginx listening on 127.0.0.1:port, spreading requests over the replicas."""

    def __init__(self, prefix: Path, port: int, replica_ports: List[int], log_dir: Optional[Path] = None):
        self.prefix, self.port, self.replica_ports, self.log_dir = Path(prefix), port, replica_ports, log_dir
        self.process: Optional[Process] = None

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def start(self) -> None:
        program = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(program).exists():
            raise RuntimeError("nginx is not installed: apt-get install nginx (or `make packages`)")
        self.prefix.mkdir(parents=True, exist_ok=True)
        config = self.prefix / "nginx.conf"
        config.write_text(render(self.prefix, f"127.0.0.1:{self.port}", [f"127.0.0.1:{port}" for port in self.replica_ports]))
        command = [program, "-p", str(self.prefix), "-c", str(config), "-e", str(self.prefix / "error.log")]
        subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
        self.process = Process("nginx", [*command, "-g", "daemon off;"], log_dir=self.log_dir,
                               stop_signal=signal.SIGQUIT)  # graceful shutdown
        self.process.wait_until(port_open(self.port), timeout=30)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
