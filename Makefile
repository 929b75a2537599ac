# Two commands do all set-up on a fresh machine with python3, pip and make:
#   make demo   create .venv, install, clean an example article, show why each line went
#   make test   create .venv if missing, install with test extras, run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install install-test lint bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	@echo "== cleaner clean fixtures/demo/article.txt"
	@$(BIN)/cleaner clean fixtures/demo/article.txt
	@echo
	@echo "== cleaner clean --explain fixtures/demo/article.txt"
	@$(BIN)/cleaner clean --explain fixtures/demo/article.txt

test: install-test
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/python -m mypy
	$(BIN)/cleaner rules lint

bench: install-test
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/batch.py --skip-big

# Every fault of issue 19 again, and each Hypothesis property with 10,000 examples (not in make test).
fuzz: install-test
	$(BIN)/python bench/faults.py --examples 10000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis
