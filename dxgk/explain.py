"""Why a DDI call the object layer made failed, in words: the text of its DdiError.

What it owns: :func:`map_failure`, :func:`create_failure`, :func:`reserve_failure` and
:func:`handle_failure`, which turn a failed call's NTSTATUS and the structure the caller's
arguments were put in into one sentence naming the arguments the caller set (by the
object layer's keyword and the structure's field) and the rule of docs/behaviour.md that
the call broke, with its section; and :func:`allocation_pages`.

Invariant kept: an explanation never decides anything. The status is the C core's, and
is never changed or second-guessed; the rules here only *name* which of the documented
checks of that status the arguments break, reading the model's state after the failure
(a failed call changes nothing, docs/behaviour.md section 5.7). When no single rule can
be named, the message says the status with the fields that were set. Explaining never
raises: whatever goes wrong in here, the caller still gets its DdiError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._core import ffi, lib
from .ddi import (
    STATUS_CONFLICTING_ADDRESSES,
    STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER,
    STATUS_NO_MEMORY,
)
from .records import PAGE_SIZE, PROTECTION_BITS, allocation_info_of, read_ranges

__all__ = ["allocation_pages", "create_failure", "handle_failure", "map_failure",
           "reserve_failure"]

_KB64 = 65536
_FLOOR = 64 * 1024            # dxgk never picks a VA below 64 KB itself (section 5.5)
_KNOWN_PROTECTION = (PROTECTION_BITS["Write"] | PROTECTION_BITS["Execute"]
                     | PROTECTION_BITS["Zero"] | PROTECTION_BITS["NoAccess"]
                     | PROTECTION_BITS["SystemUseOnly"])
_HANDLE_KINDS = {lib.DXGK_VM_T_ADAPTER: "an adapter", lib.DXGK_VM_T_PROCESS: "a process",
                 lib.DXGK_VM_T_DEVICE: "a device", lib.DXGK_VM_T_CONTEXT: "a context",
                 lib.DXGK_VM_T_ALLOCATION: "an allocation"}


def _doc(section: str) -> str:
    return f"(docs/behaviour.md section {section})"


def _safe(fn: Callable[..., str]) -> Callable[..., str]:
    """An explanation that fails itself falls back to the bare facts: never a new error."""
    def run(*args: Any) -> str:
        try:
            return fn(*args)
        except Exception:           # noqa: BLE001 -- the DdiError must still be raised
            return f"{fn.__name__.split('_')[0]} failed {_doc('8.3')}"
    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def _info(h: int) -> Any:
    out = ffi.new("dxgk_vm_alloc_info *")
    if h == 0 or lib.dxgk_vm_allocation_info(h, out) & 0xFFFFFFFF:
        return None
    return allocation_info_of(out[0])


def allocation_pages(h: int) -> int:
    """The size in 4 KB pages of live allocation ``h`` (0 if it is not one)."""
    info = _info(h)
    return info.pages if info is not None else 0


def _not_live(h: int, noun: str, adapter: Any) -> str | None:
    """Why handle ``h`` is not a live ``noun`` of ``adapter`` (None if it is one)."""
    t = lib.dxgk_vm_handle_type(h)
    kind = _HANDLE_KINDS.get(t)
    if kind is None:
        return (f"{noun} {h:#x} is not a live handle (destroyed, or never made by dxgk) "
                f"{_doc('3.1')}")
    if kind.split()[-1] != noun:
        return f"{noun} {h:#x} is {kind} handle, not {_a(noun)} {noun} {_doc('3.1')}"
    if lib.dxgk_vm_adapter_of(h) != adapter.handle:
        return f"{noun} {h:#x} belongs to another adapter {_doc('3.1')}"
    return None


def _a(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _span(lo: int, hi: int) -> str:
    return f"[{lo:#x}, {hi:#x})"


def _overlap(process: int, lo: int, hi: int) -> str | None:
    """The first mapping or reservation of ``process`` that overlaps [lo, hi), described."""
    def check(st: int) -> None:
        if st & 0xFFFFFFFF:
            raise LookupError(st)
    for r in read_ranges(process, lib.DXGK_VM_WANT_MAPPINGS | lib.DXGK_VM_WANT_RESERVATIONS,
                         check):
        if r.va < hi and lo < r.end:
            what = {"map": f"the mapping of allocation {getattr(r, 'allocation', 0):#x}",
                    "system": f"the model's system mapping of allocation "
                              f"{getattr(r, 'allocation', 0):#x} (docs/behaviour.md 10.2)",
                    "zero": "a Zero range", "noaccess": "a NoAccess range",
                    "reservation": "a reservation"}.get(r.kind, r.kind)
            return f"{_span(lo, hi)} overlaps {what} at {_span(r.va, r.end)}"
    return None


def _free_fit(process: int, lo: int, hi: int, nbytes: int, step: int, residue: int) -> bool:
    """Whether a free VA v in [lo, hi - nbytes] with v mod step == residue exists."""
    def check(st: int) -> None:
        if st & 0xFFFFFFFF:
            raise LookupError(st)
    taken = read_ranges(process, lib.DXGK_VM_WANT_MAPPINGS | lib.DXGK_VM_WANT_RESERVATIONS,
                        check)
    start = lo
    for r in [*taken, None]:
        end = hi if r is None else min(r.va, hi)
        v = start + (residue - start) % step
        if v + nbytes <= end:
            return True
        if r is not None:
            start = max(start, r.end)
        if start >= hi:
            return False
    return False


# ---- DxgkCbMapContextAllocation ---------------------------------------------------------------


@_safe
def map_failure(adapter: Any, status: int, args: Any, pages_derived: bool) -> str:
    """Why ``Adapter.map`` failed with ``status``; ``args`` is the map structure it filled,
    ``pages_derived`` says that the caller gave no ``pages`` (the rest of the allocation)."""
    h, n, off = int(args.hAllocation), int(args.SizeInPages), int(args.OffsetInPages)
    base, lo, hi = int(args.BaseAddress), int(args.MinimumAddress), int(args.MaximumAddress)
    prot = int(args.Protection.Value)
    zero, noacc = bool(prot & PROTECTION_BITS["Zero"]), bool(prot & PROTECTION_BITS["NoAccess"])
    caps = adapter.caps
    vbits = int(caps.VirtualAddressBitCount)
    limit = 1 << vbits
    info = _info(h)
    what = (f"map(allocation={h:#x}" if h else "map(allocation=None") + \
        (f", offset={off}" if off else "") + \
        (f", pages={n}" if not pages_derived else "") + \
        (f", base={base:#x}" if base else "") + \
        (f", minimum={lo:#x}" if lo else "") + (f", maximum={hi:#x}" if hi else "") + ")"

    if status == STATUS_INVALID_HANDLE:
        why = _not_live(h, "allocation", adapter) if h else None
        return f"{what}: {why or 'the adapter is not live ' + _doc('5.1')}"

    if status == STATUS_INVALID_PARAMETER:
        total = info.pages if info is not None else 0
        rules: list[str] = []
        if n == 0:
            if pages_derived and h:
                rules.append(f"offset {off} pages is past the allocation's {total} pages, "
                             f"so no page is left to map")
            else:
                rules.append("pages (SizeInPages) is 0")
        elif n > limit // PAGE_SIZE:
            rules.append(f"pages (SizeInPages) = {n} is more than the whole {vbits}-bit VA "
                         f"space ({limit // PAGE_SIZE} pages)")
        elif info is not None and off + n > total:
            rules.append(f"offset {off} + pages {n} = {off + n} pages goes past the end of "
                         f"the allocation's {total} pages" if off else
                         f"pages {n} is more than the allocation's {total} pages")
        for name, v in (("base (BaseAddress)", base), ("minimum (MinimumAddress)", lo),
                        ("maximum (MaximumAddress)", hi)):
            if v % PAGE_SIZE:
                rules.append(f"{name} = {v:#x} is not a multiple of 4 KB")
        if prot & ~_KNOWN_PROTECTION:
            rules.append(f"protection {prot:#x} sets Protection.Reserved bits")
        if zero and noacc:
            rules.append("Zero and NoAccess are both set")
        elif (zero or noacc) and h:
            rules.append(f"a {'Zero' if zero else 'NoAccess'} range takes no allocation "
                         f"(allocation must be None)")
        elif not (zero or noacc) and not h:
            rules.append("with no allocation the range must be Zero or NoAccess "
                         "(zero=True or no_access=True)")
        if zero and not caps.ZeroInPteSupported:
            rules.append("a Zero range needs the adapter's caps.ZeroInPteSupported")
        if hi and lo >= hi:
            rules.append(f"window [MinimumAddress, MaximumAddress) = {_span(lo, hi)} is empty")
        if hi > limit:
            rules.append(f"maximum (MaximumAddress) = {hi:#x} is beyond the {vbits}-bit VA "
                         f"space (at most {limit:#x})")
        if lo >= limit:
            rules.append(f"minimum (MinimumAddress) = {lo:#x} is not inside the {vbits}-bit "
                         f"VA space (below {limit:#x})")
        if base and base + n * PAGE_SIZE > limit:
            rules.append(f"{_span(base, base + n * PAGE_SIZE)} goes past the end of the "
                         f"{vbits}-bit VA space ({limit:#x})")
        if rules:
            return f"{what}: {'; '.join(rules)} {_doc('5.1')}"
        step, residue = _congruence(adapter, info, off)
        if base and base % step != residue:
            return (f"{what}: base {base:#x} breaks the 64 KB congruence: page {off} of an "
                    f"allocation in a 64 KB-page segment maps only at a VA equal to "
                    f"{residue:#x} modulo 64 KB {_doc('5.3')}")
        return f"{what}: the arguments break a rule of {_doc('5.1')}"

    process = info.process if info is not None else adapter.system_process.handle
    nbytes = n * PAGE_SIZE
    if status == STATUS_CONFLICTING_ADDRESSES:
        clash = _overlap(process, base, base + nbytes)
        return (f"{what}: {clash or _span(base, base + nbytes) + ' is not free'}; an explicit "
                f"base must land on free VA {_doc('5.4')}")

    if status == STATUS_NO_MEMORY:
        if base:
            return (f"{what}: no room for the page tables {_span(base, base + nbytes)} "
                    f"needs in segment {_table_segments(adapter)} {_doc('7.2')}")
        step, residue = _congruence(adapter, info, off)
        wlo, whi = max(lo, _FLOOR), hi or limit
        window = (f"window [MinimumAddress, MaximumAddress) = {_span(wlo, whi)}" if lo or hi
                  else f"the VA space above 64 KB, {_span(wlo, whi)},")
        if _free_fit(process, wlo, whi, nbytes, step, residue):
            return (f"{what}: the {window} has a free range for {n} pages, but there is no "
                    f"room for the page tables it needs in segment {_table_segments(adapter)} "
                    f"{_doc('7.2')}")
        align = ("4 KB" if step == PAGE_SIZE else "64 KB" if residue == 0
                 else f"{residue:#x} modulo 64 KB")
        return (f"{what}: {window} cannot hold {n} pages at a free VA aligned to {align} "
                f"{_doc('5.5')}")
    return f"{what}: failed {_doc('8.3')}"


def _congruence(adapter: Any, info: Any, off: int) -> tuple[int, int]:
    """(step, residue) every VA of this map must satisfy (section 5.3)."""
    if info is None:
        return PAGE_SIZE, 0
    if adapter.segments[info.segment - 1].page_size != _KB64:
        return PAGE_SIZE, 0
    return _KB64, (info.segment_offset + off * PAGE_SIZE) % _KB64


def _table_segments(adapter: Any) -> str:
    ids = sorted({int(lv.PageTableSegmentId) for lv in adapter.levels})
    return " or ".join(str(i) for i in ids)


# ---- DxgkCbCreateContextAllocation -------------------------------------------------------------


@_safe
def create_failure(adapter: Any, status: int, args: Any) -> str:
    """Why ``Adapter.create_allocation`` failed with ``status`` (``args``: the filled
    DXGKARGCB_CREATECONTEXTALLOCATION)."""
    hdev, hctx, size = int(args.hDevice), int(args.hContext), int(args.Size)
    align, mask = int(args.Alignment), int(args.SupportedSegmentSet)
    shared = bool(args.ContextAllocationFlags.SharedAcrossContexts)
    map_va = bool(args.ContextAllocationFlags.MapGpuVirtualAddress)
    what = (f"create_allocation(size={size:#x}" + (f", device={hdev:#x}" if hdev else "")
            + (f", context={hctx:#x}" if hctx else "") + ")")
    nseg = len(adapter.segments)
    ids = [i + 1 for i in range(nseg) if mask >> i & 1]

    if status == STATUS_INVALID_HANDLE:
        why = (_not_live(hdev, "device", adapter) if hdev else None) or \
            (_not_live(hctx, "context", adapter) if hctx else None)
        return f"{what}: {why or 'the adapter is not live ' + _doc('4.1')}"

    if status == STATUS_INVALID_PARAMETER:
        rules: list[str] = []
        if hctx and not hdev:
            rules.append("a context needs its device: with device None (the system device) "
                         "context must be None")
        if hctx and shared:
            rules.append("an allocation shared across contexts (shared=True) takes no context")
        if size == 0:
            rules.append("size (Size) is 0")
        if align & (align - 1):
            rules.append(f"alignment (Alignment) = {align:#x} is neither 0 nor a power of two")
        if not ids:
            rules.append(f"segments (SupportedSegmentSet = {mask:#x}) names none of this "
                         f"adapter's segments 1..{nseg}")
        if not rules and hctx:
            rules.append(f"context {hctx:#x} is not a context of device {hdev:#x}")
        return f"{what}: {'; '.join(rules) or 'the arguments break a rule'} {_doc('4.1')}"

    if status == STATUS_NO_MEMORY:
        holes = []
        fits = False
        for sid in ids:
            seg = adapter.segment(sid)
            need = -(-size // seg.page_size) * seg.page_size
            holes.append(f"{sid}: {seg.largest_hole:#x}")
            fits = fits or seg.largest_hole >= need
        if map_va and fits:
            return (f"{what}: a segment has room, but mapping the allocation "
                    f"(MapGpuVirtualAddress) found no free VA or no room for page tables "
                    f"{_doc('4.5')}")
        return (f"{what}: no segment of {ids} has {size:#x} bytes (rounded to its page size, "
                f"aligned to max(alignment, page size)) free in one piece; largest free "
                f"piece by segment: {', '.join(holes)} {_doc('4.3')}")
    return f"{what}: failed {_doc('8.3')}"


# ---- DxgkCbReserveGpuVirtualAddressRange --------------------------------------------------------


@_safe
def reserve_failure(adapter: Any, process: Any, status: int, args: Any) -> str:
    """Why ``Process.reserve`` failed with ``status`` (``args``: the filled
    DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE)."""
    size, align, base = int(args.SizeInBytes), int(args.Alignment), int(args.BaseAddress)
    what = (f"reserve(size={size:#x}" + (f", alignment={align:#x}" if align else "")
            + (f", base={base:#x}" if base else "") + ")")
    if status == STATUS_INVALID_HANDLE:
        return f"{what}: the adapter is not live {_doc('6.3')}"
    levels = adapter.levels
    vbits = int(adapter.caps.VirtualAddressBitCount)
    limit = 1 << vbits
    span = 1 << (12 + int(levels[0].PageTableIndexBitCount))
    root1 = 1 << (vbits - int(levels[-1].PageTableIndexBitCount))
    step = max(align, span) if not align & (align - 1) else span
    if status == STATUS_INVALID_PARAMETER:
        rules: list[str] = []
        if size == 0 or size % span:
            rules.append(f"size (SizeInBytes) = {size:#x} is not a non-zero multiple of one "
                         f"leaf table's span ({span:#x} bytes)")
        elif size > limit - root1:
            rules.append(f"size {size:#x} is larger than all the VA above root entry 0 "
                         f"({limit - root1:#x} bytes)")
        if align & (align - 1):
            rules.append(f"alignment (Alignment) = {align:#x} is neither 0 nor a power of two")
        if base:
            if base % step:
                rules.append(f"base (BaseAddress) = {base:#x} is not a multiple of {step:#x}")
            if base < root1:
                rules.append(f"base {base:#x} lies in root entry 0 (reservations start at "
                             f"{root1:#x} or above)")
            if base + size > limit:
                rules.append(f"{_span(base, base + size)} leaves the {vbits}-bit VA space")
        if not rules:
            rules.append(f"process {process.handle:#x} is not being created: reserve works "
                         f"only inside create_process's on_create hook")
        return f"{what}: {'; '.join(rules)} {_doc('6.3')}"
    if status == STATUS_CONFLICTING_ADDRESSES:
        clash = _overlap(process.handle, base, base + size)
        return f"{what}: {clash or _span(base, base + size) + ' is not free'} {_doc('6.3')}"
    if status == STATUS_NO_MEMORY:
        return (f"{what}: no free range of {size:#x} bytes aligned to {step:#x} at or above "
                f"{root1:#x} {_doc('6.3')}")
    return f"{what}: failed {_doc('8.3')}"


# ---- Destroy / Update -------------------------------------------------------------------------


@_safe
def handle_failure(adapter: Any, op: str, status: int, h: int) -> str:
    """Why ``Adapter.destroy_allocation`` / ``update_allocation`` (``op``) of allocation
    ``h`` failed with ``status``."""
    section = "6.1" if op.startswith("destroy") else "6.2"
    what = f"{op}({h:#x})" if h else f"{op}(None)"
    if status == STATUS_INVALID_HANDLE:
        why = _not_live(h, "allocation", adapter) if h else "no allocation was given"
        return f"{what}: {why or 'the adapter is not live ' + _doc(section)}"
    if status == STATUS_NO_MEMORY:
        return f"{what}: out of host memory for the paging record {_doc(section)}"
    return f"{what}: failed {_doc(section)}"
