"""The allocator benchmark driver (dxgk/core/bench_ra.c) and tools/bench_alloc.py.

No timing is asserted (these machines are noisy): the tests check that every
workload keeps its number of live ranges, leaves a consistent allocator, rejects bad
arguments, and that the latency probe and the tool's JSON hold what they claim."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

from dxgk import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]
ffi, lib = _core.ffi, _core.lib


@pytest.mark.parametrize("workload", [lib.DXGK_BENCH_RA_RANDOM, lib.DXGK_BENCH_RA_FIXED,
                                      lib.DXGK_BENCH_RA_WINDOW])
def test_each_workload_keeps_its_live_count_and_a_valid_tree(workload):
    r = ffi.new("dxgk_bench_ra_result *")
    assert lib.dxgk_bench_ra_run(workload, 3000, 2000, 3, 7, r) == 0
    assert r.validate == 0
    assert r.live == 3000
    assert r.runs == 3 and all(r.ns_per_op[i] > 0 for i in range(3))
    assert r.median_ns == sorted(r.ns_per_op[i] for i in range(3))[1]
    # a pair is a free and an alloc; window allocations may need several attempts
    assert r.ops_per_run >= 2 * 2000
    if workload != lib.DXGK_BENCH_RA_WINDOW:
        assert r.ops_per_run == 2 * 2000 and r.failures == 0
    assert r.height >= 1 and r.pool_bytes > 0


def test_the_driver_rejects_bad_arguments():
    r = ffi.new("dxgk_bench_ra_result *")
    bad = [(3, 100, 10, 1), (0, 0, 10, 1), (0, 100, 0, 1), (0, 100, 10, 0),
           (0, 100, 10, lib.DXGK_BENCH_RA_MAX_RUNS + 1)]
    for w, live, pairs, runs in bad:
        assert lib.dxgk_bench_ra_run(w, live, pairs, runs, 1, r) == -22
    assert lib.dxgk_bench_ra_run(0, 100, 10, 1, 1, ffi.NULL) == -22


def test_memory_latency_probe():
    out = ffi.new("double *")
    assert lib.dxgk_bench_mem_latency(1 << 16, 100_000, 3, out) == 0
    assert 0 < out[0] < 10_000
    assert lib.dxgk_bench_mem_latency(4095, 10, 3, out) == -22       # below one page
    assert lib.dxgk_bench_mem_latency(1 << 16, 0, 3, out) == -22
    assert lib.dxgk_bench_mem_latency(1 << 16, 10, 3, ffi.NULL) == -22


def test_bench_alloc_tool_json():
    env = dict(os.environ)
    if os.environ.get("DXGK_ASAN_PRELOAD"):     # under `make test-asan` (see asan_check)
        env["LD_PRELOAD"] = os.environ["DXGK_ASAN_PRELOAD"]
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "bench_alloc.py"), "--json",
                        "--scales", "1000,3000", "--pairs", "500", "--runs", "1",
                        "--repeat", "2", "--workloads", "fixed,window"],
                       capture_output=True, text=True, timeout=120, check=False, env=env)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["repeat"] == 2 and len(doc["results"]) == 2 * 2 * 2
    assert {(m["workload"], m["live"]) for m in doc["median_ns"]} == {
        ("fixed", 1000), ("fixed", 3000), ("window", 1000), ("window", 3000)}
    med = {(m["workload"], m["live"]): m["median_ns"] for m in doc["median_ns"]}
    # the ratios come from the unrounded medians, the reported medians are rounded to 0.1
    assert set(doc["ratios"]) == {"fixed", "window"}
    for w in ("fixed", "window"):
        assert abs(doc["ratios"][w] - med[(w, 3000)] / med[(w, 1000)]) <= 0.011
    assert set(doc["load_latency_ns"]) == {"1000", "3000"}
    assert all(v > 0 for v in doc["load_latency_ns"].values())
