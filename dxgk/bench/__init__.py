"""The benchmark room: the harness behind ``python -m dxgk bench`` (:mod:`.harness`) and
the synthetic workloads behind ``python -m dxgk gen-trace`` (:mod:`.workloads`).

Invariant kept: nothing here is imported by the model, the facades or the trace room --
benchmarks and workloads only use them.
"""

from __future__ import annotations

from .harness import LATENCY_SETS, PT_MAP_CASES, load_latency, report, run, run_command

__all__ = ["LATENCY_SETS", "PT_MAP_CASES", "load_latency", "report", "run", "run_command"]
