# Set-up is part of every target: a fresh machine needs nothing but python3.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench fuzz install clean

$(STAMP): pyproject.toml setup/apt-packages.txt
	bash setup/sysdeps.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/fakewatch demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Coverage-guided fuzzing of the input parsers for an hour (FUZZ_SECONDS); crashes are saved under fuzz/.
FUZZ_SECONDS ?= 3600
fuzz: $(STAMP)
	$(BIN)/pip install -q -e '.[test,fuzz]'
	PYTHONPATH=. $(BIN)/python fuzz/fuzz_sources.py fuzz/corpus -artifact_prefix=fuzz/ -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048

clean:
	rm -rf $(VENV) demo fakewatch.db*
