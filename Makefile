# Explained: every target sets up what it needs; a fresh machine needs only Python 3, make and git.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
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
	@echo "make docs     clean build of the site in _build/html; fails on any warning or failing example"
	@echo "make epub     EPUB of the whole site in _build/epub, for offline reading; fails on any warning"
	@echo "make lint     ruff check and ruff format --check (the pre-commit hooks)"
	@echo "make benchmark  time the docs gate and rebuilds, measure a first visit (benchmarks/site_performance.py)"
	@echo "make mutation  mutation-test explained with the docs' examples as the only tests (mutation/report.md)"
	@echo "make install  create $(VENV) with the package, the docs toolchain, test and dev tools"
	@echo "make clean    remove build output"

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[docs,test,dev]'
	touch $@

install: $(STAMP)

docs: $(STAMP)
	rm -rf _build/html _build/doctrees
	$(SPHINX) -b html -d _build/doctrees docs _build/html

epub: $(STAMP)
	rm -rf _build/epub _build/epub-doctrees
	$(SPHINX) -b epub -d _build/epub-doctrees docs _build/epub
	@ls _build/epub/*.epub

serve: $(STAMP)
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

benchmark: $(STAMP) chromium
	$(BIN)/python benchmarks/site_performance.py

# Not part of make test: it takes about 20 minutes on 2 cores. Fails below the target score.
mutation: $(STAMP)
	$(BIN)/python mutation/run.py --report mutation/report.md

test-matrix:
	@set -e; for v in $(MATRIX); do \
		py=$$($(call python_for,$$v)); \
		[ -n "$$py" ] || { echo "test-matrix: no working Python $$v found (install it, or set MATRIX)"; exit 1; }; \
		echo "== Python $$v ($$py)"; \
		$(MAKE) --no-print-directory test PYTHON="$$py" VENV=.venv-$$v PYTEST_ARGS='-m "not site"'; \
	done

clean:
	rm -rf _build
