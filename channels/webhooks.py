"""What the messaging webhooks (Telegram, Messenger, Twilio) share: the shape of what they are sent.

Each webhook checks the shape of a post itself, before anything is built from it (an aiogram
``Update``, a ``UserMessage``): a body that is not JSON, a list or a string where an object
belongs, no message, a chat id that is text, a text that is a number. A post of the wrong shape
gets 400 with a JSON body like the REST webhook's (``{"status": "failure", "reason": ...,
"message": ..., "code": 400}``), nothing is stored and nothing is sent. Before, such posts
reached Rasa's connectors, which answered 500 (and a chat id sent as text was still answered).

Only a provider that checked the post as its own (signature, secret token) gets this far, so
these are bugs or changed formats, not patients: the log names the channel and the problem
(which field, which type), never what the post said.
"""
import json
import logging
from typing import Any, Dict, List

from sanic import response
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class WrongShape(Exception):
    """A post that is not of the provider's shape: a short reason and a sentence naming the problem."""

    def __init__(self, message: str, reason: str = "WrongShape") -> None:
        super().__init__(message)
        self.reason = reason


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true or false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def parsed_json(body: bytes) -> Any:
    """The JSON value of a post's body; WrongShape when it is not JSON in UTF-8."""
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise WrongShape("The body is not UTF-8 text.", "BodyNotUnicode") from None
    except ValueError:
        raise WrongShape("The body is not JSON.", "BodyNotJson") from None
    except RecursionError:  # "[[[[..." nested deeper than Python's stack
        raise WrongShape("The body is JSON nested too deep.", "BodyNotJson") from None


def an_object(value: Any, where: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise WrongShape(f"{where} must be an object, not {_type_name(value)}.", "NotAnObject")
    return value


def a_list(value: Any, where: str) -> List[Any]:
    if not isinstance(value, list):
        raise WrongShape(f"{where} must be a list, not {_type_name(value)}.", "NotAList")
    return value


def a_text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise WrongShape(f"{where} must be text, not {_type_name(value)}.", "NotText")
    return value


def an_integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongShape(f"{where} must be a whole number, not {_type_name(value)}.", "NotAnInteger")
    return value


def refused(shape: WrongShape, channel: str) -> HTTPResponse:
    """The 400 answer to a post of the wrong shape; logged without the post's content."""
    logger.warning(f"{channel}: refused a post of the wrong shape ({shape.reason}: {shape})")
    return response.json({"status": "failure", "reason": shape.reason, "message": str(shape), "code": 400},
                         status=400)
