# Venous thrombectomy patient assistant: one target per thing a person does.
# Every target sets itself up first (venv, spaCy pipeline, trained model).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/thrombectomy-assistant.tar.gz
SPACY_PIPELINE := build/spacy_pipeline
RASA_PORT ?= 5005
ACTION_PORT ?= 5055
export ACTION_SERVER_URL ?= http://localhost:$(ACTION_PORT)/webhook
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export RASA_TELEMETRY_ENABLED := false

# Rasa 3.6 needs Python 3.10: the first interpreter found that really is 3.10.
PYTHON310 := $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$c -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$c; break; }; done)

TRAINING_INPUTS := config.yml domain.yml $(shell find data components -name '*.yml' -o -name '*.py' 2>/dev/null) $(SPACY_PIPELINE)/.built

.PHONY: help install spacy validate train run actions shell test test-unit test-stories test-e2e clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs 3.8-3.10)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip==24.0 setuptools==70.3.0 wheel==0.45.1
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/pip check
	touch $@

install: $(BIN)/.installed ## create .venv (Python 3.10) with the locked dependencies

$(SPACY_PIPELINE)/.built: $(BIN)/.installed scripts/build_spacy_pipeline.py data/nlu/terms.yml
	$(BIN)/python scripts/build_spacy_pipeline.py $(SPACY_PIPELINE)
	touch $@

spacy: $(SPACY_PIPELINE)/.built ## build the project's spaCy pipeline from code

validate: $(BIN)/.installed ## check domain, rules, stories and NLU data
	$(BIN)/python scripts/validate.py

$(MODEL): $(TRAINING_INPUTS) | $(BIN)/.installed
	$(MAKE) validate
	$(RASA) train --fixed-model-name thrombectomy-assistant --out models --force --quiet
	touch $@

train: $(MODEL) ## train the model (skipped when data and config did not change)

actions: $(BIN)/.installed ## run the action server in the foreground
	$(RASA) run actions --port $(ACTION_PORT) --actions actions

run: $(MODEL) ## start the action server and the Rasa server, and say how to talk to them
	@trap 'kill 0' EXIT; \
	$(RASA) run actions --port $(ACTION_PORT) --actions actions & \
	echo "Rasa server on http://localhost:$(RASA_PORT). Talk to it: curl -s localhost:$(RASA_PORT)/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hello\"}'"; \
	$(RASA) run --model $(MODEL) --port $(RASA_PORT) --endpoints endpoints.yml --credentials credentials.yml

shell: $(MODEL) ## talk to the assistant in the terminal
	@trap 'kill 0' EXIT; \
	if ! curl -s -o /dev/null localhost:$(ACTION_PORT)/health; then \
		$(RASA) run actions --port $(ACTION_PORT) --actions actions >/tmp/thrombectomy-actions.log 2>&1 & \
	fi; \
	$(RASA) shell --model $(MODEL) --endpoints endpoints.yml

test-unit: $(SPACY_PIPELINE)/.built ## unit and content tests (no trained model needed)
	$(BIN)/python -m pytest -m "not model" tests

test-stories: $(MODEL) ## the test conversations must all pass
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out results/stories --quiet

test-model: $(MODEL) ## NLU quality on the held-out set, and the end-to-end test with real servers
	$(BIN)/python -m pytest -m model tests

test: test-unit test-stories test-model ## everything: set-up, training, and all tests

clean: ## remove generated files (keeps .venv)
	rm -rf build models/*.tar.gz results .pytest_cache
