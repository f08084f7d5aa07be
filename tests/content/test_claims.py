"""The claims table (content/claims.yml) against domain.yml and the source: one test per rule, per response."""
import pytest

from content import checks
from content.table import file_fingerprint, load_responses, load_table, source_file, source_lines, variation_counts
from tests.conftest import SOURCE_FILE

RESPONSES = load_responses()
TABLE = load_table()
ENTRIES = TABLE["responses"]
LINES = source_lines(TABLE)
REVIEWED = sorted(set(RESPONSES) & set(ENTRIES))


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_an_entry(name):
    assert checks.missing_entry(name, ENTRIES) == []


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_entry_is_for_a_response_that_exists(name):
    assert checks.entry_without_response(name, RESPONSES) == []


@pytest.mark.parametrize("name", REVIEWED)
def test_no_response_changed_after_its_review(name):
    assert checks.changed_since_review(name, ENTRIES[name], RESPONSES[name]) == []


@pytest.mark.parametrize("name", REVIEWED)
def test_every_entry_names_its_reviewer_and_date(name):
    assert checks.missing_review_fields(name, ENTRIES[name]) == []


@pytest.mark.parametrize("name", REVIEWED)
def test_every_statement_says_something_about_sentences_that_exist_with_one_kind_of_support(name):
    assert checks.malformed_statements(name, ENTRIES[name], RESPONSES[name]) == []


@pytest.mark.parametrize("name", REVIEWED)
def test_every_source_phrase_is_on_the_line_it_names(name):
    assert checks.bad_locators(name, ENTRIES[name], LINES) == []


@pytest.mark.parametrize("name", REVIEWED)
def test_every_sentence_is_covered_by_a_statement(name):
    assert checks.uncovered_sentences(name, ENTRIES[name], RESPONSES[name]) == []


def test_the_source_is_the_one_the_locators_were_checked_against():
    assert source_file(TABLE) == SOURCE_FILE.resolve()
    assert checks.source_changed(TABLE, file_fingerprint(source_file(TABLE))) == []


def test_every_response_has_one_text_to_review():
    assert {name: count for name, count in variation_counts().items() if count != 1} == {}
