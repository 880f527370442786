"""How the benchmarks summarise repeated measurements (shared by :mod:`.harness` and
:mod:`.usermode`): the median with the min and the max, never a mean."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

__all__ = ["stat"]


def stat(values: Sequence[float]) -> dict[str, float]:
    """{"median", "min", "max", "n"} of repeated measurements."""
    v = [float(x) for x in values]
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}
