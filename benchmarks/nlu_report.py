"""Figures read from the files `rasa test nlu` writes (intent_report.json, intent_errors.json)."""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
EMERGENCY = "emergency"
SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
CV_LINE = re.compile(r"\b(train|test) (Accuracy|F1-score|Precision): ([0-9.]+) \(([0-9.]+)\)")


@dataclass
class NluResult:
    """One `rasa test nlu` run: its report, and the messages it got wrong."""

    report: Dict
    errors: List[Dict] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path) -> "NluResult":
        errors_file = folder / "intent_errors.json"
        errors = json.loads(errors_file.read_text()) if errors_file.exists() else []
        return cls(json.loads((folder / "intent_report.json").read_text()), errors)

    @property
    def accuracy(self) -> float:
        return self.report["accuracy"]

    @property
    def macro_f1(self) -> float:
        return self.report["macro avg"]["f1-score"]

    @property
    def messages(self) -> int:
        return self.report["macro avg"]["support"]

    def per_intent_f1(self) -> Dict[str, float]:
        return {name: row["f1-score"] for name, row in self.report.items()
                if name not in SUMMARY_KEYS and isinstance(row, dict) and row.get("support")}

    def recall(self, intent: str) -> Optional[float]:
        row = self.report.get(intent)
        return row["recall"] if row else None

    def false_emergencies(self) -> int:
        """Messages that are not red flags but were predicted `emergency`."""
        return sum(e["intent_prediction"]["name"] == EMERGENCY for e in self.errors)


def cross_validation_figures(log: Path) -> Dict[str, Dict[str, str]]:
    """{"test": {"Accuracy": "0.951 ± 0.012", ...}, "train": {...}} from `rasa test nlu --cross-validation`'s log."""
    figures: Dict[str, Dict[str, str]] = {}
    for split, metric, mean, std in CV_LINE.findall(log.read_text(errors="replace")):
        figures.setdefault(split, {})[metric] = f"{float(mean):.3f} ± {float(std):.3f}"
    return figures
