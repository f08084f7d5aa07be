"""Fix rasa-webchat 1.0.1's one race, in the bundle `npm ci` installed (run by `make web`).

The widget decides whether to make its Socket.IO connection with
``isInitialized() { return this.socket !== null && this.socket.connected }``: "a
connected socket exists". Every re-render while the chat is open and has not yet
sent its greeting (``initPayload``) calls it, so a chat opened before its first
connection is up (a slow network, a server still starting or down) makes a second
socket, and a third on the next re-render. Each asks the server for a session of
its own; the greeting then goes out on one socket naming another socket's session,
the server refuses it (channels/socketio.py), and the widget never sends it again
(it is sent once per stored session): the patient sees an empty chat. This made the
first browser test fail in CI (the cold server answered the first handshake late).

The fix: a socket, once made, is the page's socket (socket.io-client reconnects it
by itself), so ``isInitialized`` is "a socket exists".

Usage: python scripts/patch_webchat.py [web/node_modules/rasa-webchat/lib/index.js]
Exits 1, changing nothing, when the bundle is not the one this was written for.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
ORIGINAL = 'key:"isInitialized",value:function(){return null!==this.socket&&this.socket.connected}'
FIXED = 'key:"isInitialized",value:function(){return null!==this.socket}'


class NotThatBundle(Exception):
    """The file is not rasa-webchat 1.0.1's lib/index.js, patched or not."""


def patched(text: str) -> str:
    """The bundle's text with the fix; unchanged when it is already there."""
    if text.count(ORIGINAL) == 1 and FIXED not in text:
        return text.replace(ORIGINAL, FIXED)
    if text.count(FIXED) == 1 and ORIGINAL not in text:
        return text
    raise NotThatBundle("not rasa-webchat 1.0.1's bundle: its isInitialized is not the one this fix is for")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bundle = Path(argv[0]) if argv else BUNDLE
    text = bundle.read_text(encoding="utf-8")
    try:
        fixed = patched(text)
    except NotThatBundle as error:
        print(f"{bundle}: {error}", file=sys.stderr)
        return 1
    if fixed != text:
        bundle.write_text(fixed, encoding="utf-8")
        print(f"{bundle}: one Socket.IO connection per page (isInitialized fixed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
