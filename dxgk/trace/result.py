"""What a replay returns, and the replayed state read by handle.

What it owns: :class:`Mismatch` (a replayed result that differs from the recorded one),
:class:`ReplayResult` (the replayed adapters, each object's live handle by its symbolic
name, the differences, the timing) and the readers of replayed objects by handle --
:func:`process_ranges`, :func:`page_table_stats`, :func:`allocation_info` -- for objects
that, unlike those of :mod:`dxgk.model`, have no Python object.

Invariant kept: a ReplayResult owns the adapters its replay created and destroys each of
them once (:meth:`ReplayResult.close`, the end of a ``with`` block, or garbage
collection), and nothing else; a reader by handle returns what the C core reports for a
live object or raises :class:`dxgk.DdiError` with the core's status -- never a partial
record.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from .. import ddi
from .._core import ffi, lib
from ..records import (
    AllocationInfo,
    Mapping,
    PageTableStats,
    Reservation,
    allocation_info_of,
    page_table_stats_of,
    read_ranges,
)
from .decoder import Trace
from .format import _MASK32, _OP_NAMES, _STATUS_SUCCESS, _VALUE_KEY


@dataclass(frozen=True)
class Mismatch:
    """A replayed result that differs from the recorded one."""

    line: int
    op: str                     # callback or event name
    expected_status: int
    got_status: int
    expected_value: int | None  # VA / StartVirtualAddress (None: no value in this result)
    got_value: int | None

    def _fmt(self, value: int | None, status: int) -> str:
        key = "va" if self.op in ("DxgkCbMapContextAllocation",
                                  "DxgkCbCreateContextAllocation") else "StartVirtualAddress"
        s = ddi.status_name(status)
        return s if value is None else f"{key}={value:#x} {s}"

    def describe(self) -> str:
        """``"DxgkCbMapContextAllocation: recorded va=0x10000 STATUS_SUCCESS, replayed
        va=0 STATUS_CONFLICTING_ADDRESSES"``."""
        return (f"{self.op}: recorded {self._fmt(self.expected_value, self.expected_status)}"
                f", replayed {self._fmt(self.got_value, self.got_status)}")

    def __str__(self) -> str:
        return f"line {self.line}: {self.describe()}"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "op": self.op,
                "recorded": {"status": ddi.status_name(self.expected_status),
                             "value": self.expected_value},
                "replayed": {"status": ddi.status_name(self.got_status),
                             "value": self.got_value}}


class ReplayResult:
    """What a replay did. The adapters it created stay alive until :meth:`close` (or the
    end of a ``with`` block) so that their state can be inspected by symbol name."""

    def __init__(self, trace: Trace, handles: np.ndarray, mismatches: list[Mismatch],
                 mismatch_total: int, seconds: float, results: np.ndarray | None,
                 engine: str) -> None:
        self.trace = trace
        self.handles_array = handles
        self.mismatches = mismatches
        self.mismatch_total = mismatch_total
        self.seconds = seconds
        self.results = results
        self.engine = engine
        #: the dxgk.Adapter objects of a replay with a driver attached (closed by close())
        self.adapters: list[Any] = []
        self._closed = False

    @property
    def ops(self) -> int:
        return len(self.trace.ops)

    @property
    def calls(self) -> int:
        return self.trace.calls

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds > 0 else float("inf")

    @property
    def ok(self) -> bool:
        return self.mismatch_total == 0

    def handle(self, name: str) -> int:
        """The live handle the replay gave the object named `name` in the trace."""
        return int(self.handles_array[self.trace.symbol(name)])

    @property
    def handles(self) -> dict[str, int]:
        return {n: int(self.handles_array[i]) for i, n in enumerate(self.trace.names)
                if n is not None}

    # -- inspection of the replayed state --

    def _ranges(self, process: str, which: int) -> list[Any]:
        return process_ranges(self.handle(process), which)

    def mappings(self, process: str) -> list[Mapping]:
        return self._ranges(process, lib.DXGK_VM_WANT_MAPPINGS)

    def reservations(self, process: str) -> list[Reservation]:
        return self._ranges(process, lib.DXGK_VM_WANT_RESERVATIONS)

    def page_table_stats(self, process: str) -> PageTableStats:
        return page_table_stats(self.handle(process))

    def allocation(self, name: str) -> AllocationInfo:
        return allocation_info(self.handle(name))

    def validate(self) -> None:
        """``validate()`` of every adapter the replay made that is still alive (with a
        driver's decoder: its tables against the model's, docs/behaviour.md 10.4);
        ``AssertionError`` naming the adapter's trace symbol and the first violation."""
        for i in self.trace.symbol_indices("A"):
            h = int(self.handles_array[i])
            if lib.dxgk_vm_handle_type(h) != lib.DXGK_VM_T_ADAPTER:
                continue
            kept = [a for a in self.adapters if a.handle == h]
            if kept:
                try:
                    kept[0].validate()
                except AssertionError as e:
                    raise AssertionError(f"{self.trace.names[i]}: {e}") from None
                continue
            msg = ffi.new("char[]", 512)
            if lib.dxgk_vm_validate(h, msg, 512) & 0xFFFFFFFF == ddi.STATUS_INVALID_PARAMETER:
                raise AssertionError(f"{self.trace.names[i]}: "
                                     f"{ffi.string(msg).decode(errors='replace')}")

    def close(self) -> None:
        """Destroys every adapter the replay created (and everything in them)."""
        if self._closed:
            return
        self._closed = True
        for a in self.adapters:            # with a driver: its StopDevice / RemoveDevice too
            a.close()
        for i in self.trace.symbol_indices("A"):
            h = int(self.handles_array[i])
            if lib.dxgk_vm_handle_type(h) == lib.DXGK_VM_T_ADAPTER:
                lib.dxgk_vm_adapter_destroy(h)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):      # at interpreter shutdown lib may be gone
            self.close()


def _mismatch(trace: Trace, i: int, exp_status: int, got_status: int, exp_value: int,
              got_value: int) -> Mismatch:
    """The Mismatch of op `i` (with values only for an op whose result has one)."""
    op = trace.ops[i]
    code = int(op["code"])
    has = code in _VALUE_KEY
    return Mismatch(int(op["line"]), _OP_NAMES[code], exp_status & _MASK32,
                    got_status & _MASK32, exp_value if has else None,
                    got_value if has else None)


# ---- inspection by handle (for replayed objects, which have no model objects) ---------------


def _check(st: int, what: str) -> None:
    st &= _MASK32
    if st != _STATUS_SUCCESS:
        raise ddi.DdiError(st, what)


def process_ranges(process: int, which: int) -> list[Any]:
    """Mappings and/or reservations (``lib.DXGK_VM_WANT_*``) of a process handle, in
    address order, as :class:`dxgk.Mapping` / :class:`dxgk.Reservation` records."""
    return read_ranges(process, which,
                       lambda st: _check(st, f"ranges of process {process:#x}"))


def page_table_stats(process: int) -> PageTableStats:
    out = ffi.new("dxgk_pt_stats *")
    _check(lib.dxgk_vm_pt_stats(process, out), f"page tables of process {process:#x}")
    st = ffi.new("dxgk_vm_adapter_stats *")
    _check(lib.dxgk_vm_get_adapter_stats(lib.dxgk_vm_adapter_of(process), st), "adapter")
    return page_table_stats_of(out, int(st.level_count))


def allocation_info(h: int) -> AllocationInfo:
    o = ffi.new("dxgk_vm_alloc_info *")
    _check(lib.dxgk_vm_allocation_info(h, o), f"allocation {h:#x}")
    return allocation_info_of(o)
