"""Start the real action server and Rasa server on free loopback ports."""
import os
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

from tests.conftest import ROOT

RASA = str(ROOT / ".venv" / "bin" / "rasa")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A server process whose output goes to a log file, shown when it fails."""

    def __init__(self, name: str, args: List[str], env: Dict[str, str]):
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-5000:]

    def wait_until_up(self, url: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.output()}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not up after {timeout}s:\n{self.output()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()
        os.unlink(self.log.name)


@contextmanager
def running_assistant(model: Path, extra_env: Optional[Dict[str, str]] = None) -> Iterator[str]:
    """Yield the Rasa server's base URL while both servers run."""
    action_port, rasa_port = free_port(), free_port()
    env = {**os.environ, "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook", **(extra_env or {})}
    actions = Process("action-server", [RASA, "run", "actions", "--port", str(action_port), "--actions", "actions"], env)
    rasa = None
    try:
        actions.wait_until_up(f"http://127.0.0.1:{action_port}/health")
        rasa = Process("rasa-server", [
            RASA, "run", "--model", str(model), "--port", str(rasa_port), "--interface", "127.0.0.1",
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        ], env)
        base = f"http://127.0.0.1:{rasa_port}"
        rasa.wait_until_up(base + "/")
        yield base
    finally:
        for process in (rasa, actions):
            if process is not None:
                process.stop()
