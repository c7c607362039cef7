# make demo | make test | make bench: each creates .venv and installs what it needs.
# A stamp per extra records the install; it is redone only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: demo test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.stamp-base: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test]'
	touch $@

$(VENV)/.stamp-bench: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[bench]'
	touch $@

demo: $(VENV)/.stamp-base
	$(PY) -m marsplan.demo

test: $(VENV)/.stamp-test
	$(PY) -m pytest -n 2 -q

bench: $(VENV)/.stamp-bench
	$(PY) benchmarks/lambert.py && $(PY) benchmarks/porkchop.py && $(PY) benchmarks/windows.py \
		&& $(PY) benchmarks/missions.py

clean:
	rm -rf $(VENV) out .pytest_cache
