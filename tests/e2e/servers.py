"""Start the real action server and Rasa server on free loopback ports."""
import os
import secrets
import tempfile
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, Optional, Sequence

from cluster.assistant import action_server, rasa_server
from cluster.processes import Process, free_port  # noqa: F401 (free_port: used by the tests)


# The defaults the Makefile exports for endpoints.yml (SQLite tracker store, in-memory lock store).
STORE_DEFAULTS = {
    "TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB_HOST": "", "TRACKER_DB_PORT": "", "TRACKER_DB_USER": "",
    "TRACKER_DB_PASSWORD": "", "LOCK_STORE_TYPE": "in_memory", "LOCK_STORE_HOST": "localhost",
    "LOCK_STORE_PORT": "6379", "LOCK_STORE_DB": "1", "LOCK_STORE_PASSWORD": "",
}
# The tests are one client (127.0.0.1) talking for many patients: the per-client rate limit is
# off unless a test sets it (tests/e2e/test_rate_limits.py); the per-conversation one keeps its default.
RATE_LIMIT_DEFAULTS = {"RATE_LIMIT_CLIENT_PER_MINUTE": "0"}
# The key of the stored sender ids (privacy/pseudonyms.py): random for each test run, the same for
# every server a run starts (so a restarted server finds its conversations); tests compute stored
# ids with privacy.pseudonyms.stored_sender_id(sender_id, SENDER_ID_KEY).
SENDER_ID_KEY = secrets.token_urlsafe(48)


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
    The web chat's SESSION_SECRET is a new random one unless extra_env gives it; SENDER_ID_KEY is
    this module's unless extra_env gives it.
    """
    processes = {} if processes is None else processes
    action_port, rasa_port = action_port or free_port(), free_port()
    scratch = tempfile.TemporaryDirectory(prefix="conversations-")
    env = {**os.environ, **STORE_DEFAULTS, **RATE_LIMIT_DEFAULTS,
           "TRACKER_DB": str(tracker_db or Path(scratch.name) / "conversations.db"),
           "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
           "SESSION_SECRET": secrets.token_urlsafe(48), "SENDER_ID_KEY": SENDER_ID_KEY, **(extra_env or {})}
    actions = action_server(action_port, env)
    processes["actions"] = actions
    rasa = None
    try:
        actions.wait_until_up(f"http://127.0.0.1:{action_port}/health")
        rasa = rasa_server(model, rasa_port, env, credentials, rasa_args)
        processes["rasa"] = rasa
        base = f"http://127.0.0.1:{rasa_port}"
        rasa.wait_until_up(base + "/")
        yield base
    finally:
        for process in (rasa, actions):
            if process is not None:
                process.stop()
        scratch.cleanup()


class _WebPageHandler(SimpleHTTPRequestHandler):
    """Serves web/ like `make run` does, with the test's config.js instead of the generated one."""

    def __init__(self, *args, config_js: bytes, **kwargs):
        self.config_js = config_js
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.split("?")[0] == "/config.js":
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(self.config_js)))
            self.end_headers()
            self.wfile.write(self.config_js)
        else:
            super().do_GET()

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serving_web_page(web_dir: Path, config_js: str, port: Optional[int] = None) -> Iterator[str]:
    """Serve web_dir on a loopback port (free if not given), in a thread; yield the base URL."""
    handler = partial(_WebPageHandler, directory=str(web_dir), config_js=config_js.encode())
    server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
