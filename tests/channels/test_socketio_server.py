"""channels/socketio_server.py on a real python-socketio server and client, on loopback."""
import asyncio

import pytest
import socketio
from aiohttp import web

from channels.socketio_server import name_sessions_after_replica, refuse_binary_messages
from cluster.processes import free_port


async def serve(sio: socketio.AsyncServer) -> tuple:
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def stop(sio: socketio.AsyncServer, runner: web.AppRunner) -> None:
    await sio.eio.shutdown()
    await runner.cleanup()
    # long-poll requests still parked in the server: end them before the test's loop closes
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


def echo_server() -> socketio.AsyncServer:
    # a short ping interval: a closing long-poll client is noticed in a second, not 25
    sio = socketio.AsyncServer(async_mode="aiohttp", ping_interval=1, ping_timeout=1)

    @sio.on("user_uttered")
    async def echo(sid, data):
        await sio.emit("bot_uttered", {"text": f"got {data['message']}"}, room=sid)

    return sio


async def talk(url: str, transports, message) -> tuple:
    """Connect, send one message, wait a moment: (replies, engine.io sid, still connected?)."""
    client = socketio.AsyncClient(reconnection=False)
    replies = []
    client.on("bot_uttered", lambda data: replies.append(data["text"]))
    await client.connect(url, transports=transports)
    sid = client.eio.sid
    await client.emit("user_uttered", {"message": message})
    for _ in range(40):
        if replies or not client.connected:
            break
        await asyncio.sleep(0.1)
    connected = client.connected
    await client.disconnect()
    await client.eio.wait()  # the client's own polling tasks end before the test's loop does
    return replies, sid, connected


# Long-polling only: python-engineio 4.15's websocket client needs a newer aiohttp than Rasa's.
TRANSPORTS = ["polling"]


async def test_text_is_answered_and_a_binary_message_disconnects_the_client():
    transports = TRANSPORTS
    sio = echo_server()
    refuse_binary_messages(sio)
    runner, url = await serve(sio)
    try:
        replies, _, connected = await talk(url, transports, "hello")
        assert replies == ["got hello"] and connected
        replies, _, connected = await talk(url, transports, b"\x00" * 1000)
        assert replies == [] and not connected
        assert sio._binary_packet == {}
        # the server goes on answering others
        replies, _, _ = await talk(url, transports, "still there?")
        assert replies == ["got still there?"]
    finally:
        await stop(sio, runner)


async def test_without_the_rule_the_binary_message_is_answered():
    """The check above can fail: an unprotected server takes the binary message."""
    sio = echo_server()
    runner, url = await serve(sio)
    try:
        replies, _, connected = await talk(url, TRANSPORTS, b"\x00")
        assert replies == ["got b'\\x00'"] and connected
    finally:
        await stop(sio, runner)


async def test_session_ids_start_with_the_replica_name(monkeypatch):
    monkeypatch.setenv("SOCKETIO_REPLICA", "r7")
    sio = echo_server()
    name_sessions_after_replica(sio)
    runner, url = await serve(sio)
    try:
        replies, sid, _ = await talk(url, TRANSPORTS, "hello")
        assert sid.startswith("r7-") and len(sid) > 10
        assert replies == ["got hello"]
    finally:
        await stop(sio, runner)


def test_no_replica_name_leaves_ids_alone_and_a_bad_name_is_refused(monkeypatch):
    monkeypatch.delenv("SOCKETIO_REPLICA", raising=False)
    sio = socketio.AsyncServer(async_mode="aiohttp")
    name_sessions_after_replica(sio)
    assert "generate_id" not in vars(sio.eio)  # engine.io's own ids
    with pytest.raises(ValueError):
        name_sessions_after_replica(sio, "r1; drop")
