"""`make evaluate`: the project's NLU against stock Rasa's pipeline, both measured by `rasa test nlu`.

Both are trained on the same data (data/nlu) and tested on the same sets, in one run, on
one machine: the blind set (tests/nlu/blind/, written by someone who saw neither the
training data nor the red-flag rules, and frozen), and the older held-out sets
(tests/nlu/test_nlu.yml and tests/nlu/red_flags.yml, which overlap the training data).
Raw outputs go to results/evaluate/, the summary to docs/evaluation.md.
"""
import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

import yaml

from benchmarks import blind, closeness, evaluation_doc, fallback, rasa_cli
from benchmarks.nlu_report import NluResult, cross_validation_figures
from benchmarks.plots import shrink_into_docs

ROOT = rasa_cli.ROOT
OUT = ROOT / "results" / "evaluate"
DOCS = ROOT / "docs"
TRAINING_DATA = "data/nlu"
HELD_OUT = "tests/nlu/test_nlu.yml"
RED_FLAGS = "tests/nlu/red_flags.yml"
BLIND_QUESTIONS = "tests/nlu/blind/nlu.yml"
PROJECT_MODEL = ROOT / "models" / "thrombectomy-assistant.tar.gz"
PROJECT_CONFIG = "config.yml"
STOCK_CONFIG = "benchmarks/stock/config.yml"


@dataclass
class Side:
    """One pipeline under test, and what was measured about it."""

    key: str
    title: str
    config: str
    model: Optional[Path] = None
    training_seconds: Optional[float] = None
    held_out: Optional[NluResult] = None
    red_flags: Optional[NluResult] = None
    cross_validation: Dict[str, Dict[str, str]] = field(default_factory=dict)
    confusion_png: Optional[Path] = None
    served: Optional[fallback.FallbackFigures] = None
    blind_report: Optional[NluResult] = None
    blind_figures: Optional[blind.BlindFigures] = None


def _newest_input(config: str) -> float:
    files = [ROOT / config, *(ROOT / TRAINING_DATA).rglob("*.yml")]
    return max(f.stat().st_mtime for f in files)


def train_stock(side: Side, retrain: bool) -> None:
    """Train stock Rasa's pipeline on data/nlu, unless a model newer than its config and data is there."""
    out = OUT / side.key / "model"
    side.model = out / "stock-nlu.tar.gz"
    timing = out / "training.json"
    if not retrain and side.model.exists() and side.model.stat().st_mtime > _newest_input(side.config):
        print(f"[evaluate] reusing {side.model.relative_to(ROOT)} (newer than its config and data)", flush=True)
        side.training_seconds = json.loads(timing.read_text())["seconds"] if timing.exists() else None
        return
    print("[evaluate] training stock Rasa's pipeline on data/nlu", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    side.training_seconds = rasa_cli.run(
        ["train", "nlu", "--config", side.config, "--nlu", TRAINING_DATA, "--out", str(out),
         "--fixed-model-name", "stock-nlu"], OUT / side.key / "train.log")
    timing.write_text(json.dumps({"seconds": side.training_seconds}))


def test(side: Side, name: str, data: str) -> NluResult:
    out = OUT / side.key / name
    shutil.rmtree(out, ignore_errors=True)
    rasa_cli.run(["test", "nlu", "--model", str(side.model), "--nlu", data, "--out", str(out)], out.with_suffix(".log"))
    return NluResult.load(out)


def cross_validate(side: Side, folds: int) -> None:
    out = OUT / side.key / "cross-validation"
    shutil.rmtree(out, ignore_errors=True)
    log = out.with_suffix(".log")
    rasa_cli.run(["test", "nlu", "--nlu", TRAINING_DATA, "--config", side.config, "--cross-validation",
                  "--folds", str(folds), "--out", str(out)], log)
    side.cross_validation = cross_validation_figures(log)


def held_out_and_red_flags() -> str:
    """A folder with the held-out set and its red flags: `rasa test nlu` skips intents for a set with
    one intent (the red flags are all `emergency`), so they are tested together."""
    folder = OUT / "sets" / "held-out-and-red-flags"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in (HELD_OUT, RED_FLAGS):
        shutil.copy(ROOT / name, folder / Path(name).name)
    return str(folder)


def emergency_answer() -> str:
    return yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_emergency"][0]["text"]


def evaluate(side: Side) -> None:
    print(f"[evaluate] {side.title}: blind set", flush=True)
    side.blind_report = test(side, "blind", BLIND_QUESTIONS)
    # the project's model is whole (red flags end to end); stock Rasa's is NLU only (by intent)
    side.blind_figures = blind.measure(side.model, emergency_answer() if side.key == "project" else None)
    print(f"[evaluate] {side.title}: held-out set", flush=True)
    side.held_out = test(side, "held-out", HELD_OUT)
    print(f"[evaluate] {side.title}: held-out set and red flags together", flush=True)
    side.red_flags = test(side, "held-out-and-red-flags", held_out_and_red_flags())
    print(f"[evaluate] {side.title}: the fallback, asked of the model", flush=True)
    side.served = fallback.measure(side.model, ROOT / HELD_OUT)
    side.confusion_png = shrink_into_docs(OUT / side.key / "held-out" / "intent_confusion_matrix.png",
                                          DOCS / f"evaluation-confusion-{side.key}.png")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: skip cross-validation)")
    parser.add_argument("--stock-cv", action=argparse.BooleanOptionalAction, default=False,
                        help="cross-validate stock Rasa too (trains as many more models as folds)")
    parser.add_argument("--retrain-stock", action="store_true",
                        help="train stock Rasa's pipeline even if its model is newer than its config and data")
    parser.add_argument("--command", default="make evaluate", help="the command shown in the report")
    args = parser.parse_args(argv)

    project = Side("project", "This project", PROJECT_CONFIG, model=PROJECT_MODEL)
    stock = Side("stock", "Stock Rasa (`rasa init` default pipeline)", STOCK_CONFIG)
    if not project.model.exists():
        sys.exit(f"{project.model} is missing: run `make train`")
    train_stock(stock, args.retrain_stock)
    for side in (project, stock):
        evaluate(side)
    print("[evaluate] how close the held-out and blind sets are to the training data", flush=True)
    near = closeness.measure(ROOT / TRAINING_DATA, ROOT / HELD_OUT, ROOT / "build" / "spacy_pipeline")
    near_blind = closeness.measure(ROOT / TRAINING_DATA, ROOT / BLIND_QUESTIONS, ROOT / "build" / "spacy_pipeline")
    doc = DOCS / "evaluation.md"
    # Written now, and again with the cross-validation figures (they take many trainings).
    evaluation_doc.write(doc, project, stock, args, near, near_blind)
    print(evaluation_doc.summary(project, stock), flush=True)
    for side in (project, stock) if args.stock_cv else (project,):
        if args.folds > 1:
            print(f"[evaluate] {side.title}: {args.folds}-fold cross-validation (trains {args.folds} models)", flush=True)
            cross_validate(side, args.folds)
            evaluation_doc.write(doc, project, stock, args, near, near_blind)
    print(f"[evaluate] wrote {doc.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
