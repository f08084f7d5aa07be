"""The command, the environment and the health check of each server the image runs (python -m container)."""
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

import settings

ROOT = Path(__file__).resolve().parent.parent
MODEL = "models/thrombectomy-assistant.tar.gz"
# written at each start from credentials.yml and the environment (it holds ${VARIABLE} references, no secrets)
CREDENTIALS = "/tmp/credentials.yml"
RASA_PORT, ACTION_PORT = 5005, 5055
ROLES = ("rasa", "actions", "console")
# inside a container every server listens on all of the container's addresses: the container's
# network (compose, a Kubernetes pod) is what limits who reaches it
LISTEN_ALL = "0.0.0.0"


class MissingSetting(Exception):
    """A setting the server needs and that has no default."""


def environment(environ: Mapping[str, str]) -> Dict[str, str]:
    """The environment, with the Makefile's default for each setting it leaves unset."""
    return {**settings.makefile_defaults(), **environ, "CONSOLE_HOST": LISTEN_ALL}


def _required(env: Mapping[str, str], *names: str) -> None:
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise MissingSetting(f"set {', '.join(missing)} in the environment; not starting")


def command(role: str, env: Dict[str, str], extra: Sequence[str] = ()) -> List[str]:
    """The command line of a role; env is completed for it in place (e.g. SANIC_HOST for the action server)."""
    python = sys.executable
    if role == "actions":
        env["SANIC_HOST"] = LISTEN_ALL
        return [python, "-m", "rasa", "run", "actions", "--port", str(ACTION_PORT), "--actions", "actions", *extra]
    if role == "console":
        return [python, "-m", "console", *extra]
    _required(env, "ACTION_SERVER_URL", "CORS_ORIGINS", "SESSION_SECRET", "SENDER_ID_KEY")
    import subprocess  # only the Rasa role writes a file before it starts

    written = subprocess.run([python, str(ROOT / "scripts" / "credentials.py"), "--out", CREDENTIALS], env=env)
    if written.returncode != 0:
        raise MissingSetting("the messaging apps' settings are incomplete (above)")
    return [python, "-m", "server", "--model", MODEL, "--endpoints", "endpoints.yml", "--credentials", CREDENTIALS,
            "--interface", LISTEN_ALL, "--port", str(RASA_PORT), "--cors", *env["CORS_ORIGINS"].split(), *extra]


def running_role(proc: Path = Path("/proc")) -> Optional[str]:
    """Which server runs in this container, from the processes' command lines (command() above)."""
    for cmdline in sorted(proc.glob("[0-9]*/cmdline")):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[1:3] == [b"-m", b"server"]:
            return "rasa"
        if args[1:5] == [b"-m", b"rasa", b"run", b"actions"]:
            return "actions"
        if args[1:3] == [b"-m", b"console"]:
            return "console"
    return None


def health_url(role: Optional[str], environ: Mapping[str, str]) -> Optional[str]:
    """Where the running server says it is up: Rasa's `/`, the action server's `/health`, the console's login page."""
    if role == "rasa":
        return f"http://127.0.0.1:{RASA_PORT}/"
    if role == "actions":
        return f"http://127.0.0.1:{ACTION_PORT}/health"
    if role == "console":
        port = settings.value("CONSOLE_PORT", environ)
        return f"http://127.0.0.1:{port}/login"
    return None


def healthy(role: Optional[str], environ: Mapping[str, str], timeout: float = 5.0) -> bool:
    url = health_url(role, environ)
    if url is None:
        return False
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
