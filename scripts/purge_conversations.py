"""Retention: delete the stored conversations that have been idle for more than N days.

A conversation is deleted whole (every event of every session) when its last
event is older than N days. The tracker store is the one endpoints.yml uses,
from the same environment variables (TRACKER_DB_DIALECT, TRACKER_DB, ...), and
SENDER_ID_KEY like the Rasa server (`make purge` passes the same one as `make run`).

Usage: python scripts/purge_conversations.py [--older-than-days N]
       (default N: the RETENTION_DAYS environment variable; `make purge` sets it)
"""
import argparse
import os
import sys
import time

from privacy.pseudonyms import SenderIdKeyError
from privacy.tracker_store import PrivateSQLTrackerStore

DAY = 24 * 60 * 60


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--older-than-days", type=float, default=None,
                        help="delete conversations idle for longer than this (default: $RETENTION_DAYS)")
    args = parser.parse_args(argv)
    days = args.older_than_days
    if days is None:
        if not os.environ.get("RETENTION_DAYS", "").strip():
            parser.error("give --older-than-days N or set RETENTION_DAYS")
        days = float(os.environ["RETENTION_DAYS"])
    if days < 0:
        parser.error("the number of days cannot be negative")
    try:
        store = PrivateSQLTrackerStore.from_environment()
    except SenderIdKeyError as error:
        print(f"purge_conversations: {error}", file=sys.stderr)
        return 2
    deleted = store.purge_older_than(time.time() - days * DAY)
    print(f"deleted {len(deleted)} conversation(s) idle for more than {days:g} day(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
