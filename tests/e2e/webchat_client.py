"""A web chat client as the widget behaves, on python-socketio's real client (for the e2e tests).

Long-polling only: python-engineio 4.15's asyncio client needs aiohttp 3.10 for
WebSockets, and Rasa 3.6 keeps aiohttp at 3.9 (the handshake over WebSocket is
tested with the `websockets` package instead).
"""
import asyncio
import re
from typing import Any, Dict, List, Optional

import socketio

REPLY_TIMEOUT = 60
# channels/formatting.py's Markdown: the heading in bold, Markdown's characters escaped
_BOLD_HEADING = re.compile(r"\A\*\*((?:\\.|[^*\\])*)\*\*\n")
_ESCAPED = re.compile(r"\\(.)")


def shown(markdown: str) -> str:
    """A bot message's text as the widget shows it (its Markdown rendered as plain text)."""
    return _ESCAPED.sub(r"\1", _BOLD_HEADING.sub(r"\1\n", markdown))


class WebChat:
    """One browser's Socket.IO connection: session_request, user_uttered, and the bot_uttered it receives."""

    def __init__(self, url: str, origin: str) -> None:
        self.url, self.origin = url, origin
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: List[Dict[str, Any]] = []
        self.session_id: Optional[str] = None
        self._confirmed: Optional[asyncio.Future] = None
        self._arrived = asyncio.Event()
        self.client.on("session_confirm", self._on_confirm)
        self.client.on("bot_uttered", self._on_bot_uttered)

    async def _on_confirm(self, session_id: Any) -> None:
        if self._confirmed is not None and not self._confirmed.done():
            self._confirmed.set_result(session_id)

    async def _on_bot_uttered(self, message: Dict[str, Any]) -> None:
        """Each message as the widget shows it ("text"), and as sent ("markdown")."""
        if isinstance(message.get("text"), str):
            message = {**message, "markdown": message["text"], "text": shown(message["text"])}
        self.received.append(message)
        self._arrived.set()

    async def connect(self) -> "WebChat":
        await self.client.connect(self.url, headers={"Origin": self.origin}, transports=["polling"],
                                  socketio_path="/socket.io", wait_timeout=30)
        return self

    async def request_session(self, session_id: Any = None) -> str:
        """Ask for a session as the widget does on connecting (with its stored id, if any)."""
        self._confirmed = asyncio.get_running_loop().create_future()
        await self.client.emit("session_request", {"session_id": session_id})
        self.session_id = await asyncio.wait_for(self._confirmed, REPLY_TIMEOUT)
        return self.session_id

    async def send(self, text: str, session_id: Optional[str] = None) -> None:
        """user_uttered with this connection's session id, or the one given."""
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.session_id})

    async def say(self, text: str, expected: str) -> str:
        """Send text; the first text reply (from now on) that contains `expected`."""
        start = len(self.received)
        await self.send(text)
        deadline = asyncio.get_running_loop().time() + REPLY_TIMEOUT
        while True:
            self._arrived.clear()  # before looking, so that a reply arriving meanwhile is not missed
            for message in self.received[start:]:
                if expected in message.get("text", ""):
                    return message["text"]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no reply containing {expected!r} to {text!r}; got {self.received[start:]}")
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def settle(self, quiet: float = 1.0) -> None:
        """Wait until no message has arrived for `quiet` seconds (an answer comes in several messages)."""
        while True:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), quiet)
            except asyncio.TimeoutError:
                return

    async def close(self) -> None:
        # python-socketio's disconnect does not wait for Engine.IO's background tasks; wait for them
        # here, so that none is left running when the test's event loop closes
        background = [task for task in (self.client.eio.read_loop_task, self.client.eio.write_loop_task) if task]
        await self.client.disconnect()
        await asyncio.wait_for(asyncio.gather(*background, return_exceptions=True), REPLY_TIMEOUT)


async def walkthrough(url: str, origin: str) -> tuple:
    """A web chat over long-polling (through nginx): three steps; (answers, Engine.IO session id)."""
    chat = await WebChat(url, origin).connect()
    try:
        await chat.request_session()
        answers = [await chat.say("what happens first?", "Step 1 of 6")]
        await chat.settle()
        answers.append(await chat.say("next", "Step 2 of 6"))
        await chat.settle()
        answers.append(await chat.say("next", "Step 3 of 6"))
        return answers, chat.client.eio.sid
    finally:
        await chat.close()


async def walkthroughs(url: str, origin: str, count: int) -> list:
    """count web chats at once."""
    return await asyncio.gather(*(walkthrough(url, origin) for _ in range(count)))
