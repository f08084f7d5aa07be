"""console/stats.py and console/period.py: the overview's numbers from a real store."""
from datetime import date

import pytest

from console.messages import messages
from console.period import BadPeriod, Period, period
from console.stats import days_csv, overview
from console.store import ConversationStore, StoreConfig
from tests.console.conversations import ADVICE, CLARIFY, DAY, EMERGENCY, FALLBACK, GREET, STENT, STEP, Turn, save

DAY1 = Period(date(2026, 12, 1), date(2026, 12, 1)).start


@pytest.fixture
def found(tmp_path):
    db = tmp_path / "conversations.db"
    save(db, "rest:a", [Turn("hello", "greet", GREET), Turn("what happens first", "ask_access", STEP),
                        Turn("and a stent?", "ask_stent", STENT), Turn("sky on mars", "nlu_fallback", FALLBACK)], DAY1)
    save(db, "web:b", [Turn("chest pain", "emergency", EMERGENCY), Turn("stent", "ask_stent", STENT)], DAY1 + 100,
         channel="socketio")
    save(db, "3333", [Turn("my pills?", "ask_medical_advice", ADVICE), Turn("vein thing", "nlu_fallback", CLARIFY)],
         DAY1 + DAY, channel="telegram")
    save(db, "rest:old", [Turn("hello", "greet", GREET)], DAY1 - 10 * DAY)
    return messages(ConversationStore.open(StoreConfig(db=str(db))).answer_events_between(DAY1 - 20 * DAY, DAY1 + 5 * DAY))


def test_counts_per_day_shares_topics_and_channels(found):
    result = overview(found, Period(date(2026, 12, 1), date(2026, 12, 3)))
    assert [(d["day"], d["conversations"], d["messages"]) for d in result.days] == [
        ("2026-12-01", 2, 6), ("2026-12-02", 1, 2), ("2026-12-03", 0, 0)]
    assert result.totals == {"conversations": 3, "messages": 8}
    assert {c: n for c, n, _ in result.shares} == {"topic": 3, "clarification": 1, "fallback": 1,
                                                  "medical_advice": 1, "emergency": 1, "other": 1}
    assert dict((c, s) for c, _, s in result.shares)["topic"] == pytest.approx(37.5)
    assert result.topics == [("topic_stent", 2), ("step_access", 1)]
    assert result.channels == [("rest", 4), ("telegram", 2), ("web", 2)]
    assert days_csv(result).splitlines() == [
        "day,conversations,messages,topic,clarification,fallback,medical_advice,emergency,other",
        "2026-12-01,2,6,3,0,1,0,1,1", "2026-12-02,1,2,0,1,0,1,0,0", "2026-12-03,0,0,0,0,0,0,0,0"]


def test_an_empty_period(found):
    result = overview(found, Period(date(2026, 1, 1), date(2026, 1, 2)))
    assert result.totals == {"conversations": 0, "messages": 0} and all(s == 0 for _, _, s in result.shares)


def test_the_period_defaults_to_the_last_seven_days():
    assert period({}, today=date(2026, 12, 3)) == Period(date(2026, 11, 27), date(2026, 12, 3))
    assert period({"from": "2026-12-01", "to": "2026-12-02"}).days() == ["2026-12-01", "2026-12-02"]


@pytest.mark.parametrize("args, message", [
    ({"from": "yesterday"}, "'from' must be a date as YYYY-MM-DD"), ({"to": "2026-13-01"}, "'to' must be a date"),
    ({"from": "2026-12-02", "to": "2026-12-01"}, "must not be after"),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "at most 366 days"),
])
def test_a_bad_period_is_refused_with_the_reason(args, message):
    with pytest.raises(BadPeriod, match=message):
        period(args)
