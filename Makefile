# danvan — the commands the README names.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run serve test lint bench install build assets format clean

$(BIN)/danvan: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/danvan

node_modules/.package-lock.json: package.json package-lock.json | install
	$(BIN)/npm ci --no-audit --no-fund --loglevel=error

# build/ is setuptools' staging folder for `pip install .` (the README's install and upgrade):
# it is never cleaned by pip, so a file deleted upstream (a migration) would ship again.
build: install node_modules/.package-lock.json
	rm -rf build
	$(BIN)/python tools/build.py

# A server's install (README, «Deploying»): the same assets, translations and commit as
# `make build`, made with only the two tools tools/build.py needs, in an environment of their
# own — not the test and lint tools (about 1 GB) that `make build` puts into .venv.
ASSET_TOOLS := .venv-assets
$(ASSET_TOOLS)/bin/python: tools/build-requirements.txt
	$(PYTHON) -m venv $(ASSET_TOOLS)
	$(ASSET_TOOLS)/bin/pip install --quiet --upgrade pip
	$(ASSET_TOOLS)/bin/pip install --quiet -r tools/build-requirements.txt
	touch $@

assets: $(ASSET_TOOLS)/bin/python
	PATH="$(CURDIR)/$(ASSET_TOOLS)/bin:$$PATH" npm ci --no-audit --no-fund --loglevel=error
	rm -rf build
	$(ASSET_TOOLS)/bin/python tools/build.py

run: build
	$(BIN)/danvan migrate --noinput
	$(BIN)/danvan collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(BIN)/danvan demo --if-empty
	PORT=$(PORT) $(BIN)/danvan runserver 127.0.0.1:$(PORT)

# The three production processes (web, worker, scheduler) on PostgreSQL: tools/serve.sh.
serve: build
	PORT=$(PORT) tools/serve.sh

test: build
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy danvan tests bench

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: build
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(ASSET_TOOLS) node_modules danvan/static/vendor
