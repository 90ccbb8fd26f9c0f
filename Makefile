# One-command set-up on a fresh machine: `make test` and `make demo` create .venv, install the CPU
# torch wheel and vera with its dependencies, then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install test test-slow lint demo bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(VENV)/bin/ruff check vera tests benchmarks
	$(PY) -m pytest -q -p no:cacheprovider -x --timeout=900 tests

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow tests

lint: $(STAMP)
	$(VENV)/bin/ruff check vera tests benchmarks

demo: $(STAMP)
	$(VENV)/bin/vera run --env simdroid --task SimpleSmsSend --agent vdroid --seed 2 --record runs/demo --overwrite
	@echo "trajectory and screenshots in runs/demo"

bench: $(STAMP)
	$(VENV)/bin/vera bench simdroid --json

clean:
	rm -rf $(VENV) runs .pytest_cache
