"""Server processes on loopback: start, wait until up, restart, stop, read the log."""
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str, headers: Optional[Dict[str, str]] = None) -> Callable[[], bool]:
    """A readiness check: GET url (with these headers) answers 200."""
    def check() -> bool:
        try:
            return requests.get(url, headers=headers, timeout=2).status_code == 200
        except requests.RequestException:
            return False
    return check


def port_open(port: int, host: str = "127.0.0.1") -> Callable[[], bool]:
    """A readiness check: something accepts TCP connections on host:port."""
    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            return False
    return check


class Process:
    """A server process whose output goes to a log file, shown when it fails."""

    def __init__(self, name: str, args: List[str], env: Optional[Dict[str, str]] = None,
                 log_dir: Optional[Path] = None, user: Optional[str] = None,
                 stop_signal: int = signal.SIGTERM):
        """Start args now. user: run as this account (only when we are root, e.g. PostgreSQL
        refuses root); stop_signal: what stop() sends first (then SIGKILL after 20 s)."""
        self.name, self.args, self.env, self.log_dir = name, args, env, log_dir
        self.user = user if user and os.geteuid() == 0 else None
        self.stop_signal = stop_signal
        self.start()

    def start(self) -> None:
        if self.log_dir is None:
            self.log = tempfile.NamedTemporaryFile(prefix=f"{self.name}-", suffix=".log", delete=False)
        else:
            self.log = open(Path(self.log_dir) / f"{self.name}.log", "ab")
        self.popen = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self.log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      user=self.user)

    def restart(self) -> None:
        """Stop the process and start it again with the same arguments."""
        self.stop()
        self.start()

    def output(self, limit: int = 5000) -> str:
        return Path(self.log.name).read_text(errors="replace")[-limit:]

    def wait_until(self, ready: Callable[[], bool], timeout: float = 180) -> None:
        """Wait until ready() is true; fail with the log if the process exits or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.output()}")
            if ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not up after {timeout}s:\n{self.output()}")

    def wait_until_up(self, url: str, timeout: float = 180, headers: Optional[Dict[str, str]] = None) -> None:
        """Wait until GET url (with these headers) answers 200."""
        self.wait_until(http_ok(url, headers), timeout)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(self.stop_signal)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()
        if self.log_dir is None:
            os.unlink(self.log.name)
