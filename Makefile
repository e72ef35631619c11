# Engage: `make run` sets up and serves the demo; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
NHSUK_FRONTEND_VERSION := 10.6.1
AXE_CORE_VERSION := 4.14.1

.PHONY: run test test-unit test-browser lint system-deps setup vendor clean

## Everything a newcomer needs: environment, database, demo data, then serve on http://127.0.0.1:5000
run: setup
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

## The whole suite: lint, the import contracts, security analysis, unit and integration tests, then real-browser tests
test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r engage analysis wsgi.py gunicorn.conf.py
	$(BIN)/pytest -m "not browser" -q
	$(BIN)/pytest -m browser -q

test-unit: setup
	$(BIN)/pytest -m "not browser" -q

test-browser: setup system-deps
	$(BIN)/pytest -m browser -q

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || $(MAKE) --no-print-directory apt PKGS=python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first, so nothing later pulls a CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m analysis.embeddings build
	touch $@

## Chromium for the browser tests, from Debian's packages (never a browser download).
system-deps:
	@command -v chromium >/dev/null || $(MAKE) --no-print-directory apt PKGS=chromium

apt:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PKGS); \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PKGS); fi

## Refresh the vendored NHS.UK frontend and axe-core from npm (needs Node.js); commit the result.
vendor:
	rm -rf build/npm && mkdir -p build/npm
	cd build/npm && npm install --no-save --silent nhsuk-frontend@$(NHSUK_FRONTEND_VERSION) axe-core@$(AXE_CORE_VERSION)
	cp build/npm/node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css static/nhsuk/
	cp build/npm/node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js static/nhsuk/
	rm -rf static/assets && mkdir -p static/assets
	cp -r build/npm/node_modules/nhsuk-frontend/dist/nhsuk/assets/images static/assets/
	cp build/npm/node_modules/nhsuk-frontend/dist/nhsuk/assets/manifest.json static/assets/
	cp build/npm/node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
	echo "nhsuk-frontend $(NHSUK_FRONTEND_VERSION)" > static/nhsuk/VERSION
	echo "axe-core $(AXE_CORE_VERSION)" > tests/browser/vendor/VERSION

clean:
	rm -rf $(VENV) build instance
