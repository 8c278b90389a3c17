# The two commands of the README:
#   make demo   - apply the example bootstrap playbook to a locally started Edge emulator
#   make test   - the whole test suite (unit, emulator, sanity, integration, parity, lint, molecule, release)
# Both create what they need: the virtualenv .venv and the collection path ansible needs.
#   make quick  - the edit loop: unit and emulator tests plus an integration smoke test (about a minute)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.build/collections
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false

.PHONY: demo test quick venv collection bench

demo: venv collection
	$(BIN)/python hacking/demo.py

test: venv collection
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

quick: venv collection
	$(BIN)/python -m pytest tests -m "smoke or not (slow or integration)" $(PYTEST_ARGS)

bench: venv collection
	$(BIN)/python benchmarks/run.py

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

collection:
	@$(BIN)/python tests/tools/collection.py link >/dev/null
	@$(BIN)/python tests/tools/collection.py pip-standin >/dev/null

# make docs - the documentation site (module reference and guides), built offline into docs/docsite/build/html
.PHONY: docs
docs: venv collection
	$(BIN)/python hacking/build_docs.py
