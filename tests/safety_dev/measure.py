"""Recall and false alarms of the red-flag layer on the DEVELOPMENT set (tuned on).

    .venv/bin/python -m tests.safety_dev.measure            # concept matcher only
    .venv/bin/python -m tests.safety_dev.measure --semantic # and the semantic check
    .venv/bin/python -m tests.safety_dev.measure -v         # list every miss and false alarm
    .venv/bin/python -m tests.safety_dev.measure --sweep    # the semantic check alone, by threshold
    .venv/bin/python -m tests.safety_dev.measure --model /tmp/x/other.tar.gz
        # the whole NLU pipeline of a trained model: matcher, semantic check and classifier
        # (train one outside models/: rasa train nlu --out /tmp/x --fixed-model-name other)

Reads tests/safety_dev/*.yml (written by the layer's author and used while tuning it: the
figures are optimistic) and the NLU training data (data/nlu/*.yml: every example that is
not `emergency` should not be flagged). Never reads tests/nlu/, the frozen evaluation sets.

The least optimistic figures: two batches were written after the layer had been tuned on
the files before them, and measured once before anything was changed for them:

- second_batch.yml (after the first round of tuning, concept matcher only): 59/74 red flags
  caught (79.7%), 6/50 near-misses flagged (12%). The semantic check, added later, finds
  13 of the 15 it missed.
- third_batch.yml (after the second round, matcher and semantic check): matcher 31/35
  (88.6%), with the semantic check 34/35 (97.1%); near-misses flagged 1/20 by the matcher,
  5/20 with the semantic check (which led to the semantic check skipping questions and
  negated symptom words: 1/20 after).
- fourth_batch.yml (written by a helper who saw neither the layer's rules nor any other
  test set, given only the concept and category names; measured 2026-12-02 before any
  change): matcher 121/128 red flags (94.5%), 46/200 near-misses flagged (23.0%); with
  the semantic check 124/128 (96.9%) and 48/200 (24.0%); the whole pipeline of the model
  then on main 125/128 (97.7%) and 50/200 (25.0%). Most of the near-miss false alarms
  were about someone else's past or a story read online (19/25). Tuned on afterwards
  (a rule for someone else's story, negated words kept negated, figures of speech, three
  red-flag forms): 124/128 and 15/200 with the matcher; on the frozen blind set, which
  was not looked at, near-misses flagged went from 21/131 to 17/131 (the rest of the gain
  stayed on the batch tuned to).
- fifth_batch.yml (the same way, by another writer, after the fourth batch's tuning;
  measured 2026-12-02 before any change for it): matcher 93/96 red flags (96.9%),
  30/198 near-misses flagged (15.2%); with the semantic check 96/96 (100%) and 38/198
  (19.2%). The best estimate, then, of the rules on new wording. Tuned on afterwards:
  26/198 with the semantic check, 96/96 red flags; on the frozen blind set, not looked
  at, near-misses flagged stayed at 17/131: this round's gain did not carry over.

    .venv/bin/python -m tests.safety_dev.measure --batch fourth_batch.yml  # one batch alone
"""
import argparse
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

from red_flags import assess

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
RED_FLAG_FILES = ("red_flags.yml", "red_flags_stories.yml")


def grouped(name: str) -> Dict[str, List[str]]:
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


BATCHES = ("second_batch.yml", "third_batch.yml", "fourth_batch.yml", "fifth_batch.yml")


def red_flags(batch: Optional[str] = None) -> List[Tuple[str, str]]:
    files = ([grouped(batch)["red_flags"]] if batch else
             [grouped(name) for name in RED_FLAG_FILES] + [grouped(name)["red_flags"] for name in BATCHES])
    return [(concept, text) for file in files for concept, texts in file.items() for text in texts]


def near_misses(batch: Optional[str] = None) -> List[Tuple[str, str]]:
    files = ([grouped(batch)["near_misses"]] if batch else
             [grouped("near_misses.yml")] + [grouped(name)["near_misses"] for name in BATCHES])
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
    from components.red_flag_override import default_embed
    from red_flags.semantic import SemanticCheck

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


def sweep() -> None:
    """The semantic check's recall on its own (red flags, the matcher ignored) and the false
    alarms it adds (messages the matcher does not flag), by threshold and margin."""
    import numpy as np

    from components.red_flag_override import default_embed
    from red_flags.semantic import MAX_SENTENCES, SemanticCheck

    embed = default_embed()
    if embed is None:
        raise SystemExit("no sentence encoder (build/encoder: make encoder)")
    check = SemanticCheck.from_content(embed)

    def hits(text: str, alone: bool):
        """alone: as if the matcher had found no red-flag word and no cue (questions still skipped)."""
        found = assess(text)
        if found.all_questions or (not alone and (found.red_flag or found.discounted or found.context_cues)):
            return []
        statements = [sentence for sentence, question in zip(found.sentences, found.questions) if not question]
        sentences = statements if alone else found.plain_sentences
        texts = [text] + (sentences[-MAX_SENTENCES:] if len(found.sentences) > 1 else [])
        return check.hits(np.asarray(embed(texts)))

    flags = [hits(text, True) for _, text in red_flags()]
    near = [hits(text, False) for _, text in near_misses()]
    plain = [hits(text, False) for text in ordinary()]
    training = [hits(text, False) for intent, text in training_examples() if intent != "emergency"]
    print("threshold  margin  recall alone  +near-miss FA  +ordinary FA  +training FA")
    for margin in (None, -0.05, 0.0, 0.05):
        for threshold in np.arange(0.45, 0.81, 0.025):
            check.threshold = threshold
            check.margin = margin if margin is not None else -10.0

            def share(values) -> str:
                flagged = sum(any(check.is_red_flag(hit) for hit in row) for row in values)
                return f"{100.0 * flagged / len(values):5.1f}%"
            label = "none" if margin is None else f"{margin:+.2f}"
            print(f"{threshold:9.3f}  {label:>6}  {share(flags):>12}  {share(near):>13}  {share(plain):>12}"
                  f"  {share(training):>12}")


def with_model(path: str) -> Decide:
    """The emergency decision of a trained model's whole NLU pipeline."""
    import asyncio
    import logging

    from rasa.core.agent import Agent

    logging.disable(logging.WARNING)
    loop = asyncio.new_event_loop()
    agent = Agent.load(path)

    def decide(text: str) -> Optional[str]:
        parsed = loop.run_until_complete(agent.parse_message(text))
        if parsed["intent"]["name"] != "emergency":
            return None
        return f"{parsed.get('red_flag_by') or 'classifier'}: {parsed.get('red_flag') or 'emergency'}"

    return decide


def rate(flags: List[bool]) -> str:
    return f"{sum(flags)}/{len(flags)} ({100.0 * sum(flags) / max(len(flags), 1):.1f}%)"


def print_by_group(title: str, results: List[Tuple[str, str, object]]) -> None:
    """The rate over all (group, text, found) results, then per group."""
    print(f"{title}: {rate([bool(found) for _, _, found in results])}")
    by_group: Dict[str, List[bool]] = {}
    for group, _, found in results:
        by_group.setdefault(group, []).append(bool(found))
    for group, found in by_group.items():
        print(f"  {group}: {rate(found)}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semantic", action="store_true", help="add the semantic check")
    parser.add_argument("--threshold", type=float, default=None, help="semantic threshold (default: the module's)")
    parser.add_argument("--sweep", action="store_true", help="the semantic check alone, by threshold")
    parser.add_argument("--model", help="a trained model: measure its whole NLU pipeline")
    parser.add_argument("--batch", choices=BATCHES, help="only this batch's red flags and near-misses")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.sweep:
        sweep()
        return 0
    decide = (with_model(args.model) if args.model else
              with_semantic(args.threshold) if args.semantic else matcher_only)

    flags = red_flags(args.batch)
    caught = [(concept, text, decide(text)) for concept, text in flags]
    misses = [(concept, text) for concept, text, found in caught if not found]
    print_by_group("red flags caught", caught)
    near = [(category, text, decide(text)) for category, text in near_misses(args.batch)]
    print_by_group("near-misses flagged", near)

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
