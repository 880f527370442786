"""Builds dxgk's C core with AddressSanitizer + UBSan for `make test-asan`.

    python tests/reliability/asan_build.py build/asan

copies what build_ffi.py needs (build_ffi.py, headers/, dxgk/) into ``<dir>/src`` and
compiles the extension there with ``DXGK_SANITIZE=1`` (build_ffi.py then adds
``-fsanitize=address,undefined``), so the source tree's own ``dxgk/_core*.so`` -- the one
``make test`` uses -- is never touched. The result is a complete, importable ``dxgk``
package in ``<dir>/src`` whose only extension is the sanitized one: put ``<dir>/src`` first
on PYTHONPATH (with PYTHONSAFEPATH=1, so the current directory does not shadow it).

Any extension already in the source tree's dxgk/ is copied along and then dropped, so
the only ``_core`` in the copy is the sanitized one. Exit status 0 on success; the build
is checked to link libasan and libubsan.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _ignore(_dir: str, names: list[str]) -> set[str]:
    return {n for n in names if n in ("__pycache__", "_core.c") or n.endswith(".o")}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[1]).resolve()
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    shutil.copy2(ROOT / "build_ffi.py", src / "build_ffi.py")
    shutil.copytree(ROOT / "headers", src / "headers", ignore=_ignore)
    shutil.copytree(ROOT / "dxgk", src / "dxgk", ignore=_ignore)

    env = dict(os.environ, DXGK_SANITIZE="1")
    env.pop("LD_PRELOAD", None)
    code = ("import build_ffi, sys; "
            "sys.stdout.write(build_ffi.ffibuilder.compile(tmpdir='.', verbose=False))")
    res = subprocess.run([sys.executable, "-c", code], cwd=src, env=env,
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        print("asan_build: compiling the sanitized extension failed", file=sys.stderr)
        return 1
    built = Path(res.stdout.strip().splitlines()[-1]).resolve()
    for so in (src / "dxgk").glob("_core*.so"):
        if so.resolve() != built:
            so.unlink()
    for leftover in (src / "dxgk").glob("_core.[co]"):
        leftover.unlink()

    needed = subprocess.run(["ldd", str(built)], capture_output=True, text=True,
                            check=False).stdout
    missing = [lib for lib in ("libasan", "libubsan") if lib not in needed]
    if missing:
        print(f"asan_build: {built} does not link {', '.join(missing)}:\n{needed}",
              file=sys.stderr)
        return 1
    print(f"asan_build: sanitized dxgk._core -> {built}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
