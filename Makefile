# Hài Lòng — `make run` to serve, `make test` to test. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# One process with threads: rate limits kept in memory (the default store) then count once,
# not once per worker (probe finding L1). Several workers or servers need a shared store:
# FLASK_RATELIMIT_STORAGE_URI=redis://… (README).
WORKERS ?= 1
THREADS ?= 4
export FLASK_APP := wsgi
SCHEME := $(if $(CERT_FILE),https,http)
export FLASK_PUBLIC_BASE_URL ?= $(SCHEME)://$(HOST):$(PORT)
# Plain HTTP is only for localhost trials: cookies cannot be Secure there.
RUN_ENV := $(if $(CERT_FILE),,FLASK_SESSION_COOKIE_SECURE=$${FLASK_SESSION_COOKIE_SECURE:-false} FLASK_REMEMBER_COOKIE_SECURE=$${FLASK_REMEMBER_COOKIE_SECURE:-false})

.PHONY: run test js-test lint fmt check db-migrate i18n-extract i18n-update i18n-compile venv dev-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

dev-deps: $(VENV)/.dev-installed

i18n-compile: venv
	$(BIN)/pybabel compile --use-fuzzy -d translations -D messages --statistics 2>&1 | tail -n 2

run: venv
	$(BIN)/flask db upgrade
	$(BIN)/flask demo bootstrap
	exec env $(RUN_ENV) $(BIN)/gunicorn wsgi:app --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) \
		--access-logfile - $(if $(CERT_FILE),--certfile $(CERT_FILE) --keyfile $(KEY_FILE),)

test: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(MAKE) --no-print-directory js-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The kiosk's pure JavaScript functions, with Node's own test runner (no npm packages).
js-test:
	node --test tests/js/

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: dev-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: venv
	$(BIN)/flask db check

db-migrate: venv
	$(BIN)/flask db migrate -m "$(MSG)"

i18n-extract: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o translations/messages.pot .

i18n-update: i18n-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance
