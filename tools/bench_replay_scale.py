#!/usr/bin/env python3
"""A large trace replayed as a user runs it: ``python -m dxgk replay --check --json FILE``
in a fresh process, its wall time and peak memory next to the C engine's own run time and
the size of the decoded op arrays.

    python tools/bench_replay_scale.py                      # a 10^6-call churn trace
    python tools/bench_replay_scale.py --calls 200000 --kind processes
    python tools/bench_replay_scale.py --trace run.jsonl.zst   # an existing trace

Prints: decode lines/s (in this process), the command's wall time, the engine's seconds
(from its --json), their ratio, the command's peak RSS, the interpreter's own peak RSS
after ``import dxgk.trace`` (the floor), and the op arrays' bytes (ops + blob + symbols).
Each figure is of one run; run it twice on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def _child(argv: list[str]) -> tuple[float, int, str]:
    """(wall seconds, peak RSS bytes, stdout) of a fresh Python running `argv`."""
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({p.returncode}): {p.stderr.strip()}")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return wall, rss, p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", default="churn")
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--trace", help="replay this trace instead of generating one")
    args = ap.parse_args()

    from dxgk import trace
    from dxgk.bench import workloads

    with tempfile.TemporaryDirectory(prefix="dxgk-scale-") as d:
        path = args.trace
        if path is None:
            path = os.path.join(d, f"{args.kind}.jsonl")
            workloads.generate(args.kind, args.calls, 1, path)
        # the floor first: RUSAGE_CHILDREN keeps the largest child so far
        _, floor, _ = _child(["-c", "import dxgk.trace"])
        wall, peak, out = _child(["-m", "dxgk", "replay", "--check", "--json", path])
        rep = json.loads(out)
        t0 = time.perf_counter()
        tr = trace.decode(path)
        decode_s = time.perf_counter() - t0
        arrays = tr.ops.nbytes + tr.blob.nbytes + tr.initial.nbytes
        print(f"{path}: {os.path.getsize(path) / 1e6:,.1f} MB, {tr.lines:,} lines, "
              f"{rep['calls']:,} DDI calls, {rep['mismatches']} mismatches")
        print(f"  decode (in this process)   {decode_s:.2f} s = {tr.lines / decode_s:,.0f} lines/s")
        print(f"  replay --check, end to end {wall:.2f} s wall (interpreter start included)")
        print(f"  the C engine's own run     {rep['seconds']:.3f} s -> end to end = "
              f"{wall / rep['seconds']:.1f} x the engine")
        print(f"  decoded op arrays          {arrays / 1e6:,.1f} MB")
        print(f"  peak RSS of the replay     {peak / 1e6:,.1f} MB = {peak / arrays:.2f} x the "
              f"arrays ({(peak - floor) / arrays:.2f} x above the interpreter's "
              f"{floor / 1e6:,.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
