# Written by `python -m settings` from settings/table.yml: change the table, not this file.
# The defaults the Makefile exports (endpoints.yml's ${VARIABLES} must all be set for Rasa).
export ACTION_SERVER_URL ?= http://localhost:$(ACTION_PORT)/webhook
export ACTION_HOST ?= 127.0.0.1
export RASA_INTERFACE ?= 127.0.0.1
export CORS_ORIGINS ?= http://localhost:$(WEB_PORT) http://127.0.0.1:$(WEB_PORT)
export TRACKER_DB_DIALECT ?= sqlite
export TRACKER_DB ?= var/conversations.db
export TRACKER_DB_HOST ?=
export TRACKER_DB_PORT ?=
export TRACKER_DB_USER ?=
export TRACKER_DB_PASSWORD ?=
export LOCK_STORE_TYPE ?= in_memory
export LOCK_STORE_HOST ?= localhost
export LOCK_STORE_PORT ?= 6379
export LOCK_STORE_DB ?= 1
export LOCK_STORE_PASSWORD ?=
export RETENTION_DAYS ?= 30
export CONSOLE_HOST ?= 127.0.0.1
export CONSOLE_PORT ?= 8010
