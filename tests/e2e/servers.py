"""Start the real action server and Rasa server on free loopback ports."""
import secrets
import socket
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

from cluster import assistant
from cluster.processes import free_port  # noqa: F401 (the tests take it from here)
from webpage.server import serving

# The tests are one client (127.0.0.1) talking for many patients: the per-client rate limit is
# off unless a test sets it (tests/e2e/test_rate_limits.py); the per-conversation one keeps its default.
RATE_LIMIT_DEFAULTS = {"RATE_LIMIT_CLIENT_PER_MINUTE": "0"}
# The key of the stored sender ids (privacy/pseudonyms.py): random for each test run, the same for
# every server a run starts (so a restarted server finds its conversations); tests compute stored
# ids with privacy.pseudonyms.stored_sender_id(sender_id, SENDER_ID_KEY).
SENDER_ID_KEY = secrets.token_urlsafe(48)


def running_assistant(model: Path, extra_env: Optional[Dict[str, str]] = None, **options):
    """cluster.assistant.running_assistant with this run's SENDER_ID_KEY and no per-client rate limit,
    unless extra_env gives them."""
    return assistant.running_assistant(
        model, {**RATE_LIMIT_DEFAULTS, "SENDER_ID_KEY": SENDER_ID_KEY, **(extra_env or {})}, **options)


@contextmanager
def serving_web_page(web_dir: Path, config_js: str, port: Optional[int] = None) -> Iterator[str]:
    """Serve web_dir as `make run` does (python -m webpage: gzip, ETag, 304s), with the test's
    config.js instead of the generated one, on a loopback port (free if not given), in a thread;
    yield the base URL."""
    with serving(web_dir, port or 0, overrides={"/config.js": config_js.encode()}) as base:
        yield base


class HeldRelay:
    """A TCP relay on a free loopback port to target_port that holds every connection until release():
    a server that answers late (cold, or on a slow network), for a browser that connects through it.
    hold() cuts the connections relayed so far and holds new ones again: the connection lost."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.released = threading.Event()
        self.open: list = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def release(self) -> None:
        self.released.set()

    def hold(self) -> None:
        self.released.clear()
        for sock in self.open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.open.clear()

    def close(self) -> None:
        self.released.set()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        self.released.wait()
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        self.open += [client, upstream]
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
