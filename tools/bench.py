#!/usr/bin/env python3
"""The dxgk benchmark harness (the same as ``python -m dxgk bench``).

    python tools/bench.py              # full run (about two minutes)
    python tools/bench.py --quick      # smoke run (well under a minute)
    python tools/bench.py --json       # machine-readable

Every allocator and page-table workload (timed inside C), the facade's per-call cost next
to a no-op cffi call, replay throughput of each synthetic trace and page-table memory per
mapped GiB; each figure the median [min..max] of repeated runs. See dxgk/bench/harness.py.
"""

from __future__ import annotations

import sys

from dxgk.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
