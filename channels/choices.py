"""What a reply means when it names a choice instead of sending its payload.

The state lives in memory of the running Rasa server, keyed by sender: it is lost
on restart, and with several Rasa replicas a reply must reach the replica that
offered the choices (sticky routing by sender), or it is taken as plain text.
"""
import hashlib
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

from channels.buttons import Button

_NUMBER = re.compile(r"^\s*#?(\d{1,3})\s*[.)]?\s*$")


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


class _Bounded(OrderedDict):
    """A dict that forgets its oldest entries beyond ``limit``."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class ChoiceMemory:
    """The numbered choices offered to each sender in the bot's last turn."""

    def __init__(self, max_senders: int = 10_000):
        self._offered: Dict[str, List[Button]] = _Bounded(max_senders)

    def start_turn(self, sender: str) -> None:
        """Forget what was offered before: a new bot turn is starting."""
        self._offered.pop(str(sender), None)

    def offer(self, sender: str, buttons: Sequence[Button]) -> int:
        """Remember buttons shown to the sender; returns the number of the first one.

        Numbering continues within a turn, so two messages with choices never
        both show a "1".
        """
        offered = list(self._offered.get(str(sender), []))
        first = len(offered) + 1
        self._offered[str(sender)] = offered + [dict(button) for button in buttons]
        return first

    def offered(self, sender: str) -> List[Button]:
        return list(self._offered.get(str(sender), []))

    def resolve(self, sender: str, text: Optional[str]) -> Optional[str]:
        """The payload a reply of "2" or "Previous step" stands for; else the text."""
        if not text:
            return text
        offered = self._offered.get(str(sender), [])
        number = _NUMBER.match(text)
        if number and 1 <= int(number.group(1)) <= len(offered):
            return offered[int(number.group(1)) - 1]["payload"]
        wanted = _normalise(text)
        for button in offered:
            if wanted and _normalise(button["title"]) == wanted:
                return button["payload"]
        return text


class ShortPayloads:
    """Stand-ins for payloads too long for an app's button (e.g. Telegram's 64 bytes).

    Keys are derived from the payload, so old buttons keep working while the
    server runs; after a restart an old key arrives as plain text.
    """

    PREFIX = "#p:"

    def __init__(self, max_payloads: int = 10_000):
        self._payloads: Dict[str, str] = _Bounded(max_payloads)

    def shorten(self, payload: str) -> str:
        key = self.PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._payloads[key] = payload
        return key

    def expand(self, text: Optional[str]) -> Optional[str]:
        if text and text.startswith(self.PREFIX):
            return self._payloads.get(text, text)
        return text
