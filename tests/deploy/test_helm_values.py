"""deploy/helm/: the values for Rasa's `rasa` and `rasa-action-server` charts fit the chart versions they
name, run the image's own entry point, and keep the API, debug logs and literal secrets out."""
import re
from types import SimpleNamespace
from typing import Any, Dict, List, Mapping
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml

import settings
from channels.socketio_server import name_sessions_after_replica
from container import nginx_conf, roles
from container.helm_keys import unknown_keys
from tests.conftest import ROOT

HELM = ROOT / "deploy" / "helm"
CHARTS = HELM / "charts"
IMAGE = "localhost/thrombectomy-assistant"
SECRET = "thrombectomy-assistant"
# the action server's release, whose Service the Rasa server calls (its name contains the chart's
# name, so the chart names the Service after the release alone)
ACTION_RELEASE = "rasa-action-server"
# our values file, the chart (name-version) it is for, the role the image runs, the role's port
RELEASES = [
    ("rasa-values.yaml", "rasa-1.17.8", "rasa", roles.RASA_PORT),
    ("action-server-values.yaml", "rasa-action-server-1.0.9", "actions", roles.ACTION_PORT),
]
SECRET_LOOKING = re.compile(r"PASSWORD|SECRET|TOKEN|KEY", re.IGNORECASE)


def load(path) -> Dict[str, Any]:
    with open(path) as file:
        document = yaml.safe_load(file)
    assert isinstance(document, dict), path
    return document


def merged(chart: Mapping[str, Any], ours: Mapping[str, Any]) -> Dict[str, Any]:
    """Helm's merge of a values file over the chart's values: maps merge, anything else is replaced."""
    result = dict(chart)
    for key, value in ours.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def env(values: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    entries: List[Dict[str, Any]] = values["extraEnv"]
    names = [entry["name"] for entry in entries]
    assert len(names) == len(set(names)), "a variable is set twice"
    return {entry["name"]: entry for entry in entries}


def literal_secrets(document: Any, path: str = "") -> List[str]:
    """Paths of non-empty literal values under keys that look like a secret (token, password, ...).

    A secretKeyRef (the name of a Secret and of its key) is a reference, not a secret.
    """
    found = []
    if isinstance(document, Mapping):
        for key, value in document.items():
            if key == "secretKeyRef":
                continue
            where = f"{path}.{key}" if path else str(key)
            if isinstance(value, (str, int)) and value != "" and SECRET_LOOKING.search(str(key)):
                found.append(where)
            found += literal_secrets(value, where)
    elif isinstance(document, list):
        for index, item in enumerate(document):
            found += literal_secrets(item, f"{path}[{index}]")
    return found


@pytest.fixture(params=RELEASES, ids=[release[0] for release in RELEASES])
def release(request):
    ours_name, chart, role, port = request.param
    return SimpleNamespace(ours=load(HELM / ours_name), path=HELM / ours_name, chart=chart, role=role, port=port,
                           chart_values=load(CHARTS / f"{chart}-values.yaml"))


@pytest.fixture
def rasa():
    return load(HELM / "rasa-values.yaml")


@pytest.mark.parametrize("path", sorted(HELM.rglob("*.yaml")), ids=lambda path: path.name)
def test_every_values_file_parses(path):
    load(path)


def test_every_key_is_one_the_named_chart_version_has(release):
    assert unknown_keys(release.ours, release.chart_values) == []


def test_the_merged_values_fit_the_charts_schema(release):
    with open(CHARTS / f"{release.chart}-values.schema.json") as schema:
        # helm checks the merged values against the chart's schema (draft 7 or older; it names none that
        # jsonschema knows) and refuses to install when they do not fit
        jsonschema.Draft7Validator(yaml.safe_load(schema)).validate(merged(release.chart_values, release.ours))


def test_each_file_names_the_chart_version_it_was_checked_against(release):
    name, version = release.chart.rsplit("-", 1)
    assert f"`{name}` Helm chart, version {version}" in release.path.read_text().splitlines()[0]


def test_the_image_is_the_projects_and_runs_its_entry_point(release):
    assert release.ours["image"]["repository"] == IMAGE
    assert release.role in roles.ROLES
    assert release.ours["command"] + release.ours["args"] == ["python", "-m", "container", release.role]


def test_the_probes_ask_the_servers_health_address_on_its_port(release):
    path = urlparse(roles.health_url(release.role, {})).path
    # the chart names applicationSettings.port `http` (the schema allows probe ports by name only)
    assert release.ours["applicationSettings"]["port"] == release.port
    for probe in ("readinessProbe", "livenessProbe"):
        assert release.ours[probe]["httpGet"] == {"path": path, "port": "http", "scheme": "HTTP"}


def test_the_pods_run_as_the_images_non_root_user(release):
    for context in (release.ours["podSecurityContext"], release.ours["securityContext"]):
        assert context["runAsNonRoot"] is True and context["runAsUser"] == 10001
    assert release.ours["securityContext"]["allowPrivilegeEscalation"] is False


def test_no_secret_is_written_in_the_values(release):
    assert literal_secrets(release.ours) == []
    for name, entry in env(release.ours).items():
        declared = settings.by_name().get(name)
        if (declared is not None and declared.secret) or SECRET_LOOKING.search(name):
            assert "value" not in entry, name
            assert entry["valueFrom"]["secretKeyRef"]["name"] == SECRET, name


def test_the_readme_creates_every_secret_key_the_values_use(release):
    readme = (HELM / "README.md").read_text()
    for entry in env(release.ours).values():
        reference = entry.get("valueFrom", {}).get("secretKeyRef")
        if reference:
            assert f"--from-literal={reference['key']}=" in readme, reference["key"]


def test_the_rasa_server_keeps_its_api_and_debug_logs_off(rasa):
    settings_ = rasa["applicationSettings"]
    assert settings_["enableAPI"] is False and not settings_["token"] and settings_["debugMode"] is False
    assert "ENABLE_API" not in env(rasa) and "RASA_API_TOKEN" not in env(rasa)
    assert settings_["cors"] == env(rasa)["CORS_ORIGINS"]["value"] != "*"


def test_the_rasa_server_has_every_setting_it_refuses_to_start_without(rasa):
    for name in ("CORS_ORIGINS", "SESSION_SECRET", "SENDER_ID_KEY"):
        assert name in env(rasa)
    # ACTION_SERVER_URL is set by the chart from rasa-action-server.external
    assert rasa["rasa-action-server"]["external"]["enabled"] is True


def test_the_rasa_server_calls_the_action_server_releases_service(rasa):
    chart = load(CHARTS / "rasa-action-server-1.0.9-values.yaml")
    port = merged(chart, load(HELM / "action-server-values.yaml"))["service"]["port"]
    assert rasa["rasa-action-server"]["install"] is False
    assert rasa["rasa-action-server"]["external"]["url"] == f"http://{ACTION_RELEASE}:{port}/webhook"
    assert f"helm install {ACTION_RELEASE} " in (HELM / "action-server-values.yaml").read_text()


def test_the_rasa_server_uses_the_shared_postgresql_and_redis(rasa):
    variables = env(rasa)
    assert variables["TRACKER_DB_DIALECT"]["value"] == "postgresql"
    assert variables["LOCK_STORE_TYPE"]["value"] == "redis"
    assert rasa["postgresql"]["install"] is False and rasa["redis"]["install"] is False


def test_the_chart_leaves_the_images_endpoints_credentials_and_model_alone(rasa):
    settings_ = rasa["applicationSettings"]
    assert settings_["rasaX"]["useConfigEndpoint"] is True
    assert settings_["rasaX"].get("enabled", False) is False
    assert settings_["initialModel"] == "" and settings_["trainInitialModel"] is False


def test_each_pod_names_its_web_chats_after_its_own_label(rasa):
    label_path = env(rasa)["SOCKETIO_REPLICA"]["valueFrom"]["fieldRef"]["fieldPath"]
    label = re.fullmatch(r"metadata\.labels\['([^']+)'\]", label_path).group(1)
    replica = rasa["podLabels"][label]
    sio = SimpleNamespace(eio=SimpleNamespace(generate_id=lambda: "abc"))
    name_sessions_after_replica(sio, replica)
    assert sio.eio.generate_id() == f"{replica}-abc"
    # the first release's Service is the router's first replica (deploy/nginx.conf)
    assert f"rasa-{replica}" == nginx_conf.REPLICA_SERVICES[0]
    assert rasa["replicaCount"] == 1 and rasa["autoscaling"]["enabled"] is False


def test_a_pods_own_name_could_not_name_its_web_chats():
    """Why SOCKETIO_REPLICA comes from a label: pod names have dashes, which the server refuses."""
    sio = SimpleNamespace(eio=SimpleNamespace(generate_id=lambda: "abc"))
    with pytest.raises(ValueError):
        name_sessions_after_replica(sio, "rasa-r1-7d9f8c6b5-x2k4q")
