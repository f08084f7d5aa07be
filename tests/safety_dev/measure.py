"""Recall and false alarms of the red-flag layer on the DEVELOPMENT set (tuned on).

    .venv/bin/python -m tests.safety_dev.measure            # concept matcher only
    .venv/bin/python -m tests.safety_dev.measure --semantic # and the semantic check
    .venv/bin/python -m tests.safety_dev.measure -v         # list every miss and false alarm

Reads tests/safety_dev/*.yml (written by the layer's author and used while tuning it: the
figures are optimistic; second_batch.yml was written after the rest and measured once
before it was tuned on: 59/74 red flags caught and 6/50 near-misses flagged by the concept
matcher then) and the NLU training data (data/nlu/*.yml: every example that is
not `emergency` should not be flagged). Never reads tests/nlu/, the frozen evaluation sets.
"""
import argparse
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from actions.safety import assess  # noqa: E402

HERE = Path(__file__).parent
RED_FLAG_FILES = ("red_flags.yml", "red_flags_stories.yml")


def grouped(name: str) -> Dict[str, List[str]]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


def red_flags() -> List[Tuple[str, str]]:
    files = [grouped(name) for name in RED_FLAG_FILES] + [grouped("second_batch.yml")["red_flags"]]
    return [(concept, text) for file in files for concept, texts in file.items() for text in texts]


def near_misses() -> List[Tuple[str, str]]:
    files = [grouped("near_misses.yml"), grouped("second_batch.yml")["near_misses"]]
    return [(category, text) for file in files for category, texts in file.items() for text in texts]


def ordinary() -> List[str]:
    return grouped("ordinary.yml")["ordinary"]


def training_examples() -> List[Tuple[str, str]]:
    """(intent, text) of every NLU training example in data/nlu."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    return [(example.get("intent"), example.get("text")) for example in data.training_examples]


Decide = Callable[[str], Optional[str]]


def matcher_only(text: str) -> Optional[str]:
    return assess(text).red_flag


def with_semantic(threshold: Optional[float]) -> Decide:
    from actions.safety.semantic import SemanticCheck
    from components.red_flag_override import default_embed

    embed = default_embed()
    if embed is None:
        raise SystemExit("no sentence encoder in the tree (components/sentence_encoder.py)")
    check = SemanticCheck.from_content(embed, threshold=threshold)

    def decide(text: str) -> Optional[str]:
        assessment = assess(text)
        if assessment.red_flag:
            return assessment.red_flag
        hit = check.check_assessment(assessment, text)
        return f"semantic: {hit.concept}" if hit else None

    return decide


def rate(flags: List[bool]) -> str:
    return f"{sum(flags)}/{len(flags)} ({100.0 * sum(flags) / max(len(flags), 1):.1f}%)"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semantic", action="store_true", help="add the semantic check")
    parser.add_argument("--threshold", type=float, default=None, help="semantic threshold (default: the module's)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    decide = with_semantic(args.threshold) if args.semantic else matcher_only

    flags = red_flags()
    caught = [(concept, text, decide(text)) for concept, text in flags]
    misses = [(concept, text) for concept, text, found in caught if not found]
    print(f"red flags caught: {rate([bool(found) for _, _, found in caught])}")
    by_concept: Dict[str, List[bool]] = {}
    for concept, _, found in caught:
        by_concept.setdefault(concept, []).append(bool(found))
    for concept, found in by_concept.items():
        print(f"  {concept}: {rate(found)}")

    near = [(category, text, decide(text)) for category, text in near_misses()]
    print(f"near-misses flagged: {rate([bool(found) for _, _, found in near])}")
    by_category: Dict[str, List[bool]] = {}
    for category, _, found in near:
        by_category.setdefault(category, []).append(bool(found))
    for category, found in by_category.items():
        print(f"  {category}: {rate(found)}")

    plain = [(text, decide(text)) for text in ordinary()]
    print(f"ordinary questions flagged: {rate([bool(found) for _, found in plain])}")

    training = [(intent, text, decide(text)) for intent, text in training_examples()]
    other = [(intent, text, found) for intent, text, found in training if intent != "emergency"]
    emergency = [(intent, text, found) for intent, text, found in training if intent == "emergency"]
    print(f"training examples (data/nlu) not `emergency` flagged: {rate([bool(f) for _, _, f in other])}")
    print(f"training examples (data/nlu) `emergency` caught: {rate([bool(f) for _, _, f in emergency])}")

    if args.verbose:
        print("\nMISSED:")
        for concept, text in misses:
            print(f"  [{concept}] {text}")
        print("\nNEAR-MISSES FLAGGED:")
        for category, text, found in near:
            if found:
                print(f"  [{category}] {text}  -> {found}")
        print("\nORDINARY FLAGGED:")
        for text, found in plain:
            if found:
                print(f"  {text}  -> {found}")
        print("\nTRAINING EXAMPLES FLAGGED:")
        for intent, text, found in other:
            if found:
                print(f"  [{intent}] {text}  -> {found}")
        print("\nTRAINING EMERGENCY EXAMPLES MISSED:")
        for intent, text, found in emergency:
            if not found:
                print(f"  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
