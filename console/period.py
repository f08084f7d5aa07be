"""The period a page shows: whole days in UTC, from `from` to `to` (YYYY-MM-DD, both included)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import List, Mapping, Optional

DEFAULT_DAYS = 7
MAX_DAYS = 366


class BadPeriod(ValueError):
    """A period the console cannot show; the message says why."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> float:
        return datetime.combine(self.first, time(), timezone.utc).timestamp()

    @property
    def end(self) -> float:
        return datetime.combine(self.last + timedelta(days=1), time(), timezone.utc).timestamp()

    def days(self) -> List[str]:
        return [(self.first + timedelta(days=n)).isoformat() for n in range((self.last - self.first).days + 1)]

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadPeriod(f"{name!r} must be a date as YYYY-MM-DD, not {text[:20]!r}") from None


def period(args: Mapping[str, str], today: Optional[date] = None) -> Period:
    """The period from query arguments `from` and `to`; by default the last DEFAULT_DAYS days to today."""
    today = today or datetime.now(timezone.utc).date()
    last = _day("to", args["to"]) if args.get("to") else today
    first = _day("from", args["from"]) if args.get("from") else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise BadPeriod("'from' must not be after 'to'")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadPeriod(f"a period is at most {MAX_DAYS} days")
    return Period(first, last)
