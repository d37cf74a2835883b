# Explained: every target sets up what it needs; a fresh machine needs only Python 3, make and git.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Two stamps: building and serving the site need the package and the docs toolchain only;
# tests, lint and the tools on top of it install the rest into the same venv.
DOCS_STAMP := $(VENV)/.docs-installed
STAMP  := $(VENV)/.installed-stamp
# Warnings are errors; -j auto uses both cores of the build machine.
SPHINX_OPTS ?= -W --keep-going -j auto
SPHINX := $(BIN)/sphinx-build -c . $(SPHINX_OPTS)
# Extra pytest arguments; `make test-matrix` passes -m "not site" (the browser suite does not depend
# on the Python version, so it runs once, in plain `make test`).
PYTEST_ARGS ?=
# The browser suite drives Debian's Chromium; `make test` installs it when it is missing.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The CPython versions the site and package support; `make test-matrix` runs `make test` on each.
MATRIX ?= 3.10 3.11 3.12 3.13
# pythonX.Y from PATH if it runs, else the newest pyenv build of X.Y.
python_for = for c in python$(1) $$(ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/$(1).*/bin/python3 2>/dev/null | sort -V | tail -n 1); do \
	"$$c" -c 'import sys; assert "%d.%d" % sys.version_info[:2] == sys.argv[1]' $(1) 2>/dev/null && { command -v "$$c"; break; }; done

.PHONY: help install docs epub serve test test-matrix lint chromium benchmark mutation clean

help:
	@echo "make serve    build the site, serve it at http://127.0.0.1:8000 and rebuild on every change"
	@echo "make test     everything CI checks: unit and property tests, docstring examples, the docs gate"
	@echo "make test-matrix  make test on every CPython in MATRIX ($(MATRIX)), each in its own .venv-X.Y"
	@echo "make test-pyodide  the Python pages' examples and unit tests on CPython 3.14 (Pyodide, wasm32)"
	@echo "make docs     clean build of the site in _build/html; fails on any warning or failing example"
	@echo "make epub     EPUB of the whole site in _build/epub, for offline reading; fails on any warning"
	@echo "make lint     ruff check and ruff format --check (the pre-commit hooks)"
	@echo "make benchmark  time the docs gate and rebuilds, measure a first visit (benchmarks/site_performance.py)"
	@echo "make mutation  mutation-test explained with the docs' examples as the only tests (mutation/report.md)"
	@echo "make install  create $(VENV) with the package, the docs toolchain, test and dev tools"
	@echo "make clean    remove build output"

$(DOCS_STAMP): pyproject.toml requirements/constraints.txt
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[docs]'
	touch $@

$(STAMP): $(DOCS_STAMP)
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[docs,test,dev]'
	touch $@

install: $(STAMP)

docs: $(DOCS_STAMP)
	rm -rf _build/html _build/doctrees
	$(SPHINX) -b html -d _build/doctrees docs _build/html

epub: $(DOCS_STAMP)
	rm -rf _build/epub _build/epub-doctrees
	$(SPHINX) -b epub -d _build/epub-doctrees docs _build/epub
	@ls _build/epub/*.epub

serve: $(DOCS_STAMP)
	$(BIN)/sphinx-autobuild -c . $(SPHINX_OPTS) -d _build/serve-doctrees \
		--host 127.0.0.1 --port 8000 \
		--watch src --watch conf.py --watch docs/_ext \
		docs _build/serve

# Debian's chromium for tests/browser/ (Playwright drives it; it never downloads a browser).
chromium:
	@[ -x "$(CHROMIUM)" ] || { echo "installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

# The browser tests need chromium unless PYTEST_ARGS leaves them out.
test: $(STAMP) $(if $(findstring not site,$(PYTEST_ARGS)),,chromium)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# e.g. make benchmark BENCHMARK_ARGS="--baseline b07808d --page python/generators.md"
BENCHMARK_ARGS ?=
benchmark: $(STAMP) chromium
	$(BIN)/python benchmarks/site_performance.py $(BENCHMARK_ARGS)

# Not part of make test: it takes about 20 minutes on 2 cores. Fails below the target score.
mutation: $(STAMP)
	$(BIN)/python mutation/run.py --report mutation/report.md

# -- CPython 3.14 on Pyodide (tests/pyodide/): CPython compiled to WebAssembly, run by Node.js
# No CPython 3.14 installs here from Debian or PyPI; the npm package pyodide 314.0.7 is CPython 3.14.2.
PYODIDE := tests/pyodide
.PHONY: test-pyodide nodejs

# Debian's nodejs and npm, installed when missing (like chromium above).
nodejs:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
		echo "installing Debian's nodejs and npm for make test-pyodide"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs npm; }

# Pyodide from the npm registry, exactly as package-lock.json pins it (npm ci checks its hash).
$(PYODIDE)/node_modules/.package-lock.json: $(PYODIDE)/package.json $(PYODIDE)/package-lock.json | nodejs
	cd $(PYODIDE) && npm ci --no-audit --no-fund
	touch $@

# pytest and hypothesis for Pyodide: pure-Python wheels, downloaded once by the host's pip.
$(PYODIDE)/wheels/.stamp: $(PYODIDE)/requirements.txt | $(STAMP)
	rm -rf $(PYODIDE)/wheels
	$(BIN)/python -m pip download --quiet --only-binary=:all: --implementation py \
		--python-version 3.14 --abi none --platform any -d $(PYODIDE)/wheels -r $<
	touch $@

# The blocks the gate runs on the Python pages, recorded by a Sphinx read on this venv's Python,
# then run inside Pyodide with the gate's own runner, followed by tests/python/. Pyodide has no
# numpy: what needs it is left out and counted. Wasm has no timers for a per-example limit, so
# `timeout` bounds the whole run. _build/verified/pyodide.json records what passed there, for the
# pages' "verified with" notes (docs/_ext/provenance.py).
test-pyodide: $(STAMP) $(PYODIDE)/node_modules/.package-lock.json $(PYODIDE)/wheels/.stamp
	$(BIN)/python $(PYODIDE)/record.py _build/pyodide/blocks.json
	timeout 1800 node $(PYODIDE)/run.mjs _build/pyodide/blocks.json _build/verified/pyodide.json

test-matrix:
	@set -e; for v in $(MATRIX); do \
		py=$$($(call python_for,$$v)); \
		[ -n "$$py" ] || { echo "test-matrix: no working Python $$v found (install it, or set MATRIX)"; exit 1; }; \
		echo "== Python $$v ($$py)"; \
		$(MAKE) --no-print-directory test PYTHON="$$py" VENV=.venv-$$v PYTEST_ARGS='-m "not site"'; \
	done
	@echo "== Python 3.14 (Pyodide)"
	@$(MAKE) --no-print-directory test-pyodide

clean:
	rm -rf _build
