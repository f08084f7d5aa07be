"""deploy/nginx.conf, the compose stack's nginx: cluster/nginx.conf.in (the routing of `make cluster`,
sticky web chats) with the compose services as replicas and the logs on the container's output.

    python -m container.nginx_conf [OUT]     (default deploy/nginx.conf; tests/container/ check it is in step)
"""
import sys
from pathlib import Path
from typing import List, Optional

from cluster.nginx import render
from container.roles import RASA_PORT

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "deploy" / "nginx.conf"
# deploy/compose.yaml's Rasa services and the Helm releases (deploy/helm/), in replica order (SOCKETIO_REPLICA r1, r2)
REPLICA_SERVICES = ("rasa-r1", "rasa-r2")
LISTEN = "8080"
# the official nginx image's master runs as root: its pid and temporary files in /tmp
PREFIX = Path("/tmp")
HEADER = "# Written by `python -m container.nginx_conf` from cluster/nginx.conf.in: do not edit.\n"


def config() -> str:
    return HEADER + render(PREFIX, LISTEN, [f"{service}:{RASA_PORT}" for service in REPLICA_SERVICES],
                           error_log="/dev/stderr", access_log="/dev/stdout")


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT
    out.write_text(config())
    print(f"{out}: nginx for {', '.join(REPLICA_SERVICES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
