# Two entry points (see README): `make demo` runs the kit on the bundled example,
# `make test` runs the whole test suite. Both create .venv with pinned dependencies.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
# VENV: another interpreter gets its own environment, e.g. `make test PYTHON=python3.13 VENV=.venv-3.13`.
VENV ?= .venv
# .venv holds the development lock (the runtime lock plus the test tools and extras); the wheel-check
# venv holds the runtime lock only, as `pip install mlopskit`, `pulumi install` and the action do.
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)

# The CrossGuard pack's own environment (pulumi-policy pins protobuf 5.x; the kit's .venv has 6.x).
POLICY_VENV := .venv-policy
POLICY_STAMP := $(POLICY_VENV)/.installed-$(shell cat policies/crossguard/requirements.txt | cksum | cut -d' ' -f1)
# Checkov, the outside judge of tests/checkov/ (pinned in tests/checkov/requirements.txt): its own
# environment, since its dependency pins are not the kit's.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(shell cat tests/checkov/requirements.txt | cksum | cut -d' ' -f1)
# Mermaid's own parser (npm, under jsdom) for tests/test_mermaid.py: the Markdown report's diagrams.
MERMAID_DIR := tests/mermaid
MERMAID_STAMP := $(MERMAID_DIR)/node_modules/.installed-$(shell cat $(MERMAID_DIR)/package-lock.json | cksum | cut -d' ' -f1)
# Where `make wheel-check` builds the wheel and its fresh virtualenv.
WHEEL_DIR := build/wheel-check

.PHONY: demo test lint bench screenshots install policy-env mermaid-env checkov-env checkov-gate ci-gates wheel-check lock clean

$(STAMP): requirements-dev.lock pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(STAMP)

$(POLICY_STAMP): policies/crossguard/requirements.txt
	rm -rf $(POLICY_VENV)
	$(PYTHON) -m venv $(POLICY_VENV)
	$(POLICY_VENV)/bin/pip install --quiet --disable-pip-version-check --no-compile -r policies/crossguard/requirements.txt
	touch $@

# tests/policies/test_crossguard_real.py runs the pack's policies through the real pulumi_policy here.
policy-env: $(POLICY_STAMP)

$(MERMAID_STAMP): $(MERMAID_DIR)/package-lock.json
	rm -rf $(MERMAID_DIR)/node_modules
	npm ci --prefix $(MERMAID_DIR) --no-audit --no-fund --loglevel=error
	touch $@

mermaid-env: $(MERMAID_STAMP)

$(CHECKOV_STAMP): tests/checkov/requirements.txt
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/checkov/requirements.txt
	touch $@

# tests/checkov/test_checkov_gate.py runs Checkov from here, offline, over every bundled spec.
checkov-env: $(CHECKOV_STAMP)

# The Checkov gate (marker `checkov`, left out of `make test` for its time; .ci/run runs both).
checkov-gate: $(STAMP) $(CHECKOV_STAMP)
	$(VENV)/bin/python -m pytest -m checkov tests/checkov

# Whole-matrix gates over every bundled spec x cloud x edit (marker `ci_gate`): minutes of CPU, so
# `make test` keeps their planted cases and .ci/run runs the full matrix.
ci-gates: $(STAMP)
	$(VENV)/bin/python -m pytest -m ci_gate; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no ci_gate test collected" >&2; exit 1; fi; exit $$status

# The three-cloud comparison of the bundled example: resources, cost, policies, features;
# writes out/compare/compare.{txt,json,md,html}.
demo: $(STAMP)
	$(VENV)/bin/mlopskit validate stacks/credit-risk.yaml
	$(VENV)/bin/mlopskit compare stacks/credit-risk.yaml --out out/compare

# docs/img: the comparison report of the bundled example and the monitor report of the bundled
# sample capture, shot in headless Chromium (apt-get install chromium-headless-shell), with the
# hash of each HTML beside the PNGs (tests/test_screenshots.py fails when they are stale).
# The window end is fixed so that the monitor report is the same on every run.
screenshots: $(STAMP)
	$(VENV)/bin/mlopskit compare stacks/credit-risk.yaml --out out/compare --no-fail -q
	$(VENV)/bin/mlopskit monitor run --captures stacks/samples/monitor/captures \
	  --baseline stacks/samples/monitor/baseline.csv --labels stacks/samples/monitor/labels.csv \
	  --settings stacks/samples/monitor/monitor.json --window-end 2026-12-03T00:00:00Z --out out/monitor -q
	$(VENV)/bin/python scripts/screenshot_report.py out/compare/compare.html docs/img
	$(VENV)/bin/python scripts/screenshot_report.py --name monitor out/monitor/report.html docs/img

# The linter and the type checker (settings in pyproject.toml); `make test` runs them first,
# so CI fails on a lint or type error before any test runs.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# pytest exits 5 when it collected no test: that must fail, not pass silently.
# Both cores (pytest-xdist): a test file stays on one worker (--dist loadfile), so its module
# fixtures are built once; tests/conftest.py shares the session-wide comparison between workers.
# OMP_NUM_THREADS=1: numeric libraries would otherwise start a thread per core in each worker.
TEST_WORKERS ?= 2
test: $(STAMP) $(POLICY_STAMP) $(MERMAID_STAMP) lint
	OMP_NUM_THREADS=1 $(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

# Build the wheel, install it with the locked dependencies into a fresh virtualenv and run
# `mlopskit compare` and `mlopskit cost` from a directory outside the checkout (.ci/wheel_check.py).
# The lock installs with --no-deps (it is the whole closure, checked by `pip check`) and --no-compile:
# byte-compiling the provider SDKs' tens of thousands of modules is most of a fresh install's time, and
# Python compiles the few modules a run imports on first use.
wheel-check: $(STAMP)
	rm -rf $(WHEEL_DIR)
	$(VENV)/bin/pip wheel --quiet --disable-pip-version-check --no-deps -w $(WHEEL_DIR)/dist .
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/pip install --quiet --disable-pip-version-check --no-compile --no-deps -r requirements.lock
	$(WHEEL_DIR)/venv/bin/pip install --quiet --disable-pip-version-check --no-compile --no-deps $(WHEEL_DIR)/dist/mlopskit-*.whl
	$(WHEEL_DIR)/venv/bin/pip check --disable-pip-version-check
	$(WHEEL_DIR)/venv/bin/python .ci/wheel_check.py $(CURDIR)

# The runtime lock is generated from the development lock (scripts/lock_runtime.py); after changing
# pyproject's dependencies or requirements-dev.lock, `make lock` rewrites it (tests/test_locks.py checks it).
lock: $(STAMP)
	$(VENV)/bin/python scripts/lock_runtime.py

# Ratios, not timings (see bench/*.py). Set CHECKOV=/path/to/checkov for the side-by-side.
bench: $(STAMP)
	$(VENV)/bin/python bench/preview_scaling.py
	$(VENV)/bin/python bench/mock_tuning_ab.py
	$(VENV)/bin/python bench/typed_floor.py
	$(VENV)/bin/python bench/end_to_end.py

clean:
	rm -rf $(VENV) $(POLICY_VENV) $(CHECKOV_VENV) $(WHEEL_DIR)
