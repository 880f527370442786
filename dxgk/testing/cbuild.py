"""C callers for the tests: a driver- or UMD-shaped C file compiled through cffi against
the checkout's ``headers/``, as a user would compile theirs, then loaded as a module.

What it owns: the compiler probe and the one way the suites build such a file (strict
warnings, ``-Werror``), so every C caller of the tests is held to the same flags.
Invariant: a built module is loaded from its own file and never left in ``sys.modules``
(two suites may build modules of the same name in different directories).
"""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

__all__ = ["HEADERS", "build", "have_compiler"]

#: The header subset of the checkout (the tests run from one).
HEADERS = Path(__file__).resolve().parents[2] / "headers"

_FLAGS = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror"]


def have_compiler() -> bool:
    """Whether the C compiler Python was built with (or ``cc``) is on PATH."""
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    return bool(cc) and shutil.which(cc[0]) is not None


def build(name: str, source: str, cdef: str, tmpdir: Path, *, threads: bool = False,
          headers: Path = HEADERS) -> ModuleType:
    """Compiles `source` (declared to cffi by `cdef`) as extension module `name` in
    `tmpdir` and returns it loaded; ``threads`` adds ``-pthread``."""
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(cdef)
    extra = ["-pthread"] if threads else []
    ffi.set_source(name, source, include_dirs=[str(headers)],
                   extra_compile_args=_FLAGS + extra, extra_link_args=extra)
    so = ffi.compile(tmpdir=str(tmpdir))
    spec = importlib.util.spec_from_file_location(name, so)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the module cffi built at {so}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules.pop(name, None)
    return mod
