# Tawsim: `make run` serves the demo, `make serve` the production server, `make test`
# runs the whole suite. Each sets everything up first (virtualenv, packages,
# translations, database); run and serve install only what production runs
# (requirements.txt), tests and benchmarks also requirements-dev.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-dev static run serve stop lint test test-fast bench browser messages clean-db models

setup: $(VENV)/.installed messages
	$(PY) manage.py migrate --no-input -v 0

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

setup-dev: setup $(VENV)/.installed-dev

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Compile the shipped catalogues with Babel, so GNU gettext is not needed.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d locale -D django
	$(BIN)/pybabel -q compile -d locale -D djangojs

# camel-tools' NER model (about 500 MB) into CAMELTOOLS_DATA (var/camel_tools by default),
# where the network allows; otherwise it says what it tried and what to do instead.
models: $(VENV)/.installed
	$(PY) manage.py install_ner_model

# The production stack (tawsim/serve.py): gunicorn with WhiteNoise, DEBUG off, the job
# worker beside it (restarted if it exits); Ctrl-C stops it all, and the embedded
# PostgreSQL it started. `run` loads the demo first.
run: setup
	HOST=$(HOST) PORT=$(PORT) $(PY) -m tawsim.serve --demo

serve: setup
	HOST=$(HOST) PORT=$(PORT) $(PY) -m tawsim.serve

# Stop a `make run`/`make serve` started elsewhere (e.g. in the background), and the
# embedded PostgreSQL if nothing else uses it.
stop:
	$(PY) -m tawsim.serve stop

# Debian's chromium drives the real-browser tests (no browser download).
BROWSER_PACKAGES := chromium fonts-dejavu-core fonts-noto-color-emoji
browser:
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

# ruff with the rules in pyproject.toml; the test targets run it before pytest.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: setup-dev browser lint
	$(BIN)/pytest -q

test-fast: setup-dev lint
	$(BIN)/pytest -q -m "not e2e"

# Pages rendered outside the test suite link static files by their hashed names.
static: setup
	$(PY) manage.py collectstatic --no-input -v 0

bench: setup-dev static
	$(PY) -m tests.bench
