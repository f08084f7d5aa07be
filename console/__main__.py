"""python -m console: start the staff console (settings from the environment, docs/console.md).

    python -m console                  serve on CONSOLE_HOST:CONSOLE_PORT (127.0.0.1:8010 by default)
    python -m console hash-password    print a password hash for CONSOLE_USERS (asks for the password;
                                       reads it from standard input when that is not a terminal)
"""
import argparse
import getpass
import sys
from typing import List, Optional

from console import passwords
from console.app import MissingFiles, create_app
from console.config import ConfigError, from_environment
from console.store import StoreError


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("New password: ")
    if getpass.getpass("Same password again: ") != password:
        raise passwords.WeakPassword("the two passwords differ")
    return password


def hash_password() -> int:
    try:
        print(passwords.hash_password(_read_password()))
    except passwords.WeakPassword as error:
        print(f"console: {error}", file=sys.stderr)
        return 2
    return 0


def serve() -> int:
    try:
        config = from_environment()
        app = create_app(config)
    except (ConfigError, StoreError, MissingFiles) as error:
        print(f"console: not started: {error}", file=sys.stderr)
        return 2
    print(f"Staff console on http://{config.host}:{config.port}/", flush=True)
    app.run(host=config.host, port=config.port, access_log=False, motd=False, workers=1)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", choices=["serve", "hash-password"], default="serve")
    args = parser.parse_args(argv)
    return hash_password() if args.command == "hash-password" else serve()


if __name__ == "__main__":
    sys.exit(main())
