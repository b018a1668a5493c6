# The two commands in the README: `make run` and `make test`. Both set everything up themselves.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PIP_FLAGS ?= -q --disable-pip-version-check

.PHONY: run test lint eval bench docs install system-deps

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) --upgrade pip
	$(PY) -m pip install $(PIP_FLAGS) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian tools the tests use to make .docx files written by other programs, and the browser test.
system-deps:
	@bash scripts/system-deps.sh

# The reviewer reads .doc/.wps with LibreOffice and scans with OCR (OpenCV needs libGL): installed when
# we may; without them the app still runs and says which formats it cannot read.
run: install
	@bash scripts/system-deps.sh || echo "部分系统软件未能安装：旧版 .doc/.wps 与扫描件的审查可能不可用"
	$(PY) app.py

test: install system-deps
	$(PY) -m pytest -q
	$(VENV)/bin/assistant eval --suite all --offline


lint: install
	$(VENV)/bin/ruff check assistant tests evals testkit benchmarks scripts app.py
	$(VENV)/bin/ruff format --check assistant tests evals testkit benchmarks scripts app.py

eval: install
	$(VENV)/bin/assistant eval --suite all

bench: install
	$(PY) -m benchmarks

docs: install
	$(PY) scripts/cli_reference.py
