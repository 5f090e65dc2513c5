# The two commands of the README: `make run` and `make test`. Both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2

.PHONY: run test install install-test lint format bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(PY) -m config.run

test: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Benchmarks, not part of `make test` (docs/performance.md): each prints one JSON object and
# writes bench/results/<name>.json and .png. BENCH_ARGS=--quick: under 2 minutes each.
bench: $(VENV)/.installed-bench
	$(PY) -m bench.fanout $(BENCH_ARGS)
	$(PY) -m bench.api $(BENCH_ARGS)
	$(PY) -m bench.dispatch_scale $(BENCH_ARGS)
	if [ -f bench/upload_memory.py ]; then $(PY) -m bench.upload_memory $(BENCH_ARGS); fi

clean:
	rm -rf $(VENV) var .pytest_cache
