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


@pytest.mark.parametrize("order", [0, 12, 20, 40, 48])
def test_the_aligned_workload_keeps_every_range_aligned_and_a_valid_tree(order):
    r = ffi.new("dxgk_bench_ra_result *")
    assert lib.dxgk_bench_ra_run_aligned(order, 3000, 2000, 3, 7, r) == 0
    assert r.validate == 0 and r.live == 3000 and r.failures == 0
    assert r.ops_per_run == 2 * 2000 and r.runs == 3


def test_the_aligned_workload_rejects_bad_orders_and_counts():
    r = ffi.new("dxgk_bench_ra_result *")
    for order, live in [(1, 100), (11, 100), (49, 100), (64, 100), (40, (1 << 22) + 1), (0, 0)]:
        assert lib.dxgk_bench_ra_run_aligned(order, live, 10, 1, 1, r) == -22, (order, live)
    assert lib.dxgk_bench_ra_run_aligned(40, (1 << 22) - 1, 1, 1, 1, ffi.NULL) == -22


def test_ab_tool_runs_both_builds_side_by_side():
    """tools/ab_alloc.py against this checkout's own HEAD (needs git and a C compiler)."""
    import shutil
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    if shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no C compiler")
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "ab_alloc.py"), "--base", "HEAD",
                        "--scales", "1000", "--orders", "12,30", "--pairs", "300", "--runs", "1",
                        "--rounds", "2", "--json"],
                       capture_output=True, text=True, timeout=300, check=False)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert [(r["workload"], r["live"]) for r in doc["workloads"]] == [
        ("random", 1000), ("fixed", 1000), ("window", 1000)]
    for r in doc["workloads"]:
        assert len(r["base"]["ns_rounds"]) == len(r["new"]["ns_rounds"]) == 2
        assert r["ratio"] == r["new"]["ns"] / r["base"]["ns"]
    assert [x["order"] for x in doc["aligned"]["ratios"]] == [12, 30]
    bad = subprocess.run([sys.executable, str(ROOT / "tools" / "ab_alloc.py"), "--orders", "7"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 2 and "--orders must be in 12..48" in bad.stderr
    assert "Traceback" not in bad.stderr


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
    # the tool divides unrounded medians; the JSON's medians carry one decimal
    assert set(doc["ratios"]) == {"fixed", "window"}
    for w in ("fixed", "window"):
        assert doc["ratios"][w] == pytest.approx(med[(w, 3000)] / med[(w, 1000)], abs=0.011)
    assert set(doc["load_latency_ns"]) == {"1000", "3000"}
    assert all(v > 0 for v in doc["load_latency_ns"].values())
