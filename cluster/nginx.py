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


def render(prefix: Path, listen: str, replica_ports: List[int]) -> str:
    """The nginx configuration for replicas on these loopback ports."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in replica_ports)
    upstreams = "\n".join(
        f"    upstream {replica_name(i)} {{\n        server 127.0.0.1:{port};\n    }}"
        for i, port in enumerate(replica_ports, start=1))
    routes = "\n".join(f'        "~^{replica_name(i)}-" {replica_name(i)};' for i in range(1, len(replica_ports) + 1))
    text = TEMPLATE.read_text()
    for placeholder, value in (("@PREFIX@", str(prefix)), ("@LISTEN@", listen), ("@REPLICA_SERVERS@", servers),
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
        config.write_text(render(self.prefix, f"127.0.0.1:{self.port}", self.replica_ports))
        command = [program, "-p", str(self.prefix), "-c", str(config), "-e", str(self.prefix / "error.log")]
        subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
        self.process = Process("nginx", [*command, "-g", "daemon off;"], log_dir=self.log_dir,
                               stop_signal=signal.SIGQUIT)  # graceful shutdown
        self.process.wait_until(port_open(self.port), timeout=30)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
