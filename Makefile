# The two commands: `make run` serves the app, `make test` runs every test.
# Both set up what they need (virtual environment, install, migrations, banks) and are idempotent.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint browser setup db banks demo clean

run: setup instance/secret_key db banks demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	SESSION_COOKIE_SECURE=0 $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - wsgi:app

test: setup lint browser
	$(BIN)/pytest $(PYTEST_ARGS)

# The end-to-end tests drive Debian's Chromium, never a browser a tool downloads.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the end-to-end tests"; \
	    apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	  else \
	    echo "The end-to-end tests need Debian's Chromium at $(CHROMIUM):"; \
	    echo "  sudo apt-get install chromium    (or CHROMIUM=/path/to/chromium make test)"; \
	    exit 1; \
	  fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment: on Debian, apt-get install python3-venv"; \
	  rm -rf $(VENV); exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# One key for every worker, made once and kept out of git (instance/ is ignored).
instance/secret_key:
	@mkdir -p instance
	@$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	@chmod 600 $@

db: setup
	$(FLASK) db upgrade

banks: db
	$(FLASK) banks load

demo: banks
	$(FLASK) demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache
