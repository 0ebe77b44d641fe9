# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install system-deps lint bench clean

$(BIN)/workbench: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/workbench

## run: install, create the SQLite database with the demo corpus, serve on http://127.0.0.1:5000
run: install
	$(BIN)/workbench init --demo
	$(BIN)/workbench serve --host $(HOST) --port $(PORT)

## system-deps: Debian's chromium (browser tests), omegat (TMX interop), postgresql and
## redis-server (the team set-up's tests start throw-away servers) and pandoc (a DOCX
## written by another tool), when root and missing
system-deps:
	@if [ "$$(id -u)" = 0 ] && { ! command -v chromium >/dev/null || ! command -v omegat >/dev/null \
		|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v redis-server >/dev/null \
		|| ! command -v pandoc >/dev/null; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium omegat postgresql postgresql-contrib redis-server pandoc >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check alignments tmx workbench tests bench
	$(BIN)/mypy

## test: the whole suite, lint and type checks included
test: install system-deps lint
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
