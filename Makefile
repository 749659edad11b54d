# Two commands from a fresh machine:  `make run`  and  `make test`.  Both are idempotent.
# Downloads (Python wheels, Delta JARs, the Trino server) are cached outside the repo.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
LAKEHOUSE := $(VENV)/bin/lakehouse
UV := python3 -m uv
STAMP := $(VENV)/.synced

.PHONY: setup run test test-unit test-integration test-dags lint bench services-up services-down clean

$(STAMP): requirements.lock pyproject.toml
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check uv
	$(UV) venv -q --allow-existing --python 3.11 $(VENV)
	$(UV) pip sync -q --python $(PY) requirements.lock
	$(UV) pip install -q --python $(PY) --no-deps -e .
	@touch $@

## setup: venv from the lock file, then Delta JARs, Trino, PostgreSQL, Airflow DB (this env)
setup: $(STAMP)
	$(LAKEHOUSE) setup

## run: set up, start services, run the main DAG end to end, print the summary
run: setup
	$(LAKEHOUSE) services up
	$(LAKEHOUSE) run

## test: set up the test environment, start its services, run unit + integration + DAG tests
test: export LAKEHOUSE_ENV = test
test: setup
	$(LAKEHOUSE) services up
	$(PY) -m pytest tests --durations=25

test-unit: $(STAMP)
	LAKEHOUSE_ENV=test $(PY) -m pytest tests/unit

test-integration: export LAKEHOUSE_ENV = test
test-integration: setup
	$(LAKEHOUSE) services up
	$(PY) -m pytest tests/integration tests/dags

lint: $(STAMP)
	$(VENV)/bin/ruff check pipelines ml quality privacy dags tests benchmarks

## bench: the main job per stage at CUSTOMERS (default 10000) with single-node references, in
## var/<env>/bench_<N> (own Trino + PostgreSQL state on the env's ports: stop the env's services
## first) -> benchmarks/results/pipeline_<N>.json and pipeline_scaling.png; PY_SPY=stage,...
## (default identity) samples those stages with py-spy
bench: $(STAMP)
	@# py-spy profiles the worst stage; a bench-only tool, so not in the lock (setup's sync drops it)
	@test -x $(VENV)/bin/py-spy || $(UV) pip install -q --python $(PY) py-spy
	$(PY) benchmarks/bench_pipeline.py --customers $${CUSTOMERS:-10000} --py-spy $${PY_SPY:-identity}

services-up: $(STAMP)
	$(LAKEHOUSE) services up

services-down: $(STAMP)
	$(LAKEHOUSE) services down

clean:
	-$(LAKEHOUSE) services down
	rm -rf var reports
