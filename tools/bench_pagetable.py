#!/usr/bin/env python3
"""Page-table benchmark: map/unmap and translate, timed inside C (dxgk/core/bench_pt.c).

    python tools/bench_pagetable.py            # full run (about 15 s)
    python tools/bench_pagetable.py --quick    # smoke run (about 2 s)
    python tools/bench_pagetable.py --json     # machine-readable

Every tree uses docs/behaviour.md section 3's default GpuMmu (4 levels x 9 bits, 48-bit VA,
4096-byte tables, 256-byte 64 KB leaves). Times are the best round of several, so that
other load on the machine disturbs them as little as possible.

map/unmap: `pages` 4 KB pages per call. "packed": consecutive calls map adjacent ranges
and share leaf tables (the steady state); "new leaf": every call maps into its own, so
far unused 2 MB leaf range and so creates a table. PTE GB/s counts the leaf DXGK_PTEs a
map writes (16 bytes per entry); memset GB/s is memset of the same number of bytes, in
the same number of calls, timed in the same run; ratio = PTE GB/s / memset GB/s.

translate: 10^6 random VAs, all mapped. hot = 64 pages in one leaf table; cold = runs
of 16 pages in 65536 leaf tables spread evenly over 1 TiB (about 550 MB of tables).
"batch" is dxgk_pt_translate_many (the numpy path), "single" one dxgk_pt_translate per
VA, "walk" one dxgk_pt_walk per VA (the full per-level report).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dxgk._core import ffi, lib
from dxgk.bench import PT_MAP_CASES as MAP_CASES  # (pages, spread, eligible64k, label)


def _check(status: int, what: str) -> None:
    if status != lib.DXGK_PT_OK:
        raise SystemExit(f"{what}: {ffi.string(lib.dxgk_pt_strerror(status)).decode()}")


def run(quick: bool) -> dict[str, Any]:
    min_seconds = 0.05 if quick else 0.4
    rows = []
    r = ffi.new("dxgk_ptbench_map_result *")
    for pages, spread, e64, label in MAP_CASES:
        _check(lib.dxgk_ptbench_map(pages, spread, e64, min_seconds, r), label)
        rows.append({
            "case": label, "pages": pages, "spread": bool(spread), "eligible64k": bool(e64),
            "calls_per_round": r.calls, "rounds": r.rounds,
            "map_ns": r.map_ns, "unmap_ns": r.unmap_ns, "pte_bytes": r.pte_bytes,
            "map_gbps": r.map_gbps, "unmap_gbps": r.unmap_gbps,
            "memset_gbps": r.memset_gbps, "ratio": r.map_ratio,
            "new_tables_per_call": r.tables_per_call_x1000 / 1000,
        })
    x = ffi.new("dxgk_ptbench_xlate_result *")
    n = 100_000 if quick else 1_000_000
    chunks = 4096 if quick else 65536
    _check(lib.dxgk_ptbench_translate(n, chunks, 1 if quick else 3, 12345, x), "translate")
    translate = {
        "vas": x.vas, "hot_pages": x.hot_pages, "cold_pages": x.cold_pages,
        "cold_span_bytes": x.cold_span, "cold_leaf_tables": x.cold_leaf_tables,
        "hot_batch_ns": x.hot_batch_ns, "hot_single_ns": x.hot_single_ns,
        "cold_batch_ns": x.cold_batch_ns, "cold_single_ns": x.cold_single_ns,
        "walk_cold_ns": x.walk_cold_ns,
    }
    gib = next(row for row in rows if row["pages"] == 262144 and not row["eligible64k"])
    return {"config": "default GpuMmu (docs/behaviour.md 3.5): 4 levels x 9 bits, 48-bit VA",
            "quick": quick,
            "map": rows, "translate": translate,
            "summary": {"pte_write_vs_memset_1gib": gib["ratio"],
                        "translate_hot_ns": x.hot_batch_ns,
                        "translate_cold_ns": x.cold_batch_ns}}


def report(res: dict[str, Any]) -> str:
    title = f"dxgk page tables -- {res['config']}" + (" (quick)" if res["quick"] else "")
    header = (f"{'map/unmap':24s} {'calls':>6s} {'map ns':>10s} {'unmap ns':>10s} "
              f"{'PTE GB/s':>9s} {'memset':>8s} {'ratio':>6s} {'tables':>7s}")
    out = [title, "", header]
    for row in res["map"]:
        out.append(f"{row['case']:24s} {row['calls_per_round']:6d} {row['map_ns']:10.1f} "
                   f"{row['unmap_ns']:10.1f} {row['map_gbps']:9.2f} {row['memset_gbps']:8.2f} "
                   f"{row['ratio']:6.2f} {row['new_tables_per_call']:7.3f}")
    t = res["translate"]
    hot = f"  hot:  {t['hot_pages']} pages in one leaf table"
    cold = f"  cold: {t['cold_pages']} pages, {t['cold_leaf_tables']} leaves over 1 TiB"
    ratio = res["summary"]["pte_write_vs_memset_1gib"]
    out += ["",
            (f"translate {t['vas']} random mapped VAs, ns per VA:"
             f"{'':14s}{'batch':>8s} {'single':>8s} {'walk':>8s}"),
            f"{hot:60s}{t['hot_batch_ns']:8.2f} {t['hot_single_ns']:8.2f}",
            (f"{cold:60s}{t['cold_batch_ns']:8.2f} {t['cold_single_ns']:8.2f} "
             f"{t['walk_cold_ns']:8.2f}"),
            "",
            f"PTE write rate / memset (1 GiB map): {ratio:.2f}"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short smoke run")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    res = run(args.quick)
    print(json.dumps(res, indent=2) if args.json else report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
