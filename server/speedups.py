"""Speed-ups for Rasa 3.6 that change no behaviour, applied when the server starts.

Two: the action-answer validator below, and the NLU pipeline in a worker thread
(``parse_messages_in_a_worker_thread``).

Rasa 3.6 checks every custom action's answer with ``jsonschema.validate``,
which first validates the schema itself against its meta-schema: about 23 ms
per custom action call on this machine (py-spy: a third of the Rasa server's
time under load, see docs/benchmarks.md). A validator built once from the same
schema does the same check in about 0.3 ms.
"""
import functools
from functools import lru_cache
from typing import Any, Dict, Text


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def cache_action_result_validator() -> None:
    """Validate action server answers with one validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    @functools.wraps(RemoteAction._validate_action_result)
    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        error = best_match(_action_result_validator().iter_errors(result))
        if error is not None:
            error.message += (
                f". Failed to validate Action server response from API, "
                f"make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result


# Rasa's MessageProcessor.parse_message as this module copies it (Rasa 3.6.21): if Rasa's
# source differs, the copy below may no longer match, and the server refuses to start.
PARSE_MESSAGE_SOURCE_SHA256 = "b98d8e49b9f2c433040af62752212dc374600d50cd21deec82386642b64d30dc"


class RasaChanged(RuntimeError):
    """A Rasa internal this module replaces is not the one it was written for."""


def parse_message_source_sha256() -> str:
    import hashlib
    import inspect

    from rasa.core.processor import MessageProcessor

    source = inspect.getsource(MessageProcessor.parse_message)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def parse_messages_in_a_worker_thread() -> None:
    """Understanding a message (the NLU pipeline) runs in one worker thread, off the event loop.

    Rasa 3.6 runs the NLU pipeline inside the event loop: while one message is encoded
    (components/minilm.py) and classified, the server answers nobody else, so on a
    2-core machine it uses one core. TensorFlow lets go of Python's lock while it
    computes, so in a worker thread the encoder and DIET run beside the event loop's own
    work (dialogue policies, HTTP, the conversation store). One worker: messages are still
    understood one at a time, in the order they came, by components that never run
    twice at once. Each patient's messages stay in order, as before: Rasa holds the
    conversation's lock while it waits for the worker.

    The rest of ``parse_message`` is Rasa 3.6.21's, unchanged; the copy is checked against
    Rasa's source (``PARSE_MESSAGE_SOURCE_SHA256``) before it is used.
    """
    import asyncio
    import copy
    from concurrent.futures import ThreadPoolExecutor

    from rasa.core import processor as rasa_processor
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker

    if parse_message_source_sha256() != PARSE_MESSAGE_SOURCE_SHA256:
        raise RasaChanged(
            "rasa.core.processor.MessageProcessor.parse_message is not Rasa 3.6.21's: "
            "check server/speedups.py's copy against it before updating the hash")
    original = MessageProcessor.parse_message
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")

    @functools.wraps(original)
    async def parse_message(self, message, tracker=None, only_output_properties=True):
        if self.http_interpreter:
            return await original(self, message, tracker, only_output_properties)
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            worker, self._parse_message_with_graph, message, tracker, only_output_properties)
        # from here on, as in Rasa 3.6.21
        self._update_full_retrieval_intent(parse_data)
        rasa_processor.structlogger.debug(
            "processor.message.parse",
            parse_data_text=copy.deepcopy(parse_data["text"]),
            parse_data_intent=parse_data["intent"],
            parse_data_entities=copy.deepcopy(parse_data["entities"]),
        )
        self._check_for_unseen_features(parse_data)
        return parse_data

    MessageProcessor.parse_message = parse_message
