# The README names these targets; `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= 绿色金融由谁牵头？

.PHONY: install run ask test lint eval bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls gigabytes of CUDA wheels
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/policyqa ingest
	$(BIN)/policyqa ask "$(QUESTION)"

ask: install
	$(BIN)/policyqa ask "$(QUESTION)"

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy ingest assistant eval

eval: install
	$(BIN)/policyqa eval --out eval/out

bench: install
	$(BIN)/python -m eval.bench_latency

clean:
	rm -rf .policyqa eval/out
