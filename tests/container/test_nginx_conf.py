"""deploy/nginx.conf: the routing of `make cluster` (cluster/nginx.conf.in) for the compose services."""
import re

from container import nginx_conf
from tests.conftest import ROOT


def test_the_committed_file_is_in_step_with_the_template():
    assert (ROOT / "deploy" / "nginx.conf").read_text() == nginx_conf.config(), \
        "deploy/nginx.conf is stale: run python -m container.nginx_conf"


def test_each_replica_is_an_upstream_of_its_own_and_web_chats_go_to_the_one_in_their_session_id():
    text = nginx_conf.config()
    for index, service in enumerate(nginx_conf.REPLICA_SERVICES, start=1):
        assert f"    upstream r{index} {{\n        server {service}:5005;\n    }}" in text
        assert f'"~^r{index}-" r{index};' in text
    assert "error_log /dev/stderr warn;" in text and "access_log /dev/stdout replicas;" in text
    assert not re.search(r"@[A-Z_]+@;|@[A-Z_]+@/| @[A-Z_]+@$", text, re.MULTILINE)  # every placeholder filled in
