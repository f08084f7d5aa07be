"""deploy/helm/rasa-r1-values.yaml, rasa-r2-values.yaml: the Rasa releases' Helm values, each
deploy/helm/rasa-values.yaml plus its replica's SOCKETIO_REPLICA (the name nginx routes its web chats by).

    python -m container.helm_values        (tests/deploy/ check the written files are in step)

Helm replaces a list given in a second values file instead of adding to it, so each release's
extraEnv is written in full here rather than layered with a second `-f`.
"""
import sys
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from cluster.nginx import replica_name
from container.nginx_conf import REPLICA_SERVICES

HELM = Path(__file__).resolve().parent.parent / "deploy" / "helm"
SHARED = HELM / "rasa-values.yaml"
HEADER = ("# Written by `python -m container.helm_values` from rasa-values.yaml (its comments say why each value\n"
          "# is set): do not edit. helm install {release} rasa/rasa --version 1.17.8 -f deploy/helm/{release}-values.yaml\n")


def release_values(shared: Dict, replica: str) -> Dict:
    env: List[Dict] = [entry for entry in shared.get("extraEnv", []) if entry["name"] != "SOCKETIO_REPLICA"]
    return {**shared, "extraEnv": [*env, {"name": "SOCKETIO_REPLICA", "value": replica}]}


def written(shared_path: Path = SHARED) -> Dict[Path, str]:
    """Each release's values file and its text."""
    shared = yaml.safe_load(shared_path.read_text())
    return {shared_path.with_name(f"{release}-values.yaml"):
            HEADER.format(release=release) + yaml.safe_dump(release_values(shared, replica_name(index)), sort_keys=False)
            for index, release in enumerate(REPLICA_SERVICES, start=1)}


def main(argv: Optional[List[str]] = None) -> int:
    for path, text in written().items():
        path.write_text(text)
        print(f"{path.relative_to(HELM.parent.parent)}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
