"""SMS and WhatsApp through Twilio: Rasa's sending side, this project's webhook, with numbered choices.

Neither SMS nor Twilio's WhatsApp messages have buttons, so quick replies are
appended to the text as "1. Next step" lines, and a reply of "1" (or the label)
is turned back into that button's payload (see ``channels.choices``).

Rasa's connector answers any post; this one answers only posts signed by Twilio
(X-Twilio-Signature over the webhook URL registered with Twilio), so a forged
request cannot make the assistant send messages to any number it likes. The form is
read with its empty fields (a photo or a location comes with an empty ``Body``, which
Twilio signs too; Sanic's form drops empty fields, so such posts did not match their
signature). A signed post without ``From`` or ``Body`` gets 400 (Rasa's answered 500 or
nothing); an empty ``Body`` (a photo, a location) goes to the input policy, which
answers nothing to an empty message.

Both arrive at the one webhook; each message's ``input_channel`` says which: ``twilio`` for
SMS, ``twilio_whatsapp`` for WhatsApp (the staff console counts them apart; the stored
sender id is a pseudonym, so it cannot say).
"""
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from sanic import Blueprint, response
from sanic.headers import parse_content_header
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.buttons import with_numbered_choices
from channels.choices import ChoiceMemory
from channels.env import TWILIO_API_URL
from channels.screening import screened
from channels.webhooks import WrongShape, refused

logger = logging.getLogger(__name__)

WHATSAPP = "whatsapp:"
WHATSAPP_INPUT_CHANNEL = "twilio_whatsapp"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# field -> its values (getlist, as Twilio's RequestValidator reads it)
Form = RequestParameters


def input_channel(sender: str) -> str:
    """What a message's stored ``input_channel`` says: WhatsApp or SMS, both through Twilio."""
    return WHATSAPP_INPUT_CHANNEL if sender.startswith(WHATSAPP) else RasaTwilioInput.name()


def sender_number(twilio_number: str, recipient: str) -> str:
    """Reply from the WhatsApp address of the number when the patient wrote on WhatsApp."""
    if recipient.startswith(WHATSAPP) and not twilio_number.startswith(WHATSAPP):
        return WHATSAPP + twilio_number
    return twilio_number


def signed_by_twilio(auth_token: str, webhook_url: str, form: Dict[str, Any], signature: Optional[str]) -> bool:
    """Whether X-Twilio-Signature matches this webhook URL and form, for this auth token."""
    return bool(signature and auth_token and webhook_url) and RequestValidator(auth_token).validate(
        webhook_url, form, signature)


def posted_form(content_type: Optional[str], body: bytes) -> Form:
    """The fields of a form post, empty ones included; no fields for any other body."""
    if parse_content_header(content_type or "")[0] != FORM_CONTENT_TYPE:
        return RequestParameters()
    try:
        return RequestParameters(parse_qs(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return RequestParameters()


def twilio_message(form: Form) -> Tuple[str, str]:
    """(sender, text) of a post from Twilio; WrongShape when ``From`` or ``Body`` is missing."""
    senders, texts = form.getlist("From") or [], form.getlist("Body")
    if not senders or not senders[0].strip():
        raise WrongShape('The post has no "From" field (the patient\'s number).', "SenderMissing")
    if not texts:
        raise WrongShape('The post has no "Body" field (the text; Twilio sends it, empty for a photo).',
                         "BodyMissing")
    # @ signs get corrupted in SMSes by some carriers (as Rasa's connector does)
    return senders[0], texts[0].replace("¡", "@")


class TwilioOutput(RasaTwilioOutput):
    def __init__(self, account_sid: Text, auth_token: Text, twilio_number: Text,
                 api_url: Text = TWILIO_API_URL, choices: Optional[ChoiceMemory] = None) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.api.base_url = api_url.rstrip("/")
        self.choices = choices or ChoiceMemory()

    async def _send_message(self, message_data: Dict[Text, Any]) -> Any:
        if message_data.get("from_") and message_data.get("to"):
            message_data = {**message_data, "from_": sender_number(message_data["from_"], message_data["to"])}
        return await super()._send_message(message_data)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        first = self.choices.offer(recipient_id, buttons)
        # the choices go with the last paragraph, which Rasa sends as its own message
        await self.send_text_message(recipient_id, with_numbered_choices(text, buttons, first))


class TwilioInput(RasaTwilioInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("account_sid"), credentials.get("auth_token"),
                   credentials.get("twilio_number"), webhook_url=credentials.get("webhook_url"),
                   api_url=credentials.get("api_url") or TWILIO_API_URL)

    def __init__(self, account_sid: Text, auth_token: Text, twilio_number: Text, debug_mode: bool = True,
                 webhook_url: Optional[Text] = None, api_url: Text = TWILIO_API_URL) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        self.webhook_url = webhook_url
        self.api_url = api_url
        self.choices = ChoiceMemory()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = Blueprint("twilio_webhook", __name__)
        handle_screened = screened(on_new_message)  # the input policy and rate limits (channels/screening.py)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            form = posted_form(request.headers.get("Content-Type"), request.body)
            if not signed_by_twilio(self.auth_token, self.webhook_url, form, request.headers.get("X-Twilio-Signature")):
                return response.text("invalid signature", status=403)
            try:
                sender, text = twilio_message(form)
            except WrongShape as shape:
                return refused(shape, self.name())
            text = self.choices.resolve(sender, text)
            self.choices.start_turn(sender)
            message = UserMessage(text, self.get_output_channel(), sender, input_channel=input_channel(sender),
                                  metadata=self.get_metadata(request))
            try:
                await handle_screened(message)
            except Exception:
                logger.exception("twilio: handling a message failed.")
            return response.text("", status=204)

        return twilio_webhook

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number,
                            api_url=self.api_url, choices=self.choices)
