# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SOURCES := setup.py pyproject.toml build_ffi.py $(wildcard headers/*.h) \
           $(wildcard dxgk/core/*.c dxgk/core/*.h dxgk/core/*.cdef) $(wildcard dxgk/layout/*.py)

.PHONY: demo test install install-test build clean layouts test-asan example-c lint

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

# ruff (pyproject.toml [tool.ruff]) and mypy (strict on the public modules, [tool.mypy]).
lint: install-test
	$(PY) -m ruff check dxgk tests tools build_ffi.py setup.py
	$(PY) -m mypy

# The README's C worked examples, built as the README says: shared libraries that ctypes loads.
CC ?= cc
EXAMPLE_LIBS := build/examples/libdriver_map.so build/examples/libumd_tiles.so \
                build/examples/libgpummu_driver.so
example-c: $(EXAMPLE_LIBS)
build/examples/lib%.so: examples/%.c $(wildcard headers/*.h)
	mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -shared -fPIC -Iheaders $< -o $@

# AddressSanitizer + UBSan: the suites that drive the C core (ASAN_TESTS), against an
# extension built with DXGK_SANITIZE=1 from a copy of the sources in build/asan/src
# (tests/reliability/asan_build.py) and run by a separate venv (.venv-asan: the test
# dependencies, dxgk not installed) with build/asan/src first on PYTHONPATH -- the source
# tree's dxgk/_core*.so and .venv are never touched, so `make test` is unaffected.
# The interpreter is not instrumented, hence the preloaded libasan; LeakSanitizer ignores
# only Python/numpy/OpenSSL internals (tests/reliability/lsan.supp); the asan_check plugin
# refuses to run unless dxgk really is the sanitized build. Any report fails the run;
# tests/reliability/asan_run.py runs it once more only when LeakSanitizer's own tracer
# crashed at exit after every test passed (no report).
ASAN_VENV := .venv-asan
ASAN_PY := $(ASAN_VENV)/bin/python
ASAN_DIR := build/asan
ASAN_TESTS ?= tests/core tests/ddi tests/reliability
ASAN_ENV := PYTHONSAFEPATH=1 PYTHONPATH=$(CURDIR)/$(ASAN_DIR)/src:$(CURDIR)/tests/reliability \
	DXGK_ASAN_BUILD=$(CURDIR)/$(ASAN_DIR)/src \
	LD_PRELOAD=$$(gcc -print-file-name=libasan.so) \
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:allocator_may_return_null=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/reliability/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

$(ASAN_VENV)/.installed-test:
	$(PYTHON) -m venv $(ASAN_VENV)
	$(ASAN_PY) -m pip install -q --upgrade pip
	$(ASAN_PY) -m pip install -q 'setuptools>=68' 'cffi>=1.16' 'pycparser>=3.0' 'pcpp>=1.30' \
		'numpy>=1.24' 'msgspec>=0.18' 'pytest>=7' 'hypothesis>=6.80'
	touch $@

test-asan: $(ASAN_VENV)/.installed-test
	$(ASAN_PY) tests/reliability/asan_build.py $(ASAN_DIR)
	$(ASAN_PY) tests/reliability/asan_run.py env $(ASAN_ENV) \
		$(ASAN_PY) -m pytest -q --capture=sys -p asan_check -p no:cacheprovider $(ASAN_TESTS)

# Regenerate the committed layout cache (dxgk/layout/layouts.json) from headers/.
layouts: install
	$(PY) -m dxgk.layout.generate

clean:
	rm -rf build $(VENV) $(ASAN_VENV) dxgk/_core*.so dxgk/_core.c *.egg-info
