"""When the conversation store or the lock store cannot be used, the patient is told to try again.

Rasa 3.6 wraps the tracker store in a FailSafeTrackerStore: when the store (PostgreSQL,
say, while it restarts) cannot be read, Rasa carries on with an empty conversation in
memory. The patient's "next" would start the walkthrough again, and the message would
never be stored. Here a store that cannot be read stops the message instead: the patient
gets `utter_service_unavailable` (try again shortly or call the clinic), nothing is
stored, and once the store is back the next message carries on where the conversation was.

A store that can be read but not written (a locked SQLite file, a read-only database) is
an outage too. Rasa 3.6 logs the error (with the SQL parameters, i.e. the patient's words)
and saves to memory: the patient gets normal answers while nothing is kept, so "next"
repeats the same step and "forget me" is confirmed with nothing deleted. Here:

- Saving raises `ConversationStoreUnavailable` (logged with the error type only).
- What the bot says to a message is held back (`HoldingChannel`) until the whole message
  was handled and the conversation saved, then sent on in order. If saving fails, it is
  dropped and the patient gets only `utter_service_unavailable`. The "forget me" deletion
  happens in the store's save (privacy/tracker_store.py), so its confirmation reaches the
  patient only when the conversation really was deleted.

The same goes for the lock store (Redis, with several Rasa servers): when the lock that
keeps one patient's messages in order cannot be taken, Rasa 3.6 raises, and the channel
answers nothing (the REST channel even logs the patient's text with the error). Here the
patient gets `utter_service_unavailable`, and nothing of the message is processed.

Checked against Rasa 3.6.21 (rasa/core/processor.py, rasa/core/tracker_store.py): bot
messages go to `output_channel.send_response` during the prediction loop, and the tracker
is saved once, at the end of `MessageProcessor.handle_message`.
"""
import functools
import logging
from typing import Any, Callable, List, Text, Tuple

logger = logging.getLogger("rasa_server")

SERVICE_UNAVAILABLE = "utter_service_unavailable"

# OutputChannel's ways of sending; a HoldingChannel holds a call to any of them
SEND_METHODS = ("send_response", "send_text_message", "send_image_url", "send_attachment",
                "send_text_with_buttons", "send_quick_replies", "send_elements", "send_custom_json")


class ConversationStoreUnavailable(Exception):
    """The tracker store could not be read or written."""


class HoldingChannel:
    """Stands in for a message's output channel: what is sent is held until `release()`.

    Every `send_*` call of Rasa's OutputChannel is held; `release()` sends them on through
    the real channel, in order; `discard()` drops them. After either, calls go straight to
    the real channel. `name()` and every other attribute are the real channel's.
    """

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        self.held: List[Tuple[Text, tuple, dict]] = []
        self.holding = True

    def name(self) -> Text:
        return self.channel.name()

    def __getattr__(self, attribute: Text) -> Any:
        # only reached for what this class does not define (a channel's own attributes)
        if "channel" not in self.__dict__:
            raise AttributeError(attribute)
        return getattr(self.__dict__["channel"], attribute)

    async def _send(self, method: Text, args: tuple, kwargs: dict) -> None:
        if self.holding:
            self.held.append((method, args, kwargs))
        else:
            await getattr(self.channel, method)(*args, **kwargs)

    async def release(self) -> None:
        """Send what was held through the real channel, in order."""
        self.holding = False
        held, self.held = self.held, []
        for method, args, kwargs in held:
            await getattr(self.channel, method)(*args, **kwargs)

    def discard(self) -> None:
        """Drop what was held: the patient never gets it."""
        self.holding = False
        self.held = []


def _holding(method: Text) -> Callable:
    async def hold(self: HoldingChannel, *args: Any, **kwargs: Any) -> None:
        await self._send(method, args, kwargs)

    hold.__name__ = method
    return hold


for _method in SEND_METHODS:
    setattr(HoldingChannel, _method, _holding(_method))
del _method


async def apologise(processor, message):
    """Send SERVICE_UNAVAILABLE to the patient; what a collecting channel returns."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker(message.sender_id, processor.domain.slots)
    channel = message.output_channel
    response = await processor.nlg.generate(SERVICE_UNAVAILABLE, tracker, channel.name())
    if response:
        await channel.send_response(message.sender_id, response)
    return channel.messages if isinstance(channel, CollectingOutputChannel) else None


def answer_when_store_unavailable() -> None:
    """Patch Rasa: a store that cannot be read or written, or an unusable lock store, gets SERVICE_UNAVAILABLE."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.lock_store import LockError
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore
    from redis.exceptions import RedisError

    @functools.wraps(FailSafeTrackerStore.retrieve)
    async def retrieve_or_raise(self, sender_id):
        try:
            return await self._tracker_store.retrieve(sender_id)
        except Exception as error:  # any driver error: the store is not usable now
            logger.error(f"The conversation store cannot be read, the patient is told to try again: "
                         f"{type(error).__name__}")
            raise ConversationStoreUnavailable() from error

    @functools.wraps(FailSafeTrackerStore.save)
    async def save_or_raise(self, tracker):
        try:
            await self._tracker_store.save(tracker)
        except Exception as error:  # any driver error: nothing of this message is stored
            logger.error(f"The conversation store cannot be written, the patient is told to try again: "
                         f"{type(error).__name__}")
            # from None: the driver's error carries the SQL parameters (the patient's words)
            raise ConversationStoreUnavailable(type(error).__name__) from None

    handle_message = MessageProcessor.handle_message

    @functools.wraps(handle_message)
    async def handle_or_apologise(self, message):
        channel = message.output_channel
        holding = HoldingChannel(channel)
        message.output_channel = holding
        try:
            await handle_message(self, message)
        except ConversationStoreUnavailable:
            holding.discard()
            message.output_channel = channel
            return await apologise(self, message)
        except BaseException:
            holding.discard()  # nothing was saved: nothing is said
            raise
        finally:
            message.output_channel = channel
        await holding.release()
        return channel.messages if isinstance(channel, CollectingOutputChannel) else None

    agent_handle_message = Agent.handle_message

    @functools.wraps(agent_handle_message)
    async def lock_or_apologise(self, message):
        try:
            return await agent_handle_message(self, message)
        except (LockError, RedisError) as error:
            cause = type(error.__cause__ or error).__name__
            logger.error(f"The lock store cannot be used, the patient is told to try again: {cause}")
            return await apologise(self.processor, message)

    FailSafeTrackerStore.retrieve = retrieve_or_raise
    FailSafeTrackerStore.save = save_or_raise
    MessageProcessor.handle_message = handle_or_apologise
    Agent.handle_message = lock_or_apologise
