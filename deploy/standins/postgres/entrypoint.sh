#!/bin/bash
# The official postgres image's first start, reduced to what deploy/compose.yaml uses.
set -euo pipefail
as_postgres() { runuser -u postgres -- "$@"; }
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
	user=${POSTGRES_USER:-postgres}
	pwfile=$(mktemp) && echo "$POSTGRES_PASSWORD" >"$pwfile" && chown postgres "$pwfile"
	as_postgres initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
	rm -f "$pwfile"
	echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
	as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
	export PGPASSWORD=$POSTGRES_PASSWORD PGUSER=$user PGHOST=/var/run/postgresql
	database=${POSTGRES_DB:-$user}
	[ "$database" = postgres ] || as_postgres env PGPASSWORD="$PGPASSWORD" psql -q -U "$user" -h "$PGHOST" -d postgres \
		-c "CREATE DATABASE \"$database\""
	for script in /docker-entrypoint-initdb.d/*.sh; do
		[ -e "$script" ] || continue
		echo "running $script"
		POSTGRES_USER=$user POSTGRES_DB=$database bash "$script"
	done
	as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
if [ "$1" = postgres ]; then
	shift
	exec runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='*' "$@"
fi
exec "$@"
