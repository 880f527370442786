"""Private builds of the allocator and handle-table sources with other ``-D`` knobs.

What it owns: compiling ``handles.c`` + ``range_alloc.c`` into a throw-away cffi module
per set of macros (tiny B+ tree nodes, a low handle-generation limit), cached for the
process and removed at exit. Invariant kept: a variant is compiled from the very sources
the shipped extension is built from, never from a copy.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["build_variant", "core_sources_dir"]

_VARIANT_SOURCES = ("handles", "range_alloc")
_variants: dict[tuple[tuple[str, str], ...], Any] = {}
_variant_dirs: list[str] = []


def core_sources_dir() -> Path:
    """Where the C sources live (present in a source checkout / editable install)."""
    return Path(__file__).resolve().parent.parent / "core"


def build_variant(defines: dict[str, str | int], *, sanitize: bool = False) -> Any:
    """Compiles handles.c and range_alloc.c with extra ``-D`` macros into a private
    cffi module (cached per process) and returns it (``.ffi``, ``.lib``).

    The sources' own knobs: ``RA_LEAF_CAP`` / ``RA_INNER_CAP`` (node capacities,
    >= 4) and ``DXGK_HANDLE_GEN_MAX`` (the last generation a handle slot issues).
    Raises FileNotFoundError when the C sources are not installed.
    """
    from cffi import FFI  # a build-time dependency, needed only here

    key = tuple(sorted((k, str(v)) for k, v in defines.items())) + (("san", str(sanitize)),)
    if key in _variants:
        return _variants[key]
    src = core_sources_dir()
    files = [src / f"{n}.c" for n in _VARIANT_SOURCES]
    for f in files:
        if not f.exists():
            raise FileNotFoundError(f)
    digest = hashlib.sha1(repr(key).encode() + b"".join(f.read_bytes() for f in files))
    name = f"_dxgk_ra_variant_{digest.hexdigest()[:12]}"
    ffi = FFI()
    ffi.cdef("\n".join((src / f"{n}.cdef").read_text() for n in _VARIANT_SOURCES))
    cflags = ["-std=gnu11", "-O1", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    ldflags: list[str] = []
    if sanitize:
        cflags += ["-fsanitize=undefined", "-fno-sanitize-recover=undefined", "-g"]
        ldflags += ["-fsanitize=undefined"]
    ffi.set_source(
        name, "\n".join(f'#include "{n}.h"' for n in _VARIANT_SOURCES),
        sources=[str(f) for f in files], include_dirs=[str(src)],
        define_macros=[(k, str(v)) for k, v in defines.items()],
        extra_compile_args=cflags, extra_link_args=ldflags)
    tmp = tempfile.mkdtemp(prefix="dxgk_ra_variant_")
    _variant_dirs.append(tmp)
    so = ffi.compile(tmpdir=tmp, verbose=False)
    spec = importlib.util.spec_from_file_location(name, so)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {so}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules[name] = mod
    _variants[key] = mod
    return mod


@atexit.register
def _remove_variant_dirs() -> None:
    for d in _variant_dirs:
        shutil.rmtree(d, ignore_errors=True)
