"""When the conversation store or the lock store cannot be used, the patient is told to try again.

Rasa 3.6 wraps the tracker store in a FailSafeTrackerStore: when the store (PostgreSQL,
say, while it restarts) cannot be read, Rasa carries on with an empty conversation in
memory. The patient's "next" would start the walkthrough again, and the message would
never be stored. Here a store that cannot be read stops the message instead: the patient
gets `utter_service_unavailable` (try again shortly or call the clinic), nothing is
stored, and once the store is back the next message carries on where the conversation was.

The same goes for the lock store (Redis, with several Rasa servers): when the lock that
keeps one patient's messages in order cannot be taken, Rasa 3.6 raises, and the channel
answers nothing (the REST channel even logs the patient's text with the error). Here the
patient gets `utter_service_unavailable`, and nothing of the message is processed.

(A store that can be read but not written to keeps Rasa's behaviour: the answer is given
and the conversation is kept in memory until the store is back; the error is logged.)
"""
import logging

logger = logging.getLogger("rasa_server")

SERVICE_UNAVAILABLE = "utter_service_unavailable"


class ConversationStoreUnavailable(Exception):
    """The tracker store could not be read."""


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
    """Patch Rasa: an unreadable store or an unusable lock store gets SERVICE_UNAVAILABLE."""
    from rasa.core.agent import Agent
    from rasa.core.lock_store import LockError
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore
    from redis.exceptions import RedisError

    if getattr(MessageProcessor.handle_message, "answers_store_outage", False):
        return

    async def retrieve_or_raise(self, sender_id):
        try:
            return await self._tracker_store.retrieve(sender_id)
        except Exception as error:  # any driver error: the store is not usable now
            logger.error(f"The conversation store cannot be read, the patient is told to try again: "
                         f"{type(error).__name__}")
            raise ConversationStoreUnavailable() from error

    handle_message = MessageProcessor.handle_message

    async def handle_or_apologise(self, message):
        try:
            return await handle_message(self, message)
        except ConversationStoreUnavailable:
            return await apologise(self, message)

    agent_handle_message = Agent.handle_message

    async def lock_or_apologise(self, message):
        try:
            return await agent_handle_message(self, message)
        except (LockError, RedisError) as error:
            cause = type(error.__cause__ or error).__name__
            logger.error(f"The lock store cannot be used, the patient is told to try again: {cause}")
            return await apologise(self.processor, message)

    handle_or_apologise.answers_store_outage = True
    FailSafeTrackerStore.retrieve = retrieve_or_raise
    MessageProcessor.handle_message = handle_or_apologise
    Agent.handle_message = lock_or_apologise
