# Sillage — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-browser lint format install translations messages migrate demo clean help

help:
	@echo "make run          install, migrate SQLite, load the demo, serve http://$(HOST):$(PORT)"
	@echo "make test         install and run the whole test suite"
	@echo "make test-browser the Playwright + Chromium tests only"
	@echo "make lint         ruff format --check and ruff check"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

translations: install
	$(PY) manage.py compile_translations --verbosity 0

# Extract translatable strings (needs GNU gettext): the project's catalogue, then the own
# catalogue of each app that keeps a locale/ folder. Fill in the French, then `make translations`.
APP_LOCALES := $(wildcard sillage/*/locale)
messages: install
	$(PY) manage.py makemessages -l fr -l en --no-obsolete --ignore=.venv --ignore=var \
		--ignore=node_modules --ignore=tests $(patsubst %/locale,--ignore=%,$(APP_LOCALES))
	for dir in $(APP_LOCALES:/locale=); do \
		(cd $$dir && ../../$(PY) ../../manage.py makemessages -l fr --no-obsolete --ignore=tests) || exit 1; \
	done

migrate: translations
	@mkdir -p var
	$(PY) manage.py migrate --noinput --verbosity 0

demo: migrate
	$(PY) manage.py seed_demo

# The periodic jobs (reminders, SLA checks, the text analysis of the demo's older comments…)
# run in the background while the server runs, and stop with it.
run: demo
	@echo "Serving Sillage on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(PY) manage.py sillage_tick --every 30 --verbosity 0 & tick=$$!; \
		trap 'kill $$tick 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

test: translations
	SILLAGE_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

test-browser: translations
	SILLAGE_ENV=test $(PY) -m pytest -m browser tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var
