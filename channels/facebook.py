"""Facebook Messenger: Rasa's connector, with Messenger's button limits and a
configurable Graph API URL.

Quick replies become, by Messenger's limits:
- up to 3 buttons (and text up to 640 characters): a button template, whose
  buttons stay usable later in the conversation;
- up to 13: quick replies under the text;
- more: button templates of 3, numbered "2/3" after the first.
Titles are cut to 20 characters. Webhook posts must carry a valid
X-Hub-Signature-256 (or the older X-Hub-Signature) made with the app secret;
others get 403 and no answer.
"""
import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger as RasaMessenger
from rasa.core.channels.facebook import MessengerBot as RasaMessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.buttons import chunked, truncate
from channels.env import FACEBOOK_API_URL
from channels.screening import screened

logger = logging.getLogger(__name__)

TEMPLATE_BUTTONS_MAX = 3
TEMPLATE_TEXT_MAX = 640
QUICK_REPLIES_MAX = 13
TEXT_MAX = 2000
TITLE_MAX = 20


def _button_template(text: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"attachment": {"type": "template", "payload": {
        "template_type": "button",
        "text": truncate(text, TEMPLATE_TEXT_MAX),
        "buttons": [{"type": "postback", "title": truncate(str(b["title"]), TITLE_MAX), "payload": b["payload"]}
                    for b in buttons],
    }}}


def _quick_replies(text: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"text": truncate(text, TEXT_MAX), "quick_replies": [
        {"content_type": "text", "title": truncate(str(b["title"]), TITLE_MAX), "payload": b["payload"]}
        for b in buttons
    ]}


def messenger_messages(text: str, buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The Send API ``message`` objects that show ``text`` with ``buttons``."""
    if not buttons:
        return [{"text": truncate(text, TEXT_MAX)}]
    if len(buttons) <= TEMPLATE_BUTTONS_MAX and len(text) <= TEMPLATE_TEXT_MAX:
        return [_button_template(text, buttons)]
    if len(buttons) <= QUICK_REPLIES_MAX:
        return [_quick_replies(text, buttons)]
    pages = list(chunked(buttons, TEMPLATE_BUTTONS_MAX))
    messages = []
    if len(text) > TEMPLATE_TEXT_MAX:
        messages.append({"text": truncate(text, TEXT_MAX)})
        text = f"1/{len(pages)}"
    return messages + [_button_template(text if number == 1 else f"{number}/{len(pages)}", page)
                       for number, page in enumerate(pages, start=1)]


def signature_valid(app_secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether the body was signed with the app secret (SHA-256, or SHA-1 as fallback)."""
    for header, algorithm in (("X-Hub-Signature-256", hashlib.sha256), ("X-Hub-Signature", hashlib.sha1)):
        signature = headers.get(header)
        if signature:
            prefix = algorithm().name + "="
            expected = prefix + hmac.new(app_secret.encode("utf-8"), body, algorithm).hexdigest()
            return hmac.compare_digest(signature.strip().lower(), expected)
    return False


def graph_client(page_access_token: str, app_secret: str, api_url: str) -> MessengerClient:
    client = MessengerClient(page_access_token, app_secret=app_secret)
    client.graph_url = f"{api_url.rstrip('/')}/v{client.api_version}"
    return client


class MessengerBot(RasaMessengerBot):
    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        for message in messenger_messages(text, buttons):
            self.messenger_client.send(message, recipient_id, "RESPONSE")

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class Messenger(RasaMessenger):
    """Rasa's webhook handler, answering through this module's MessengerBot."""

    def __init__(self, client: MessengerClient, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        super().__init__(client.page_access_token, on_new_message)
        self.client = client

    async def _handle_user_message(self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]) -> None:
        out_channel = MessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata))
        except Exception:
            logger.exception("Exception when trying to handle webhook for facebook message.")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class FacebookInput(RasaFacebookInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("verify"), credentials.get("secret"), credentials.get("page-access-token"),
                   api_url=credentials.get("api_url") or FACEBOOK_API_URL)

    def __init__(self, fb_verify: Text, fb_secret: Text, fb_access_token: Text,
                 api_url: Text = FACEBOOK_API_URL) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.api_url = api_url

    def _client(self) -> MessengerClient:
        return graph_client(self.fb_access_token, self.fb_secret, self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)
        handle_screened = screened(on_new_message)  # the input policy and rate limits (channels/screening.py)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if self.fb_verify and request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Invalid Messenger verify token: it must match the app's webhook settings.")
            return response.text("invalid verify token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not signature_valid(self.fb_secret or "", request.body, request.headers):
                logger.warning("Invalid Messenger signature: check the app secret.")
                return response.text("invalid signature", status=403)
            await Messenger(self._client(), handle_screened).handle(request.json, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerBot:
        return MessengerBot(self._client())
