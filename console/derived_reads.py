"""What the pages read from the console's own table of messages (console.derived): the overview's
counts, done by SQLite, and the messages of some answer categories (safety, not understood)."""
from collections import Counter
from contextlib import closing
from typing import Iterable, List

from console.derived import Derived, answers_of
from console.messages import CATEGORIES, Message
from console.period import Period
from console.stats import TOP_TOPICS, Counts, Overview, from_counts

IN_PERIOD = "FROM messages WHERE timestamp >= ? AND timestamp < ?"
DAY = "date(timestamp, 'unixepoch')"  # the UTC day


def overview(derived: Derived, period: Period) -> Overview:
    bounds = (period.start, period.end)
    per_category = ", ".join(f"sum(category = '{category}')" for category in CATEGORIES)
    with closing(derived.connect()) as connection:
        days = {day: {"conversations": conversations, "messages": count, **dict(zip(CATEGORIES, by_category))}
                for day, conversations, count, *by_category in connection.execute(
                    f"SELECT {DAY}, count(DISTINCT sender_id), count(*), {per_category} {IN_PERIOD} GROUP BY 1", bounds)}
        conversations, = connection.execute(f"SELECT count(DISTINCT sender_id) {IN_PERIOD}", bounds).fetchone()
        categories = Counter(dict(connection.execute(f"SELECT category, count(*) {IN_PERIOD} GROUP BY 1", bounds)))
        topics = connection.execute(f"SELECT topic, count(*) {IN_PERIOD} AND topic IS NOT NULL GROUP BY 1 "
                                    "ORDER BY 2 DESC, 1 LIMIT ?", (*bounds, TOP_TOPICS)).fetchall()
        channels = Counter(dict(connection.execute(f"SELECT channel, count(*) {IN_PERIOD} GROUP BY 1", bounds)))
    return from_counts(Counts(days=days, conversations=conversations, categories=categories,
                              topics=[tuple(row) for row in topics], channels=channels), period)


def messages_answered(derived: Derived, period: Period, categories: Iterable[str]) -> List[Message]:
    """The messages of the period answered in one of these categories, as stored (by id)."""
    categories = list(categories)
    marks = ", ".join("?" for _ in categories)
    with closing(derived.connect()) as connection:
        rows = connection.execute(f"SELECT sender_id, timestamp, text, channel, answers {IN_PERIOD} "
                                  f"AND category IN ({marks}) ORDER BY id", (period.start, period.end, *categories))
        found = [Message(sender_id=sender_id, timestamp=timestamp, text=text, channel=channel, intent=None,
                         ranking=[], answers=answers_of(answers))
                 for sender_id, timestamp, text, channel, answers in rows]
    return found
