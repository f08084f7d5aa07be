"""Telegram: Rasa's sending side, this project's webhook, pointed at a configurable Bot API server.

Only Telegram can post updates: at start the webhook is registered with ``setWebhook``
including a secret token (TELEGRAM_SECRET_TOKEN), which Telegram sends back in the
``X-Telegram-Bot-Api-Secret-Token`` header of every update. An update without that
header, or with another value, gets 403: nothing is stored and nothing is sent. (Rasa's
webhook accepted any post, so a forged update was written into the chat id's conversation
and answered to a chat id of the sender's choosing.) Rasa's public ``set_webhook`` route is
gone (404): registering is done once, at start, and nobody else has a reason to.

The webhook checks the shape of each update itself (``incoming_text``) before anything is
built from it; a wrong shape gets 400 (channels/webhooks.py). What is answered: a text
message or a button press (callback query) in a private chat. Everything else Telegram
legitimately sends gets 200 and is ignored: messages without text (stickers, photos, voice,
locations; the assistant reads only text), edited messages (answering an old question again,
out of turn, would confuse), channel posts, group chats (one conversation for the whole
group, and every member would read the answers) and other kinds of update. ``/start``,
which Telegram sends when a patient first opens the bot, is a greeting. Every message then
goes to the assistant through ``channels.screening.screened`` (the input policy and rate
limits): ``/restart`` and the other control commands are not processed, a message over the
length limit gets ``utter_message_too_long``.

The bot's username is checked once, at start (Rasa's webhook asked ``getMe`` for every
message): when the token belongs to another bot the server does not start.

Quick replies become an inline keyboard (one row for up to three buttons, one
button per row beyond that). Telegram allows at most 64 bytes of callback data
per button; longer payloads are sent as a short key and expanded on the way in
(see ``channels.choices.ShortPayloads``).
"""
import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from aiogram import Bot
from aiogram.bot import api
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from aiogram.utils.payload import prepare_arg
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.buttons import fits_bytes
from channels.choices import ShortPayloads
from channels.env import TELEGRAM_API_URL, ChannelConfigError, check_telegram_secret_token
from channels.formatting import as_telegram_html
from channels.screening import screened
from channels.webhooks import WrongShape, a_text, an_integer, an_object, parsed_json, refused

logger = logging.getLogger(__name__)

CALLBACK_DATA_BYTES = 64
ONE_ROW_MAX = 3
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# the kinds of update the assistant reads; setWebhook asks Telegram for these only
UPDATE_KINDS_READ = ["message", "callback_query"]
PRIVATE_CHAT = "private"
# what Telegram sends when a patient opens the bot, and the intent it stands for
START_COMMAND = "/start"
GREETING = "/greet"


def keyboard_buttons(buttons: List[Dict[Text, Any]], short: ShortPayloads) -> List[Dict[Text, Any]]:
    """Buttons whose payloads fit in Telegram's callback data."""
    return [
        {**button, "payload": payload if fits_bytes(payload, CALLBACK_DATA_BYTES) else short.shorten(payload)}
        for button, payload in ((button, str(button["payload"])) for button in buttons)
    ]


def keyboard_layout(buttons: List[Dict[Text, Any]], requested: Optional[Text]) -> Text:
    """Rasa's button_type: as the response asks, else a row when short, a column when long."""
    if requested:
        return requested
    return "inline" if len(buttons) <= ONE_ROW_MAX else "vertical"


def secret_token_matches(expected: str, received: Optional[str]) -> bool:
    """Whether the header carries the webhook's secret token (compared in constant time)."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Incoming:
    """A patient's text in a private chat."""

    chat_id: int
    text: str


def _chat(message: Dict[str, Any], where: str) -> Tuple[int, bool]:
    """The message's chat id, and whether the chat is a private one (a patient and the bot)."""
    chat = an_object(message.get("chat"), f"{where}.chat")
    chat_id = an_integer(chat.get("id"), f"{where}.chat.id")
    return chat_id, a_text(chat.get("type"), f"{where}.chat.type") == PRIVATE_CHAT


def incoming_text(update: Any) -> Optional[Incoming]:
    """The patient's text in a Telegram update; None for an update that carries none.

    WrongShape when the update is not one Telegram sends: not an object, no whole-number
    ``update_id``, not exactly one kind of update, a message or button press without a
    chat whose id is a whole number, a text or button data that is not text.
    """
    update = an_object(update, "The update")
    an_integer(update.get("update_id"), "update_id")
    kinds = [key for key in update if key != "update_id"]
    if not kinds:
        raise WrongShape("The update has no message (nor any other kind of update).", "NoMessage")
    if len(kinds) > 1:
        raise WrongShape(f"The update has {len(kinds)} kinds of update ({', '.join(sorted(kinds))}); "
                         "Telegram sends one.", "SeveralKinds")
    (kind,) = kinds
    body = an_object(update[kind], kind)
    if kind == "message":
        chat_id, private = _chat(body, "message")
        if "text" not in body:
            return None  # a sticker, a photo, a voice message, a location, ...
        text = a_text(body["text"], "message.text")
    elif kind == "callback_query":
        chat_id, private = _chat(an_object(body.get("message"), "callback_query.message"), "callback_query.message")
        text = a_text(body.get("data"), "callback_query.data")
    else:
        return None  # edited messages, channel posts, membership changes, ...
    return Incoming(chat_id, text) if private else None


def as_patient_text(text: str) -> str:
    """``/start`` (also ``/start@bot`` and ``/start <link parameter>``) is a greeting; other text is as sent."""
    words = text.split(maxsplit=1)
    if words and (words[0] == START_COMMAND or words[0].startswith(START_COMMAND + "@")):
        return GREETING
    return text


class TelegramOutput(RasaTelegramOutput):
    def __init__(self, access_token: Text, api_url: Text = TELEGRAM_API_URL,
                 short_payloads: Optional[ShortPayloads] = None) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))
        self.short_payloads = short_payloads or ShortPayloads()

    async def send_message(self, chat_id: Any, text: Text, **kwargs: Any) -> Any:
        """Every text this bot sends, with the answer's heading in bold (HTML; channels/formatting.py)."""
        return await super().send_message(chat_id, as_telegram_html(text), **{**kwargs, "parse_mode": "HTML"})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = None, **kwargs: Any) -> None:
        await super().send_text_with_buttons(
            recipient_id, text, keyboard_buttons(buttons, self.short_payloads),
            button_type=keyboard_layout(buttons, button_type), **kwargs,
        )

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def set_webhook_with_secret(self, url: Text, secret_token: Text) -> bool:
        """``setWebhook`` with a secret token (aiogram 2.15's ``set_webhook`` has no such parameter)."""
        return await self.request(api.Methods.SET_WEBHOOK, {
            "url": url, "secret_token": secret_token, "allowed_updates": prepare_arg(UPDATE_KINDS_READ)})


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        try:
            return cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"),
                       credentials.get("secret_token"), api_url=credentials.get("api_url") or TELEGRAM_API_URL)
        except ChannelConfigError as error:
            raise RasaException(str(error)) from error

    def __init__(self, access_token: Text, verify: Text, webhook_url: Text, secret_token: Text,
                 api_url: Text = TELEGRAM_API_URL) -> None:
        """ChannelConfigError when the secret token is not one Telegram accepts."""
        self.access_token = access_token
        self.verify = verify
        self.webhook_url = webhook_url
        self.secret_token = check_telegram_secret_token(secret_token)
        self.api_url = api_url
        self.short_payloads = ShortPayloads()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook, after checking the bot and registering the webhook with Telegram."""
        self.register_webhook()
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()
        handle_screened = screened(on_new_message)  # the input policy and rate limits (channels/screening.py)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not secret_token_matches(self.secret_token, request.headers.get(SECRET_TOKEN_HEADER)):
                logger.warning(f"telegram: refused an update without the webhook's secret token ({SECRET_TOKEN_HEADER}).")
                return response.text("forbidden", status=403)
            try:
                incoming = incoming_text(parsed_json(request.body))
            except WrongShape as shape:
                return refused(shape, self.name())
            if incoming is None:
                logger.debug("telegram: ignored an update without a patient's text in a private chat.")
                return response.text("success")
            text = as_patient_text(self.short_payloads.expand(incoming.text))
            message = UserMessage(text, out_channel, str(incoming.chat_id), input_channel=self.name(),
                                  metadata=self.get_metadata(request))
            try:
                await handle_screened(message)
            except Exception:
                logger.exception("telegram: handling a message failed.")
            return response.text("success")

        return telegram_webhook

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token, self.api_url, self.short_payloads)

    def register_webhook(self) -> None:
        """Check that the token is the bot's, and register the webhook with its secret token."""
        try:
            asyncio.run(self._register_webhook(self.get_output_channel()))
        except TelegramAPIError as error:
            raise RasaException(f"Telegram: could not check the bot or register the webhook: {error}") from error

    async def _register_webhook(self, channel: TelegramOutput) -> None:
        try:
            me = await channel.get_me()
            if self.verify and (me.username or "").casefold() != self.verify.lstrip("@").casefold():
                raise RasaException(f"TELEGRAM_ACCESS_TOKEN is the token of @{me.username}, not of "
                                    f"TELEGRAM_BOT_USERNAME @{self.verify.lstrip('@')}: set the bot's token and username.")
            await channel.set_webhook_with_secret(self.webhook_url, self.secret_token)
        finally:
            # the HTTP session belongs to this short-lived event loop; the server
            # loop opens its own when the first answer is sent (Bot.close() does the
            # same, with a deprecation warning: the Bot API now has a method "close")
            await channel.session.close()
