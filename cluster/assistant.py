"""The assistant's own two servers as processes: the action server and a Rasa server (one replica)."""
import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional, Sequence

import settings
from cluster.processes import ROOT, Process, free_port

RASA = str(ROOT / ".venv" / "bin" / "rasa")
# `rasa run`, locked down (HTTP API off unless ENABLE_API=1 with a token): what `make run` starts
RASA_SERVER = [str(ROOT / ".venv" / "bin" / "python"), "-m", "server"]


def action_server(port: int, env: Dict[str, str], log_dir: Optional[Path] = None) -> Process:
    """The action server on 127.0.0.1:port (rasa_sdk binds to SANIC_HOST, as `make run` sets it)."""
    process = Process("action-server", [RASA, "run", "actions", "--port", str(port), "--actions", "actions"],
                      {**env, "SANIC_HOST": "127.0.0.1"}, log_dir=log_dir)
    return process


def rasa_server(model: Path, port: int, env: Dict[str, str], credentials: str = "credentials.yml",
                rasa_args: Sequence[str] = (), name: str = "rasa-server",
                log_dir: Optional[Path] = None) -> Process:
    """A Rasa server on 127.0.0.1:port with endpoints.yml (its stores come from env)."""
    return Process(name, [
        *RASA_SERVER, "--model", str(model), "--port", str(port), "--interface", "127.0.0.1",
        "--endpoints", "endpoints.yml", "--credentials", str(credentials), *rasa_args,
    ], env, log_dir=log_dir)


@contextmanager
def running_actions(env: Dict[str, str], port: Optional[int] = None,
                    processes: Optional[Dict[str, Process]] = None) -> Iterator[str]:
    """Yield the action server's webhook URL while it runs on 127.0.0.1:port (a free port if None).

    A dict passed as processes gets the running process as "actions" (to read its log).
    """
    port = port or free_port()
    actions = action_server(port, env)
    if processes is not None:
        processes["actions"] = actions
    try:
        actions.wait_until_up(f"http://127.0.0.1:{port}/health")
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        actions.stop()


@contextmanager
def running_assistant(
    model: Path,
    extra_env: Optional[Dict[str, str]] = None,
    rasa_args: Sequence[str] = (),
    processes: Optional[Dict[str, Process]] = None,
    credentials: str = "credentials.yml",
    tracker_db: Optional[Path] = None,
    action_port: Optional[int] = None,
) -> Iterator[str]:
    """Yield the Rasa server's base URL while both servers run.

    rasa_args are added to `rasa run` (started as `python -m server`), e.g. ["--cors", origin] for a web page. A dict
    passed as processes gets the running "actions" and "rasa" processes (to read logs).
    credentials is the credentials file `rasa run` uses (e.g. one built by scripts/credentials.py).
    tracker_db is the SQLite file of the conversations (endpoints.yml); by default a new
    temporary one, deleted afterwards. Restart the Rasa server with processes["rasa"].restart().
    action_port: where the action server listens (a free port if None); set ACTION_SERVER_URL in
    extra_env to put something between the two servers.
    The stores are the Makefile's defaults (settings.makefile_defaults()), whatever this process's
    environment says; SESSION_SECRET and SENDER_ID_KEY are new random ones unless extra_env gives them.
    """
    processes = {} if processes is None else processes
    action_port, rasa_port = action_port or free_port(), free_port()
    scratch = tempfile.TemporaryDirectory(prefix="conversations-")
    env = {**os.environ, **settings.makefile_defaults(),
           "TRACKER_DB": str(tracker_db or Path(scratch.name) / "conversations.db"),
           "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
           "SESSION_SECRET": secrets.token_urlsafe(48), "SENDER_ID_KEY": secrets.token_urlsafe(48), **(extra_env or {})}
    try:
        with running_actions(env, action_port, processes):
            rasa = rasa_server(model, rasa_port, env, credentials, rasa_args)
            processes["rasa"] = rasa
            try:
                base = f"http://127.0.0.1:{rasa_port}"
                rasa.wait_until_up(base + "/")
                yield base
            finally:
                rasa.stop()
    finally:
        scratch.cleanup()
