# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app festival
INSTALLED := $(VENV)/.installed

.PHONY: run test test-fast lint format translations extract-translations migration bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: $(INSTALLED)
	$(BIN)/python scripts/i18n.py compile

## Set up, migrate the SQLite database in instance/, load the demo festival if empty, serve.
run: translations
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

## Set up and run the whole suite (PostgreSQL tests run when FESTIVAL_TEST_DATABASE_URL is set).
test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: translations
	$(BIN)/python -m pytest -m "not browser and not slow" -x $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check festival tests bench scripts
	$(BIN)/ruff format --check festival tests bench scripts

format: $(INSTALLED)
	$(BIN)/ruff format festival tests bench scripts
	$(BIN)/ruff check --fix festival tests bench scripts

extract-translations: $(INSTALLED)
	$(BIN)/python scripts/i18n.py extract

migration: $(INSTALLED)
	scripts/regenerate_initial_migration.sh

bench: translations
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find festival -name '*.mo' -delete
