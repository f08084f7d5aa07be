"""python -m container ROLE: the image's entry point (deploy/Containerfile), configured by the environment only.

    rasa      the hardened Rasa server (python -m server) on 0.0.0.0:5005, its credentials file first
              written from the environment (scripts/credentials.py); --cors from CORS_ORIGINS
    actions   the action server on 0.0.0.0:5055
    console   the staff console on 0.0.0.0:CONSOLE_PORT (docs/console.md)
    health    exit 0 when the server running in this container answers (the image's HEALTHCHECK)

A setting left unset gets the Makefile's default (settings.makefile_defaults()), as under `make run`.
Each server replaces this process (exec), so it gets the container's stop signal itself.
"""
import os
import sys
from typing import Dict, List, Mapping, Optional

from container import roles


def main(argv: Optional[List[str]] = None, environ: Mapping[str, str] = os.environ) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in (*roles.ROLES, "health"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "health":
        return 0 if roles.healthy(roles.running_role(), environ) else 1
    env: Dict[str, str] = roles.environment(environ)
    try:
        command = roles.command(argv[0], env, argv[1:])
    except roles.MissingSetting as missing:
        print(f"container: {missing}", file=sys.stderr)
        return 2
    os.execvpe(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
