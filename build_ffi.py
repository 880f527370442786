"""cffi builder for dxgk's C core (API mode, out of line): ``dxgk._core``.

Every ``dxgk/core/*.c`` is compiled into one extension; the Python-visible declarations
are the ``dxgk/core/*.cdef`` files, concatenated in name order. Before compiling, the
layout engine writes ``dxgk_layout_asserts.h``: a ``_Static_assert`` for the size and
for every non-bitfield member offset of every struct in ``headers/``, computed for the
host's ABI (x64 or arm64). The C core includes it, so the build fails on the day the
host compiler and the engine disagree about a single byte.

Environment: ``DXGK_SANITIZE=1`` builds with AddressSanitizer and UBSan.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent
CORE = ROOT / "dxgk" / "core"
HEADERS = ROOT / "headers"
GEN = ROOT / "build" / "dxgk_gen"

# Import dxgk.layout without running dxgk/__init__.py, which needs the very extension
# this script builds: a bare package object stands in for `dxgk` during the build.
sys.path.insert(0, str(ROOT))
_pkg = types.ModuleType("dxgk")
_pkg.__path__ = [str(ROOT / "dxgk")]  # type: ignore[attr-defined]
sys.modules["dxgk"] = _pkg
from dxgk.layout.asserts import write_asserts_header  # noqa: E402
from dxgk.layout.abi import host_abi  # noqa: E402


def _rel(p: Path) -> str:
    return os.path.relpath(p, ROOT)


def make_builder() -> FFI:
    GEN.mkdir(parents=True, exist_ok=True)
    write_asserts_header(GEN / "dxgk_layout_asserts.h", abi=host_abi())

    cdef = "\n".join(p.read_text() for p in sorted(CORE.glob("*.cdef")))
    public_headers = sorted(p.name for p in CORE.glob("*.h"))
    prelude = "\n".join(
        ['#include "dxgk_layout_asserts.h"'] + [f'#include "{h}"' for h in public_headers]
    )

    cflags = ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter",
              "-fvisibility=hidden"]
    ldflags: list[str] = []
    if os.environ.get("DXGK_SANITIZE"):
        san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer",
               "-fno-sanitize-recover=undefined", "-O1", "-g"]
        cflags += san
        ldflags += ["-fsanitize=address,undefined"]

    ffi = FFI()
    ffi.cdef(cdef)
    ffi.set_source(
        "dxgk._core",
        prelude,
        sources=[_rel(p) for p in sorted(CORE.glob("*.c"))],
        include_dirs=[_rel(HEADERS), _rel(CORE), _rel(GEN)],
        extra_compile_args=cflags,
        extra_link_args=ldflags + ["-lpthread"],
    )
    return ffi


ffibuilder = make_builder()

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
