"""Telegram: Rasa's connector, pointed at a configurable Bot API server.

Quick replies become an inline keyboard (one row for up to three buttons, one
button per row beyond that). Telegram allows at most 64 bytes of callback data
per button; longer payloads are sent as a short key and expanded on the way in
(see ``channels.choices.ShortPayloads``).
"""
import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint

from channels.buttons import fits_bytes
from channels.choices import ShortPayloads
from channels.env import TELEGRAM_API_URL
from channels.screening import screened

CALLBACK_DATA_BYTES = 64
ONE_ROW_MAX = 3


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


class TelegramOutput(RasaTelegramOutput):
    def __init__(self, access_token: Text, api_url: Text = TELEGRAM_API_URL,
                 short_payloads: Optional[ShortPayloads] = None) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))
        self.short_payloads = short_payloads or ShortPayloads()

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = None, **kwargs: Any) -> None:
        await super().send_text_with_buttons(
            recipient_id, text, keyboard_buttons(buttons, self.short_payloads),
            button_type=keyboard_layout(buttons, button_type), **kwargs,
        )

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)


class TelegramInput(RasaTelegramInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(credentials.get("access_token"), credentials.get("verify"), credentials.get("webhook_url"),
                   api_url=credentials.get("api_url") or TELEGRAM_API_URL)

    def __init__(self, access_token: Text, verify: Text, webhook_url: Text,
                 debug_mode: bool = True, api_url: Text = TELEGRAM_API_URL) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.api_url = api_url
        self.short_payloads = ShortPayloads()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle_screened = screened(on_new_message)  # the input policy and rate limits (channels/screening.py)

        async def with_payloads_expanded(message: UserMessage) -> Any:
            message.text = self.short_payloads.expand(message.text)
            return await handle_screened(message)

        return super().blueprint(with_payloads_expanded)

    def get_output_channel(self) -> TelegramOutput:
        """The output channel, after registering the webhook with Telegram."""
        channel = TelegramOutput(self.access_token, self.api_url, self.short_payloads)
        try:
            asyncio.run(self._set_webhook(channel))
        except TelegramAPIError as error:
            raise RasaException("Failed to set channel webhook: " + str(error)) from error
        return channel

    async def _set_webhook(self, channel: TelegramOutput) -> None:
        try:
            await channel.set_webhook(url=self.webhook_url)
        finally:
            # the HTTP session belongs to this short-lived event loop; the server
            # loop opens its own when the first answer is sent
            await channel.close()
