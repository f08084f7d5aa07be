"""channels/formatting.py: each channel's way of showing an answer's heading."""
import html

import pytest
import yaml

from channels.formatting import as_markdown, as_telegram_html, emergency_as_markdown, escape_markdown, heading_and_body
from tests.conftest import ROOT

RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
MULTI_LINE = [variant["text"] for variants in RESPONSES.values() for variant in variants if "\n" in variant.get("text", "")]


def test_a_multi_line_answer_has_a_heading_and_a_one_line_one_has_none():
    assert heading_and_body("Step 2 of 6: mapping the clot\nThe doctor looks.") == (
        "Step 2 of 6: mapping the clot", "The doctor looks.")
    assert heading_and_body("Something else") == (None, "Something else")
    assert heading_and_body("\nno heading") == (None, "\nno heading")


def test_every_multi_line_answer_in_the_domain_gets_a_bold_heading():
    assert len(MULTI_LINE) > 20
    for text in MULTI_LINE:
        assert as_markdown(text).startswith("**") and as_telegram_html(text).startswith("<b>"), text


@pytest.mark.parametrize("text, markdown", [
    ("Stents\nA stent is a small tube.", "**Stents**\nA stent is a small tube\\."),
    ("Risks *and* [links](x)\n<b>not html</b> & 1. not a list",
     "**Risks \\*and\\* \\[links\\]\\(x\\)**\n\\<b\\>not html\\</b\\> & 1\\. not a list"),
    ("One line, no heading: 2 * 3", "One line, no heading: 2 \\* 3"),
])
def test_markdown_bolds_the_heading_and_shows_everything_else_as_written(text, markdown):
    assert as_markdown(text) == markdown


@pytest.mark.parametrize("text, telegram", [
    ("Stents\nA stent is a small tube.", "<b>Stents</b>\nA stent is a small tube."),
    ("Dye & X-rays <here>\n1 < 2 & 3 > 2", "<b>Dye &amp; X-rays &lt;here&gt;</b>\n1 &lt; 2 &amp; 3 &gt; 2"),
    ("One line & no heading", "One line &amp; no heading"),
])
def test_telegram_html_bolds_the_heading_and_escapes_the_text(text, telegram):
    assert as_telegram_html(text) == telegram
    assert html.unescape(telegram.replace("<b>", "").replace("</b>", "")) == text


def test_every_ascii_punctuation_markdown_reads_is_escaped():
    assert escape_markdown("\\`*_{}[]()#+-.!|<>~") == "".join("\\" + c for c in "\\`*_{}[]()#+-.!|<>~")


def test_the_emergency_answer_links_the_emergency_number_in_the_web_chat():
    text = RESPONSES["utter_emergency"][0]["text"]
    assert "your local emergency number" in text
    linked = emergency_as_markdown(text, "+1 911")
    assert linked.startswith("**") and "Call [\\+1 911](tel:+1911) now" in linked
    assert emergency_as_markdown(text, "") == as_markdown(text)
    assert emergency_as_markdown(text, "call reception") == as_markdown(text)
    assert emergency_as_markdown("Call your local emergency number.", "999") == "Call [999](tel:999)\\."
    assert emergency_as_markdown("Call 999.", "999") == "Call [999](tel:999)\\."
