# Two commands for a newcomer: `make run` and `make test`. Only Python 3.11+ and make needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run run-full test bench agent-eval install install-dev clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-llm.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

# `make run` is for trying the shop locally: DEBUG on unless the environment says otherwise.
run: export DEBUG ?= 1
run: export INVENTORY_FEED ?= demo
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "Serving the shop on http://$(HOST):$(PORT)/  (API /api/, docs /api/docs/, admin /admin/)"
	$(BIN)/daphne -v 0 -b $(HOST) -p $(PORT) config.asgi:application

# The production layout on this machine: nginx in front of gunicorn and daphne, the Celery
# worker and beat, under honcho (deploy/). Needs nginx, DATABASE_URL and REDIS_URL.
run-full: install
	$(BIN)/python deploy/run_full.py

# One style (ruff, settings in pyproject.toml), then the suite.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Load benchmarks on PostgreSQL and Redis (needs wrk); writes docs/PERFORMANCE.md.
bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

# The sales agent's evaluations, success rate per intent: the scripted conversations, and the
# held-out set written without reading the agent (chat/evals/heldout.json).
agent-eval: install-dev
	$(BIN)/python -m pytest tests/chat/test_agent_eval.py tests/chat/test_agent_heldout.py -q -p no:cacheprovider

clean:
	rm -rf $(VENV) .pytest_cache staticfiles
