# The commands of the README. Each creates .venv on first use and reinstalls when
# pyproject.toml changes, so a fresh clone needs nothing installed by hand.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_E2E := tests/e2e/node
NODE_STAMP := $(NODE_E2E)/node_modules/.installed
ORDERS_PAGE := examples/orders
ORDERS_PAGE_STAMP := $(ORDERS_PAGE)/node_modules/.installed
.PHONY: demo test test-fast plan bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Motia's own Node stream client, for the end-to-end streams test (Node 20 and npm are on every machine).
$(NODE_STAMP): $(NODE_E2E)/package.json $(NODE_E2E)/package-lock.json
	cd $(NODE_E2E) && npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Motia's browser stream client for the orders example's page (served by motia dev, no bundler).
$(ORDERS_PAGE_STAMP): $(ORDERS_PAGE)/package.json $(ORDERS_PAGE)/package-lock.json
	cd $(ORDERS_PAGE) && npm ci --no-audit --no-fund
	touch $(ORDERS_PAGE_STAMP)

# The main job: what the example compiles to, its CloudFormation, then the whole flow run
# locally on the emulator (moto) with one real HTTP request.
demo: $(STAMP) $(ORDERS_PAGE_STAMP)
	$(VENV)/bin/motia plan --app-dir examples/orders
	$(VENV)/bin/motia synth --app-dir examples/orders --out cdk.out
	$(VENV)/bin/motia dev --app-dir examples/orders --smoke

test: $(STAMP) $(NODE_STAMP) $(ORDERS_PAGE_STAMP)
	$(PY) -m mypy
	$(PY) -m pytest -q -n 2 --dist loadfile

# The inner loop: every test not marked slow (no CDK synth, moto server or emulator run).
test-fast: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow"

plan: $(STAMP)
	$(VENV)/bin/motia plan --app-dir $(or $(APP),examples/orders)

bench: $(STAMP)
	$(PY) bench/plan_bench.py

clean:
	rm -rf $(VENV) cdk.out .pytest_cache $(NODE_E2E)/node_modules $(ORDERS_PAGE)/node_modules
