"""Which web pages may open the chat's Socket.IO connection: the origins given to `--cors`.

Browsers do not apply CORS to WebSockets, so a page anywhere could open the chat's
WebSocket unless the server checks the Origin header itself. Rasa 3.6 switches
Engine.IO's check off (``cors_allowed_origins=[]``); here it is on, with the same
rule as Rasa's CORS headers (sanic_cors, configured from `--cors`): one list of
origins, in one place. A handshake from any other origin gets 400 before a
connection exists. Clients that send no Origin header (not a browser) are let in,
as CORS would.

Engine.IO adds no CORS headers of its own: sanic_cors already adds them to every
response, and two Access-Control-Allow-Origin headers would make browsers refuse
the answer.
"""
import logging
from typing import Any, Dict, Optional

import engineio
import socketio
from sanic import Sanic
from sanic_cors.core import get_cors_origins, try_match

logger = logging.getLogger(__name__)


class CorsOrigins:
    """Whether a browser page (origin) may connect: as Rasa's CORS configuration says.

    Until ``read_from`` has found the app's configuration, every origin is refused.
    """

    def __init__(self) -> None:
        self.options: Optional[Dict[str, Any]] = None

    def read_from(self, app: Sanic, path: str) -> None:
        """Take the CORS options that apply to ``path`` in ``app`` (set by Rasa from `--cors`)."""
        context = getattr(app.ctx, "sanic_cors", None)
        resources = getattr(context, "resources", None) or []
        self.options = next((options for pattern, options in resources if try_match(path, pattern)), None)
        if self.options is None:
            logger.warning(f"No CORS configuration covers {path}: every web page is refused the chat.")
        else:
            allowed = [origin for origin in self.options.get("origins", []) if origin]
            logger.info(f"The web chat ({path}) accepts browsers from: {', '.join(allowed) or 'no web page'}")

    def __call__(self, origin: Optional[str]) -> bool:
        return self.options is not None and bool(origin) and bool(get_cors_origins(self.options, origin))


class _EngineIOServer(engineio.AsyncServer):
    def _cors_headers(self, environ: Dict[str, Any]) -> list:
        return []  # sanic_cors adds them (see the module docstring)


class OriginCheckingServer(socketio.AsyncServer):
    """A Socket.IO server (Sanic) that refuses handshakes from origins ``allowed`` says no to."""

    def __init__(self, allowed: CorsOrigins, **kwargs: Any) -> None:
        super().__init__(async_mode="sanic", cors_allowed_origins=allowed, **kwargs)

    def _engineio_server_class(self) -> type:
        return _EngineIOServer
