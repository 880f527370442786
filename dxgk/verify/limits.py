"""How much verify-header reads: the limits that keep a hostile header from taking unbounded
time or memory, and the run's budget against them.

What it owns: `Limits` -- the five bounds, their defaults and their names on the command
line (`--limit NAME=VALUE`, `parse_limits`) --, `HeaderLimitError`, the one-line error a
header that goes past a bound ends the run with, and `budget`, the bounds and the clock of
the run in progress (`Budget.check_time`, called between steps by every stage).

Invariant kept: a run stops with a `HeaderLimitError` (exit status 2) naming the file and
line it had reached, the bound and how to raise it, instead of going past any bound;
the clock is checked between steps (a preprocessor directive or macro expansion, a
declaration, a batch of the parser), so the time bound is exceeded at most by one step.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from .sdk import VerifyUsageError

__all__ = ["Limits", "LIMIT_NAMES", "HeaderLimitError", "Budget", "parse_limits", "budget",
           "active_budget", "limits_help"]


class HeaderLimitError(VerifyUsageError):
    """A header went past one of the `Limits`: the run stops (exit status 2)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one run reads. The defaults are far above what a real Windows Kit
    needs (10.0.26100: 0.5 MB of text per translation unit, its largest header 0.46 MB,
    includes 5 deep, about 6 s for three ABIs) and keep a run within about 120 s and
    600 MB (reading costs about 150 bytes of memory per byte of header text)."""

    seconds: float = 120.0          # wall time for the whole run (every ABI)
    file_mb: float = 2.0            # size of one header file
    text_mb: float = 4.0            # per translation unit: text read, and text produced
    include_depth: int = 64         # nested #include levels
    macro_tokens: int = 100_000     # tokens one macro expansion may add


# command-line name -> (attribute, what it bounds)
LIMIT_NAMES = {
    "seconds": ("seconds", "wall time of the whole run"),
    "file-mb": ("file_mb", "size of one header file, in MiB"),
    "text-mb": ("text_mb", "text read, and text preprocessing produces, per translation unit, "
                           "in MiB"),
    "include-depth": ("include_depth", "nested #include levels"),
    "macro-tokens": ("macro_tokens", "tokens one macro expansion may add"),
}


def limits_help() -> str:
    """One line per limit with its default, for --help."""
    d = Limits()
    return "; ".join(f"{name}={getattr(d, attr):g} ({what})"
                     for name, (attr, what) in LIMIT_NAMES.items())


def parse_limits(items: Iterable[str], base: Limits | None = None) -> Limits:
    """`--limit NAME=VALUE` items -> Limits (VerifyUsageError for a bad one)."""
    out = base or Limits()
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip()
        if name not in LIMIT_NAMES or not eq:
            raise VerifyUsageError(f"--limit {item}: expected NAME=VALUE with NAME one of "
                                   f"{', '.join(LIMIT_NAMES)}")
        attr = LIMIT_NAMES[name][0]
        whole = isinstance(getattr(Limits(), attr), int)
        try:
            number: float = int(value) if whole else float(value)
        except ValueError:
            number = -1
        if not 0 < number < float("inf"):
            raise VerifyUsageError(f"--limit {item}: expected a positive "
                                   f"{'integer' if whole else 'number'}")
        change: dict[str, Any] = {attr: number}     # an int for an int limit (whole)
        out = replace(out, **change)
    return out


class Budget:
    """The limits of the run in progress and its deadline."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds

    def check_time(self, where: str) -> None:
        """HeaderLimitError once the run has used its time (`where`: file:line reached)."""
        if time.monotonic() > self.deadline:
            self.fail(where, f"reading the headers took more than {self.limits.seconds:g} s",
                      "seconds")

    def fail(self, where: str, what: str, name: str) -> None:
        attr = LIMIT_NAMES[name][0]
        now = getattr(self.limits, attr)
        raise HeaderLimitError(f"{where + ': ' if where else ''}{what}: stopped "
                               f"(raise the bound with --limit {name}=N; now {now:g})")

    def bytes_of(self, name: str) -> int:
        return int(getattr(self.limits, LIMIT_NAMES[name][0]) * 1024 * 1024)


_ACTIVE: ContextVar[Budget | None] = ContextVar("dxgk_verify_budget", default=None)


def active_budget() -> Budget:
    """The budget of the run in progress (the default limits when none is)."""
    b = _ACTIVE.get()
    return b if b is not None else Budget(Limits())


@contextlib.contextmanager
def budget(limits: Limits | None) -> Iterator[Budget]:
    """Run the body under `limits` (a run nested in another keeps the outer budget)."""
    outer = _ACTIVE.get()
    if outer is not None and limits is None:
        yield outer
        return
    b = Budget(limits or Limits())
    token = _ACTIVE.set(b)
    try:
        yield b
    finally:
        _ACTIVE.reset(token)
