# make demo | make test | make bench: each creates .venv and installs what it needs.
# A stamp per extra records the install; it is redone only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: demo test bench clean chromium readme readme-check

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

# The report's browser test drives Debian's Chromium (a browser that a test tool
# downloads does not run on these machines); install it where it is missing.
chromium:
	@command -v chromium >/dev/null || { \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test: $(VENV)/.stamp-test chromium
	$(PY) -m pytest -n 2 --dist loadfile -q

bench: $(VENV)/.stamp-bench
	$(PY) benchmarks/lambert.py && $(PY) benchmarks/porkchop.py && $(PY) benchmarks/windows.py \
		&& $(PY) benchmarks/missions.py && $(PY) benchmarks/sweep.py \
		&& $(PY) benchmarks/coalitions.py && $(PY) benchmarks/pages.py \
		&& $(PY) benchmarks/web_load.py && $(PY) benchmarks/agreements.py \
		&& $(PY) benchmarks/allocate.py

# README's console blocks are real output (tools/readme_tour.py): `readme` rewrites
# them from what the commands print; `readme-check` compares them all, runs the Python
# tour, and fails on any drift (tests/test_readme.py checks the quick ones every run).
readme: $(VENV)/.stamp-test
	$(PY) tools/readme_tour.py --update --python

readme-check: $(VENV)/.stamp-test
	MARSPLAN_README_FULL=1 $(PY) -m pytest tests/test_readme.py -n 2 -q -p no:cacheprovider

clean:
	rm -rf $(VENV) out .pytest_cache
