# mlenv: set-up, demo and tests. Every target works from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MLENV  := $(BIN)/mlenv
STAMP  := $(VENV)/.installed
# Exact versions with hashes of everything set-up installs (pyproject.toml keeps the ranges): make lock.
LOCK   := requirements/lock.txt

.PHONY: setup lock test-latest demo test test-unit lint docs validate tftest render plan apply audit adopt bench clean

setup: $(STAMP)
	$(MLENV) toolchain
	@echo "mlenv is installed in $(VENV): run 'source $(VENV)/bin/activate' to use it in this shell (or call $(MLENV))"

# The lock first (hashes checked, nothing resolved), then the two projects themselves without dependencies.
$(STAMP): pyproject.toml shim/pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e ./shim -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Refresh the locks: every package to the newest version pyproject.toml allows, then the compatibility
# matrix's lock of each MLflow version. Run it after changing a dependency range, or to take new releases
# (make test-latest shows what would move); commit the lock files with the change.
lock:
	test -x $(BIN)/uv || $(MAKE) setup
	$(BIN)/uv pip compile --quiet --upgrade --universal --python-version=3.11 --generate-hashes \
	  --custom-compile-command="make lock" --extra=test --output-file=$(LOCK) \
	  pyproject.toml shim/pyproject.toml requirements/tools.in
	$(BIN)/uv pip compile --quiet --upgrade --universal --python-version=3.11 --generate-hashes \
	  --custom-compile-command="make lock" --extra=test --constraint=requirements/mlflow-oldest.in \
	  --output-file=requirements/lock-mlflow-oldest.txt pyproject.toml shim/pyproject.toml requirements/tools.in
	$(MAKE) setup
	$(BIN)/python shim/compat/matrix.py --lock

# The unit tier on the newest versions pyproject.toml allows, in a separate venv: names every package whose
# newest release differs from the lock, and fails when the tier does (a release that would break the next lock).
test-latest: setup
	$(BIN)/python requirements/latest.py

# mlenv migrate's tests on the oldest MLflow that copies versions into Unity Catalog (requirements/mlflow-oldest.in).
.PHONY: test-migrate-oldest
test-migrate-oldest: setup
	$(BIN)/python requirements/migrate_oldest.py

demo: setup
	$(MLENV) validate
	$(MLENV) render
	$(MLENV) permissions --env prod
	$(MLENV) access --principal ml-prod-runner
	$(MLENV) validate --terraform
	$(MLENV) tftest
	$(MLENV) --repository examples/unity-catalog validate
	$(MLENV) --repository examples/unity-catalog render --check
	$(MLENV) --repository examples/unity-catalog validate --terraform
	$(MLENV) --repository examples/unity-catalog tftest
	PYTHONPATH=. $(BIN)/python shim/demo.py

# The whole suite: static checks first, then every tier (unit, integration, shim) on pytest-xdist workers, two per
# core (half of a test's time is spent waiting on Terraform, servers and stand-ins: 10.4 min with 4 workers on
# 2 cores, 11.2 with 3, 13.3 with 2); tests that share a module's set-up stay on one worker (tests/conftest.py).
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(2 * (os.cpu_count() or 1))")
test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

# The runtime client's suite on every supported MLflow version, one cached venv each (shim/compat/matrix.py).
.PHONY: test-compat
test-compat: $(STAMP)
	$(BIN)/python shim/compat/matrix.py

# The slow tests (marker slow): 20 applies killed at random points, each recovered (about 20 minutes).
.PHONY: test-slow
test-slow: setup
	$(BIN)/python -m pytest -m slow

# The fast loop: no network, no Terraform, no server (seconds).
test-unit: setup
	$(BIN)/python -m pytest tests/unit

# ruff (lint and format), mypy (strict) and the import-layer contract.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The Inputs/Outputs tables of the module READMEs (from variables.tf and outputs.tf) and the README's CLI reference
# (from the parser; tests/unit/test_command_line.py fails while it is stale).
docs: setup
	$(MLENV) module-docs
	$(BIN)/python -m generator.cli.reference

validate: setup
	$(MLENV) validate --terraform

tftest: setup
	$(MLENV) tftest

render: setup
	$(MLENV) render

plan: setup
	$(MLENV) plan

apply: setup
	$(MLENV) apply

audit: setup
	$(MLENV) audit

adopt: setup
	$(MLENV) adopt

bench: setup
	$(BIN)/python -m benchmarks.render_scale
	$(BIN)/python -m benchmarks.terraform_scale
	$(BIN)/python -m benchmarks.shim_overhead
	$(BIN)/python -m benchmarks.shim_overhead_unity_catalog
	$(BIN)/python -m benchmarks.audit_scale
	$(BIN)/python -m benchmarks.unity_catalog_scale
	$(BIN)/python -m benchmarks.state_layout_scale

clean:
	rm -rf $(VENV) .venv-latest .venv-mlflow-oldest .terraform modules/*/.terraform examples/*/.terraform .pytest_cache .hypothesis .mypy_cache .ruff_cache
