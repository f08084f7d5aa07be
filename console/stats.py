"""The overview: conversations and messages per day, how messages were answered, top topics, channels."""
import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence, Tuple

from console.messages import CATEGORIES, CATEGORY_LABELS, Message
from console.period import Period

TOP_TOPICS = 10


@dataclass
class Overview:
    days: List[Dict]
    totals: Dict[str, int]
    shares: List[Tuple[str, int, float]]
    topics: List[Tuple[str, int]]
    channels: List[Tuple[str, int]]


@dataclass
class Counts:
    """The counts an overview is made of (from messages here, or from the console's own table: console.derived)."""
    days: Dict[str, Dict[str, int]]  # day -> conversations, messages and each category's count
    conversations: int
    categories: Mapping[str, int]
    topics: List[Tuple[str, int]]  # the most answered, most first
    channels: Mapping[str, int]


def from_counts(counts: Counts, period: Period) -> Overview:
    empty = {"conversations": 0, "messages": 0, **{c: 0 for c in CATEGORIES}}
    total = sum(counts.categories.get(c, 0) for c in CATEGORIES)
    return Overview(
        days=[{"day": day, **empty, **counts.days.get(day, {})} for day in period.days()],
        totals={"conversations": counts.conversations, "messages": total},
        shares=[(c, counts.categories.get(c, 0), (counts.categories.get(c, 0) / total * 100) if total else 0.0)
                for c in CATEGORIES],
        topics=counts.topics[:TOP_TOPICS],
        channels=sorted(counts.channels.items(), key=lambda item: (-item[1], item[0])),
    )


def overview(messages: Sequence[Message], period: Period) -> Overview:
    in_period = [m for m in messages if period.start <= m.timestamp < period.end]
    senders: Dict[str, set] = {}
    days: Dict[str, Dict[str, int]] = {}
    for message in in_period:
        row = days.setdefault(message.day, Counter())
        senders.setdefault(message.day, set()).add(message.sender_id)
        row["messages"] += 1
        row[message.category] += 1
    for day, row in days.items():
        row["conversations"] = len(senders[day])
    return from_counts(Counts(days=days, conversations=len({m.sender_id for m in in_period}),
                              categories=Counter(m.category for m in in_period),
                              topics=Counter(m.topic for m in in_period if m.topic).most_common(TOP_TOPICS),
                              channels=Counter(m.channel for m in in_period)), period)


CSV_COLUMNS = ("day", "conversations", "messages", *CATEGORIES)


def days_csv(result: Overview) -> str:
    """The per-day table as CSV (UTC days; the counts of messages by answer category)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in result.days:
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return out.getvalue()


def chart_data(result: Overview) -> Dict:
    """What console.js draws: the same numbers as the page's tables."""
    return {"days": [row["day"] for row in result.days],
            "conversations": [row["conversations"] for row in result.days],
            "messages": [row["messages"] for row in result.days],
            "shares": [CATEGORY_LABELS[category] for category, _, _ in result.shares],
            "share_counts": [count for _, count, _ in result.shares]}
