# Two entry points: `make bench` (set up + quick bench on the embedded model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Portable llama.cpp build: the compiled wheel runs on any x86-64, and pip caches it.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: setup setup-test bench test perf clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,embed]'
	@# Browser tests drive Debian's chromium (Playwright cannot download browsers here).
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	touch $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

bench: setup
	$(VENV)/bin/punchup bench --preset quick --run quick

test: setup-test
	$(PY) -m pytest

perf: setup-test
	@# Inspect is installed only for the comparison benchmark.
	$(PY) -m pip install --quiet inspect-ai
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) .pytest_cache
