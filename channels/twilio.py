"""SMS and WhatsApp through Twilio: Rasa's connector, with numbered choices.

Neither SMS nor Twilio's WhatsApp messages have buttons, so quick replies are
appended to the text as "1. Next step" lines, and a reply of "1" (or the label)
is turned back into that button's payload (see ``channels.choices``).

Rasa's connector answers any post; this one answers only posts signed by Twilio
(X-Twilio-Signature over the webhook URL registered with Twilio), so a forged
request cannot make the assistant send messages to any number it likes.
"""
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput as RasaTwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.buttons import with_numbered_choices
from channels.choices import ChoiceMemory
from channels.env import TWILIO_API_URL
from channels.screening import screened

WHATSAPP = "whatsapp:"


def sender_number(twilio_number: str, recipient: str) -> str:
    """Reply from the WhatsApp address of the number when the patient wrote on WhatsApp."""
    if recipient.startswith(WHATSAPP) and not twilio_number.startswith(WHATSAPP):
        return WHATSAPP + twilio_number
    return twilio_number


def signed_by_twilio(auth_token: str, webhook_url: str, form: Dict[str, Any], signature: Optional[str]) -> bool:
    """Whether X-Twilio-Signature matches this webhook URL and form, for this auth token."""
    return bool(signature and auth_token and webhook_url) and RequestValidator(auth_token).validate(
        webhook_url, form, signature)


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
        handle_screened = screened(on_new_message)  # the input policy and rate limits (channels/screening.py)

        async def with_choices_resolved(message: UserMessage) -> Any:
            message.text = self.choices.resolve(message.sender_id, message.text)
            self.choices.start_turn(message.sender_id)
            return await handle_screened(message)

        twilio_webhook = super().blueprint(with_choices_resolved)

        @twilio_webhook.on_request
        async def only_signed_posts(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and not signed_by_twilio(
                    self.auth_token, self.webhook_url, request.form, request.headers.get("X-Twilio-Signature")):
                return response.text("invalid signature", status=403)
            return None

        return twilio_webhook

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number,
                            api_url=self.api_url, choices=self.choices)
