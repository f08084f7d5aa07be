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

The webhook checks the shape of a signed post itself (``messenger_texts``) before
anything is handed on; a wrong shape gets 400 and nothing of the post is processed
(channels/webhooks.py; Rasa's handler answered 500). Answered: a text, a quick reply
and a postback (button). Accepted (200) and ignored: the page's own messages (echoes),
delivery and read receipts, reactions and other events, and attachments without text
(photos, stickers, voice, locations; Rasa handed an attachment's URL to the assistant as
if the patient had typed it). Every event of a post is answered, in order (Rasa's
handler answered only the first).
"""
import hashlib
import hmac
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import MessengerBot as RasaMessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.buttons import chunked, truncate
from channels.env import FACEBOOK_API_URL
from channels.screening import screened
from channels.webhooks import WrongShape, a_list, a_text, an_object, parsed_json, refused

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
            # as bytes: compare_digest raises for text that is not ASCII (a forged header may be)
            return hmac.compare_digest(signature.strip().lower().encode("utf-8", "surrogatepass"), expected.encode())
    return False


# what an event carries besides what it is (a message, a postback, a receipt, ...)
EVENT_ENVELOPE = {"sender", "recipient", "timestamp"}


@dataclass(frozen=True)
class MessengerText:
    """What a patient sent: a text, or the payload of a quick reply or a button."""

    sender_id: str
    text: str


def _event_text(event: Dict[str, Any], where: str) -> Optional[MessengerText]:
    sender = an_object(event.get("sender"), f"{where}.sender")
    sender_id = a_text(sender.get("id"), f"{where}.sender.id")
    if "message" in event:
        message = an_object(event["message"], f"{where}.message")
        if message.get("is_echo"):
            return None  # the page's own message
        if message.get("quick_reply") is not None:
            quick_reply = an_object(message["quick_reply"], f"{where}.message.quick_reply")
            return MessengerText(sender_id, a_text(quick_reply.get("payload"), f"{where}.message.quick_reply.payload"))
        if "text" not in message:
            return None  # an attachment: a photo, a sticker, a voice message, a location, ...
        return MessengerText(sender_id, a_text(message["text"], f"{where}.message.text"))
    if "postback" in event:
        postback = an_object(event["postback"], f"{where}.postback")
        return MessengerText(sender_id, a_text(postback.get("payload"), f"{where}.postback.payload"))
    if not set(event) - EVENT_ENVELOPE:
        raise WrongShape(f"{where} has no message, postback or other event.", "NoMessage")
    return None  # a delivery or read receipt, a reaction, ...


def messenger_texts(body: Any) -> List[MessengerText]:
    """What the patients sent in a webhook post, in order; WrongShape when the post is not Messenger's.

    Messenger's shape: ``{"object": "page", "entry": [{"messaging": [event, ...]}, ...]}``, each
    event with ``sender.id`` (text) and a message, a postback or another event.
    """
    body = an_object(body, "The body")
    texts = []
    for number, entry in enumerate(a_list(body.get("entry"), "entry")):
        entry = an_object(entry, f"entry[{number}]")
        events = a_list(entry.get("messaging"), f"entry[{number}].messaging")
        for index, event in enumerate(events):
            where = f"entry[{number}].messaging[{index}]"
            text = _event_text(an_object(event, where), where)
            if text is not None:
                texts.append(text)
    return texts


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


async def answer(client: MessengerClient, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 incoming: MessengerText, metadata: Optional[Dict[Text, Any]]) -> None:
    """Hand one patient's text to the assistant, marked seen and typing as Rasa's handler does."""
    out_channel = MessengerBot(client)
    await out_channel.send_action(incoming.sender_id, sender_action="mark_seen")
    await out_channel.send_action(incoming.sender_id, sender_action="typing_on")
    try:
        await on_new_message(UserMessage(incoming.text, out_channel, incoming.sender_id,
                                         input_channel=FacebookInput.name(), metadata=metadata))
    except Exception:
        logger.exception("Exception when trying to handle webhook for facebook message.")
    finally:
        await out_channel.send_action(incoming.sender_id, sender_action="typing_off")


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
            try:
                texts = messenger_texts(parsed_json(request.body))
            except WrongShape as shape:
                return refused(shape, self.name())
            client, metadata = self._client(), self.get_metadata(request)
            for incoming in texts:
                await answer(client, handle_screened, incoming, metadata)
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerBot:
        return MessengerBot(self._client())
