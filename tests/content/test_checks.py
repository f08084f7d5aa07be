"""content/checks.py: each rule sees what it is for (a made-up response, entry and source)."""
from content import checks
from content.table import Response

RESPONSE = Response("utter_x", "About X\nThe doctor numbs the skin. Ask your care team.", ("Next",))
LINES = {1: "Step One", 2: "Local anesthesia is applied at the planned entry point."}


def entry(*statements, **fields):
    return {"fingerprint": RESPONSE.fingerprint, "reviewer": "Dr A", "reviewed": "2026-12-03",
            "statements": list(statements), **fields}


HEADING = {"sentences": [1, 4], "says": "heading and button", "kind": "conversational"}
NUMBS = {"sentences": [2], "says": "numbing", "source": {"line": 2, "phrase": "Local anesthesia is applied"}}
ASK = {"sentences": [3], "says": "ask", "kind": "not_in_source_referral"}
GOOD = entry(HEADING, NUMBS, ASK)


def test_a_good_entry_passes_every_rule():
    assert checks.changed_since_review("utter_x", GOOD, RESPONSE) == []
    assert checks.missing_review_fields("utter_x", GOOD) == []
    assert checks.malformed_statements("utter_x", GOOD, RESPONSE) == []
    assert checks.bad_locators("utter_x", GOOD, LINES) == []
    assert checks.uncovered_sentences("utter_x", GOOD, RESPONSE) == []


def test_a_response_without_an_entry_and_an_entry_without_a_response_are_seen():
    assert checks.missing_entry("utter_y", {"utter_x": GOOD}) == [
        "utter_y: not in the claims table: add an entry and have it reviewed"]
    assert checks.missing_entry("utter_x", {"utter_x": GOOD}) == []
    assert checks.entry_without_response("utter_gone", {"utter_x": RESPONSE}) == [
        "utter_gone: in the claims table but not in domain.yml: remove its entry"]


def test_a_changed_text_or_button_needs_a_new_review():
    more_text = Response("utter_x", RESPONSE.text + " More.", RESPONSE.titles)
    for changed in (more_text, Response("utter_x", RESPONSE.text, ("Later",))):
        [problem] = checks.changed_since_review("utter_x", GOOD, changed)
        assert "changed after its review: review it again" in problem and changed.fingerprint in problem


def test_a_phrase_not_on_its_line_too_long_or_on_no_line_is_seen():
    def locator(line, phrase):
        return entry({**NUMBS, "source": {"line": line, "phrase": phrase}})
    assert checks.bad_locators("utter_x", locator(1, "Local anesthesia is applied"), LINES) == [
        "utter_x, statement 1: 'Local anesthesia is applied' is not on line 1 of the source"]
    assert "1 to 6 words" in checks.bad_locators("utter_x", locator(2, "anesthesia is applied at the planned entry"), LINES)[0]
    assert "no line 9" in checks.bad_locators("utter_x", locator(9, "Step One"), LINES)[0]
    assert checks.bad_locators("utter_x", locator(2, "local anesthesia is applied"), LINES) != []  # word for word


def test_a_new_sentence_without_a_statement_is_seen():
    longer = Response("utter_x", RESPONSE.text + " It takes two hours.", RESPONSE.titles)
    assert checks.uncovered_sentences("utter_x", GOOD, longer) == [
        "utter_x: sentence 5 has no statement: 'Next'"]
    assert checks.uncovered_sentences("utter_x", entry(HEADING, NUMBS), RESPONSE) == [
        "utter_x: sentence 3 has no statement: 'Ask your care team.'"]


def test_malformed_statements_are_seen():
    bad = entry({"sentences": [1, 7], "says": "", "kind": "source"},
                {"sentences": [2], "says": "x", "kind": "personal_opinion"},
                {**NUMBS, "kind": "general_definition"})
    assert checks.malformed_statements("utter_x", bad, RESPONSE) == [
        "utter_x, statement 1: does not say what it claims",
        "utter_x, statement 1: sentences [1, 7] are not among the response's 1 to 4",
        "utter_x, statement 1: no source passage, and 'source' is not one of " + str(checks.OTHER_KINDS),
        "utter_x, statement 2: no source passage, and 'personal_opinion' is not one of " + str(checks.OTHER_KINDS),
        "utter_x, statement 3: names both a source passage and the kind 'general_definition'",
    ]


def test_an_entry_without_reviewer_or_date_is_seen():
    assert checks.missing_review_fields("utter_x", entry(reviewer="", reviewed=None)) == [
        "utter_x: no reviewer", "utter_x: no reviewed"]


def test_a_changed_source_is_seen():
    assert checks.source_changed({"source": {"sha256": "abc"}}, "abc") == []
    assert "check every locator" in checks.source_changed({"source": {"sha256": "abc"}}, "def")[0]
