"""`make lighthouse`: Lighthouse on the demo page, with the real servers behind its chat, offline.

Lighthouse (npm, pinned in tools/lighthouse/package.json) drives Debian's chromium (CHROME_PATH)
against the page served by webpage/server.py as `make run` serves it, its config.js pointing at a
real Rasa server (cluster/assistant.py), once as a phone and once as a desktop. Reports go to
results/lighthouse/ (the scores in scores.md), and with --write (`make lighthouse`) to
docs/accessibility.md (`make test` only checks them); it exits 1 when a score is under its
minimum (accessibility 100: the figure the page must keep).
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from cluster.assistant import running_assistant
from cluster.processes import ROOT, free_port
from webpage.config import config_js
from webpage.server import serving

OUT = ROOT / "results" / "lighthouse"
DOC = ROOT / "docs" / "accessibility.md"
MODEL = ROOT / "models" / "thrombectomy-assistant.tar.gz"
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "performance", "seo")
MINIMUM = {"accessibility": 100}
FORM_FACTORS = ("mobile", "desktop")
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = " ".join(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--no-first-run"])
BEGIN = "<!-- lighthouse scores: written by `make lighthouse` (benchmarks/lighthouse.py) -->"
END = "<!-- end of lighthouse scores -->"


def run(lighthouse: Path, url: str, form_factor: str, out: Path) -> Dict:
    """One Lighthouse run; its JSON report (also written to out)."""
    preset = ["--preset=desktop"] if form_factor == "desktop" else ["--form-factor=mobile"]
    env = dict(os.environ, CHROME_PATH=CHROMIUM)  # which browser Lighthouse drives
    subprocess.run([str(lighthouse), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}", *preset],
                   check=True, timeout=600, env=env)
    return json.loads(out.read_text())


def scores(report: Mapping) -> Dict[str, int]:
    """Each category's score out of 100."""
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def failed_audits(report: Mapping) -> List[str]:
    """The titles of the audits that did not pass (binary or numeric, score under 1), for the docs."""
    return sorted({audit["title"] for audit in report["audits"].values()
                   if audit.get("scoreDisplayMode") in ("binary", "numeric") and audit.get("score") is not None
                   and audit["score"] < 0.9 and audit["id"] != "network-dependency-tree-insight"})


def scores_block(results: Mapping[str, Mapping], version: str) -> str:
    rows = ["| form factor | " + " | ".join(CATEGORIES) + " |", "|---|" + "---|" * len(CATEGORIES)]
    for form_factor, report in results.items():
        row = scores(report)
        rows.append(f"| {form_factor} | " + " | ".join(str(row[name]) for name in CATEGORIES) + " |")
    below = sorted({title for report in results.values() for title in failed_audits(report)})
    lines = [BEGIN, f"Lighthouse {version}, offline, Debian's chromium, the chat closed on a fresh load:", "", *rows, ""]
    if below:
        lines.append("Audits under 90: " + "; ".join(below) + ".")
    return "\n".join([*lines, END])


def with_scores(page: str, block: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(page):
        raise LookupError(f"{DOC.name} has no {BEGIN!r} ... {END!r} block")
    return pattern.sub(lambda _: block, page)


def below_minimum(results: Mapping[str, Mapping]) -> List[str]:
    return [f"{form_factor} {name} {scores(report)[name]} < {minimum}"
            for form_factor, report in results.items() for name, minimum in MINIMUM.items()
            if scores(report)[name] < minimum]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse", description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", type=Path, default=LIGHTHOUSE)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--write", action="store_true", help=f"write the scores to docs/{DOC.name}")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    web_port = free_port()
    origin = f"http://127.0.0.1:{web_port}"
    results = {}
    with running_assistant(args.model, rasa_args=["--cors", origin]) as rasa_url:
        with serving(ROOT / "web", web_port, overrides={"/config.js": config_js(rasa_url).encode()}):
            for form_factor in FORM_FACTORS:
                results[form_factor] = run(args.lighthouse, origin + "/", form_factor, OUT / f"{form_factor}.json")
    version = next(iter(results.values()))["lighthouseVersion"]
    block = scores_block(results, version)
    (OUT / "scores.md").write_text(block + "\n", encoding="utf-8")
    if args.write:
        DOC.write_text(with_scores(DOC.read_text(encoding="utf-8"), block), encoding="utf-8")
    for form_factor, report in results.items():
        print(f"lighthouse {form_factor}: {scores(report)}")
    problems = below_minimum(results)
    for problem in problems:
        print(f"lighthouse: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
