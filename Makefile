# mlenv: set-up, demo and tests. Every target works from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MLENV  := $(BIN)/mlenv
STAMP  := $(VENV)/.installed

.PHONY: setup demo test validate tftest render plan apply audit adopt bench clean

setup: $(STAMP)
	$(MLENV) toolchain

$(STAMP): pyproject.toml shim/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./shim -e ".[test]"
	touch $(STAMP)

demo: setup
	$(MLENV) validate
	$(MLENV) render
	$(MLENV) permissions --env prod
	$(MLENV) access --principal ml-prod-runner
	$(MLENV) validate --terraform
	$(MLENV) tftest
	$(BIN)/python shim/demo.py

test: setup
	$(BIN)/python -m pytest

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
	$(BIN)/python benchmarks/render_scale.py
	$(BIN)/python benchmarks/terraform_scale.py
	$(BIN)/python benchmarks/shim_overhead.py
	$(BIN)/python benchmarks/audit_scale.py

clean:
	rm -rf $(VENV) .terraform modules/*/.terraform .pytest_cache .hypothesis
