"""`make cluster`: start the local cluster and keep it running until Ctrl-C.

Usage: python -m cluster [--replicas N] [--port PORT] [--dir var/cluster] [--model PATH]
"""
import argparse
import signal
import sys
from pathlib import Path

from cluster.local import local_cluster
from cluster.processes import ROOT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="Rasa servers behind nginx (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx listens on 127.0.0.1:PORT (default 8080)")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "cluster",
                        help="PostgreSQL data, secrets and logs (default var/cluster)")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "thrombectomy-assistant.tar.gz")
    parser.add_argument("--credentials", default="credentials.yml")
    parser.add_argument("--cors", nargs="*", default=[], help="web pages (origins) allowed to use the chat")
    args = parser.parse_args()
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    print(f"Starting PostgreSQL, Redis, the action server, {args.replicas} Rasa servers and nginx "
          f"(about a minute; logs in {args.dir / 'logs'})...", flush=True)
    with local_cluster(args.model, args.dir, args.replicas, args.port, args.credentials,
                       cors_origins=args.cors) as cluster:
        print(f"Cluster up. Talk to it through nginx: curl -s {cluster.url}/webhooks/rest/webhook "
              "-d '{\"sender\":\"me\",\"message\":\"hello\"}'", flush=True)
        print(f"  replicas: {', '.join(cluster.replica_urls)}")
        print(f"  PostgreSQL: 127.0.0.1:{cluster.postgres.port} database {cluster.postgres.database} "
              f"(password in {args.dir / 'secrets.json'})")
        print(f"  Redis lock store: 127.0.0.1:{cluster.redis.port}")
        print("Ctrl-C stops everything.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
