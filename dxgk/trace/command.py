"""The body of ``python -m dxgk replay FILE [--check] [--engine c|python] [--json]``.

What it owns: :func:`run_replay` -- what the command prints and its exit code (0 ok, 1 a
result differs from the trace with ``--check``, 2 a malformed or unreadable trace) -- and
``_execute``, its execution step. Argument parsing stays in :mod:`dxgk.cli`; nothing here
imports it.

Invariant kept: a trace that does not decode never reaches ``_execute`` (the tests spy on
it to prove so), and the replayed adapters are destroyed before :func:`run_replay`
returns.
"""

from __future__ import annotations

import json
import sys
from typing import IO

from .decoder import Trace, decode
from .format import TraceError
from .replayer import replay
from .result import ReplayResult


def run_replay(path: str, *, check: bool, engine: str = "c", as_json: bool = False,
               out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``python -m dxgk replay FILE [--check]``: 0 ok, 1 results differ (with --check),
    2 a malformed or unreadable trace (nothing executed). The report goes to `out`, errors
    to `err` (default: stdout, stderr)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        trace = decode(path, progress=None)
    except TraceError as e:
        print(f"dxgk replay: {e}", file=err)
        return 2
    except OSError as e:
        print(f"dxgk replay: {e}", file=err)
        return 2
    r = _execute(trace, check, engine)
    try:
        if as_json:
            json.dump({"path": path, "ops": r.ops, "calls": r.calls, "seconds": r.seconds,
                       "calls_per_second": r.calls_per_second, "checked": check,
                       "mismatches": r.mismatch_total,
                       "differences": [m.to_json() for m in r.mismatches]}, out, indent=2)
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
    finally:
        r.close()
    return 1 if check and not r.ok else 0


def _execute(trace: Trace, check: bool, engine: str) -> ReplayResult:
    """The execution step of the CLI (separate so tests can prove a malformed trace never
    reaches it)."""
    return replay(trace, check=check, engine=engine, keep=True)
