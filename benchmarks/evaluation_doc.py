"""docs/evaluation.md: the figures of `make evaluate`, this project beside stock Rasa."""
from pathlib import Path
from typing import List, Optional

from benchmarks import machine
from benchmarks.closeness import accuracy_on
from benchmarks.nlu_report import EMERGENCY

GOAL_ACCURACY = 0.95
GOAL_FALLBACK = 0.90
GOAL_EMERGENCY_RECALL = 1.0
# the blind set's goals (the understanding issue)
GOAL_BLIND_ACCURACY = 0.97
GOAL_NEAR_MISS_FALSE_ALARMS = 0.05
GOAL_QUESTION_FALSE_ALARMS = 0.03
GOAL_AHEAD_OF_STOCK = 0.05


def pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def goals(project, stock) -> List[tuple]:
    """(figure, goal, project value, stock value, met?) rows."""
    p, s = project.held_out, stock.held_out
    p_fallback, s_fallback = project.served.fallback_rate, stock.served.fallback_rate
    p_emergency, s_emergency = project.red_flags.recall(EMERGENCY), stock.red_flags.recall(EMERGENCY)
    return [
        ("intent accuracy (held-out)", "≥ 95%, and above stock", pct(p.accuracy), pct(s.accuracy),
         mark(p.accuracy >= GOAL_ACCURACY and p.accuracy > s.accuracy)),
        ("macro F1 (held-out)", "above stock", f"{p.macro_f1:.3f}", f"{s.macro_f1:.3f}", mark(p.macro_f1 > s.macro_f1)),
        ("out-of-scope answered with the fallback", "≥ 90%", pct(p_fallback), pct(s_fallback),
         mark(p_fallback is not None and p_fallback >= GOAL_FALLBACK)),
        ("emergency recall (red_flags.yml)", "100%", pct(p_emergency), pct(s_emergency),
         mark(p_emergency is not None and p_emergency >= GOAL_EMERGENCY_RECALL)),
    ]


def blind_rows(project, stock) -> List[str]:
    p, s = project.blind_figures, stock.blind_figures
    ahead = p.accuracy - s.accuracy
    rows = [
        ("intent accuracy (a fallback counts as a miss)", f"≥ {pct(GOAL_BLIND_ACCURACY)}", pct(p.accuracy),
         pct(s.accuracy), mark(p.accuracy >= GOAL_BLIND_ACCURACY)),
        ("ahead of stock Rasa", f"≥ {100 * GOAL_AHEAD_OF_STOCK:.0f} points", f"{100 * ahead:+.1f} points", "",
         mark(ahead >= GOAL_AHEAD_OF_STOCK)),
        ("red-flag messages ending in the emergency answer", "all",
         f"{p.red_flags - len(p.red_flags_missed)} of {p.red_flags}",
         f"{s.red_flags - len(s.red_flags_missed)} of {s.red_flags} (intent only)", mark(not p.red_flags_missed)),
        ("near misses wrongly given the emergency answer", f"≤ {pct(GOAL_NEAR_MISS_FALSE_ALARMS)}",
         f"{len(p.near_miss_false_alarms)} of {p.near_misses} ({pct(p.near_miss_false_alarm_rate)})",
         f"{len(s.near_miss_false_alarms)} of {s.near_misses} ({pct(s.near_miss_false_alarm_rate)})",
         mark(p.near_miss_false_alarm_rate <= GOAL_NEAR_MISS_FALSE_ALARMS)),
        ("ordinary questions wrongly given the emergency answer", f"< {pct(GOAL_QUESTION_FALSE_ALARMS)}",
         f"{p.question_false_alarms} of {p.questions} ({pct(p.question_false_alarm_rate)})",
         f"{s.question_false_alarms} of {s.questions} ({pct(s.question_false_alarm_rate)})",
         mark(p.question_false_alarm_rate < GOAL_QUESTION_FALSE_ALARMS)),
        ("out-of-scope questions answered honestly (out of scope or the fallback)", "",
         f"{p.out_of_scope_answered_honestly} of {p.out_of_scope}", f"{s.out_of_scope_answered_honestly} of {s.out_of_scope}", ""),
        ("questions given the fallback or a clarification", "", str(p.fallback), str(s.fallback), ""),
    ]
    return ["| figure | goal | this project | stock Rasa | goal |", "|---|---|---|---|---|",
            *[f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]]


def blind_section(project, stock, near_blind) -> List[str]:
    p = project.blind_figures
    lines = [
        "## The blind set (the figure to trust)",
        "",
        "`tests/nlu/blind/`: written by someone who saw neither the training data nor the red-flag rules, from the",
        "intent catalogue and a list of the kinds of wording real patients use (statements, family members, typos,",
        "Title Case headings, long messages, other procedures, logistics and cost, symptom questions), and frozen:",
        f"{p.questions} questions (`nlu.yml`), {p.red_flags} red-flag messages (`red_flags.yml`), {p.near_misses} near misses",
        "(`near_misses.yml`: alarming words that are not an emergency now). Asked of each trained model with Rasa's",
        "`Agent` (`benchmarks/blind.py`): the whole pipeline, the fallback and the safety net included; this project's",
        "red flags end to end (the answer the patient gets), stock Rasa's by intent (its model is NLU only).",
        "",
        *blind_rows(project, stock),
        "",
    ]
    if near_blind is not None:
        p_acc, count = accuracy_on(near_blind.new_wording, project.blind_report.errors)
        s_acc, _ = accuracy_on(near_blind.new_wording, stock.blind_report.errors)
        lines += [
            f"Closeness: a blind question shares on average {near_blind.nearest_mean:.2f} of its words with its nearest",
            f"training example (training examples with each other: {near_blind.training_nearest_mean:.2f});",
            f"{len(near_blind.same_words)} of {len(near_blind.texts)} have a training example with the very same words. On the",
            f"{count} blind questions worded unlike any training example, the classifier (`rasa test nlu`, no fallback)",
            f"scores {pct(p_acc)} (stock {pct(s_acc)}).",
            "",
        ]
    lines += ["Misses by expected intent (this project): " +
              (", ".join(f"`{intent}` {n}" for intent, n in p.misses_by_intent().items()) or "none") + ".", ""]
    if p.red_flags_missed:
        lines += ["Red-flag messages that did not end in the emergency answer:", ""]
        lines += [f"- {text!r}: {replies}" for text, replies in p.red_flags_missed] + [""]
    return lines


def training(side) -> str:
    return "training time not recorded" if side.training_seconds is None else f"trained in {side.training_seconds:.0f} s"


def _cv(side, split: str, metric: str) -> str:
    return side.cross_validation.get(split, {}).get(metric, "not run")


def headline(project, stock, folds: int) -> List[str]:
    lines = ["| figure | goal | this project | stock Rasa | goal |", "|---|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in goals(project, stock)]
    lines += [
        f"| in-scope questions given the fallback (held-out) | as few as possible | {project.served.in_scope_given_fallback} | {stock.served.in_scope_given_fallback} | |",
        f"| accuracy as served: a fallback counts as a miss (held-out) | | {pct(project.served.accuracy_as_served)} | {pct(stock.served.accuracy_as_served)} | |",
        f"| non-red-flag messages classified `emergency` | as few as possible | {project.red_flags.false_emergencies()} | {stock.red_flags.false_emergencies()} | |",
        f"| {folds}-fold cross-validation on data/nlu, test accuracy (mean ± sd) | | {_cv(project, 'test', 'Accuracy')} | {_cv(stock, 'test', 'Accuracy')} | |",
        f"| {folds}-fold cross-validation on data/nlu, test F1 (mean ± sd) | | {_cv(project, 'test', 'F1-score')} | {_cv(stock, 'test', 'F1-score')} | |",
    ]
    return lines


def per_intent(project, stock) -> List[str]:
    p_f1, s_f1 = project.held_out.per_intent_f1(), stock.held_out.per_intent_f1()
    lines = ["| intent | messages | this project | stock Rasa | difference |", "|---|---|---|---|---|"]
    for intent in sorted(p_f1, key=lambda name: (p_f1[name], name)):
        support = project.held_out.report[intent]["support"]
        stock_f1 = s_f1.get(intent)
        diff = "" if stock_f1 is None else f"{p_f1[intent] - stock_f1:+.3f}"
        stock_text = "n/a" if stock_f1 is None else f"{stock_f1:.3f}"
        lines.append(f"| `{intent}` | {support} | {p_f1[intent]:.3f} | {stock_text} | {diff} |")
    return lines


def misses(side) -> List[str]:
    if not side.held_out.errors:
        return ["None."]
    lines = ["| message | expected | predicted (confidence) |", "|---|---|---|"]
    for error in sorted(side.held_out.errors, key=lambda e: (e["intent"], e["text"])):
        predicted = error["intent_prediction"]
        text = error["text"].replace("|", "\\|")
        lines.append(f"| {text} | `{error['intent']}` | `{predicted['name']}` ({predicted['confidence']:.2f}) |")
    return lines


def closeness_section(closeness, project, stock) -> List[str]:
    if closeness is None:
        return []
    same = set(closeness.same_words)
    rest = [text for text in closeness.texts if text not in same]
    rows = [("all held-out questions", closeness.texts),
            ("without the ones worded like a training example", rest),
            ("new wording only (nearest training example shares < half the words)", closeness.new_wording)]
    lines = [
        "## How close the held-out set is to the training data",
        "",
        "Measured by `benchmarks/closeness.py` (lemma sets from the project's spaCy pipeline, Jaccard overlap).",
        f"A held-out question shares on average {closeness.nearest_mean:.2f} of its words with its nearest",
        f"training example; a training example shares {closeness.training_nearest_mean:.2f} with its nearest other one.",
        f"{len(closeness.same_words)} of {len(closeness.texts)} held-out questions have a training example with the very same",
        "words. The held-out set is closer to the training data than the training examples are to each other,",
        "so its accuracy is optimistic: cross-validation, and the rows below, are the better guide to how the",
        "assistant does with wording nobody wrote down.",
        "",
        "| held-out questions | count | this project | stock Rasa |",
        "|---|---|---|---|",
    ]
    for title, texts in rows:
        p_acc, count = accuracy_on(texts, project.held_out.errors)
        s_acc, _ = accuracy_on(texts, stock.held_out.errors)
        lines.append(f"| {title} | {count} | {pct(p_acc)} | {pct(s_acc)} |")
    return lines + [""]


def write(path: Path, project, stock, args, closeness=None, near_blind=None) -> Path:
    p = project.held_out
    lines = [
        "# NLU evaluation: this project beside stock Rasa",
        "",
        "Written by `make evaluate` (`benchmarks/evaluate.py`); do not edit by hand, run it again.",
        "Every figure comes from Rasa's own `rasa test nlu` outputs (`intent_report.json`,",
        "`intent_errors.json`, `intent_confusion_matrix.png`), kept under `results/evaluate/`.",
        "",
        f"- **This project**: `{project.config}` (the trained model `{project.model.relative_to(path.parent.parent)}`).",
        f"- **Stock Rasa**: `{stock.config}`, the default pipeline a `rasa init` project trains with, "
        f"trained on the same data (`data/nlu`) by `rasa train nlu` ({training(stock)}; reused while newer than its config and data).",
        f"- Held-out set: `tests/nlu/test_nlu.yml` ({p.messages} messages, written apart from the training data);"
        f" red flags: `tests/nlu/red_flags.yml` (all `emergency`), tested together with the held-out set"
        f" (`--nlu tests/nlu`, {project.red_flags.messages} messages: Rasa skips intent evaluation of a set with one intent).",
        "- `rasa test nlu` undoes the FallbackClassifier (it scores the intent underneath `nlu_fallback`), so accuracy,",
        "  F1 and the confusion matrix are those of the classifier. What the fallback does (\"answered with the fallback\":",
        "  an `out_of_scope` message predicted `out_of_scope` or `nlu_fallback`; in-scope questions given the fallback;",
        "  accuracy as served) is asked of the trained model itself with Rasa's `Agent.parse_message` (`benchmarks/fallback.py`).",
        "",
        *blind_section(project, stock, near_blind),
        "## The older held-out set (optimistic: it overlaps the training data)",
        "",
        *headline(project, stock, args.folds),
        "",
        *closeness_section(closeness, project, stock),
        "## F1 per intent (held-out set, lowest first for this project)",
        "",
        *per_intent(project, stock),
        "",
        "## This project's misses on the held-out set",
        "",
        *misses(project),
        "",
        "## Confusion matrices (held-out set)",
        "",
        f"This project: ![confusion matrix, this project]({project.confusion_png.name})",
        "",
        f"Stock Rasa: ![confusion matrix, stock Rasa]({stock.confusion_png.name})",
        "",
        "## How it was measured",
        "",
        f"Command: `{args.command}` (from the project folder; `--folds N` changes the cross-validation,",
        "`--stock-cv` cross-validates stock Rasa too). It runs, with the quiet environment of the Makefile:",
        "",
        "```sh",
        f"rasa train nlu --config {stock.config} --nlu data/nlu --out results/evaluate/stock/model --fixed-model-name stock-nlu",
        "rasa test nlu --model MODEL --nlu tests/nlu/test_nlu.yml --out results/evaluate/SIDE/held-out",
        "rasa test nlu --model MODEL --nlu tests/nlu/blind/nlu.yml --out results/evaluate/SIDE/blind",
        "rasa test nlu --model MODEL --nlu results/evaluate/sets/held-out-and-red-flags --out results/evaluate/SIDE/held-out-and-red-flags",
        f"rasa test nlu --nlu data/nlu --config CONFIG --cross-validation --folds {args.folds} --out results/evaluate/SIDE/cross-validation",
        "```",
        "",
        *machine.section(),
    ]
    path.write_text("\n".join(lines))
    return path


def summary(project, stock) -> str:
    p, s = project.blind_figures, stock.blind_figures
    blind_line = (f"  blind set: accuracy {pct(p.accuracy)} (stock {pct(s.accuracy)}), red flags missed "
                  f"{len(p.red_flags_missed)} of {p.red_flags}, near-miss false alarms {len(p.near_miss_false_alarms)}")
    return "\n".join([blind_line] + [f"  {a:42} project {c:>8}  stock {d:>8}  {e}" for a, b, c, d, e in goals(project, stock)])
