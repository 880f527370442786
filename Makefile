# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SOURCES := setup.py pyproject.toml build_ffi.py $(wildcard headers/*.h) \
           $(wildcard dxgk/core/*.c dxgk/core/*.h dxgk/core/*.cdef) $(wildcard dxgk/layout/*.py)

.PHONY: demo test install install-test build clean layouts test-asan

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python $(SOURCES)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python $(SOURCES)
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(PY) -m dxgk demo

test: install-test
	$(PY) -m pytest -q

# Regenerate the committed layout cache (dxgk/layout/layouts.json) from headers/.
layouts: install
	$(PY) -m dxgk.layout.generate

clean:
	rm -rf build $(VENV) dxgk/_core*.so dxgk/_core.c *.egg-info
