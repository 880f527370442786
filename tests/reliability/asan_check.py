"""pytest plugin for `make test-asan` (loaded with ``-p asan_check``).

1. Refuses to run unless ``import dxgk`` resolves to the sanitized build named by
   ``DXGK_ASAN_BUILD`` and the AddressSanitizer and UBSan runtimes are really loaded --
   a sanitizer run that silently tested the normal build would report "zero findings"
   about nothing. The resolved paths are printed in the session header.
2. Moves ``LD_PRELOAD`` (libasan, needed because the Python interpreter itself is not
   instrumented) out of the environment that child processes inherit, into
   ``DXGK_ASAN_PRELOAD``: compilers run by tests (tests/ddi/test_c_driver.py builds a C
   driver) are not ours to sanitize. Tests that want a sanitized child Python pass it
   back explicitly (tests/reliability/test_lifetime.py's leak-checker canary does).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _loaded_libraries() -> str:
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
        return f.read()


def pytest_configure(config: pytest.Config) -> None:
    want = os.environ.get("DXGK_ASAN_BUILD")
    if not want:
        raise pytest.UsageError("asan_check: DXGK_ASAN_BUILD (the sanitized build's directory) "
                                "is not set; run `make test-asan`")
    import dxgk._core as core

    import dxgk

    want_dir = Path(want).resolve()
    got = Path(core.__file__).resolve()
    if want_dir not in got.parents or want_dir not in Path(dxgk.__file__).resolve().parents:
        raise pytest.UsageError(f"asan_check: dxgk resolves to {dxgk.__file__} (extension "
                                f"{core.__file__}), not to the sanitized build in {want_dir}")
    maps = _loaded_libraries()
    for runtime in ("libasan", "libubsan"):
        if runtime not in maps:
            raise pytest.UsageError(f"asan_check: {runtime} is not loaded into this process")
    preload = os.environ.pop("LD_PRELOAD", "")
    if preload:
        os.environ["DXGK_ASAN_PRELOAD"] = preload
    config.stash[_KEY] = (dxgk.__file__, core.__file__)


_KEY = pytest.StashKey[tuple[str, str]]()


def pytest_sessionstart(session: pytest.Session) -> None:
    pkg, ext = session.config.stash[_KEY]
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:      # shown with -q too
        tr.write_line(f"asan_check: dxgk = {pkg}")
        tr.write_line(f"asan_check: dxgk._core = {ext} (AddressSanitizer + UBSan loaded)")
