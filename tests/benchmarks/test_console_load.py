"""benchmarks/console_load.py and the staff console's section of docs/benchmarks.md."""
from datetime import date

from benchmarks.benchmarks_doc import kept_console_section, with_console_section
from benchmarks.console_load import generate
from console.messages import messages
from console.period import Period
from console.stats import overview
from console.store import ConversationStore, StoreConfig


def test_the_generated_store_reads_as_the_console_expects(tmp_path):
    db = tmp_path / "conversations.db"
    generate(db, 100, 2)
    found = messages(ConversationStore.open(StoreConfig(db=str(db))).answer_events_between(0, 10 ** 10))
    assert len(found) == 100 and len({m.sender_id for m in found}) == 20
    assert {m.category for m in found} <= {"topic", "fallback", "clarification", "medical_advice", "emergency"}
    days = sorted(m.day for m in found)
    result = overview(found, Period(date.fromisoformat(days[0]), date.fromisoformat(days[-1])))
    assert result.totals == {"conversations": 20, "messages": 100}


def test_the_console_section_is_replaced_and_kept(tmp_path):
    page = tmp_path / "benchmarks.md"
    page.write_text("# Benchmarks\n\nfigures\n")
    assert kept_console_section(page) == ""
    page.write_text(with_console_section(page.read_text(), ["| `/overview` | 900 ms |"]))
    page.write_text(with_console_section(page.read_text(), ["| `/overview` | 800 ms |"]))
    assert page.read_text() == "# Benchmarks\n\nfigures\n\n## Staff console pages\n\n| `/overview` | 800 ms |\n"
    assert kept_console_section(page) == "\n## Staff console pages\n\n| `/overview` | 800 ms |\n"
