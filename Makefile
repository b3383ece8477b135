# licensedb: the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev browser axe proxy check-postgres clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-dev: $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'

## Install, migrate, load the curated catalogue into an empty database and serve the site.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed
	@echo "licensedb is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Debian's Chromium for the browser tests (no browser download: the package manager installs it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

## axe-core from the npm registry (the version package-lock.json pins), for the accessibility checks
## of the browser tests (tests/browser/axe.py); node_modules/ is not committed.
axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## Debian's nginx, the buffering proxy of the production set-up (deploy/nginx/licensedb.conf), and
## redis-server, the shared cache production counts rate limits in; the tests start their own copies.
proxy:
	@command -v nginx >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx redis-server >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq nginx redis-server >/dev/null; fi; }

## Install everything the tests need and run the whole suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev browser axe proxy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache node_modules
