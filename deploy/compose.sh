#!/usr/bin/env bash
# podman-compose for deploy/compose.yaml with the settings of ONE env file and nothing else:
#
#   deploy/compose.sh deploy/assistant.env up -d        # make compose
#   deploy/compose.sh deploy/assistant.env down
#
# Why a clean environment: compose (podman-compose and docker compose alike) lets the calling shell's
# variables win over --env-file, and `make` exports every setting's local default (settings.mk:
# TRACKER_DB_PASSWORD= , CORS_ORIGINS=http://localhost:... and the rest), which would silently replace the
# clinic's values. Only what podman itself needs is passed on. PODMAN_COMPOSE names the program.
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: deploy/compose.sh ENV_FILE [podman-compose arguments]" >&2
    exit 2
fi
env_file=$1
shift
if [ ! -f "$env_file" ]; then
    echo "$env_file is missing: copy deploy/assistant.env.example and fill it in" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
keep=(PATH="$PATH" HOME="${HOME:-/}")
for name in XDG_RUNTIME_DIR TMPDIR CONTAINERS_CONF CONTAINERS_STORAGE_CONF CONTAINER_HOST; do
    if [ -n "${!name:-}" ]; then
        keep+=("$name=${!name}")
    fi
done
exec env -i "${keep[@]}" "${PODMAN_COMPOSE:-podman-compose}" -f "$here/compose.yaml" --env-file "$env_file" "$@"
