"""actions/about.py: where the facts come from, who reviewed them (or that nobody has yet), the full disclaimer."""
import pytest

from actions import responses
from actions.about import ActionExplainInformation
from content.table import load_table, source_date
from tests.conftest import footers, make_tracker, response_names

REVIEW = {"CONTENT_REVIEWED_BY": "Dr Ann Lee, vascular surgeon", "CONTENT_REVIEWED_ON": "1 March 2027"}


@pytest.fixture
def no_review(monkeypatch):
    for key in REVIEW:
        monkeypatch.delenv(key, raising=False)


def test_the_source_date_is_the_claims_tables():
    assert str(load_table()["source"]["published"]) == "2022-02-11"
    assert source_date() == "11 February 2022"


@pytest.mark.parametrize("only", [None, "CONTENT_REVIEWED_BY", "CONTENT_REVIEWED_ON"])
async def test_without_a_reviewer_and_a_date_it_says_the_clinic_has_not_reviewed_the_texts(
        only, no_review, monkeypatch, dispatcher, domain):
    if only:
        monkeypatch.setenv(only, REVIEW[only])
    await ActionExplainInformation().run(dispatcher, make_tracker("who checked this?", "ask_about_information"), domain)
    assert response_names(dispatcher) == [responses.ABOUT_INFORMATION, responses.ABOUT_REVIEW_UNSET]
    assert dispatcher.messages[0]["source_date"] == "11 February 2022"
    assert footers(dispatcher) == [None, responses.DISCLAIMER]
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == ["/ask_access", "/help"]


async def test_the_reviewer_and_date_come_from_the_environment(no_review, monkeypatch, dispatcher, domain):
    for key, value in REVIEW.items():
        monkeypatch.setenv(key, value)
    await ActionExplainInformation().run(dispatcher, make_tracker("sources?", "ask_about_information"), domain)
    assert response_names(dispatcher) == [responses.ABOUT_INFORMATION, responses.ABOUT_REVIEW]
    assert dispatcher.messages[1]["content_reviewed_by"] == REVIEW["CONTENT_REVIEWED_BY"]
    assert dispatcher.messages[1]["content_reviewed_on"] == REVIEW["CONTENT_REVIEWED_ON"]


def test_the_topic_menu_has_a_button_for_it(domain):
    payloads = [button["payload"] for button in domain["responses"][responses.TOPICS][0]["buttons"]]
    assert "/ask_about_information" in payloads
