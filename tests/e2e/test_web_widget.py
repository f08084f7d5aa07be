"""The demo clinic page in a real browser: the chat widget talks to the real servers over Socket.IO.

Debian's chromium (`make browser`) driven by Playwright; the widget comes from web/node_modules
(`make web`). Screenshots go to artifacts/.
"""
import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from playwright import sync_api

from privacy.pseudonyms import stored_sender_id
from tests.conftest import ROOT
from tests.e2e.servers import SENDER_ID_KEY, HeldRelay, free_port, running_assistant, serving_web_page
from tests.model_helpers import trained_model
from webpage.config import config_js

pytestmark = pytest.mark.model

WEB = ROOT / "web"
WIDGET = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
REPLY_TIMEOUT_MS = 60_000
# axe-core from npm (web/package.json, devDependencies), loaded by the page from its own server
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
XSS = "<img src=x onerror=alert(1)>"
FONT_BLOCKED = "https://fonts.googleapis.com/"
LOOPBACK = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]")
CLINIC = {"CLINIC_NAME": "Test Vein Clinic", "CLINIC_PHONE": "0100 000 000"}
EMERGENCY_NUMBER = "112"
TEXTS = {name: variations[0]["text"] for name, variations in
         yaml.safe_load((ROOT / "domain.yml").read_text())["responses"].items()}
FULL_DISCLAIMER, SHORT_DISCLAIMER = TEXTS["utter_disclaimer"], TEXTS["utter_disclaimer_short"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The page's URL while the action server, the Rasa server (socketio, CORS for the page) and the page run."""
    for needed, how in ((WIDGET, "make web"), (AXE, "make web"), (CHROMIUM, "make packages")):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `{how}` (make test-model does it for you)")
    web_port = free_port()
    origin = f"http://127.0.0.1:{web_port}"
    processes = {}
    db = tmp_path_factory.mktemp("var") / "conversations.db"
    with running_assistant(trained_model(), {**CLINIC, "EMERGENCY_NUMBER": EMERGENCY_NUMBER},
                           rasa_args=["--cors", origin], processes=processes, tracker_db=db) as rasa_url:
        with serving_web_page(WEB, config_js(rasa_url, {**CLINIC, "EMERGENCY_NUMBER": EMERGENCY_NUMBER}),
                              port=web_port) as page_url:
            yield {"url": page_url + "/", "rasa": processes["rasa"], "db": db, "rasa_port": int(rasa_url.rsplit(":", 1)[1])}
        log = processes["rasa"].output(limit=10**7)
        assert "was never awaited" not in log, (
            "python-socketio is too new for Rasa 3.6 (pin 5.9.0): replies never reach the widget\n" + log[-3000:]
        )


class Watched:
    """A page whose dialogs, script errors and requests beyond loopback are recorded."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(**context_options)
        self.dialogs, self.errors, self.outside, self.console_errors = [], [], [], []
        self.context.route(lambda url: not LOOPBACK.match(url), self._block)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))

    def _block(self, route):
        self.outside.append(route.request.url)
        route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def unexpected_console_errors(self):
        """Console errors, except the widget's web-font stylesheet that the page's CSP blocks."""
        return [text for text in self.console_errors if not (FONT_BLOCKED in text and "Content Security Policy" in text)]

    def close(self):
        self.context.close()


def assert_accessible(page, state):
    """axe-core's WCAG 2.2 A/AA and best-practice rules find nothing on the page as it is now;
    the full result goes to artifacts/axe-<state>.json."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=page.url.split("#")[0].rsplit("/", 1)[0] + "/node_modules/axe-core/axe.min.js")
    result = page.evaluate("""async rules => {
        // preload off: axe would fetch the widget's font stylesheet from the internet to read it
        const r = await axe.run(document, {runOnly: {type: 'tag', values: rules}, preload: false});
        const brief = list => list.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                               nodes: v.nodes.map(n => n.target.join(' '))}));
        return {version: axe.version, violations: brief(r.violations), incomplete: brief(r.incomplete),
                passes: r.passes.map(v => v.id)};
    }""", AXE_RULES)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{state}.json").write_text(json.dumps(result, indent=2))
    assert len(result["passes"]) > 10, result  # axe really ran over the page
    assert result["violations"] == [], f"{state}: {json.dumps(result['violations'], indent=2)}"


def bot_texts(page):
    return page.locator(".rw-response").all_inner_texts()


def wait_for_bot_text(page, text):
    sync_api.expect(page.locator(".rw-response", has_text=text).last).to_be_visible(timeout=REPLY_TIMEOUT_MS)


def open_widget_with_keyboard(page):
    """Tab to the round chat button and press Enter, as a keyboard user would."""
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('rw-launcher')"):
            break
    else:
        pytest.fail("the chat button cannot be reached with Tab")
    assert "Open the chat" in page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    sync_api.expect(page.locator(".rw-conversation-container")).to_be_visible()


def send(page, text):
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def test_a_patient_asks_in_the_widget_and_the_conversation_survives_a_reload(site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    watched = Watched(browser, viewport={"width": 1280, "height": 800})
    page = watched.page
    try:
        page.goto(site["url"])
        sync_api.expect(page.locator("h1")).to_have_text("Your venous thrombectomy")
        sync_api.expect(page.locator(".rw-launcher")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        assert_accessible(page, "closed")
        open_widget_with_keyboard(page)
        sync_api.expect(page.locator(".rw-header")).to_contain_text("Questions about your procedure")

        # initPayload /greet: the greeting with its disclaimer, then the topic buttons
        wait_for_bot_text(page, "I can explain each step")
        assert "not medical advice" in bot_texts(page)[0]
        sync_api.expect(page.locator(".rw-reply", has_text="Start at step 1")).to_be_visible(timeout=REPLY_TIMEOUT_MS)

        # the page names where the facts come from (config.js, in the about answer's words)
        sync_api.expect(page.locator("#ta-source")).to_contain_text("dated 11 February 2022")
        # and its emergency line says the configured number, as a tap-to-call link
        sync_api.expect(page.locator("#ta-urgent")).to_contain_text(f"Call {EMERGENCY_NUMBER} now")
        assert page.locator("#ta-urgent a").get_attribute("href") == f"tel:{EMERGENCY_NUMBER}"

        send(page, "what happens first?")
        wait_for_bot_text(page, "Step 1 of 6")
        # the disclaimer is the answer's last line, in the same bubble (the full wording the first time)
        step_one = page.locator(".rw-response", has_text="Step 1 of 6").last
        sync_api.expect(step_one).to_contain_text(FULL_DISCLAIMER, timeout=REPLY_TIMEOUT_MS)
        next_step = page.locator(".rw-reply", has_text="Next step").last
        sync_api.expect(next_step).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        # usable by keyboard: the quick replies are focusable buttons
        assert next_step.get_attribute("role") == "button" and next_step.get_attribute("tabindex") == "0"

        next_step.click()
        wait_for_bot_text(page, "Step 2 of 6")
        step_two = page.locator(".rw-response", has_text="Step 2 of 6").last
        sync_api.expect(step_two).to_contain_text(SHORT_DISCLAIMER, timeout=REPLY_TIMEOUT_MS)
        assert not any(text.strip() in (FULL_DISCLAIMER, SHORT_DISCLAIMER) for text in bot_texts(page))
        page.wait_for_timeout(1000)  # the step's buttons follow
        page.screenshot(path=str(ARTIFACTS / "web-widget.png"))
        assert_accessible(page, "open-with-answers")
        before = bot_texts(page)

        # session persistence: the same conversation after a reload, and the server still knows where we are
        page.reload()
        sync_api.expect(page.locator(".rw-conversation-container")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(page, "Step 2 of 6")
        after = bot_texts(page)
        assert after[: len(before)] == before
        send(page, "next")
        wait_for_bot_text(page, "Step 3 of 6")

        # a message that looks like HTML is shown as text and runs nothing
        send(page, XSS)
        sync_api.expect(page.locator(".rw-client", has_text=XSS)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        page.wait_for_timeout(3000)  # the bot's reply, and any script, would have run by now
        assert page.locator("img[src='x']").count() == 0
        assert watched.dialogs == []

        # works offline: nothing was fetched from beyond this machine, and no script failed
        assert watched.outside == []
        assert watched.errors == [] and watched.unexpected_console_errors() == []
    finally:
        watched.close()


def through_relay(watched, relay):
    """The page's widget talks to the Rasa server through relay (its config.js says so)."""
    script = config_js(f"http://127.0.0.1:{relay.port}", CLINIC)
    watched.context.route("**/config.js", lambda route: route.fulfill(content_type="text/javascript", body=script))


def status(page):
    return page.locator(".rw-conversation-container [role=status]")


def expect_whom_to_call(page):
    """The notice of a chat that cannot connect: the clinic's number as a tap-to-call link, the emergency advice."""
    sync_api.expect(status(page)).to_contain_text("cannot connect", timeout=10_000)
    sync_api.expect(status(page)).to_contain_text("You can reach Test Vein Clinic on 0100 000 000")
    sync_api.expect(status(page)).to_contain_text("go to the nearest emergency department")
    assert status(page).locator("a", has_text="0100 000 000").get_attribute("href") == "tel:0100000000"


@pytest.fixture
def down_site(browser):
    """The page served, its Rasa server not running (nothing listens on the port config.js names)."""
    with serving_web_page(WEB, config_js(f"http://127.0.0.1:{free_port()}", CLINIC)) as page_url:
        yield page_url + "/"


def test_when_the_server_cannot_be_reached_the_chat_says_whom_to_call(down_site, browser):
    watched = Watched(browser)
    page = watched.page
    try:
        page.goto(down_site)
        open_widget_with_keyboard(page)
        sync_api.expect(status(page)).to_be_empty()  # not at once: a connection takes a moment
        expect_whom_to_call(page)
        page.screenshot(path=str(ARTIFACTS / "web-widget-server-down.png"))
        assert_accessible(page, "server-down")
        assert watched.errors == []
    finally:
        watched.close()


def test_a_lost_connection_is_announced_and_so_is_its_return(site, browser):
    relay = HeldRelay(site["rasa_port"])
    relay.release()
    watched = Watched(browser)
    page = watched.page
    through_relay(watched, relay)
    try:
        page.goto(site["url"])
        page.locator(".rw-launcher").click(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(page, "I can explain each step")
        sync_api.expect(status(page)).to_be_empty()
        relay.hold()  # the connection drops mid-conversation, and cannot be made again for now
        expect_whom_to_call(page)
        relay.release()
        sync_api.expect(status(page)).to_contain_text("connected again", timeout=REPLY_TIMEOUT_MS)
        assert "cannot connect" not in status(page).inner_text()
        send(page, "what happens first?")
        wait_for_bot_text(page, "Step 1 of 6")
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()
        relay.close()


def test_a_chat_opened_before_its_connection_is_up_gets_the_greeting_once(site, browser):
    """The CI failure: the chat opened while the first Socket.IO handshake was still unanswered (a cold
    server) made rasa-webchat open a second socket, and the greeting went out naming the other socket's
    session; the server refused it and the widget never sent it again. Here the server answers late on
    purpose (a relay holds the connections), and the page must still open one socket and greet once."""
    relay = HeldRelay(site["rasa_port"])
    watched = Watched(browser)
    page = watched.page
    handshakes = []  # Engine.IO handshakes: one per Socket.IO connection the page makes
    page.on("request", lambda request: "/socket.io/" in request.url and "sid=" not in request.url
            and handshakes.append(request.url))
    through_relay(watched, relay)
    try:
        page.goto(site["url"])
        open_widget_with_keyboard(page)
        page.wait_for_timeout(3000)  # open, and still connecting
        relay.release()
        wait_for_bot_text(page, "I can explain each step")
        page.wait_for_timeout(2000)  # a second greeting, had there been one
        assert sum("I can explain each step" in text for text in bot_texts(page)) == 1
        assert len(handshakes) == 1, handshakes
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()
        relay.close()


def test_the_emergency_answer_is_an_alert_with_a_tap_to_call_link(site, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 800})
    page = watched.page
    try:
        page.goto(site["url"])
        page.locator(".rw-launcher").click(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(page, "I can explain each step")
        send(page, "I have chest pain and can't breathe")
        alert = page.locator(".rw-response.ta-emergency")
        sync_api.expect(alert).to_contain_text("This may be an emergency", timeout=REPLY_TIMEOUT_MS)
        link = alert.locator("a[href^='tel:']")
        sync_api.expect(link).to_have_text(EMERGENCY_NUMBER)
        sync_api.expect(alert).to_contain_text(f"Call {EMERGENCY_NUMBER} now")
        sync_api.expect(alert).to_contain_text("Do not drive yourself.")
        assert link.get_attribute("href") == f"tel:{EMERGENCY_NUMBER}" and link.get_attribute("target") is None
        assert alert.locator("strong").inner_text() == "This may be an emergency."  # the heading, bold
        colours = alert.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
        assert colours == ["rgb(122, 0, 22)", "rgb(253, 236, 238)"]
        assert page.locator(".rw-response.ta-emergency").count() == 1  # only that answer
        assert_accessible(page, "emergency-answer")
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()


def test_a_long_answer_is_shown_from_its_first_line(site, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 640})
    page = watched.page
    try:
        page.goto(site["url"])
        page.locator(".rw-launcher").click(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(page, "I can explain each step")
        send(page, "what happens first?")
        wait_for_bot_text(page, "not medical advice")
        sync_api.expect(page.locator(".rw-reply", has_text="Next step").last).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        page.wait_for_timeout(1000)
        heading = page.locator(".rw-response", has_text="Step 1 of 6").last
        top, bottom = page.locator(".rw-messages-container").evaluate(
            "e => [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]")
        box = heading.bounding_box()
        assert top <= box["y"] < bottom, (top, box, bottom)  # the heading is in view, not scrolled past
        scrolled = page.locator(".rw-messages-container").evaluate("e => e.scrollHeight - e.clientHeight - e.scrollTop")
        assert scrolled > 0  # the answer is longer than the view: it was not left at the bottom
    finally:
        watched.close()


def focused(page, selector):
    return page.evaluate("selector => !!document.activeElement && document.activeElement.matches(selector)", selector)


def expect_focus(page, selector):
    page.wait_for_function("selector => !!document.activeElement && document.activeElement.matches(selector)",
                           arg=selector, timeout=10_000)


def test_the_chat_can_be_used_with_the_keyboard_alone(site, browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 800})
    page = watched.page
    try:
        page.goto(site["url"])
        sync_api.expect(page.locator(".rw-launcher")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        open_widget_with_keyboard(page)
        dialog = page.locator(".rw-conversation-container")
        assert dialog.get_attribute("role") == "dialog"
        title = page.locator("#" + dialog.get_attribute("aria-labelledby"))
        sync_api.expect(title).to_have_text("Questions about your procedure")
        expect_focus(page, ".rw-new-message")  # open: the box has the focus, once connected
        wait_for_bot_text(page, "I can explain each step")

        page.keyboard.type("what happens first?")
        page.keyboard.press("Enter")
        wait_for_bot_text(page, "Step 1 of 6")
        expect_focus(page, ".rw-new-message")
        next_step = page.locator(".rw-reply", has_text="Next step").last
        sync_api.expect(next_step).to_be_visible(timeout=REPLY_TIMEOUT_MS)

        # back from the box to the quick reply, and choose it with Enter
        for _ in range(15):
            page.keyboard.press("Shift+Tab")
            if page.evaluate("document.activeElement.textContent") == "Next step":
                break
        else:
            pytest.fail("the Next step button cannot be reached with Shift+Tab")
        page.keyboard.press("Enter")
        wait_for_bot_text(page, "Step 2 of 6")
        expect_focus(page, ".rw-new-message")

        # the send button: type, Tab to it, press it; the focus comes back to the box
        page.keyboard.type("next")
        page.keyboard.press("Tab")
        assert focused(page, ".rw-send")
        page.keyboard.press("Enter")
        wait_for_bot_text(page, "Step 3 of 6")
        expect_focus(page, ".rw-new-message")

        page.keyboard.press("Escape")
        sync_api.expect(dialog).to_have_count(0)
        expect_focus(page, ".rw-launcher")
        assert "Open the chat" in page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()


def rgb(css_colour):
    """(r, g, b) of a computed CSS colour, "rgb(1, 2, 3)" or "rgba(1, 2, 3, 1)"."""
    return tuple(int(value) for value in re.findall(r"\d+", css_colour)[:3])


def contrast(first, second):
    """WCAG 2 contrast ratio of two computed CSS colours."""
    def luminance(colour):
        channels = [c / 255 for c in rgb(colour)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_helper_matches_known_ratios():
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert round(contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)"), 2) == 1.64  # the old focus ring


def test_the_chat_reflows_at_320_px_and_its_text_and_focus_ring_are_readable(site, browser):
    narrow = {"width": 320, "height": 640}
    watched = Watched(browser, viewport=narrow)
    page = watched.page
    try:
        page.goto(site["url"])
        open_widget_with_keyboard(page)
        wait_for_bot_text(page, "I can explain each step")
        title = page.locator(".rw-header .rw-title").bounding_box()
        subtitle = page.locator(".rw-header > span").bounding_box()
        header = page.locator(".rw-header").bounding_box()
        assert title["y"] + title["height"] <= subtitle["y"] + 0.5, (title, subtitle)  # stacked, not overlapping
        assert subtitle["y"] + subtitle["height"] <= header["y"] + header["height"] + 0.5  # inside the header
        close = page.locator(".rw-close-button").bounding_box()
        assert close["x"] >= max(title["x"] + title["width"], subtitle["x"] + subtitle["width"]) - 0.5
        assert page.evaluate("document.documentElement.scrollWidth") <= narrow["width"]  # no horizontal scroll
        for box in (title, subtitle, header, page.locator(".rw-new-message").bounding_box()):
            assert box["x"] >= 0 and box["x"] + box["width"] <= narrow["width"] + 0.5

        style = "(selector, property, pseudo) => getComputedStyle(document.querySelector(selector), pseudo)[property]"
        def css(selector, property, pseudo=None):
            return page.evaluate(f"([s, p, e]) => ({style})(s, p, e)", [selector, property, pseudo])
        # the text box's hint and the Connecting... bar: 4.5:1 at least
        assert contrast(css(".rw-new-message", "color", "::placeholder"), css(".rw-new-message", "backgroundColor")) >= 4.5
        page.evaluate("document.querySelector('.rw-header-and-loading').insertAdjacentHTML('beforeend', "
                      "'<span class=\"rw-loading\">Connecting...</span>')")  # as the widget shows it while connecting
        assert contrast(css(".rw-loading", "color"), css(".rw-loading", "backgroundColor")) >= 4.5
        # bubbles: line height at least 1.5 times the text
        for selector in (".rw-message", ".rw-response"):
            assert float(css(selector, "lineHeight")[:-2]) >= 1.5 * float(css(selector, "fontSize")[:-2]), selector
        # the focus ring: two colours at least 9:1 apart (WCAG C40), so one of them is 3:1 on any background
        page.locator(".rw-new-message").focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus-visible, as with the keyboard
        ring = page.evaluate("() => { const c = getComputedStyle(document.activeElement); "
                             "return [c.outlineColor, c.outlineStyle, c.outlineWidth, c.boxShadow]; }")
        assert ring[1] == "solid" and float(ring[2][:-2]) >= 3, ring
        inner = re.match(r"rgba?\([^)]*\)", ring[3]).group(0)
        assert contrast(ring[0], inner) >= 9, ring
        for background in ("rgb(255, 255, 255)", css(".rw-header", "backgroundColor"), css(".rw-sender", "backgroundColor")):
            assert max(contrast(ring[0], background), contrast(inner, background)) >= 3, (ring, background)
    finally:
        watched.close()


def stored_session_id(page):
    """The session id the widget keeps in local storage (rasa-webchat's "chat_session")."""
    return page.evaluate("JSON.parse(window.localStorage.getItem('chat_session') || '{}').session_id")


def test_another_browser_given_a_stored_id_does_not_see_that_conversation(site, browser):
    """Browser B puts A's conversation id, as the tracker store keeps it (the pseudonym of
    web:<random part>, privacy/pseudonyms.py), in its storage."""
    a = Watched(browser)
    b = Watched(browser)
    try:
        a.page.goto(site["url"])
        a.page.locator(".rw-launcher").click(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(a.page, "I can explain each step")
        send(a.page, "what happens first?")
        wait_for_bot_text(a.page, "Step 1 of 6")
        send(a.page, "next")
        wait_for_bot_text(a.page, "Step 2 of 6")
        a_session = stored_session_id(a.page)
        a_stored_sender = stored_sender_id("web:" + a_session.split(".")[0], SENDER_ID_KEY)
        with sqlite3.connect(site["db"]) as connection:  # really A's conversation in the tracker store
            assert connection.execute("SELECT 1 FROM events WHERE sender_id = ?", (a_stored_sender,)).fetchall()

        b.page.goto(site["url"])
        b.page.locator(".rw-launcher").click(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(b.page, "I can explain each step")
        b.page.evaluate("""forged => {
            const session = JSON.parse(window.localStorage.getItem('chat_session'));
            session.session_id = forged;
            window.localStorage.setItem('chat_session', JSON.stringify(session));
        }""", a_stored_sender)
        b.page.reload()
        sync_api.expect(b.page.locator(".rw-conversation-container")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        # the server gave B a new session, which the widget now keeps
        b.page.wait_for_function("forged => JSON.parse(window.localStorage.getItem('chat_session')).session_id "
                                 "!== forged", arg=a_stored_sender, timeout=REPLY_TIMEOUT_MS)
        b_session = stored_session_id(b.page)
        assert b_session not in (a_session, a_stored_sender) and "." in b_session
        send(b.page, "next")
        wait_for_bot_text(b.page, "Step 1 of 6")  # from the start, not A's step 3
        b.page.wait_for_timeout(2000)
        assert not any("Step 2 of 6" in text or "Step 3 of 6" in text for text in bot_texts(b.page))

        # A is where it was
        send(a.page, "next")
        wait_for_bot_text(a.page, "Step 3 of 6")
        assert a.errors == [] and b.errors == [] and a.outside == [] and b.outside == []
    finally:
        a.close()
        b.close()


def test_the_widget_fits_a_phone_screen(site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    phone = {"width": 390, "height": 844}
    watched = Watched(browser, viewport=phone, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = watched.page
    try:
        page.goto(site["url"])
        page.locator(".rw-launcher").click(timeout=REPLY_TIMEOUT_MS)
        wait_for_bot_text(page, "I can explain each step")
        sync_api.expect(page.locator(".rw-reply", has_text="Start at step 1")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        box = page.locator(".rw-conversation-container").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= phone["width"] + 1
        assert box["y"] >= 0 and box["y"] + box["height"] <= phone["height"] + 1
        sync_api.expect(page.locator(".rw-new-message")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "web-widget-phone.png"))
        assert_accessible(page, "phone-open")

        # full screen: a modal dialog, the page behind it inert (no focus, no skip link over the header)
        assert page.locator(".rw-conversation-container").get_attribute("aria-modal") == "true"
        assert page.evaluate("['main', 'header', 'footer', '.skip-link'].every(s => document.querySelector(s).inert)")
        for _ in range(8):  # Tab goes round the chat (and the browser's own controls), never the page
            page.keyboard.press("Tab")
            assert page.evaluate("!document.activeElement.closest('main, .site-header, .site-footer, .skip-link')")

        page.locator(".rw-close-button").click()
        sync_api.expect(page.locator(".rw-conversation-container")).to_have_count(0)
        sync_api.expect(page.locator("h1")).to_be_visible()
        expect_focus(page, ".rw-launcher")
        assert page.evaluate("!document.querySelector('main').inert && !document.querySelector('.skip-link').inert")
        assert watched.outside == [] and watched.errors == [] and watched.unexpected_console_errors() == []
    finally:
        watched.close()
