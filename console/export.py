"""Marked messages as Rasa NLU training data (YAML, version "3.1"), ready to paste into data/nlu/.

Only marks that name an intent are exported; the redaction placeholders ([name], [phone], ...)
stay as they are. The export changes nothing by itself: a person adds it, retrains, and the
tests decide.
"""
from collections import defaultdict
from typing import Dict, Iterable, List, Tuple

HEADER = ('# Exported from the staff console: messages staff marked with the intent they should have had.\n'
          '# Review, paste into the topic\'s file in data/nlu/, retrain, and let the tests decide.\n')


def _example(text: str) -> str:
    return " ".join(text.split())


def nlu_yaml(examples: Iterable[Tuple[str, str]]) -> str:
    """(intent, text) pairs as an NLU file; each intent once, its examples in the order given, no repeats."""
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for intent, text in examples:
        example = _example(text)
        if example and example not in by_intent[intent]:
            by_intent[intent].append(example)
    lines = [HEADER + 'version: "3.1"', "nlu:"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {example}" for example in by_intent[intent]]
    if not by_intent:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"
