"""content/report.py and `python -m content report`: a readable, self-contained, escaped page for sign-off."""
from html.parser import HTMLParser

from content import report
from content.__main__ import main
from content.table import Response, load_responses

VOID = {"meta", "br", "link", "img", "input", "hr"}


class TagChecker(HTMLParser):
    """Every element closed in order; and anything that would fetch from elsewhere."""

    def __init__(self):
        super().__init__()
        self.open, self.problems, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        self.external += [value for name, value in attrs if name in ("src", "href") and not str(value).startswith("#")]
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.problems.append(tag)


def checked(page):
    checker = TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def test_the_report_shows_every_response_and_is_well_formed_and_self_contained(tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    for name, response in load_responses().items():
        assert f'<section id="{name}">' in page, name
        assert report.esc(response.sentences[0]) in page, name
    checker = checked(page)
    assert (checker.problems, checker.open, checker.external) == ([], [], [])
    assert "<script" not in page and "<link" not in page and "url(" not in page and "@import" not in page


def test_texts_are_escaped_and_the_phrase_is_marked_on_its_line():
    response = Response("utter_x", 'About <b>X</b>\nIt is "safe" & <script>alert(1)</script> done.')
    table = {"source": {"title": "<i>T</i>"}, "responses": {"utter_x": {
        "reviewer": "Dr <A>", "reviewed": "2026-12-03", "statements": [
            {"sentences": [1, 2], "says": "a <claim>", "source": {"line": 1, "phrase": "<used>"}}]}}}
    page = report.render(table, {"utter_x": response}, {1: "The device <used> here."}, ["utter_x: a <problem>"])
    for raw in ("<b>X", "<script>", "<claim>", "Dr <A>", "<i>T", "<problem>", "<used>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;safe&quot; &amp;" in page
    assert "The device <mark>&lt;used&gt;</mark> here." in page
    assert '<p class="status-problem">utter_x: a &lt;problem&gt;</p>' in page
    assert checked(page).problems == []


def test_a_sentence_without_a_statement_is_shown_as_such():
    response = Response("utter_x", "About X\nOne. Two.")
    statement = {"sentences": [1, 2], "says": "s", "kind": "conversational"}
    table = {"source": {}, "responses": {"utter_x": {"statements": [statement]}}}
    assert "<td>Two.</td><td><strong>no statement</strong></td>" in report.render(table, {"utter_x": response}, {}, [])


def test_fingerprints_are_printed_for_known_responses_only(capsys):
    assert main(["fingerprint", "utter_greet"]) == 0
    assert capsys.readouterr().out == f"utter_greet: {load_responses()['utter_greet'].fingerprint}\n"
    assert main(["fingerprint", "utter_nothing"]) == 1
