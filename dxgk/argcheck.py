"""Checks of the values a Python caller hands dxgk, before any of them reaches a C field.

What it owns: :func:`integer` / :func:`uint` (an int that must fit a field of a given width),
:func:`handle_of` (an object argument that must be of an expected kind, or a handle, or
None) and :func:`described` (how an error message names a value's type). The object layer
(:mod:`dxgk.model`), the struct classes (:mod:`dxgk.structs`) and the DDI facade's handle
arguments (:mod:`dxgk.ddi`) all check through here, so one value gets one answer.

Invariant kept: a value either comes back as a plain Python ``int`` inside its field's range,
or raises before anything is changed -- ``TypeError`` for a value that is not an integer
(a ``str``, a ``float``, a ``bool`` where a number is meant, an object of the wrong kind),
``ValueError`` naming the field and its range for an integer that does not fit. Nothing is
ever wrapped modulo 2^N into a different, valid request (docs/behaviour.md section 8.6).
This module imports nothing of dxgk, so every layer may use it.
"""

from __future__ import annotations

import operator
from typing import Any, Protocol

__all__ = ["described", "handle_of", "integer", "uint"]

U64_MAX = (1 << 64) - 1
U32_MAX = (1 << 32) - 1


def described(obj: Any) -> str:
    """'a str', 'an int', 'a dxgk.Context' -- a value's type for an error message."""
    t = type(obj)
    mod = t.__module__
    if mod == "builtins":
        name = t.__qualname__
    elif mod.startswith("dxgk.") and hasattr(obj, "handle") and mod.count(".") == 1:
        name = f"dxgk.{t.__qualname__}"          # the public name of an object-layer class
    else:
        name = f"{mod}.{t.__qualname__}"
    return f"{'an' if name[0] in 'aeiouAEIOU' else 'a'} {name}"


def _limit(v: int) -> str:
    return str(v) if -4096 <= v <= 4096 else f"{v:#x}"


def integer(value: Any, what: str, lo: int, hi: int, *, allow_bool: bool = False,
            width: str = "") -> int:
    """``value`` as an int in ``lo..hi`` (both inclusive), or TypeError / ValueError naming
    ``what``. Any integer type with ``__index__`` (numpy's included) is accepted; a bool
    only with ``allow_bool`` (a one-bit flag). ``width`` ("64-bit unsigned field") is named
    in the range error."""
    if type(value) is int:
        v = value
    elif isinstance(value, bool) and not allow_bool:
        raise TypeError(f"{what} must be an int, not a bool ({value!r})")
    else:
        try:
            v = operator.index(value)
        except TypeError:
            raise TypeError(f"{what} must be an int; got {described(value)} "
                            f"({value!r:.40})") from None
    if not lo <= v <= hi:
        field = f" (a {width})" if width else ""
        raise ValueError(f"{what} must be in {_limit(lo)}..{_limit(hi)}{field}; "
                         f"got {_limit(v)}")
    return v


def uint(value: Any, what: str, bits: int = 64) -> int:
    """``value`` as an unsigned int that fits ``bits`` bits (see :func:`integer`)."""
    if type(value) is int and value >= 0 and not value >> bits:
        return value                              # the common case, without a call
    return integer(value, what, 0, (1 << bits) - 1, width=f"{bits}-bit unsigned value")


class _Handled(Protocol):
    """What handle_of accepts as a dxgk object: one with a ``.handle``."""

    @property
    def handle(self) -> int: ...


def handle_of(obj: Any, what: str, kinds: tuple[type[_Handled], ...], noun: str, *, hint: str = "",
              allow_none: bool = True) -> int:
    """The handle that ``obj`` stands for: an object of one of ``kinds`` gives its
    ``.handle``; an int is taken as a handle value (64-bit unsigned; the DDI judges whether
    it is live); None is 0 (if ``allow_none``). Anything else -- a dxgk object of another
    kind included -- is a TypeError saying what was expected (``noun``: "device", ...),
    with ``hint`` added."""
    if obj is None and allow_none:
        return 0
    if isinstance(obj, kinds):
        return int(obj.handle)
    if type(obj) is int or (not isinstance(obj, bool) and hasattr(obj, "__index__")
                            and not hasattr(obj, "handle")):
        return uint(obj, what)
    expected = [f"a dxgk.{k.__name__}" for k in kinds]
    expected.append(f"{'an' if noun[0] in 'aeiou' else 'a'} {noun} handle (int)")
    if allow_none:
        expected.append("None")
    text = ", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 \
        else expected[0]
    raise TypeError(f"{what} must be {text}; got {described(obj)}"
                    + (f" ({hint})" if hint else ""))
