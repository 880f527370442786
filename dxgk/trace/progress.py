"""The progress bar of long decodes and replays: one line on stderr.

What it owns: ``_Progress``, used by :func:`dxgk.trace.decode` (bytes read) and the C
engine's driver (ops run).

Invariant kept: it writes nothing unless it is enabled (by default only when the stream is
a terminal) and the job has already run for ``delay`` seconds, so short runs, pipes and
tests see no output; once shown, :meth:`_Progress.close` ends its line.
"""

from __future__ import annotations

import sys
import time
from typing import IO


class _Progress:
    """A one-line progress bar on stderr, shown only once a job has run for a second."""

    def __init__(self, label: str, total: int, *, enabled: bool | None = None,
                 stream: IO[str] | None = None, delay: float = 1.0,
                 unit: str = "") -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled and total > 0
        self.label = label
        self.total = total
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.shown = False
        self.unit = unit

    def update(self, done: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and (now - self.start < self.delay or now - self.last < 0.1):
            return
        self.last = now
        frac = min(done / self.total, 1.0)
        width = 30
        fill = int(frac * width)
        rate = done / (now - self.start)
        eta = (self.total - done) / rate if rate > 0 else 0.0
        if self.unit == "bytes":
            amount = f"{done / 1e6:,.0f}/{self.total / 1e6:,.0f} MB"
        else:
            amount = f"{done:,}/{self.total:,}"
        self.stream.write(f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] "
                          f"{frac * 100:5.1f}%  {amount}  eta {eta:5.1f}s ")
        self.stream.flush()
        self.shown = True

    def close(self, done: int | None = None) -> None:
        if self.shown:
            if done is not None:
                self.update(done, force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
