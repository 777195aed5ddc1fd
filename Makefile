# The two commands a newcomer needs: `make demo` and `make test`. Both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test lint bench clean templates

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CCHC Bot needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/cchc-bot demo

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis data

# Issue 16's figures in one run (about five minutes): the in-process cost of an answer, the
# Telegram benchmark against a bare echo bot at 200 and 1,000 officers, replies during a
# reminder run at the send limit, then the compiled export.
bench: $(STAMP)
	$(BIN)/python bench/answer_bench.py
	@echo
	$(BIN)/python bench/telegram_bench.py --officers 200 1000
	@echo
	$(BIN)/python bench/mixed_bench.py
	@echo
	@if [ -f bench/export_bench.py ]; then $(BIN)/python bench/export_bench.py; fi

# Shipped templates built from the spreadsheet a province sent (flows/templates/sources).
templates: $(STAMP)
	$(BIN)/cchc-bot template import flows/templates/sources/huyen-thanhhoa.xlsx \
		--id huyen-thanhhoa --level huyen --dry-run --output flows/templates/huyen-thanhhoa.yaml \
		--name "Thống kê số liệu CCHC cấp huyện, tỉnh Thanh Hóa (Biểu của huyện Thọ Xuân)"
