"""When the conversation store cannot be read, the patient is told to try again shortly.

Rasa 3.6 wraps the tracker store in a FailSafeTrackerStore: when the store (PostgreSQL,
say, while it restarts) cannot be read, Rasa carries on with an empty conversation in
memory. The patient's "next" would start the walkthrough again, and the message would
never be stored. Here a store that cannot be read stops the message instead: the patient
gets `utter_service_unavailable` (try again shortly or call the clinic), nothing is
stored, and once the store is back the next message carries on where the conversation was.

(A store that can be read but not written to keeps Rasa's behaviour: the answer is given
and the conversation is kept in memory until the store is back; the error is logged.)
"""
import logging

logger = logging.getLogger("rasa_server")

SERVICE_UNAVAILABLE = "utter_service_unavailable"


class ConversationStoreUnavailable(Exception):
    """The tracker store could not be read."""


def answer_when_store_unavailable() -> None:
    """Patch Rasa: an unreadable store raises, and the message gets SERVICE_UNAVAILABLE."""
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

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
            tracker = DialogueStateTracker(message.sender_id, self.domain.slots)
            channel = message.output_channel
            response = await self.nlg.generate(SERVICE_UNAVAILABLE, tracker, channel.name())
            if response:
                await channel.send_response(message.sender_id, response)
            return channel.messages if isinstance(channel, CollectingOutputChannel) else None

    handle_or_apologise.answers_store_outage = True
    FailSafeTrackerStore.retrieve = retrieve_or_raise
    MessageProcessor.handle_message = handle_or_apologise
