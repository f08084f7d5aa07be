"""Three rules for the Socket.IO server behind the web widget (python-socketio's AsyncServer).

1. Binary messages are refused. The widget only sends text. python-socketio 5.9.0 keeps a
   binary message in memory until all its attachments arrive, even after the client has gone
   (GHSA-5w7q-77mv-v69f, security/advisories.yml); the version cannot move, because Rasa 3.6's
   channel stops delivering replies from 5.10 on. A client that starts a binary message is
   disconnected at once and nothing of it is kept.
2. Session ids name the replica. With several Rasa servers behind nginx, every request of one
   Socket.IO session must reach the server that holds it. A server started with
   SOCKETIO_REPLICA=r1 hands out session ids beginning "r1-", and nginx routes each request by
   the id it carries (cluster/nginx.conf.in, docs/deploy.md).
3. No message is dropped for arriving in a crowd. python-engineio refuses a long-polling
   request that carries more than 16 packets (``Payload.max_decode_packets``), answers it
   200 and drops every message in it, logging nothing we see: that was how 757 of a flood
   of 1,000 web-chat messages vanished. The request size is already limited
   (channels/socketio.py, MAX_PAYLOAD_BYTES), so here a request within that size is never
   refused for its number of packets; each message reaches the channel, where the rate
   limits count, log and answer it (channels/screening.py).
"""
import logging
from typing import Any, Optional

from engineio.payload import Payload

import settings

logger = logging.getLogger(__name__)

# Socket.IO packet types 5 and 6 (BINARY_EVENT, BINARY_ACK): the first character of the packet
BINARY_PACKET_TYPES = ("5", "6")
REPLICA_VARIABLE = "SOCKETIO_REPLICA"


def refuse_binary_messages(sio: Any) -> None:
    """Disconnect any client that sends a binary message (or a stray attachment) to sio."""
    handle_message = sio._handle_eio_message

    async def handle_text_only(eio_sid: str, data: Any) -> None:
        if isinstance(data, (bytes, bytearray)) or (isinstance(data, str) and data[:1] in BINARY_PACKET_TYPES):
            sio._binary_packet.pop(eio_sid, None)
            logger.warning("A web chat client sent a binary Socket.IO message: refused and disconnected.")
            await sio.eio.disconnect(eio_sid)
            return
        await handle_message(eio_sid, data)

    # the engine.io server calls the handler it was given when sio was built: give it this one
    sio._handle_eio_message = handle_text_only
    sio.eio.on("message", handle_text_only)


def name_sessions_after_replica(sio: Any, replica: Optional[str] = None) -> None:
    """Start every session id sio hands out with "<replica>-" (SOCKETIO_REPLICA when not given)."""
    replica = (replica if replica is not None else settings.value(REPLICA_VARIABLE))
    if not replica:
        return
    if not replica.replace("_", "").isalnum():
        raise ValueError(f"{REPLICA_VARIABLE} must be letters, digits and _ only (got {replica!r})")
    generate_id = sio.eio.generate_id

    def replica_id() -> str:
        return f"{replica}-{generate_id()}"

    sio.eio.generate_id = replica_id


def accept_packets_up_to(max_payload_bytes: int) -> None:
    """Long-polling requests within max_payload_bytes are never refused for their number of packets.

    A packet takes at least two bytes with its separator, so a request of that size holds fewer
    than max_payload_bytes // 2 of them. (A class attribute of python-engineio: it applies to
    every Engine.IO server and client in this process.)
    """
    Payload.max_decode_packets = max(Payload.max_decode_packets, max_payload_bytes // 2)


def harden(sio: Any) -> None:
    """The three rules, for the channel's server once it is built (its max_http_buffer_size set)."""
    refuse_binary_messages(sio)
    name_sessions_after_replica(sio)
    accept_packets_up_to(sio.eio.max_http_buffer_size)
