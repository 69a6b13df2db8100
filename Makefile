# Tawsim: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up first (virtualenv, packages, translations, database).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast bench browser messages clean-db

setup: $(VENV)/.installed messages
	$(PY) manage.py migrate --no-input -v 0

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# Compile the shipped catalogues with Babel, so GNU gettext is not needed.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d locale -D django
	$(BIN)/pybabel -q compile -d locale -D djangojs

# The background worker (pre-tagging, exports, agreement) runs beside the web server
# and stops with it.
run: setup
	$(PY) manage.py load_demo
	$(PY) manage.py demo_annotations
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py run_worker & worker=$$!; \
	DEBUG=1 $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Debian's chromium drives the real-browser tests (no browser download).
BROWSER_PACKAGES := chromium fonts-dejavu-core fonts-noto-color-emoji
browser:
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

test: setup browser
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not e2e"

bench: setup
	$(PY) -m tests.bench
