# Two entry points (see README): `make demo` runs the kit on the bundled example,
# `make test` runs the whole test suite. Both create .venv with pinned dependencies.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench install clean

$(STAMP): requirements.lock pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(STAMP)

# The three-cloud comparison of the bundled example: resources, cost, policies, features;
# writes out/compare/compare.{txt,json,md,html}.
demo: $(STAMP)
	$(VENV)/bin/mlopskit validate stacks/credit-risk.yaml
	$(VENV)/bin/mlopskit compare stacks/credit-risk.yaml --out out/compare

# The linter and the type checker (settings in pyproject.toml); `make test` runs them first,
# so CI fails on a lint or type error before any test runs.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# pytest exits 5 when it collected no test: that must fail, not pass silently.
test: $(STAMP) lint
	$(VENV)/bin/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

# Ratios, not timings (see bench/*.py). Set CHECKOV=/path/to/checkov for the side-by-side.
bench: $(STAMP)
	$(VENV)/bin/python bench/preview_scaling.py
	$(VENV)/bin/python bench/mock_tuning_ab.py
	$(VENV)/bin/python bench/end_to_end.py

clean:
	rm -rf $(VENV)
