"""REST (POST /webhooks/rest/webhook): Rasa's channel, with its conversations namespaced and its input guarded.

The caller names the conversation ("sender"), and the tracker store is keyed by
sender id alone, so with Rasa's channel a REST caller could write into a web chat,
SMS, WhatsApp, Telegram or Messenger conversation by sending its id (a phone
number, say). Here every REST conversation is stored as ``rest:<sender>``, which
no other channel produces: a REST caller reaches REST conversations only.
The replies' ``recipient_id`` is that stored id.

Every request to the webhook passes channels/rest_guard.py first (a request hook
on this channel's blueprint): bad input gets a 4xx naming the problem, and the
server's request size limits are set when it starts.
"""
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint
from sanic.request import Request

from channels.input_policy import REST_SENDER_PREFIX as SENDER_PREFIX
from channels.input_policy import rest_sender_id
from channels.rest_guard import guard_rest_webhook, limit_request_sizes

__all__ = ["SENDER_PREFIX", "RestInput", "rest_sender_id"]


class RestInput(RasaRestInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        webhook.on_request(guard_rest_webhook)
        webhook.before_server_start(limit_request_sizes)
        return webhook

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return rest_sender_id(await super()._extract_sender(req))
