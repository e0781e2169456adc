# The README's quick start: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo match test lint typecheck bench clean playground playground-deps

$(BIN)/matchbot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/matchbot

demo: install
	$(BIN)/matchbot demo

match: install
	$(BIN)/matchbot match --job-order data/job_orders/JO-2026-0001.json --candidates data/candidates.jsonl

test: install
	@{ command -v redis-server && command -v redis-cli; } >/dev/null || { echo "redis-server/redis-cli mangler: installerer"; \
		(apt-get update -qq && apt-get install -y -qq redis-server redis-tools) >/dev/null; }
	$(BIN)/python -m pytest -q

# Matchbot in the Microsoft 365 Agents Playground (README: "Try it locally in the Agents Playground").
playground: install
	bash scripts/playground.sh

# The Playground from npm and Debian's chromium, for the browser tests in tests/playground/.
playground-deps:
	bash scripts/playground-deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/bench_matching.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_bot.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
