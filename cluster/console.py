"""The staff console as a real process on a free loopback port, for the tests and the benchmark
(benchmarks/console_load.py), as cluster/assistant.py starts the assistant's servers."""
import os
import re
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

import requests

from cluster.processes import ROOT, Process, free_port
from console.passwords import hash_password

# the one account of a console started here: for tests and benchmarks on loopback, never a deployment
PASSWORD = "correct horse battery staple"
HASHED = hash_password(PASSWORD)
CONSOLE = [sys.executable, "-m", "console"]


def environment(store_db: Path, scratch: Path, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    return {"PATH": os.environ["PATH"], "CONSOLE_SECRET": secrets.token_urlsafe(40),
            "CONSOLE_USERS": f"alice:{HASHED}", "TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB": str(store_db),
            "CONSOLE_DB": str(scratch / "console.db"), "CONSOLE_ACCESS_LOG": str(scratch / "access.log"),
            **(extra or {})}


@contextmanager
def running_console(store_db: Path, scratch: Path, extra: Optional[Dict[str, str]] = None,
                    ready_headers: Optional[Dict[str, str]] = None, port: Optional[int] = None) -> Iterator[str]:
    """Yield the console's base URL while it runs against store_db (up: its login page answers, with
    ready_headers: those of the sign-on proxy, when it is behind one)."""
    port = port or free_port()
    env = environment(store_db, scratch, {"CONSOLE_HOST": "127.0.0.1", "CONSOLE_PORT": str(port), **(extra or {})})
    process = Process("console", CONSOLE, env)
    try:
        base = f"http://127.0.0.1:{port}"
        process.wait_until_up(base + "/login", timeout=60, headers=ready_headers)
        yield base
    finally:
        process.stop()


def refused_start(env: Dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(CONSOLE, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def logged_in(base: str, user: str = "alice", password: str = PASSWORD) -> requests.Session:
    """A requests session logged in to the console (the login page's own CSRF token sent back)."""
    client = requests.Session()
    reply = client.post(base + "/login", data={"csrf": csrf_of(client.get(base + "/login").text),
                                               "user": user, "password": password}, allow_redirects=False)
    assert reply.status_code == 303 and reply.headers["Location"] == "/overview", reply.text
    return client
