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
from .format import _CREATE_C, _MAP_C, _RESERVE_C, _UPDATE_C, _Codec

# column roles
REF: Final[str] = "ref"          # a handle: an object number (0 = NULL)
INT: Final[str] = "int"          # an unsigned struct member of `bits` bits
DATA: Final[str] = "data"        # the private driver data: null, its hex, or "?"
STATUS: Final[str] = "status"    # the NTSTATUS the call returned
VALUE: Final[str] = "value"      # the call's value (a VA), checked by --check
NEW: Final[str] = "new"          # the number of the object the line defines (0: none)
KEEP: Final[str] = "keep"        # process_end: 1 finish, 0 abandon


@dataclass(frozen=True)
class Column:
    """One value of a compact line: its name (the object form's key or struct member),
    its role, its width, and where it goes (the op's symbol operand for a handle; the
    kind of object a NEW column defines)."""

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
        """Whether the recorder writes every value as an integer (the fast path's lines)."""
        return all(c.role != DATA for c in self.columns)


def _struct(codec: _Codec, syms: tuple[str, ...]) -> tuple[Column, ...]:
    """The codec's members as columns; its handles go to `syms`, in member order."""
    out: list[Column] = []
    it = iter(syms)
    for name, role in zip(codec.names, codec.roles):
        if role == 1:
            out.append(Column(name, REF, sym=next(it)))
        elif role == 2:
            out.append(Column(name, DATA))
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


def _event(code: int, name: str, use: str, new: str = "", keep: bool = False) -> LineSpec:
    cols: tuple[Column, ...] = (Column(use, REF, sym="sym0"),)
    if new:
        cols += (Column(new, NEW, prefix=new[0].upper()),)
    if keep:
        cols += (Column("keep", KEEP, 1),)
    return LineSpec(code, name, "event", int(getattr(lib, f"DXGK_RP_{name.upper()}")),
                    cols + (_STATUS_COL,), outer=(use,))


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
)
SPECS: Final[dict[int, LineSpec]] = {s.code: s for s in _ROWS}
BY_NAME: Final[dict[str, LineSpec]] = {s.name: s for s in _ROWS}
# the largest code: codes are 1 or 2 digits (the fast path reads them from the bytes)
MAX_CODE: Final[int] = 99
assert max(SPECS) <= MAX_CODE and min(SPECS) >= 1


def header_ops() -> list[list[object]]:
    """The table as a format-2 header lists it: ``[code, name, [column names...]]``."""
    return [[s.code, s.name, [c.name for c in s.columns]] for s in _ROWS]
