"""REST (POST /webhooks/rest/webhook): Rasa's channel, with its conversations namespaced.

The caller names the conversation ("sender"), and the tracker store is keyed by
sender id alone, so with Rasa's channel a REST caller could write into a web chat,
SMS, WhatsApp, Telegram or Messenger conversation by sending its id (a phone
number, say). Here every REST conversation is stored as ``rest:<sender>``, which
no other channel produces: a REST caller reaches REST conversations only.
The replies' ``recipient_id`` is that stored id.
"""
from typing import Any, Optional, Text

from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.shared.constants import DEFAULT_SENDER_ID
from sanic.request import Request

SENDER_PREFIX = "rest:"


def rest_sender_id(sender: Any) -> Text:
    """The stored sender id of what a REST caller sent as "sender" (none: Rasa's default)."""
    return SENDER_PREFIX + (DEFAULT_SENDER_ID if sender is None else str(sender))


class RestInput(RasaRestInput):
    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return rest_sender_id(await super()._extract_sender(req))
