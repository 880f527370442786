"""The op table of trace format 2: what each value of a compact line means.

A format-2 trace may write a line as a JSON *array* instead of an object: its first value
is the line's code, the others are the columns this table lists for that code, in order.
Every value of the recorder's compact lines is an integer, so a run of them decodes as
one flat array of integers (:mod:`dxgk.trace.compact`). Handles are *object numbers*:
the n-th object the trace defines (any kind, counted from 1 in line order) is number n,
0 is a NULL handle.

Each row is declarative -- a line kind is its code, its name (the ``call`` or ``event``
of the object form), the op record it becomes and its columns with their roles. The
object-line handlers of the line checker, the compact fast path, the expansion of a
compact line (:func:`dxgk.trace.iter_lines`) and the header's ``"ops"`` list follow from
it; the recorder writes each kind's compact line by hand, in the order this table gives
(the tests replay and compare what it writes).

What it owns: :class:`Column`, :class:`LineSpec`, :data:`SPECS` (code -> row),
:data:`BY_NAME` and :func:`header_ops` (the table as the header lists it).

Invariant kept: a row's struct columns are exactly its codec's top-level members in
declaration order (derived from the layout engine through :mod:`dxgk.trace.format`,
never written by hand), and each column has one role, so a compact line and the object
form of the same line carry the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .._core import lib
from .format import (
    _CREATE_C,
    _KFREE_C,
    _KMAP_C,
    _KRESERVE_C,
    _KUPDATE_C,
    _MAP_C,
    _QUEUE_C,
    _RESERVE_C,
    _UNQUEUE_C,
    _UPDATE_C,
    _Codec,
)

# column roles
REF: Final[str] = "ref"          # a handle: an object number (0 = NULL)
INT: Final[str] = "int"          # an unsigned struct member of `bits` bits
DATA: Final[str] = "data"        # the private driver data: null, its hex, or "?"
OPS: Final[str] = "ops"          # an Update's operation records: null or a list of rows
                                 # (dxgk.trace.format._UpdateOps), handles as numbers
STATUS: Final[str] = "status"    # the NTSTATUS the call returned
VALUE: Final[str] = "value"      # the call's value (a VA), checked by --check
NEW: Final[str] = "new"          # the number of the object the line defines (0: none)
KEEP: Final[str] = "keep"        # process_end: 1 finish, 0 abandon


@dataclass(frozen=True)
class Column:
    """One value of a compact line: its name (the object form's key or struct member),
    its role, its width, and where it goes (the op's symbol operand for a handle, or
    for a second new object; the kind of object a NEW column defines). An event's INT
    columns are keys of the line itself, and its op's blob holds them as 64-bit
    words in column order."""

    name: str                       # a result's is "result.<key>", as in the object form
    role: str
    bits: int = 64
    sym: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class LineSpec:
    """One line kind of format 2."""

    code: int                       # the first value of its compact lines
    name: str                       # the object form's "call" or "event"
    family: str                     # "call" or "event"
    op: int                         # the dxgk_rp_op code it becomes
    columns: tuple[Column, ...]     # after the code, in order
    codec: _Codec | None = None     # the struct whose members are among the columns
    outer: tuple[str, ...] = ()     # the object form's handle keys outside "args"

    @property
    def width(self) -> int:
        """Values in a line of this kind, the code included."""
        return 1 + len(self.columns)

    @property
    def all_int(self) -> bool:
        """Whether the recorder writes every value as an integer."""
        return all(c.role not in (DATA, OPS) for c in self.columns)

    @property
    def fast(self) -> bool:
        """Whether the compact fast path decodes lines of this kind (at most one new
        object a line); the others go line by line."""
        return sum(c.role == NEW for c in self.columns) <= 1

    @property
    def words(self) -> tuple[str, ...]:
        """An event's integer arguments: the 64-bit words of its op's blob."""
        return tuple(c.name for c in self.columns if c.role == INT) \
            if self.codec is None else ()


def _struct(codec: _Codec, syms: tuple[str, ...]) -> tuple[Column, ...]:
    """The codec's members as columns; its handles go to `syms`, in member order. The
    data member is private data (DATA), or operation records for Update's Operations."""
    out: list[Column] = []
    it = iter(syms)
    for name, role in zip(codec.names, codec.roles):
        if role == 1:
            out.append(Column(name, REF, sym=next(it)))
        elif role == 2:
            out.append(Column(name, OPS if name == "Operations" else DATA))
        else:
            out.append(Column(name, INT, codec.bits[name][1]))
    return tuple(out)


_STATUS_COL = Column("result.status", STATUS, 32)


def _call(code: int, name: str, op: int, codec: _Codec | None, outer: tuple[str, ...],
          syms: tuple[str, ...], results: tuple[Column, ...]) -> LineSpec:
    cols = tuple(Column(k, REF, sym=f"sym{i}") for i, k in enumerate(outer))
    if codec is not None:
        cols += _struct(codec, syms)
    return LineSpec(code, name, "call", op, cols + (_STATUS_COL,) + results, codec, outer)


def _event(code: int, name: str, use: str, new: str = "", keep: bool = False, *,
           also: str = "", ints: tuple[tuple[str, int], ...] = (), prefix: str = "",
           value: str = "") -> LineSpec:
    cols: tuple[Column, ...] = (Column(use, REF, sym="sym0"),)
    if also:
        cols += (Column(also, REF, sym="sym1"),)
    cols += tuple(Column(k, INT, bits) for k, bits in ints)
    if new:
        cols += (Column(new, NEW, prefix=prefix or new[0].upper()),)
    if keep:
        cols += (Column("keep", KEEP, 1),)
    tail = (Column(f"result.{value}", VALUE),) if value else ()
    return LineSpec(code, name, "event", int(getattr(lib, f"DXGK_RP_{name.upper()}")),
                    cols + (_STATUS_COL,) + tail, outer=(use, also) if also else (use,))


_ROWS: Final[tuple[LineSpec, ...]] = (
    _event(2, "adapter_destroy", "adapter"),
    _event(3, "process_begin", "adapter", "process"),
    _event(4, "process_end", "process", keep=True),
    _event(5, "process_destroy", "process"),
    _event(6, "device_create", "process", "device"),
    _event(7, "device_destroy", "device"),
    _event(8, "context_create", "device", "context"),
    _event(9, "context_destroy", "context"),
    _call(10, "DxgkCbCreateContextAllocation", int(lib.DXGK_RP_CREATE), _CREATE_C, (),
          ("sym0", "sym1", "sym2", "sym3"),
          (Column("result.hAllocation", NEW, prefix="H"), Column("result.va", VALUE))),
    _call(11, "DxgkCbDestroyContextAllocation", int(lib.DXGK_RP_DESTROY), None,
          ("hAdapter", "hAllocation"), (), ()),
    _call(12, "DxgkCbMapContextAllocation", int(lib.DXGK_RP_MAP), _MAP_C, ("hAdapter",),
          ("sym1",), (Column("result.va", VALUE),)),
    _call(13, "DxgkCbUpdateContextAllocation", int(lib.DXGK_RP_UPDATE), _UPDATE_C,
          ("hAdapter",), ("sym1",), ()),
    _call(14, "DxgkCbReserveGpuVirtualAddressRange", int(lib.DXGK_RP_RESERVE), _RESERVE_C,
          ("hAdapter",), ("sym1",), (Column("result.StartVirtualAddress", VALUE),)),
    # the user-mode services (docs/behaviour.md 9): D3DKMT handles are object numbers too
    _call(15, "D3DKMTCreatePagingQueue", int(lib.DXGK_RP_QUEUE_CREATE), _QUEUE_C, (),
          ("sym0",), (Column("result.hPagingQueue", NEW, prefix="Q"),
                      Column("result.hSyncObject", NEW, sym="sym1", prefix="F"))),
    _call(16, "D3DKMTDestroyPagingQueue", int(lib.DXGK_RP_QUEUE_DESTROY), _UNQUEUE_C, (),
          ("sym0",), ()),
    _call(17, "D3DKMTReserveGpuVirtualAddress", int(lib.DXGK_RP_KMT_RESERVE), _KRESERVE_C,
          (), ("sym0",), (Column("result.VirtualAddress", VALUE),)),
    _call(18, "D3DKMTMapGpuVirtualAddress", int(lib.DXGK_RP_KMT_MAP), _KMAP_C, (),
          ("sym0", "sym1"), (Column("result.VirtualAddress", VALUE),)),
    _call(19, "D3DKMTFreeGpuVirtualAddress", int(lib.DXGK_RP_KMT_FREE), _KFREE_C, (),
          ("sym0",), ()),
    _call(20, "D3DKMTUpdateGpuVirtualAddress", int(lib.DXGK_RP_KMT_UPDATE), _KUPDATE_C, (),
          ("sym0", "sym1", "sym2"), ()),
    _event(21, "allocate", "device", "allocation", prefix="H",
           ints=(("size", 64), ("alignment", 32), ("segments", 32), ("preferred", 32),
                 ("flags", 32))),
    _event(22, "deallocate", "device", also="allocation"),
    _event(23, "fence_create", "device", "fence", ints=(("initial", 64),)),
    _event(24, "fence_signal", "fence", ints=(("value", 64),)),
    _event(25, "queue_execute", "queue", ints=(("upto", 64), ("all", 1)),
           value="fence_value"),
)
SPECS: Final[dict[int, LineSpec]] = {s.code: s for s in _ROWS}
BY_NAME: Final[dict[str, LineSpec]] = {s.name: s for s in _ROWS}
# the largest code: codes are 1 or 2 digits (the fast path reads them from the bytes)
MAX_CODE: Final[int] = 99
assert max(SPECS) <= MAX_CODE and min(SPECS) >= 1


def header_ops() -> list[list[object]]:
    """The table as a format-2 header lists it: ``[code, name, [column names...]]``."""
    return [[s.code, s.name, [c.name for c in s.columns]] for s in _ROWS]
