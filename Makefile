# Two entry points: `make bench` (set up + quick bench on the embedded model) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Portable llama.cpp build: the compiled wheel runs on any x86-64, and pip caches it.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: setup setup-test bench test perf improve mutate clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,embed,tune]'
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

improve: setup-test
	@# The improve loop on the embedded model: bench -> export DPO pairs (held-out prompts) -> tune a LoRA -> bench
	@# base vs tuned under the training judge and a second judge; prints the figures in README.md, "Improve".
	$(PY) -m benchmarks.improve

mutate: setup-test
	@# Mutation testing (mutmut 3, config in pyproject.toml) of the modules that compute figures, on their fast
	@# unit tests only; one worker, as the machine is shared. Prints the kill rate, then every surviving mutant.
	$(PY) -m pip install --quiet -e '.[test,embed,mutate]'
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 1
	@$(VENV)/bin/mutmut results --all true | awk -F': ' '{n[$$NF]++; t++} END {for (s in n) printf "%-12s %d\n", s, n[s]; \
		printf "killed %d of %d mutants (%.1f %%)\n", n["killed"] + n["timeout"], t, t ? 100 * (n["killed"] + n["timeout"]) / t : 0}'
	@echo "survivors (see one with: $(VENV)/bin/mutmut show NAME):"
	@$(VENV)/bin/mutmut results | grep -v ': killed$$' || true

clean:
	rm -rf $(VENV) .pytest_cache mutants
