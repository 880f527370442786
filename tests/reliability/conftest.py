"""tests/reliability: the helper modules here (refmodel, fuzzkit) and tests/ddi's
spec_helpers are imported by name, whatever pytest's import mode; the session ends with
the number of DDI calls the fuzzers made (fuzzkit.COUNTS)."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _p in (_HERE, _HERE.parent / "ddi"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    fuzzkit = sys.modules.get("fuzzkit")
    if fuzzkit is None or not (fuzzkit.COUNTS or fuzzkit.EXTRA):
        return
    per_cb: dict[str, dict[str, int]] = {}
    for (cb, status), n in fuzzkit.COUNTS.items():
        per_cb.setdefault(cb, {})[status] = n
    tr = terminalreporter
    total = sum(fuzzkit.COUNTS.values())
    tr.write_sep("-", f"dxgk reliability: {total} checked calls"
                      f"{' (DXGK_FUZZ_LONG)' if fuzzkit.LONG else ''}")
    for cb in sorted(per_cb):
        parts = ", ".join(f"{s.replace('STATUS_', '')} {n}"
                          for s, n in sorted(per_cb[cb].items(), key=lambda x: -x[1]))
        tr.write_line(f"  {cb}: {sum(per_cb[cb].values())} ({parts})")
    for cb, n in sorted(fuzzkit.UNCERTAIN.items()):
        tr.write_line(f"  {cb}: {n} failures for lack of room the model could not decide")
    extra = getattr(fuzzkit, "EXTRA", None)
    if extra:
        for k, v in sorted(extra.items()):
            tr.write_line(f"  {k}: {v}")
