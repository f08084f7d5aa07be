"""deploy/helm/: the values for Rasa's charts. They cannot be applied here (no cluster, no helm, no
registry); what can be checked is: they parse, every key is the named chart version's, and they say
what docs/deploy.md requires (this image and entry point, API off, secrets from Secrets, probes)."""
import pytest
import yaml

from container import helm_keys, helm_values
from tests.conftest import ROOT

HELM = ROOT / "deploy" / "helm"
RASA_CHART = HELM / "charts" / "rasa-1.17.8-values.yaml"
ACTIONS_CHART = HELM / "charts" / "rasa-action-server-1.0.9-values.yaml"
RELEASES = {"rasa-r1": "r1", "rasa-r2": "r2"}
VALUES = {**{HELM / f"{release}-values.yaml": RASA_CHART for release in RELEASES},
          HELM / "rasa-values.yaml": RASA_CHART, HELM / "action-server-values.yaml": ACTIONS_CHART}
SECRETS = ("TRACKER_DB_PASSWORD", "LOCK_STORE_PASSWORD", "SESSION_SECRET", "SENDER_ID_KEY")


def load(path):
    return yaml.safe_load(path.read_text())


def env(values):
    return {entry["name"]: entry for entry in values["extraEnv"]}


@pytest.mark.parametrize("ours, chart", VALUES.items(), ids=lambda p: p.name)
def test_every_key_is_one_the_named_chart_version_has(ours, chart):
    assert helm_keys.unknown_keys(load(ours), load(chart)) == []


def test_the_releases_values_are_in_step_with_the_shared_file():
    for path, text in helm_values.written().items():
        assert path.read_text() == text, f"{path.name} is stale: run python -m container.helm_values"


@pytest.mark.parametrize("release, replica", RELEASES.items())
def test_each_release_names_its_replica_once_as_nginx_routes_it(release, replica):
    names = [entry["name"] for entry in load(HELM / f"{release}-values.yaml")["extraEnv"]]
    assert names.count("SOCKETIO_REPLICA") == 1
    assert env(load(HELM / f"{release}-values.yaml"))["SOCKETIO_REPLICA"]["value"] == replica
    assert f"server {release}:5005" in (ROOT / "deploy" / "nginx.conf").read_text()


@pytest.mark.parametrize("release", RELEASES)
def test_the_rasa_releases_run_the_hardened_server_with_the_api_off(release):
    values = load(HELM / f"{release}-values.yaml")
    assert values["command"] == ["python", "-m", "container"] and values["args"] == ["rasa"]
    assert values["applicationSettings"]["enableAPI"] is False and not values["applicationSettings"]["token"]
    assert values["applicationSettings"]["debugMode"] is False
    assert values["applicationSettings"]["cors"] != "*" and env(values)["CORS_ORIGINS"]["value"] != "*"
    # the chart's own endpoints.yml and credentials.yml would hide the image's
    assert values["applicationSettings"]["rasaX"] == {"enabled": False, "useConfigEndpoint": True}
    assert env(values)["TRACKER_DB_DIALECT"]["value"] == "postgresql" and env(values)["LOCK_STORE_TYPE"]["value"] == "redis"
    assert env(values)["ACTION_SERVER_URL"]["value"] == "http://rasa-action-server:5055/webhook"


@pytest.mark.parametrize("release", RELEASES)
def test_every_secret_comes_from_a_kubernetes_secret_never_a_literal(release):
    variables = env(load(HELM / f"{release}-values.yaml"))
    for name in SECRETS:
        assert "value" not in variables[name] and variables[name]["valueFrom"]["secretKeyRef"]["name"] == "assistant-secrets"


def test_the_action_server_runs_from_the_same_image_on_its_port():
    rasa, actions = load(HELM / "rasa-values.yaml"), load(HELM / "action-server-values.yaml")
    assert actions["image"] == rasa["image"] and "thrombectomy-assistant" in rasa["image"]["repository"]
    assert actions["command"] == ["python", "-m", "container"] and actions["args"] == ["actions"]
    assert actions["service"]["port"] == actions["applicationSettings"]["port"] == 5055


@pytest.mark.parametrize("path, page", [("rasa-values.yaml", "/"), ("action-server-values.yaml", "/health")])
def test_probes_ask_each_servers_own_health_page_as_non_root(path, page):
    values = load(HELM / path)
    for probe in ("readinessProbe", "livenessProbe"):
        assert values[probe]["httpGet"] == {"path": page, "port": "http"}
    assert values["podSecurityContext"]["runAsNonRoot"] is True and values["podSecurityContext"]["runAsUser"] == 10001
