# The two commands of the README: `make run` and `make test`. Both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n 2
# requirements.lock pins every distribution of the runtime, test and bench extras with its
# hashes, one resolution for all three (tests/test_lock.py checks it against pyproject.toml).
# `make lock` rewrites it after pyproject.toml changes and keeps the pins it can;
# LOCK_ARGS=--upgrade moves every pin to the newest version allowed.
LOCK := requirements.lock
LOCK_ARGS ?=
UV := uv==0.13.9

.PHONY: run test install lint format bench lock clean client

# One environment for run, test and bench, installed from the lock alone. Crier itself goes
# in editable and without dependencies (a directory has no hash to check), built by the
# lock's setuptools. A changed lock or pyproject.toml reinstalls.
$(VENV)/.installed: pyproject.toml clients/python/pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r $(LOCK)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e . -e clients/python
	touch $@

# openapi-python-client in a virtualenv of its own (it pins an older httpx than Crier's),
# from its own hashed lock: `make client` and tests/clients/test_generated.py run it.
CODEGEN := $(VENV)/codegen
$(CODEGEN)/.installed: clients/python/codegen.lock
	test -x $(CODEGEN)/bin/python || $(PY) -m venv $(CODEGEN)
	$(CODEGEN)/bin/python -m pip install -q --require-hashes -r clients/python/codegen.lock
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m config.run

# lint-imports: the one-way layers of pyproject.toml's [tool.importlinter] (an upward
# import, deferred or not, fails the build). mypy: every package of the project against
# the Django and DRF stubs ([tool.mypy]); a type error fails the build.
test: install $(CODEGEN)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

# Regenerate the client's generated code from the API schema (no server needed); the test
# tests/clients/test_generated.py fails while the committed code is stale.
client: install $(CODEGEN)/.installed
	$(PY) clients/python/regenerate.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Benchmarks, not part of `make test` (docs/performance.md): each prints one JSON object and
# writes bench/results/<name>.json and .png. BENCH_ARGS=--quick: under 2 minutes each.
bench: install
	$(PY) -m bench.fanout $(BENCH_ARGS)
	$(PY) -m bench.api $(BENCH_ARGS)
	$(PY) -m bench.dispatch_scale $(BENCH_ARGS)
	if [ -f bench/upload_memory.py ]; then $(PY) -m bench.upload_memory $(BENCH_ARGS); fi
	$(PY) -m bench.ontime $(BENCH_ARGS)
	$(PY) -m bench.footprint $(BENCH_ARGS)

# uv resolves for every platform and Python >= 3.11 at once (--universal); it is only the
# tool that writes the file, pip installs from it.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q '$(UV)'
	$(PY) -m uv pip compile pyproject.toml clients/python/pyproject.toml --all-extras \
		--universal --python-version 3.11 --generate-hashes --quiet $(LOCK_ARGS) \
		--output-file $(LOCK)
	$(PY) -m uv pip compile clients/python/codegen-requirements.txt --universal \
		--python-version 3.11 --generate-hashes --quiet $(LOCK_ARGS) \
		--output-file clients/python/codegen.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache
