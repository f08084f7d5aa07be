"""What a channel says by itself, before a message reaches the assistant: the domain's responses.

A refused message (too long, unreadable, too many too fast) is answered by the channel
without going through the assistant, so nothing of it is classified or stored. The texts
are still the domain's (domain.yml, like every other answer), rendered as the assistant renders a
response for that channel (channels/nlg.py: with the emergency number), and sent through the
channel's own output (web chat, Telegram, Twilio, Messenger, REST).
"""
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from channels.nlg import ClinicResponses

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"


@lru_cache(maxsize=1)
def _generator() -> ClinicResponses:
    return ClinicResponses(domain=Domain.load(str(DOMAIN_FILE)))


async def rendered(response: Text, channel_name: Optional[Text] = None) -> Dict[Text, Any]:
    """The response as Rasa would send it on this channel (text, buttons, ...)."""
    message = await _generator().generate(response, DialogueStateTracker("notice", []), channel_name)
    if message is None:
        raise KeyError(f"{response} is not a response in {DOMAIN_FILE.name}")
    return message


async def send(output: OutputChannel, recipient_id: Text, response: Text) -> None:
    """Say the response to recipient_id on this output channel (named as Rasa names it, `utter_action`)."""
    await output.send_response(recipient_id, {**await rendered(response, output.name()), "utter_action": response})


async def as_rest_replies(recipient_id: Text, response: Text) -> List[Dict[Text, Any]]:
    """The response as the REST webhook's JSON answer (Rasa's CollectingOutputChannel shape)."""
    message = await rendered(response, "rest")
    return [{"recipient_id": recipient_id, **{key: value for key, value in message.items() if value}}]
