"""The input policy and the rate limits, in front of the web chat and the messaging apps.

Every channel but REST hands its messages to the assistant through ``screened(...)``
(REST answers the same refusals with 4xx codes: server/input_guard.py). For each message:

1. A conversation id that breaks the policy (channels.input_policy) is refused: nothing is
   processed or sent (a provider or a client sent something no patient can), and it is logged.
2. The conversation's rate limit, and the client's where the channel knows the client
   (the web chat: the browser's address). Over a limit: the conversation is told
   (``utter_rate_limited``) at most once a minute, and every refused message is counted in
   the log (channels.rate_limits). A red-flag message is never just refused: it gets the emergency
   answer, straight from the channel.
3. The message policy: a message that is too long gets ``utter_message_too_long`` (and a
   long red-flag message the emergency answer, through the assistant); one that is not valid
   Unicode gets ``utter_message_unreadable``; an empty message or a Rasa control command
   (/restart, ...) is not answered (nothing was asked) and is logged.

A refused message never reaches the assistant: it is not classified and not stored. The
log says why, never what the message said or who sent it.
"""
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage

from actions import responses
from channels import notices
from channels.input_policy import Refusal, check_message, check_sender_id
from channels.rate_limits import RateLimits, shared_limits
from red_flags import is_red_flag

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

# what the patient is told for each refusal; the others (empty, control command) get no answer
ANSWERS = {
    "MessageTooLong": responses.MESSAGE_TOO_LONG,
    "MessageNotUnicode": responses.MESSAGE_UNREADABLE,
}


class Screened:
    """``on_new_message`` behind the input policy and the rate limits (see the module docstring)."""

    def __init__(self, on_new_message: OnNewMessage, limits: Optional[RateLimits] = None) -> None:
        self.on_new_message = on_new_message
        self.limits = limits or shared_limits()

    async def __call__(self, message: UserMessage, client: Optional[Text] = None) -> Any:
        channel = message.input_channel or "a channel"
        sender = "" if message.sender_id is None else str(message.sender_id)
        try:
            check_sender_id(sender)
        except Refusal as refusal:
            logger.warning(f"{channel}: refused a message whose conversation id breaks the policy ({refusal.reason}).")
            return None
        text = message.text if isinstance(message.text, str) else ""
        if not await self._within_limits(message, sender, client, text):
            return None
        try:
            message.text = check_message(text)
        except Refusal as refusal:
            logger.info(f"{channel}: refused a message ({refusal.reason}); the patient is "
                        f"{'told' if refusal.reason in ANSWERS else 'not answered'}.")
            if refusal.reason in ANSWERS:
                await notices.send(message.output_channel, message.sender_id, ANSWERS[refusal.reason])
            return None
        return await self.on_new_message(message)

    async def _within_limits(self, message: UserMessage, sender: Text, client: Optional[Text], text: Text) -> bool:
        decisions = [self.limits.conversation.allow(sender)]
        if client:
            decisions.append(self.limits.client.allow(client))
        refused = [decision for decision in decisions if not decision.allowed]
        if not refused:
            return True
        if is_red_flag(text):
            await notices.send(message.output_channel, message.sender_id, responses.EMERGENCY)
        elif self.limits.should_tell(sender):
            await notices.send(message.output_channel, message.sender_id, responses.RATE_LIMITED)
        return False


def screened(on_new_message: OnNewMessage, limits: Optional[RateLimits] = None) -> Screened:
    return Screened(on_new_message, limits)
