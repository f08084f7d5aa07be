"""Start the whole cluster on loopback: PostgreSQL, Redis, the action server, the Rasa
replicas and nginx in front. `make cluster` (cluster/__main__.py) and the cluster tests use it."""
import json
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from cluster.assistant import action_server, rasa_server
from cluster.nginx import NginxServer, replica_name
from cluster.postgres import PostgresServer
from cluster.processes import Process, free_port
from cluster.redis import RedisServer

# sender_id_key: the key of the stored sender ids (privacy/pseudonyms.py), the same for every replica
SECRET_NAMES = ("postgres_password", "redis_password", "session_secret", "sender_id_key")


def cluster_secrets(base_dir: Path) -> Dict[str, str]:
    """The local cluster's passwords and keys: made once, kept in base_dir/secrets.json (only we can
    read it), so a cluster folder can be started again (PostgreSQL keeps its password in its data,
    the stored conversations need the same sender id key). A name missing from an older file is added."""
    path = base_dir / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    missing = [name for name in SECRET_NAMES if name not in values]
    if missing:
        values.update({name: secrets.token_urlsafe(48) for name in missing})
        path.touch(mode=0o600)
        path.write_text(json.dumps(values))
    return values


@dataclass
class Cluster:
    """A running cluster: nginx's URL, each replica's own URL, and the parts (to restart them in tests)."""

    url: str
    replica_urls: List[str]
    postgres: PostgresServer
    redis: RedisServer
    nginx: NginxServer
    actions: Process
    replicas: List[Process] = field(default_factory=list)

    def restart_replica(self, index: int) -> None:
        """Stop replica index (from 0) and start it again; wait until it answers."""
        self.replicas[index].restart()
        self.replicas[index].wait_until_up(self.replica_urls[index] + "/")


@contextmanager
def local_cluster(model: Path, base_dir: Path, replicas: int = 2, port: Optional[int] = None,
                  credentials: str = "credentials.yml", extra_env: Optional[Dict[str, str]] = None,
                  cors_origins: Sequence[str] = ()) -> Iterator[Cluster]:
    """Start everything (logs in base_dir/logs), yield the Cluster, stop everything.

    base_dir keeps PostgreSQL's data between runs; nginx listens on 127.0.0.1:port (a free port if None);
    cors_origins: the web pages allowed to use the chat (each replica's `--cors`).
    extra_env is added to every process's environment, except SENDER_ID_KEY (the replicas' only;
    by default the one in base_dir/secrets.json).
    """
    base_dir = Path(base_dir).resolve()
    logs = base_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    base_dir.chmod(0o711)  # PostgreSQL's account must reach its data folder inside
    keys = cluster_secrets(base_dir)
    replica_ports = [free_port() for _ in range(replicas)]
    action_port = free_port()
    with ExitStack() as stack:
        postgres = PostgresServer(base_dir / "postgres", free_port(), keys["postgres_password"], log_dir=logs)
        stack.callback(postgres.stop)
        postgres.start()
        redis = RedisServer(base_dir / "redis", free_port(), keys["redis_password"], log_dir=logs)
        stack.callback(redis.stop)
        redis.start()

        extra_env = dict(extra_env or {})
        # the key of the stored sender ids: the same for every replica, and for the replicas only
        # (the action server never reads the store)
        sender_id_key = extra_env.pop("SENDER_ID_KEY", keys["sender_id_key"])
        env = {**os.environ, **postgres.environment(), **redis.environment(),
               "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
               "SESSION_SECRET": keys["session_secret"],
               # each replica's PostgreSQL connections (Rasa's default, 50 + 100, would let two
               # replicas exceed PostgreSQL's 100 connections): replicas x 30 stays below it
               "SQL_POOL_SIZE": "10", "SQL_MAX_OVERFLOW": "20", **extra_env}
        env.pop("SENDER_ID_KEY", None)
        actions = action_server(action_port, env, log_dir=logs)
        stack.callback(actions.stop)
        actions.wait_until_up(f"http://127.0.0.1:{action_port}/health")

        def start_replica(index: int) -> Process:
            # behind nginx: a client's address (the rate limits) is the one nginx puts last in X-Forwarded-For
            replica_env = {**env, "SENDER_ID_KEY": sender_id_key, "SOCKETIO_REPLICA": replica_name(index + 1),
                           "SANIC_PROXIES_COUNT": "1"}
            process = rasa_server(model, replica_ports[index], replica_env,
                                  credentials, ["--cors", *cors_origins] if cors_origins else (),
                                  name=f"rasa-{replica_name(index + 1)}", log_dir=logs)
            stack.callback(process.stop)
            process.wait_until_up(f"http://127.0.0.1:{replica_ports[index]}/")
            return process

        # the first replica creates the tables; the others then start side by side
        processes = [start_replica(0)]
        with ThreadPoolExecutor(max_workers=max(1, replicas - 1)) as pool:
            processes += list(pool.map(start_replica, range(1, replicas)))

        nginx = NginxServer(base_dir / "nginx", port or free_port(), replica_ports, log_dir=logs)
        stack.callback(nginx.stop)
        nginx.start()
        yield Cluster(url=f"http://127.0.0.1:{nginx.port}",
                      replica_urls=[f"http://127.0.0.1:{p}" for p in replica_ports],
                      postgres=postgres, redis=redis, nginx=nginx, actions=actions, replicas=processes)
