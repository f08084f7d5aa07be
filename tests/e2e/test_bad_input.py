"""Bad input through the real REST channel: a clear answer or a 4xx naming the problem, never a crash,
a hang or a lost conversation (server/input_guard.py in front of Rasa's REST webhook).

BAD_INPUT_EXAMPLES sets how many generated requests the property test sends (default 2000).
"""
import json
import os
import socket
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.procmem import status_kib
from tests.conftest import ROOT
from tests.e2e.servers import running_assistant
from tests.model_helpers import trained_model

pytestmark = pytest.mark.model

CLINIC_PAGE = "https://www.example-clinic.org"
# a hang: no answer within this time (answers take well under a second, refusals a few milliseconds)
HANG_SECONDS = 30
REFUSAL_SECONDS = 5
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
EMERGENCY_TEXT = DOMAIN["responses"]["utter_emergency"][0]["text"]


@pytest.fixture(scope="module")
def assistant():
    processes = {}
    with running_assistant(trained_model(), rasa_args=["--cors", CLINIC_PAGE], processes=processes) as url:
        yield url, processes


@pytest.fixture(scope="module")
def webhook(assistant):
    return assistant[0] + "/webhooks/rest/webhook"


def post(webhook, session=requests, **kwargs):
    """POST to the webhook; no answer within HANG_SECONDS is a failure (requests raises ReadTimeout)."""
    return session.post(webhook, timeout=HANG_SECONDS, **kwargs)


def say(webhook, sender, text):
    reply = post(webhook, json={"sender": sender, "message": text})
    assert reply.status_code == 200, reply.text
    return reply.json()


def texts(replies):
    return [reply.get("text") for reply in replies if reply.get("text")]


def assert_refused(reply, status, reason):
    assert reply.status_code == status, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    error = reply.json()
    assert error["reason"] == reason
    assert error["code"] == status and error["status"] == "failure"
    assert len(error["message"]) > 20  # a sentence naming the problem


def raw(data: bytes):
    return {"data": data, "headers": {"Content-Type": "application/json"}}


def message(text, sender=None):
    return {"json": {"sender": sender or str(uuid.uuid4()), "message": text}}


REFUSED = [
    pytest.param(message(""), 400, "MessageEmpty", id="empty message"),
    pytest.param(message("   "), 400, "MessageEmpty", id="whitespace-only message"),
    pytest.param(message("\u200b\ufeff"), 400, "MessageEmpty", id="invisible characters only"),
    pytest.param(message("a" * 2001), 413, "MessageTooLong", id="2,001 characters"),
    pytest.param(message("what happens first? " * 5000), 413, "BodyTooLarge", id="100,000 characters"),
    pytest.param(raw(b'{"sender": "p", "message": "caf\xe9"}'), 400, "BodyNotUtf8", id="body not UTF-8"),
    pytest.param({"data": bytes(range(256))}, 400, "BodyNotUtf8", id="binary body"),
    pytest.param(raw(b"hello there"), 400, "BodyNotJson", id="body not JSON"),
    pytest.param(raw(b""), 400, "BodyEmpty", id="empty body"),
    pytest.param({"json": ["p", "hello"]}, 400, "BodyNotObject", id="JSON list"),
    pytest.param({"json": 42}, 400, "BodyNotObject", id="JSON number"),
    pytest.param({"json": {"message": "hello"}}, 400, "SenderMissing", id="missing sender"),
    pytest.param({"json": {"sender": "p"}}, 400, "MessageMissing", id="missing message"),
    pytest.param(message(None), 400, "MessageNotText", id="message null"),
    pytest.param(message(42), 400, "MessageNotText", id="message number"),
    pytest.param(message(["hello"]), 400, "MessageNotText", id="message list"),
    pytest.param(message({"text": "hello"}), 400, "MessageNotText", id="message object"),
    pytest.param(raw(b'{"sender": "p", "message": "hi \\ud800"}'), 400, "MessageNotUnicode", id="unpaired surrogate"),
    pytest.param({"json": {"sender": 12345, "message": "hello"}}, 400, "SenderNotText", id="sender number"),
    pytest.param({"json": {"sender": None, "message": "hello"}}, 400, "SenderNotText", id="sender null"),
    pytest.param({"json": {"sender": "", "message": "hello"}}, 400, "SenderEmpty", id="sender empty"),
    pytest.param(message("hello", sender="s" * 10000), 400, "SenderTooLong", id="sender 10,000 characters"),
    pytest.param(message("hello", sender="patient\u202e1"), 400, "SenderInvalid", id="sender right-to-left override"),
    pytest.param(message("hello", sender="pat\u200bient"), 400, "SenderInvalid", id="sender zero-width space"),
    pytest.param(message("what is a stent " * 20000), 413, "BodyTooLarge", id="320,000 characters (over Sanic's limit)"),
    pytest.param(message("/restart"), 400, "ControlCommandRefused", id="/restart"),
    pytest.param(message("/back"), 400, "ControlCommandRefused", id="/back"),
    pytest.param({"json": {"sender": "p", "message": "hi", "metadata": [1]}}, 400, "MetadataNotObject",
                 id="metadata list"),
]


@pytest.mark.parametrize("request_kwargs, status, reason", REFUSED)
def test_bad_input_gets_a_quick_4xx_naming_the_problem(webhook, request_kwargs, status, reason):
    start = time.monotonic()
    reply = post(webhook, **request_kwargs)
    assert time.monotonic() - start < REFUSAL_SECONDS
    assert_refused(reply, status, reason)


def declared_body(webhook, length, sent=1024):
    """POST with Content-Length `length` but only `sent` bytes of body; the status line and the time to it."""
    parts = urlsplit(webhook)
    start = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=HANG_SECONDS) as connection:
        connection.sendall(f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
                           f"Content-Length: {length}\r\n\r\n".encode() + b"{" * sent)
        answer = connection.recv(65536).decode(errors="replace")
    return answer, time.monotonic() - start


@pytest.mark.parametrize("megabytes", [95, 150])
def test_a_huge_body_is_refused_from_its_declared_length_without_being_read(webhook, megabytes):
    # before: 413 only after each 95 MB body was read into memory; over 100 MB, 400 "BodyEmpty"
    answer, seconds = declared_body(webhook, megabytes * 1_000_000)
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert '"reason":"BodyTooLarge"' in answer.replace(" ", "")
    assert seconds < REFUSAL_SECONDS


def test_five_huge_bodies_at_once_do_not_grow_the_server(assistant, webhook):
    pid = assistant[1]["rasa"].popen.pid
    peak = status_kib(pid, "VmHWM")
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: declared_body(webhook, 95_000_000, sent=100_000)[0], range(5)))
    assert all(answer.startswith("HTTP/1.1 413") for answer in answers)
    assert (status_kib(pid, "VmHWM") - peak) / 1024 < 50  # before: 0.9 -> 1.5 GB
    assert texts(say(webhook, str(uuid.uuid4()), "what happens first?"))[0].startswith("Step 1 of 6:")


def test_streamed_bad_input_gets_the_same_4xx_instead_of_a_timeout(webhook):
    # without the guard: 503 "Response Timeout" after 60 s
    start = time.monotonic()
    assert_refused(post(webhook + "?stream=true", **message(None)), 400, "MessageNotText")
    assert time.monotonic() - start < REFUSAL_SECONDS


ANSWERED = ["😀🙏💉", "手术需要多长时间？", "كم من الوقت تستغرق العملية؟", "¿cuánto dura el procedimiento?",
            "<script>alert(1)</script>", "how long does it take?" + " " * 1978]


@pytest.mark.parametrize("text", ANSWERED, ids=["emoji only", "Chinese", "Arabic", "Spanish", "HTML script",
                                                "2,000 characters"])
def test_other_languages_emoji_and_html_get_an_answer_with_text(webhook, text):
    replies = say(webhook, str(uuid.uuid4()), text)
    assert texts(replies)
    assert not any("<script" in reply for reply in texts(replies))


def test_a_long_message_that_names_a_red_flag_gets_the_emergency_answer(webhook):
    text = "I have some questions about the procedure next week. " * 40 + "Also my chest feels really tight."
    assert len(text) > 2000
    assert texts(say(webhook, str(uuid.uuid4()), text)) == [EMERGENCY_TEXT]


def test_a_refusal_reaches_the_clinic_page_with_its_cors_header(webhook):
    reply = post(webhook, headers={"Origin": CLINIC_PAGE}, **message(""))
    assert_refused(reply, 400, "MessageEmpty")
    assert reply.headers.get("Access-Control-Allow-Origin") == CLINIC_PAGE


def test_nothing_is_lost_a_patient_at_step_2_carries_on_after_every_kind_of_bad_input(webhook):
    patient = str(uuid.uuid4())
    assert texts(say(webhook, patient, "how does the doctor get into the vein"))[0].startswith("Step 1 of 6:")
    assert texts(say(webhook, patient, "next"))[0].startswith("Step 2 of 6:")
    for request_kwargs, status, reason in (case.values for case in REFUSED):
        body = request_kwargs.get("json")
        if isinstance(body, dict) and isinstance(body.get("sender"), str) and not reason.startswith("Sender"):
            request_kwargs = {"json": {**body, "sender": patient}}
        elif "data" in request_kwargs:
            request_kwargs = {**request_kwargs, "data": request_kwargs["data"].replace(b'"p"', json.dumps(patient).encode())}
        assert_refused(post(webhook, **request_kwargs), status, reason)
    for text in ANSWERED:
        assert texts(say(webhook, patient, text))
    assert texts(say(webhook, patient, "next"))[0].startswith("Step 3 of 6:")


# --- property test: thousands of generated requests ---------------------------------------------

EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "2000"))
# button payloads and Rasa's own commands, typed as messages
SLASH_COMMANDS = [f"/{intent}" for intent in DOMAIN["intents"]] + ["/restart", "/back", "/session_start", "/", "/{"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
# st.text(): any Unicode character but surrogates, control and invisible characters included.
# Long texts repeat a short one (Hypothesis cannot draw 2,000 characters one by one).
long_texts = st.builds(lambda piece, length: (piece * length)[:length],
                       st.text(min_size=1, max_size=20), st.integers(min_value=1990, max_value=2010))
messages = st.one_of(st.text(), st.text(min_size=1, max_size=300), long_texts, st.sampled_from(SLASH_COMMANDS),
                     json_values)
senders = st.one_of(st.uuids().map(str), st.text(max_size=300), json_values)
well_formed = st.fixed_dictionaries({"sender": st.uuids().map(str), "message": messages})
any_fields = st.dictionaries(st.sampled_from(["sender", "message", "metadata", "input_channel"]),
                             st.one_of(senders, messages, json_values), max_size=4)


@st.composite
def request_bodies(draw):
    """Bytes of a request body: mostly JSON objects with a sender and a message, also any JSON and raw bytes."""
    kind = draw(st.sampled_from(["well formed", "well formed", "well formed", "any fields", "any JSON", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    payload = draw({"well formed": well_formed, "any fields": any_fields, "any JSON": json_values}[kind])
    return json.dumps(payload, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


def test_thousands_of_generated_requests_each_get_an_answer_or_a_4xx(assistant, webhook):
    url, processes = assistant
    seen = {"answered": 0, "refused": 0, "slowest": 0.0, "reasons": Counter()}
    session = requests.Session()

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(request_bodies())
    def each_request_gets_an_answer_or_a_4xx(body):
        start = time.monotonic()
        reply = post(webhook, session, data=body, headers={"Content-Type": "application/json"})
        seen["slowest"] = max(seen["slowest"], time.monotonic() - start)
        if reply.status_code == 200:
            assert texts(reply.json()), f"200 without an answer for {body[:200]!r}"
            seen["answered"] += 1
        else:
            assert 400 <= reply.status_code < 500, f"{reply.status_code} for {body[:200]!r}: {reply.text[:300]}"
            error = reply.json()
            assert error["code"] == reply.status_code and error["reason"] and error["message"]
            seen["refused"] += 1
            seen["reasons"][error["reason"]] += 1

    each_request_gets_an_answer_or_a_4xx()
    print(f"\n{EXAMPLES} generated requests: {seen['answered']} answered, {seen['refused']} refused, "
          f"slowest {seen['slowest']:.2f} s; refusals: {dict(seen['reasons'].most_common())}")
    assert processes["rasa"].popen.poll() is None, "the Rasa server died"
    assert seen["answered"] > EXAMPLES // 4 and seen["refused"] > EXAMPLES // 10  # both paths were exercised
    assert texts(say(webhook, str(uuid.uuid4()), "what happens first?"))[0].startswith("Step 1 of 6:")
