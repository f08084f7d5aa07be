"""server/store_outage.py: a store that cannot be written is an outage; answers wait for the save."""
import logging
from types import SimpleNamespace

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from server import patches, store_outage
from server.store_outage import ConversationStoreUnavailable, HoldingChannel
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
APOLOGY = DOMAIN.responses["utter_service_unavailable"][0]["text"]
PATIENT_WORDS = "what comes next, zebedee?"


class RecordingChannel(OutputChannel):
    """A channel that records what reaches it, in order."""

    def __init__(self) -> None:
        self.sent = []
        self.setting = "the real channel's"

    @classmethod
    def name(cls) -> str:
        return "recording"

    async def send_response(self, recipient_id, message):
        self.sent.append(("response", recipient_id, message))

    async def send_text_message(self, recipient_id, text, **kwargs):
        self.sent.append(("text", recipient_id, text))


async def test_held_messages_reach_the_real_channel_only_when_released_in_order():
    real = RecordingChannel()
    holding = HoldingChannel(real)
    await holding.send_response("p", {"text": "Step 3 of 6"})
    await holding.send_text_message("p", "a plain text")
    await holding.send_response("p", {"text": "Next step?", "buttons": []})
    assert real.sent == []

    await holding.release()
    assert real.sent == [("response", "p", {"text": "Step 3 of 6"}), ("text", "p", "a plain text"),
                         ("response", "p", {"text": "Next step?", "buttons": []})]
    # once released, the channel passes straight through
    await holding.send_response("p", {"text": "later"})
    assert real.sent[-1] == ("response", "p", {"text": "later"})


async def test_discarded_messages_never_reach_the_real_channel():
    real = RecordingChannel()
    holding = HoldingChannel(real)
    await holding.send_response("p", {"text": "Your conversation is deleted"})
    holding.discard()
    await holding.release()
    assert real.sent == []


def test_name_and_other_attributes_are_the_real_channels():
    real = RecordingChannel()
    holding = HoldingChannel(real)
    assert holding.name() == "recording"
    assert holding.setting == "the real channel's"
    with pytest.raises(AttributeError):
        holding.no_such_attribute


class BrokenStore(InMemoryTrackerStore):
    """A store that can be read but not written; its error carries the SQL parameters, as SQLAlchemy's do."""

    async def save(self, tracker):
        raise RuntimeError(f"database is locked [parameters: ('{tracker.sender_id}', '{PATIENT_WORDS}')]")


@pytest.fixture
def patched(monkeypatch):
    """store_outage's patches, undone after the test."""
    for owner, attribute in ((FailSafeTrackerStore, "retrieve"), (FailSafeTrackerStore, "save"),
                             (MessageProcessor, "handle_message"), (Agent, "handle_message")):
        monkeypatch.setattr(owner, attribute, getattr(owner, attribute))
    return monkeypatch


async def test_a_store_that_cannot_be_written_raises_and_logs_the_error_type_only(patched, caplog):
    store_outage.answer_when_store_unavailable()
    store = FailSafeTrackerStore(BrokenStore(DOMAIN))
    tracker = DialogueStateTracker("rest:patient-7", DOMAIN.slots)
    with caplog.at_level(logging.ERROR), pytest.raises(ConversationStoreUnavailable) as raised:
        await store.save(tracker)
    assert "The conversation store cannot be written" in caplog.text and "RuntimeError" in caplog.text
    assert "zebedee" not in caplog.text and "patient-7" not in caplog.text
    # the driver's error (with the patient's words) is not chained into any traceback
    assert raised.value.__suppress_context__ and raised.value.__cause__ is None
    assert await store.fallback_tracker_store.retrieve("rest:patient-7") is None


def fake_processor():
    return SimpleNamespace(domain=DOMAIN, nlg=TemplatedNaturalLanguageGenerator(DOMAIN.responses))


def handled_by(answers, then=None):
    """A stand-in for Rasa's handle_message: says `answers` through the message's channel, then `then()`."""
    seen = {}

    async def handle_message(self, message):
        seen["channel"] = message.output_channel
        for text in answers:
            await message.output_channel.send_response(message.sender_id, {"text": text})
        if then:
            then()
        return None

    return handle_message, seen


async def test_answers_are_sent_in_order_after_the_message_was_handled_and_saved(patched):
    handle_message, seen = handled_by(["Step 3 of 6: ...", "Next step?"])
    patched.setattr(MessageProcessor, "handle_message", handle_message)
    store_outage.answer_when_store_unavailable()
    collector = CollectingOutputChannel()
    message = UserMessage("next", collector, "rest:p")

    returned = await MessageProcessor.handle_message(fake_processor(), message)

    assert isinstance(seen["channel"], HoldingChannel)
    assert [m["text"] for m in collector.messages] == ["Step 3 of 6: ...", "Next step?"]
    assert returned is collector.messages  # what Rasa returns for a collecting channel
    assert message.output_channel is collector


async def test_when_saving_fails_only_the_try_again_answer_is_sent(patched):
    def save_fails():
        raise ConversationStoreUnavailable("OperationalError")

    handle_message, _ = handled_by(["Your conversation is deleted."], then=save_fails)
    patched.setattr(MessageProcessor, "handle_message", handle_message)
    store_outage.answer_when_store_unavailable()
    collector = CollectingOutputChannel()
    message = UserMessage("yes", collector, "rest:p")

    returned = await MessageProcessor.handle_message(fake_processor(), message)

    assert [m["text"] for m in collector.messages] == [APOLOGY]
    assert returned is collector.messages
    assert message.output_channel is collector


async def test_any_other_failure_says_nothing_it_held_and_is_raised_as_before(patched):
    def fails():
        raise ValueError("a bug")

    handle_message, _ = handled_by(["Step 3 of 6: ..."], then=fails)
    patched.setattr(MessageProcessor, "handle_message", handle_message)
    store_outage.answer_when_store_unavailable()
    real = RecordingChannel()
    message = UserMessage("next", real, "web:p")

    with pytest.raises(ValueError):
        await MessageProcessor.handle_message(fake_processor(), message)
    assert real.sent == []
    assert message.output_channel is real


async def test_a_channel_that_collects_nothing_returns_none_as_in_rasa(patched):
    handle_message, _ = handled_by(["Step 1 of 6: ..."])
    patched.setattr(MessageProcessor, "handle_message", handle_message)
    store_outage.answer_when_store_unavailable()
    real = RecordingChannel()

    assert await MessageProcessor.handle_message(fake_processor(), UserMessage("hi", real, "web:p")) is None
    assert [sent[2]["text"] for sent in real.sent] == ["Step 1 of 6: ..."]


def test_patching_twice_is_harmless(patched):
    patches.install(patches.named("answer_when_store_unavailable"))
    handle_message = MessageProcessor.handle_message
    patches.install(patches.named("answer_when_store_unavailable"))
    assert MessageProcessor.handle_message is handle_message
