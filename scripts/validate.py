"""`rasa data validate`, strict: any warning fails, except one Rasa cannot know about.

Rasa's validator warns about every response that no story or rule utters. Here
most answers are uttered by the custom actions (by the names in
``actions/responses.py``, and the topics' responses in ``data/topics/uncovered.yml``), so
those warnings - and only those - are expected.
Everything else Rasa reports (unknown actions, conflicting rules, duplicate or
mislabelled examples, ...) fails the check.

Usage: python scripts/validate.py
"""
import re
import sys
import warnings
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet

from rasa.cli.utils import validate_files
from rasa.shared.importers.importer import TrainingDataImporter

from actions import responses
from components.topic_selector import TopicSelector, read_topics, topics_path

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")
ACTION_PREFIXES = ("utter_step_", "utter_topic_", "utter_term_", "utter_button_")
IGNORED = ("Slot auto-fill has been removed",)


@lru_cache(maxsize=None)
def named_by_actions() -> FrozenSet[str]:
    """The responses the actions name: actions/responses.py and the topics file (read once)."""
    named = {value for key, value in vars(responses).items() if key.isupper() and isinstance(value, str)}
    named |= {topic.response for topic in read_topics(topics_path(TopicSelector.get_default_config()))}
    return frozenset(named)


def uttered_by_actions(name: str) -> bool:
    return name in named_by_actions() or name.startswith(ACTION_PREFIXES)


def expected(message: str) -> bool:
    unused = UNUSED.search(message)
    return bool(unused and uttered_by_actions(unused.group(1))) or message.startswith(IGNORED)


def main() -> int:
    importer = TrainingDataImporter.load_from_config(
        config_path=str(ROOT / "config.yml"),
        domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data")],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validate_files(fail_on_warnings=False, max_history=None, importer=importer)
    problems = sorted({str(w.message) for w in caught if not expected(str(w.message))
                       and not issubclass(w.category, DeprecationWarning)})
    for problem in problems:
        print(f"validation warning: {problem}", file=sys.stderr)
    print(f"validation: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
