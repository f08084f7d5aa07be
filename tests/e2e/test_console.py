"""The staff console in a real browser, against the conversations the real servers stored.

A few REST conversations through the real action server and Rasa server (tests/e2e/servers.py),
then the console (python -m console) on loopback reading that SQLite store read-only, driven
with Debian's chromium (the launch settings of tests/e2e/test_web_widget.py).
"""
import time

import pytest
import requests
from playwright import sync_api
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from cluster.console import PASSWORD, running_console
from tests.e2e.servers import running_assistant
from tests.e2e.test_web_widget import Watched
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

# "what colour is the sky on mars" is not used: the model answers it with step 2 (venography)
NOT_UNDERSTOOD = "what is the capital of france"
CONVERSATIONS = {
    "rest:e2e-walkthrough": ["hello", "what happens first?", "/next_step"],
    "rest:e2e-off-topic": [NOT_UNDERSTOOD],
    "rest:e2e-red-flag": ["I have chest pain and can't breathe"],
    "rest:e2e-advice": ["should I stop my blood thinners?"],
}
FALLBACK_HEADING = "Sorry, I can't answer that"


def say(url, sender, text):
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200, reply.text
    return [message.get("text", "") for message in reply.json()]


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The console's URL, after the conversations were held through the real servers."""
    scratch = tmp_path_factory.mktemp("console")
    db = scratch / "conversations.db"
    with running_assistant(trained_model(), tracker_db=db) as rasa_url:
        replies = {sender: [say(rasa_url, sender.split(":", 1)[1], text) for text in texts]
                   for sender, texts in CONVERSATIONS.items()}
    assert replies["rest:e2e-off-topic"][0][0].startswith(FALLBACK_HEADING), replies["rest:e2e-off-topic"]
    assert replies["rest:e2e-red-flag"][0][0].startswith("This may be an emergency"), replies["rest:e2e-red-flag"]
    with running_console(db, scratch) as base:
        yield {"url": base, "db": db, "scratch": scratch}


def log_in(page, base, password=PASSWORD):
    page.goto(base + "/login")
    page.fill("input[name=user]", "alice")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_staff_see_the_days_numbers_mark_a_message_and_export_it(console, browser, tmp_path):
    watched = Watched(browser, accept_downloads=True)
    page, base = watched.page, console["url"]
    try:
        page.goto(base + "/overview")  # a direct URL without login lands on the login page
        assert page.url == base + "/login"
        log_in(page, base, password="not the password")
        sync_api.expect(page.locator("p.message")).to_have_text("Wrong name or password.")

        log_in(page, base)
        assert page.url == base + "/overview"
        messages_sent = sum(len(texts) for texts in CONVERSATIONS.values())
        sync_api.expect(page.locator("#total-conversations")).to_have_text(str(len(CONVERSATIONS)))
        sync_api.expect(page.locator("#total-messages")).to_have_text(str(messages_sent))
        sync_api.expect(page.locator("body")).to_have_attribute("data-charts", "drawn")
        shares = {row.get_attribute("data-category"): row.locator("td").nth(1).inner_text()
                  for row in page.locator("#answer-shares tbody tr").all()}
        assert shares["emergency"] == "1" and shares["medical_advice"] == "1" and shares["fallback"] == "1"
        assert int(shares["topic"]) >= 2
        assert "step_access" in page.locator("#topics").inner_text()
        assert page.locator("#channels").inner_text().split() == ["channel", "messages", "rest", str(messages_sent)]

        page.click("text=Not understood")
        message = page.locator(f"article.message[data-text='{NOT_UNDERSTOOD}']")
        sync_api.expect(message).to_have_count(1)
        assert FALLBACK_HEADING in message.inner_text()
        message.locator("select[name=kind]").select_option("intent")
        message.locator("input[name=intent]").fill("out_of_scope")
        message.locator("button[type=submit]").click()
        sync_api.expect(page.locator(f"article.message[data-text='{NOT_UNDERSTOOD}'] .mark-label")).to_have_text(
            "intent out_of_scope")

        page.click("text=Safety")
        assert "I have chest pain and can't breathe" in page.locator("#emergencies").inner_text()
        assert "should I stop my blood thinners?" in page.locator("#referrals").inner_text()

        with page.expect_download() as download:
            page.click("text=Export marks")
        exported = tmp_path / "nlu.yml"
        download.value.save_as(exported)
        examples = RasaYAMLReader().reads(exported.read_text()).intent_examples
        assert [(m.get("intent"), m.get("text")) for m in examples] == [("out_of_scope", NOT_UNDERSTOOD)]

        # a form sent without its CSRF token is refused, and nothing is marked
        page.click("text=Not understood")
        message = page.locator(f"article.message[data-text='{NOT_UNDERSTOOD}']")
        message.locator("input[name=csrf]").evaluate("input => input.remove()")
        message.locator("select[name=kind]").select_option("fine")
        message.locator("button[type=submit]").click()
        sync_api.expect(page.locator("p.message")).to_contain_text("security token is missing or wrong")
        page.goto(base + "/not-understood")
        sync_api.expect(page.locator(f"article.message[data-text='{NOT_UNDERSTOOD}'] .mark-label")).to_have_text(
            "intent out_of_scope")

        page.click("text=Log out")
        assert page.url == base + "/login"
        page.goto(base + "/safety")
        assert page.url == base + "/login"
        # nothing fetched beyond loopback, no script failed; chromium logs only the two refusals above
        assert watched.outside == [] and watched.errors == []
        assert watched.console_errors == [f"Failed to load resource: the server responded with a status of {status}"
                                          for status in ("401 (Unauthorized)", "403 (Forbidden)")]
    finally:
        watched.close()


def test_an_expired_session_is_sent_back_to_the_login_page(console, browser):
    with running_console(console["db"], console["scratch"], {"CONSOLE_SESSION_MINUTES": "0.05"}) as base:
        watched = Watched(browser)
        try:
            log_in(watched.page, base)
            assert watched.page.url == base + "/overview"
            time.sleep(4)
            watched.page.reload()
            assert watched.page.url == base + "/login"
        finally:
            watched.close()
