#!/usr/bin/env python3
"""A map with a driver attached against the same map without one (docs/behaviour.md 10.2).

    make example-c && python tools/bench_driver.py [--rounds R] [--maps N]

Each round makes two adapters, in turn: one with the example driver tinygpu
(examples/gpummu_driver.c, CPU_VIRTUAL) attached, one without a driver in the same
update mode; both record the paging log (the default). On each it maps N fresh
512-page allocations of the 4 KB segment through DxgkCbMapContextAllocation, next to a
page kept mapped (so the upper tables exist), and takes the mean time of a map. A third
adapter, without a driver and with recording off (``paging_log=0``), gives the cost of
recording itself. Prints the medians over the rounds and both ratios side by side (the
issue's targets: driver / no driver <= 2, recording on / off <= 1.3). A bad argument is
one line and exit 2.
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import sys
import time
from pathlib import Path

import dxgk
from dxgk import structs

LIB = Path(__file__).resolve().parents[1] / "build" / "examples" / "libgpummu_driver.so"


def _adapter(kmd: ctypes.CDLL | None, log: int = 16384) -> dxgk.Adapter:
    if kmd is None:                                                 # CPU_VIRTUAL, no driver
        return dxgk.Adapter(caps={"PageTableUpdateMode": 0}, paging_log=log)
    table = structs.DRIVER_INITIALIZATION_DATA()
    kmd.tinygpu_driver_entry(ctypes.byref(table), 0x5023)
    return dxgk.Adapter(driver=table)


def _per_map(kmd: ctypes.CDLL | None, maps: int, log: int = 16384) -> float:
    a = _adapter(kmd, log)
    try:
        d = a.create_process().create_device()
        a.map(a.create_allocation(4096, d, segments=[2]))
        hs = [a.create_allocation(512 * 4096, d, segments=[2]) for _ in range(maps)]
        m = structs.DXGKARGCB_MAPCONTEXTALLOCATION(SizeInPages=512)
        m.Protection.Write = 1
        t0 = time.perf_counter_ns()
        for h in hs:
            m.hAllocation = h
            if not dxgk.DxgkCbMapContextAllocation(a.handle, m):
                raise RuntimeError(f"a map failed: {dxgk.status_name(dxgk.last_status())}")
        ns = (time.perf_counter_ns() - t0) / maps
        if kmd is not None and a.driver_faults:
            raise RuntimeError(f"the driver faulted: {a.driver_faults[0]}")
        return ns
    finally:
        a.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--maps", type=int, default=200)
    args = p.parse_args(argv)
    if args.rounds < 1 or args.maps < 1:
        print("bench_driver: --rounds and --maps must be at least 1", file=sys.stderr)
        return 2
    if not LIB.exists():
        print(f"bench_driver: {LIB} is missing: run `make example-c` first", file=sys.stderr)
        return 2
    kmd = ctypes.CDLL(str(LIB))
    none, tiny, off = [], [], []
    for _ in range(args.rounds):
        none.append(_per_map(None, args.maps))
        tiny.append(_per_map(kmd, args.maps))
        off.append(_per_map(None, args.maps, log=0))
    a, b, c = (statistics.median(x) for x in (none, tiny, off))
    print(f"512-page map (medians of {args.rounds} rounds x {args.maps} maps): "
          f"recording off {c:,.0f} ns, on {a:,.0f} ns, tinygpu attached {b:,.0f} ns")
    print(f"ratios: tinygpu / no driver {b / a:.2f} (target <= 2), "
          f"recording on / off {a / c:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
