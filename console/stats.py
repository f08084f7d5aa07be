"""The overview: conversations and messages per day, how messages were answered, top topics, channels."""
import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

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


def overview(messages: Sequence[Message], period: Period) -> Overview:
    in_period = [m for m in messages if period.start <= m.timestamp < period.end]
    by_day = {day: {"day": day, "conversations": set(), "messages": 0, **{c: 0 for c in CATEGORIES}}
              for day in period.days()}
    for message in in_period:
        row = by_day[message.day]
        row["conversations"].add(message.sender_id)
        row["messages"] += 1
        row[message.category] += 1
    days = [{**row, "conversations": len(row["conversations"])} for row in by_day.values()]
    categories = Counter(m.category for m in in_period)
    total = len(in_period)
    return Overview(
        days=days,
        totals={"conversations": len({m.sender_id for m in in_period}), "messages": total},
        shares=[(c, categories[c], (categories[c] / total * 100) if total else 0.0) for c in CATEGORIES],
        topics=Counter(m.topic for m in in_period if m.topic).most_common(TOP_TOPICS),
        channels=sorted(Counter(m.channel for m in in_period).items(), key=lambda item: (-item[1], item[0])),
    )


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
