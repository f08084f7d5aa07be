"""A custom action that cannot run answers with SERVICE_UNAVAILABLE instead of nothing.

When the action server cannot be reached (down, restarting, failing), Rasa 3.6 only logs
the error and the patient hears nothing. Here the patient gets `utter_service_unavailable`
(try again shortly or call the clinic); the conversation is unchanged, so the same question
works once the action server is back.
"""
import functools
import logging

from server.store_outage import SERVICE_UNAVAILABLE

logger = logging.getLogger("rasa_server")


def say_when_actions_fail() -> None:
    """RemoteAction.run answers SERVICE_UNAVAILABLE when the action server fails."""
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
    from rasa.shared.exceptions import RasaException

    run = RemoteAction.run

    @functools.wraps(run)
    async def run_or_apologise(self, output_channel, nlg, tracker, domain):
        try:
            return await run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except RasaException as error:
            logger.error(f"Custom action '{self.name()}' failed, the patient is told to try again: {error}")
            message = await nlg.generate(SERVICE_UNAVAILABLE, tracker, output_channel.name())
            return [create_bot_utterance(message)] if message else []

    RemoteAction.run = run_or_apologise
