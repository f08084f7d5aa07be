"""Red-flag symptoms: is this message an emergency, whatever the classifier thinks?

Used by the NLU component ``components.red_flag_override`` (forces the ``emergency``
intent), by every custom action (``actions.base.SafeAction`` answers with the emergency
instruction instead of anything else) and by the channels (a long or rate-limited message
with a red flag still gets the emergency answer).

What counts as a red flag is content, not code: ``red_flags.yml`` beside this file names
each symptom concept with a description, its surface forms and exemplar sentences, and
the context rules (questions about warning signs, hypotheticals, the past, negations,
ordinary senses) with their explanations. ``matcher`` reads a message against it;
``semantic`` compares a message's meaning with the exemplars. A false alarm costs a patient
a moment; a missed emergency can cost far more: when in doubt, it is an emergency.
"""
from functools import lru_cache
from typing import Optional

from red_flags.content import CONTENT_FILE, Content, ContentError, load
from red_flags.matcher import Assessment, Mention, RedFlagMatcher
from red_flags.text import normalise


@lru_cache(maxsize=1)
def matcher() -> RedFlagMatcher:
    """The matcher for red_flags.yml, loaded once per process (on first use)."""
    return RedFlagMatcher(load(CONTENT_FILE))


def assess(text: Optional[str]) -> Assessment:
    """Everything the matcher found in the text: concept, mentions, what discounted them."""
    return matcher().assess(text)


def red_flag(text: Optional[str]) -> Optional[str]:
    """The name of the red-flag concept the text describes, or None."""
    return assess(text).red_flag


def is_red_flag(text: Optional[str]) -> bool:
    return red_flag(text) is not None


__all__ = ["Assessment", "CONTENT_FILE", "Content", "ContentError", "Mention", "RedFlagMatcher",
           "assess", "is_red_flag", "load", "matcher", "normalise", "red_flag"]
