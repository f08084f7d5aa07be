"""docs/benchmarks.md: the figures of `make bench`, this project beside stock Rasa."""
from pathlib import Path
from typing import List, Optional

from benchmarks import machine
from benchmarks.profile_summary import top_lines

GOAL_P95_RATIO = 1.3
GOAL_TRAINING_SECONDS = 180
GOAL_RSS_MIB = 1.5e9 / 2**20  # 1.5 GB


def ratio(a: Optional[float], b: Optional[float]) -> str:
    return "n/a" if not a or not b else f"{a / b:.2f}×"


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def fmt(value: Optional[float], unit: str = "") -> str:
    return "not measured" if value is None else f"{value:,.1f}{unit}"


def goals(project, stock) -> List[tuple]:
    top_p, top_s = project.levels[-1], stock.levels[-1]
    p95_p, p95_s = top_p.percentile(95), top_s.percentile(95)
    rss_p, rss_s = project.peak_rss_mib["rasa"], stock.peak_rss_mib["rasa"]
    trained = project.training_seconds
    label = f"{top_p.patients} patients, {top_p.seconds:.0f} s"
    return [
        (f"p95 latency ({label})", f"≤ {GOAL_P95_RATIO}× stock", f"{p95_p:,.0f} ms", f"{p95_s:,.0f} ms",
         ratio(p95_p, p95_s), mark(p95_p <= GOAL_P95_RATIO * p95_s)),
        (f"errors ({label})", "0", str(len(top_p.errors)), str(len(top_s.errors)), "", mark(not top_p.errors)),
        (f"lost replies, no text ({label})", "0", str(len(top_p.lost)), str(len(top_s.lost)), "", mark(not top_p.lost)),
        ("training time", f"< {GOAL_TRAINING_SECONDS} s", fmt(trained, " s"), fmt(stock.training_seconds, " s"),
         ratio(trained, stock.training_seconds), "not measured" if trained is None else mark(trained < GOAL_TRAINING_SECONDS)),
        ("Rasa server peak RSS", "< 1.5 GB (1,430 MiB)", f"{rss_p:,.0f} MiB", f"{rss_s:,.0f} MiB",
         ratio(rss_p, rss_s), mark(rss_p < GOAL_RSS_MIB)),
    ]


def headline(project, stock) -> List[str]:
    lines = ["| figure | goal | this project | stock Rasa | project / stock | goal |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in goals(project, stock)]
    lines += [
        f"| action server peak RSS | | {project.peak_rss_mib['actions']:,.0f} MiB | {stock.peak_rss_mib['actions']:,.0f} MiB (idle: the moodbot has no custom actions) | | |",
        f"| model size | | {fmt(project.model_mib, ' MiB')} | {fmt(stock.model_mib, ' MiB')} | {ratio(project.model_mib, stock.model_mib)} | |",
        f"| start to first answer (both servers, cold) | | {fmt(project.first_answer_seconds, ' s')} | {fmt(stock.first_answer_seconds, ' s')} | {ratio(project.first_answer_seconds, stock.first_answer_seconds)} | |",
    ]
    return lines


def levels_table(project, stock) -> List[str]:
    lines = ["| patients | assistant | seconds | messages | messages/s | p50 ms | p95 ms | p99 ms | errors | lost |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for p, s in zip(project.levels, stock.levels):
        for name, level in (("this project", p), ("stock Rasa", s)):
            row = level.summary()
            lines.append(f"| {row['patients']} | {name} | {row['seconds']} | {row['messages']} | {row['messages_per_second']}"
                         f" | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['errors']} | {row['lost']} |")
        lines.append(f"| {p.patients} | **project / stock** | | | {ratio(p.messages_per_second, s.messages_per_second)}"
                     f" | {ratio(p.percentile(50), s.percentile(50))} | {ratio(p.percentile(95), s.percentile(95))}"
                     f" | {ratio(p.percentile(99), s.percentile(99))} | | |")
    return lines


def profiles(project, stock) -> List[str]:
    lines = []
    for assistant in (project, stock):
        if assistant.profile is None or not assistant.profile.exists():
            continue
        lines += [f"{assistant.title}, last level: share of py-spy samples (100 per second, `--nonblocking`) with each"
                  " Rasa function on the stack:", "", "| share | function |", "|---|---|",
                  *top_lines(assistant.profile), ""]
    return lines or ["Not profiled (`--no-profile`).", ""]


def write(path: Path, project, stock, levels, args) -> Path:
    lines = [
        "# Benchmarks: this project beside a stock `rasa init` assistant",
        "",
        "Written by `make bench` (`benchmarks/bench.py`); do not edit by hand, run it again.",
        "Both assistants were measured in the same run, on the same machine: both servers up at once, taking",
        "turns at each level (this project, then stock), so the ratios matter more than the absolute figures",
        "(the machine is shared with other work).",
        "",
        f"- **This project**: the model trained in this run from the tree's config.yml, domain and data"
        f" (`models/thrombectomy-assistant.tar.gz` with `--no-train`), conversation: {' / '.join(project.conversation)}.",
        f"- **Stock Rasa**: the moodbot that `rasa init --no-prompt` writes and trains, conversation: {' / '.join(stock.conversation)}.",
        "- Both served the same way: `rasa run actions` and `rasa run` (REST channel) from the project folder,",
        "  started by `cluster/assistant.py`. Simulated patients (`benchmarks/load.py`, aiohttp) each hold their",
        "  conversation, one message at a time, and start a new one until the time is up"
        + (f", waiting {args.think} s after each answer." if args.think else ", with no pause between an answer and the next message."),
        "- Latency: from sending POST /webhooks/rest/webhook to the full answer. Error: no HTTP 200 with a JSON list.",
        "  Lost reply: HTTP 200 but no message with text. RSS: peak of the process and its children",
        "  (/proc/PID/status, VmRSS sampled every 0.25 s, and VmHWM), from start to the end of the last level.",
        "- Start to first answer: from starting the action server to the first answer with text (model loading included).",
        f"- Training: this project {project.training_note or 'not timed (--no-train)'}; stock {stock.training_note}.",
        "",
        "## Headline",
        "",
        *headline(project, stock),
        "",
        "## Every level",
        "",
        *levels_table(project, stock),
        "",
        "## Where the Rasa server spends its time",
        "",
        *profiles(project, stock),
        "## How it was measured",
        "",
        f"Command: `{args.command}` (levels `--levels {args.levels}` as patients:seconds; `--think S` adds a pause"
        " after each answer; `--no-profile` skips sampling the Rasa servers with py-spy during the last level).",
        "",
        *machine.section(),
    ]
    path.write_text("\n".join(lines) + kept_console_section(path))
    return path


# written by `python -m benchmarks.console_load --write` (the staff console's pages), kept by `make bench`
CONSOLE_SECTION = "\n## Staff console pages\n"


def kept_console_section(path: Path) -> str:
    """The staff console's section at the end of the page as it is, so `make bench` does not drop it."""
    text = path.read_text() if path.exists() else ""
    return text[text.index(CONSOLE_SECTION):] if CONSOLE_SECTION in text else ""


def with_console_section(page_text: str, section_lines) -> str:
    """The page with its staff console section (at the end) replaced by section_lines."""
    before = page_text.split(CONSOLE_SECTION)[0].rstrip("\n")
    return before + "\n" + CONSOLE_SECTION + "\n" + "\n".join(section_lines) + "\n"


def summary(project, stock) -> str:
    return "\n".join(f"  {row[0]:40} project {row[2]:>12}  stock {row[3]:>12}  {row[4]:>7}  {row[5]}"
                     for row in goals(project, stock))
