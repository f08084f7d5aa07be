"""A stand-in for the messaging providers' APIs, on loopback, recording every call.

One server answers for all three, under a prefix each (the base URL a channel
is configured with): /telegram (Bot API), /twilio (REST API), /facebook (Graph
API). Answers are the smallest the client libraries accept. Every call is recorded with
its parameters (``made``), e.g. the ``secret_token`` of Telegram's ``setWebhook`` at start.
"""
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, List, Tuple
from urllib.parse import parse_qs, urlsplit

from tests.e2e.servers import free_port

BOT_USERNAME = "vein_test_bot"


@dataclass
class Call:
    provider: str
    method: str  # the provider's API method: sendMessage, Messages.json, me/messages
    query: Dict[str, str]
    body: Dict[str, Any]


def _flat(parsed: Dict[str, List[str]]) -> Dict[str, str]:
    return {key: values[-1] for key, values in parsed.items()}


def _telegram(method: str, body: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    if method == "getMe":
        return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Vein", "username": BOT_USERNAME}}
    if method == "sendMessage":
        if not str(body.get("chat_id", "")).lstrip("-").isdigit():
            # as the Bot API answers a chat id that names no chat
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        return 200, {"ok": True, "result": {
            "message_id": int(time.time() * 1000) % 10**9, "date": int(time.time()),
            "chat": {"id": int(body["chat_id"]), "type": "private"}, "text": body.get("text", ""),
        }}
    return 200, {"ok": True, "result": True}


def _twilio(method: str, body: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    return 201, {"sid": "SM" + "0" * 32, "to": body.get("To"), "from": body.get("From"),
                 "body": body.get("Body"), "status": "queued"}


def _facebook(method: str, body: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
    return 200, {"recipient_id": body.get("recipient", {}).get("id"), "message_id": "mid.test"}


ANSWERS: Dict[str, Callable[[str, Dict[str, Any]], Tuple[int, Dict[str, Any]]]] = {
    "telegram": _telegram, "twilio": _twilio, "facebook": _facebook,
}


class FakeProviders:
    def __init__(self) -> None:
        self.calls: List[Call] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.answer()

            def do_POST(self) -> None:  # noqa: N802
                self.answer()

            def answer(self) -> None:
                url = urlsplit(self.path)
                provider, _, rest = url.path.lstrip("/").partition("/")
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:
                    body = _flat(parse_qs(raw.decode(), keep_blank_values=True))
                # bot<token>/sendMessage, v2.12/me/messages, 2010-04-01/Accounts/<sid>/Messages.json
                method = rest.rsplit("/", 1)[-1] if provider == "twilio" else rest.partition("/")[2]
                with fake.lock:
                    fake.calls.append(Call(provider, method, _flat(parse_qs(url.query)), body))
                status, answer = ANSWERS[provider](method, body) if provider in ANSWERS else (404, {})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}"

    def made(self, provider: str, method: str) -> List[Call]:
        with self.lock:
            return [call for call in self.calls if call.provider == provider and call.method == method]


@contextmanager
def fake_providers() -> Iterator[FakeProviders]:
    fake = FakeProviders()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
        thread.join(timeout=10)
