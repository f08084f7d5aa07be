"""The domain's responses as every channel says them: the emergency number filled in, and an answer's last line.

endpoints.yml names this generator by class path (``nlg: type: channels.nlg.ClinicResponses``,
a custom generator as Rasa 3.6 supports it, no patch), so `python -m server`, `rasa run`,
`make shell` (`rasa shell`) and the cluster all say every response through it, whether an
action or a rule chose it: the emergency answer (``utter_emergency``, a plain response chosen
by a rule) gets the number even while the action server is down. The channels' own notices
(channels/notices.py) use it too. Two things differ from Rasa's TemplatedNaturalLanguageGenerator:

- the emergency number: with EMERGENCY_NUMBER set, "your local emergency number" in any
  response is said as that number ("Call 999 now", channels/phone_links.py);
- a footer: a message from an action may name a response (``footer=utter_...``) whose text ends
  the message, on a line of its own in the same bubble (a single newline: Rasa's channels send
  each blank-line-separated paragraph as a message of its own). The footer's heading line, if it
  has one, is left out. actions/disclaimer.py gives every procedure answer its disclaimer this way.
"""
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import settings
from actions.disclaimer import FOOTER
from channels.formatting import heading_and_body
from channels.phone_links import with_emergency_number


class ClinicResponses(TemplatedNaturalLanguageGenerator):
    """The domain's responses with the emergency number and footers (see the module docstring)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        super().__init__(domain.responses if domain else {})

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        footer = kwargs.get(FOOTER)
        if message and footer and message.get("text"):
            ending = await super().generate(footer, tracker, output_channel, **kwargs)
            if ending and ending.get("text"):
                message["text"] = f"{message['text']}\n{heading_and_body(ending['text'])[1]}"
        if message and message.get("text"):
            message["text"] = with_emergency_number(message["text"], settings.value("EMERGENCY_NUMBER"))
        return message
