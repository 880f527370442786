"""An adapter's description, from what ``dxgk.Adapter(caps=, levels=, segments=)`` is given
to the C descriptors ``dxgk_vm_adapter_create`` takes.

What it owns: :func:`description` (the caps, level and segment arguments merged with the
core's defaults, docs/behaviour.md sections 3.4-3.5), :func:`c_buffers` (the C arrays
made from them), :func:`fill` (a dict of fields into a struct, with the dict's name in
any error), and the segment kind names.

Invariant kept: every value of a description reaches the core exactly as given or not at
all -- a value of the wrong type is a TypeError, one that does not fit its field a
ValueError naming the field and its range (never wrapped into another, valid
description). Whether a description is *sensible* (section 3.6) is the core's to decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Mapping as _Dict
from typing import Any

from . import structs
from ._core import ffi, lib
from .argcheck import described, uint
from .records import Segment

__all__ = ["KINDS", "KIND_NAMES", "SegmentSpec", "c_buffers", "description", "fill"]

KINDS = {"local": lib.DXGK_VM_SEG_LOCAL, "aperture": lib.DXGK_VM_SEG_APERTURE}
KIND_NAMES = {v: k for k, v in KINDS.items()}
MAX_LEVELS = 6
SegmentSpec = Segment | _Dict[str, Any]


def fill(target: Any, values: _Dict[str, Any], what: str) -> None:
    """Sets the fields of struct ``target`` from ``values``; errors start with ``what``."""
    for k, v in values.items():
        try:
            target._assign(k, v)
        except TypeError as e:
            raise TypeError(f"{what}: {e}") from None
        except ValueError as e:
            raise ValueError(f"{what}: {e}") from None


def _sequence(value: Any, what: str, expected: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes, _Dict)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a list of {expected}; got {described(value)}")
    return list(value)


def description(caps: Any, levels: Any, segments: Any) -> tuple[Any, list[Any], list[Segment]]:
    """(DXGK_GPUMMUCAPS, level descriptions leaf first, segments) for an Adapter."""
    dcaps = structs.DXGK_GPUMMUCAPS()
    dlevels = (structs.DXGK_PAGE_TABLE_LEVEL_DESC * MAX_LEVELS)()
    dsegs = ffi.new("dxgk_vm_segment_desc[]", lib.DXGK_VM_MAX_SEGMENTS)
    nseg = ffi.new("uint32_t *")
    lib.dxgk_vm_default_desc(ffi.from_buffer(dcaps), ffi.from_buffer(dlevels), dsegs, nseg)
    if levels is not None:
        levels = _sequence(levels, "levels", "DXGK_PAGE_TABLE_LEVEL_DESC or dicts")
    c = _caps_from(caps, dcaps, levels)
    lv = _levels_from(levels, dlevels, c.PageTableLevelCount)
    segs = _segments_from(segments, dsegs, nseg[0])
    return c, lv, segs


def c_buffers(levels: list[Any], segments: list[Segment]) -> tuple[Any, Any]:
    """The level array and the ``dxgk_vm_segment_desc[]`` the core takes."""
    lbuf = (structs.DXGK_PAGE_TABLE_LEVEL_DESC * max(len(levels), MAX_LEVELS))(*levels)
    sbuf = ffi.new("dxgk_vm_segment_desc[]", max(len(segments), 1))
    for i, s in enumerate(segments):
        sbuf[i].id = i + 1
        sbuf[i].kind = KINDS[s.kind]
        sbuf[i].size = s.size
        sbuf[i].page_size = s.page_size
    return ffi.from_buffer(lbuf), sbuf


def _caps_from(caps: Any, defaults: Any, levels: Sequence[Any] | None) -> Any:
    cls = structs.DXGK_GPUMMUCAPS
    if isinstance(caps, cls):
        return cls.from_buffer_copy(caps)
    if caps is not None and not isinstance(caps, _Dict):
        raise TypeError(f"caps must be a dxgk.structs.DXGK_GPUMMUCAPS or a dict of its "
                        f"fields; got {described(caps)}")
    c = cls.from_buffer_copy(defaults)
    given = dict(caps or {})
    if levels is not None:
        bits = []
        for i, lv in enumerate(levels):
            b = lv.get("PageTableIndexBitCount") if isinstance(lv, _Dict) \
                else getattr(lv, "PageTableIndexBitCount", None)
            bits.append(9 if b is None else
                        uint(b, f"levels[{i}].PageTableIndexBitCount", 32))
        given.setdefault("PageTableLevelCount", len(bits))
        given.setdefault("VirtualAddressBitCount", 12 + sum(bits))
    fill(c, given, "caps")
    return c


def _levels_from(levels: Sequence[Any] | None, defaults: Any, count: int) -> list[Any]:
    cls = structs.DXGK_PAGE_TABLE_LEVEL_DESC
    if levels is None:          # a count outside 2..6 is left for the core to reject
        n = count if 1 <= count <= MAX_LEVELS else MAX_LEVELS
        return [cls.from_buffer_copy(defaults[min(i, 3)]) for i in range(n)]
    out = []
    for i, lv in enumerate(levels):
        if isinstance(lv, cls):
            out.append(cls.from_buffer_copy(lv))
        elif isinstance(lv, _Dict):
            d = cls.from_buffer_copy(defaults[0])
            fill(d, lv, f"levels[{i}]")
            out.append(d)
        else:
            raise TypeError(f"levels[{i}] must be a dxgk.structs.DXGK_PAGE_TABLE_LEVEL_DESC "
                            f"or a dict of its fields; got {described(lv)}")
    if count != len(out):
        raise ValueError(f"invalid adapter description: caps.PageTableLevelCount is "
                         f"{count} but {len(out)} level descriptions were given")
    return out


def _segments_from(segments: Any, defaults: Any, n: int) -> list[Segment]:
    if segments is None:
        return [Segment(int(defaults[i].size), int(defaults[i].page_size),
                        KIND_NAMES[defaults[i].kind]) for i in range(n)]
    out = []
    for i, s in enumerate(_sequence(segments, "segments", "dxgk.Segment or dicts")):
        if isinstance(s, _Dict):
            try:
                s = Segment(**s)
            except TypeError as e:
                raise TypeError(f"segments[{i}]: {e}") from None
        if not isinstance(s, Segment):
            raise TypeError(f"segments[{i}] must be a dxgk.Segment or a dict of its "
                            f"fields; got {described(s)}")
        if not isinstance(s.kind, str) or s.kind not in KINDS:
            raise ValueError(f"segments[{i}].kind must be 'local' or 'aperture'; "
                             f"got {s.kind!r}")
        out.append(Segment(uint(s.size, f"segments[{i}].size"),
                           uint(s.page_size, f"segments[{i}].page_size", 32), s.kind))
    if len(out) > lib.DXGK_VM_MAX_SEGMENTS:
        raise ValueError(f"invalid adapter description: at most "
                         f"{lib.DXGK_VM_MAX_SEGMENTS} segments (PTE.Segment is 5 bits); "
                         f"got {len(out)}")
    return out
