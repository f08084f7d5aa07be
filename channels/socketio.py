"""The web chat (rasa-webchat over Socket.IO): Rasa's channel, with sessions the server owns.

Rasa 3.6 lets the browser name its session: whatever id it sends in
``session_request`` becomes the conversation's sender id, and every
``user_uttered`` names the conversation it goes to. Any browser could continue
any conversation (even a REST or SMS one) by sending its id, and would receive
its replies. Here:

- The server issues every session id (``channels.session_ids``: random and
  signed with ``SESSION_SECRET``). A ``session_request`` with an id this server
  did not issue (missing, made up, unsigned, badly signed, a stored sender id)
  gets a new one; the conversation behind the old id is not touched. The widget
  adopts the id it is given and starts afresh.
- Each connection is bound to the session it was confirmed for (python-socketio's
  per-connection session) and is in that session's room only. A ``user_uttered``
  naming any other session is refused: not processed, not stored, logged
  without its text.
- The conversation is stored as ``web:<random part>`` (no signature).
- Only the pages allowed by `--cors` can connect (``channels.browser_origins``).
- Binary messages are refused, and each replica names its Engine.IO connection
  ids after itself for nginx's routing (``channels.socketio_server``).
- Every message goes through the input policy and the rate limits
  (``channels.screening``): per conversation, and per browser address over all its
  connections. Engine.IO accepts at most MAX_PAYLOAD_BYTES in one request or
  WebSocket message (python-engineio's default is 1 MB), so a larger one is refused
  before it is held in memory; anything smaller but over the message limit is
  answered "too long".

A Socket.IO connection lives in one server process, so the binding needs no
shared store; replicas only need the same ``SESSION_SECRET`` (and routing of each
connection to its replica: ``SOCKETIO_REPLICA``, docs/deploy.md).
"""
import inspect
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

import settings
from actions import responses
from channels.browser_origins import CorsOrigins, OriginCheckingServer
from channels.env import ChannelConfigError, session_secret
from channels.formatting import as_markdown, emergency_as_markdown
from channels.screening import screened
from channels.session_ids import SessionIds
from channels.socketio_server import harden

logger = logging.getLogger(__name__)


# the class the widget gives the emergency answer's bubble (web/styles.css: an alert)
EMERGENCY_CLASS = "ta-emergency"


class WebChatOutput(SocketIOOutput):
    """Rasa's socketio output, with each answer's heading in Markdown bold (channels/formatting.py).

    The emergency answer (``utter_emergency``, from the assistant or from the channel itself) is
    sent as one message whose metadata gives its bubble the class EMERGENCY_CLASS (rasa-webchat's
    ``customCss``), with a tap-to-call link to EMERGENCY_NUMBER when it is set.
    """

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if kwargs.get("utter_action") == responses.EMERGENCY:
            await self._send_message(recipient_id, {
                "text": emergency_as_markdown(text, settings.value("EMERGENCY_NUMBER")),
                "metadata": {"customCss": {"style": "class", "css": EMERGENCY_CLASS}},
            })
            return
        await super().send_text_message(recipient_id, as_markdown(text), **kwargs)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: Any, **kwargs: Any) -> None:
        await super().send_text_with_buttons(recipient_id, as_markdown(text), buttons, **kwargs)

# what this connection was confirmed for, in python-socketio's per-connection session
SESSION_ID = "session_id"
SENDER_ID = "sender_id"
CLIENT = "client"
# the largest Engine.IO request body or WebSocket message accepted: a message at the limit
# (2,000 characters, up to 4 bytes each in UTF-8, plus JSON) fits many times over, and one
# of 100,000 plain characters still arrives to be answered "too long"
MAX_PAYLOAD_BYTES = 128 * 1024


def client_address(environ: Dict[Text, Any]) -> Optional[Text]:
    """The browser's address as Sanic sees it (the proxy's forwarded address with SANIC_PROXIES_COUNT set)."""
    request = environ.get("sanic.request")
    return (request.remote_addr or request.ip) if request is not None else None


async def _maybe_await(result: Any) -> None:
    """enter_room / leave_room: plain calls in python-socketio 5.9, coroutines from 5.10."""
    if inspect.isawaitable(result):
        await result


def message_metadata(data: Dict[Text, Any], key: Text) -> Dict[Text, Any]:
    """The metadata sent with a message (a dict, or a JSON object as text); {} otherwise."""
    metadata = data.get(key) or {}
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return {}
    return metadata if isinstance(metadata, dict) else {}


class _OriginCheckingBlueprint(SocketBlueprint):
    """Rasa's Socket.IO blueprint, reading the allowed origins from the app it joins."""

    def __init__(self, sio: OriginCheckingServer, socketio_path: Text, origins: CorsOrigins,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(sio, socketio_path, *args, **kwargs)
        self.ctx.origins = origins

    def register(self, app: Sanic, options: Dict[Text, Any]) -> None:
        self.ctx.origins.read_from(app, self.ctx.socketio_path)
        super().register(app, options)


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socketio channel with server-issued, signed session ids bound to each connection."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        if credentials.get("jwt_key"):
            raise RasaException("channels.socketio.SocketIOInput does not support jwt_key")
        try:
            session_ids = SessionIds(session_secret())
        except ChannelConfigError as error:
            raise RasaException(str(error)) from error
        except ValueError as error:
            raise RasaException(f"SESSION_SECRET: {error}") from error
        return cls(
            session_ids,
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("metadata_key", "metadata"),
        )

    def __init__(self, session_ids: SessionIds, user_message_evt: Text = "user_uttered",
                 bot_message_evt: Text = "bot_uttered", namespace: Optional[Text] = None,
                 socketio_path: Text = "/socket.io", metadata_key: Text = "metadata") -> None:
        super().__init__(user_message_evt, bot_message_evt, namespace, session_persistence=True,
                         socketio_path=socketio_path, metadata_key=metadata_key)
        self.session_ids = session_ids

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        origins = CorsOrigins()
        sio = OriginCheckingServer(origins, max_http_buffer_size=MAX_PAYLOAD_BYTES)
        harden(sio)  # no binary messages; engine.io ids named after the replica (SOCKETIO_REPLICA)
        socketio_webhook = _OriginCheckingBlueprint(sio, self.socketio_path, origins, "socketio_webhook", __name__)
        self.sio = sio  # for get_output_channel
        namespace = self.namespace
        handle_screened = screened(on_new_message)

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict[Text, Any], *_: Any) -> None:
            await sio.save_session(sid, {CLIENT: client_address(environ)}, namespace=namespace)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Any) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id, sender_id = asked, self.session_ids.sender_id(asked)
            if sender_id is None:
                session_id = self.session_ids.issue()
                sender_id = self.session_ids.sender_id(session_id)
                if asked:
                    logger.info("Socket.IO: a connection asked for a session this server did not issue: "
                                "it gets a new one.")
            for room in sio.rooms(sid, namespace=namespace):
                if room != sid:
                    await _maybe_await(sio.leave_room(sid, room, namespace=namespace))
            bound = await sio.get_session(sid, namespace=namespace)
            await sio.save_session(sid, {**bound, SESSION_ID: session_id, SENDER_ID: sender_id}, namespace=namespace)
            await _maybe_await(sio.enter_room(sid, sender_id, namespace=namespace))
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            bound = await sio.get_session(sid, namespace=namespace)
            if not isinstance(data, dict) or SESSION_ID not in bound or data.get("session_id") != bound[SESSION_ID]:
                logger.warning("Socket.IO: refused a message naming a session its connection was not "
                               "confirmed for (a connection asks with session_request, then sends its own id).")
                return
            text = data.get("message", "")
            if not isinstance(text, str):
                logger.warning("Socket.IO: refused a message that is not text.")
                return
            await handle_screened(UserMessage(
                text, WebChatOutput(sio, self.bot_message_evt), bound[SENDER_ID],
                input_channel=self.name(), metadata=message_metadata(data, self.metadata_key),
            ), client=bound.get(CLIENT))

        return socketio_webhook
