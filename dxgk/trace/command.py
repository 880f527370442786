"""The body of ``python -m dxgk replay FILE [--check] [--engine c|python] [--json]
[--driver LIB:ENTRY [--decoder SYMBOL] [--validate]]``.

What it owns: :func:`run_replay` -- what the command prints and its exit code (0 ok, 1 a
result differs from the trace with ``--check`` or the driver's tables from the model's
with ``--validate``, 2 a malformed or unreadable trace or a driver library that cannot be
used) -- ``_execute``, its execution step, and the loading of a C driver named on the
command line (docs/behaviour.md 10.6). Argument parsing stays in :mod:`dxgk.cli`; nothing
here imports it.

Invariant kept: a trace that does not decode never reaches ``_execute`` (the tests spy on
it to prove so), and the replayed adapters are destroyed before :func:`run_replay`
returns.
"""

from __future__ import annotations

import ctypes
import json
import sys
from typing import IO, Any

from .. import structs
from ..argcheck import described

from .decoder import Trace, decode
from .format import TraceError
from .replayer import replay
from .result import ReplayResult


#: [choice] docs/behaviour.md 10.6: the interface version a command-line driver's ENTRY
#: is offered unless --ddi-version says otherwise (WDDM 2.0, the first with GpuMmu).
DEFAULT_DDI_VERSION = 0x5023


def load_driver(spec: str, decoder: str | None = None,
                version: int = DEFAULT_DDI_VERSION) -> tuple[Any, Any]:
    """``--driver LIB:ENTRY`` (and ``--decoder SYMBOL`` of the same library): loads the
    shared library LIB and calls ``void ENTRY(DRIVER_INITIALIZATION_DATA *table, ULONG
    version)`` -- the driver fills the table as its DriverEntry would fill the one it hands
    DxgkInitialize -- and returns the table and the decoder function (``NTSTATUS
    SYMBOL(UINT Level, const VOID *pRaw, SIZE_T RawSize, DXGK_PTE *pPte)``, docs/behaviour.md
    10.4) or None. ``ValueError`` saying what is wrong otherwise."""
    if not isinstance(spec, str) or ":" not in spec:
        raise ValueError(f"--driver takes LIB:ENTRY (a shared library and the function that "
                         f"fills its DRIVER_INITIALIZATION_DATA); got "
                         f"{repr(spec) if isinstance(spec, str) else described(spec)}")
    path, entry = spec.rsplit(":", 1)
    if not path or not entry.isidentifier():
        raise ValueError(f"--driver takes LIB:ENTRY with ENTRY a C function name; got {spec!r}")
    if not 0 <= version <= 0xFFFFFFFF:
        raise ValueError(f"--ddi-version must fit a ULONG; got {version:#x}")
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ValueError(f"--driver: cannot load {path!r}: {e}") from None
    fns = {}
    for what, name in (("--driver", entry), ("--decoder", decoder)):
        if name is None:
            continue
        try:
            fns[what] = getattr(lib, name)
        except AttributeError:
            raise ValueError(f"{what}: {path!r} has no function {name!r}") from None
    fill = fns["--driver"]
    fill.restype = None
    fill.argtypes = [ctypes.POINTER(structs.DRIVER_INITIALIZATION_DATA), ctypes.c_uint32]
    table = structs.DRIVER_INITIALIZATION_DATA()
    fill(ctypes.byref(table), version)
    table._dxgk_library = lib               # (keeps the library loaded with the table)
    return table, fns.get("--decoder")


def run_replay(path: str, *, check: bool, engine: str = "c", as_json: bool = False,
               out: IO[str] | None = None, err: IO[str] | None = None,
               driver: str | None = None, decoder: str | None = None,
               validate: bool = False, ddi_version: int = DEFAULT_DDI_VERSION) -> int:
    """``python -m dxgk replay FILE [--check]``: 0 ok, 1 results differ (with --check) or
    the driver's tables differ from the model's (with --validate), 2 a malformed or
    unreadable trace or an unusable driver (nothing executed). The report goes to `out`,
    errors to `err` (default: stdout, stderr). `driver` / `decoder`: see
    :func:`load_driver`; the trace's adapters are brought up with it (docs/behaviour.md
    10.6)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    if (decoder is not None or validate) and driver is None:
        print("dxgk replay: --decoder and --validate need --driver", file=err)
        return 2
    if driver is not None and engine != "c":
        print("dxgk replay: --driver needs the C engine (--engine c)", file=err)
        return 2
    table = dec = None
    if driver is not None:
        try:
            table, dec = load_driver(driver, decoder, ddi_version)
        except ValueError as e:
            print(f"dxgk replay: {e}", file=err)
            return 2
    try:
        trace = decode(path, progress=None)
    except TraceError as e:
        print(f"dxgk replay: {e}", file=err)
        return 2
    except OSError as e:
        print(f"dxgk replay: {e}", file=err)
        return 2
    try:
        r = _execute(trace, check, engine, table, dec)
    except (TypeError, ValueError) as e:        # the attach refused the driver or decoder
        print(f"dxgk replay: {e}", file=err)
        return 2
    problem = None
    try:
        if validate:
            try:
                r.validate()
            except AssertionError as e:
                problem = str(e)
        if as_json:
            summary = {"path": path, "ops": r.ops, "calls": r.calls, "seconds": r.seconds,
                       "calls_per_second": r.calls_per_second, "checked": check,
                       "mismatches": r.mismatch_total,
                       "differences": [m.to_json() for m in r.mismatches]}
            if validate:
                summary["validated"] = problem is None
                summary["validation"] = problem
            json.dump(summary, out, indent=2)
            out.write("\n")
        else:
            for m in r.mismatches:
                print(f"{path}:{m.line}: {m.describe()}", file=out)
            verdict = ""
            if check:
                verdict = (", every result as recorded" if r.ok else
                           f", {r.mismatch_total} result(s) differ from the trace")
            print(f"replayed {r.ops} calls and events ({r.calls} DDI calls) in {r.seconds:.3f} s, "
                  f"{r.calls_per_second:,.0f} calls/s{verdict}", file=out)
            if validate:
                print("validate: the driver's tables differ from the model's: " + problem
                      if problem else "validate: the driver's tables agree with the model's",
                      file=out)
    finally:
        r.close()
    return 1 if (check and not r.ok) or problem is not None else 0


def _execute(trace: Trace, check: bool, engine: str, driver: Any = None,
             decoder: Any = None) -> ReplayResult:
    """The execution step of the CLI (separate so tests can prove a malformed trace never
    reaches it)."""
    return replay(trace, check=check, engine=engine, keep=True, driver=driver, decoder=decoder)
