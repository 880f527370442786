"""`python -m dxgk demo` (`make demo`): the main job, end to end.

Creates the default adapter, a process / device / context, a context allocation through
DxgkCbCreateContextAllocation, fills a DXGKARGCB_MAPCONTEXTALLOCATION, shows its bytes,
calls DxgkCbMapContextAllocation, prints the VA and the page-table walk level by level,
then shows failing calls and the status that says why, and the struct's layout on the
three Windows ABIs. Ends with the user-mode side (docs/behaviour.md 9): a runtime's
reserve -> map -> update -> free round trip through the D3DKMT thunks, in deferred mode, so
the paging queue's fence values show when the GPU sees each step; and the paging stream
(docs/behaviour.md 10.2): the DxgkDdiBuildPagingBuffer operations one map and its undoing
make VidMm issue, annotated.
"""

from __future__ import annotations

import ctypes
from typing import Any

from . import ddi, kmt, structs
from .layout import ABI_NAMES, layout_of
from .model import Adapter, Translation
from .paging import describe

_KB = 1024


def _h(v: int) -> str:
    return f"{v:#018x}"


def _size(n: int) -> str:
    for unit, k in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= k and n % k == 0:
            return f"{n // k} {unit}"
    return f"{n} bytes"


def _protection(value: int) -> str:
    names = [n for bit, n in enumerate(("Write", "Execute", "Zero", "NoAccess",
                                        "SystemUseOnly")) if value >> bit & 1]
    return "|".join(names) or "read-only"


def _hexdump(args: Any) -> list[str]:
    """One line per top-level member: offset, its bytes, name, value."""
    raw = bytes(args)
    lay = layout_of(type(args)._dxgk_name_, structs.HOST_ABI)
    notes = {
        "BaseAddress": "0 = VidMm chooses: lowest fit",
        "MinimumAddress": "0 = no bound; the first 64 KB are never handed out",
        "MaximumAddress": "0 = up to 2^VirtualAddressBitCount",
        "Protection": _protection(args.Protection.Value),
    }
    out = []
    for f in lay.fields:
        if "." in f.name or f.is_bitfield:
            continue
        chunk = raw[f.offset:f.offset + f.size]
        value = int.from_bytes(chunk, "little")
        note = notes.get(f.name, "")
        text = f"{value:#x}" + (f"  ({note})" if note else "")
        out.append(f"    +{f.offset:02x}  {chunk.hex(' ')}  {f.name:<17} {text}")
    return out


def _pte_text(pte: Any, leaf: bool) -> str:
    if not pte.Valid:
        return "invalid"
    bits = ["Valid"] + [n for n in ("Zero", "CacheCoherent", "ReadOnly", "NoExecute")
                        if getattr(pte, n)]
    if leaf:
        return f"{' '.join(bits)} Segment={pte.Segment} PageAddress={pte.PageAddress:#x}"
    size = "  PageTablePageSize=64KB" if pte.PageTablePageSize == 1 else ""
    return f"{' '.join(bits)} Segment={pte.Segment} PageTableAddress={pte.PageTableAddress:#x}" \
           + size


def _walk(t: Translation) -> list[str]:
    out = [f"    walk of {_h(t.va)}, root first:",
           "      level  index  table at (segment:offset)  entry (DXGK_PTE)"]
    for lv in t.levels:
        out.append(f"      {lv.level:>5}  {lv.index:#05x}  {lv.table_segment}:"
                   f"{lv.table_address:#010x}{'':13}{_pte_text(lv.pte, lv.level == 0)}")
    if t.valid:
        rw = "read-only" if t.read_only else "read-write"
        nx = "no-execute" if t.no_execute else "executable"
        out.append(f"      => segment {t.segment}, byte {t.address:#x}, "
                   f"{t.page_size // _KB} KB page, {rw}, {nx}")
    else:
        out.append("      => not mapped")
    return out


def _abi_table(name: str) -> list[str]:
    lays = {abi: layout_of(name, abi) for abi in ABI_NAMES}
    out = [f"    {'member':<18}" + "".join(f"{abi + ' off+size':>17}" for abi in ABI_NAMES)]
    for f in lays[ABI_NAMES[0]].fields:
        if "." in f.name or f.is_bitfield:
            continue
        cells = []
        for abi in ABI_NAMES:
            g = lays[abi].field(f.name)
            cells.append(f"{g.offset:>12}+{g.size:<4}")
        out.append(f"    {f.name:<18}" + "".join(cells))
    out.append(f"    {'sizeof':<18}" + "".join(f"{lays[abi].size:>12}     " for abi in ABI_NAMES))
    return out


def _fail(a: Adapter, args: Any, what: str) -> str:
    va = ddi.DxgkCbMapContextAllocation(a.handle, args)
    st = ddi.last_status()
    return f"    {what:<44} -> {va:#x}, last_status() = {ddi.status_name(st)} ({st:#010x})"


def _vas(proc: Any, base: int, tiles: int) -> str:
    """What the GPU sees in the first `tiles` 64 KB tiles at base, one letter a tile:
    its allocation tile (0-9a-f), z (Zero), - (invalid)."""
    out = []
    for i in range(tiles):
        t = proc.translate(base + i * 64 * _KB)
        out.append("z" if t.zero else f"{t.address // (64 * _KB) % 16:x}" if t.valid else "-")
    return " ".join(out)


def _user_mode(p_: Any) -> None:
    tile = 64 * _KB
    a = Adapter(paging="deferred")
    proc = a.create_process()
    dev = proc.create_device()
    ctx = dev.create_context()
    q = dev.create_paging_queue()
    h = dev.allocate(16 * tile, segments=0b10)          # 16 tiles at the aperture's start
    p_("\n[7] The user-mode side (docs/behaviour.md 9): a runtime's tiled resource, "
       "deferred paging")
    p_(f"    Adapter(paging='deferred'); hPagingQueue = {q.handle:#x}, fence "
       f"{q.sync_object:#x}; allocation {h:#x}: 16 tiles of 64 KB")
    r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(Size=8 * tile)
    r.hPagingQueue = q.handle
    r.ReservationType = 1                               # ZERO
    st = kmt.D3DKMTReserveGpuVirtualAddress(r)
    base = r.VirtualAddress
    p_(f"    D3DKMTReserveGpuVirtualAddress(8 tiles, ZERO)   -> {ddi.status_name(st)}, "
       f"va {base:#x}, PagingFenceValue {r.PagingFenceValue}")
    m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, BaseAddress=base,
                                            hAllocation=h, OffsetInPages=32, SizeInPages=48)
    m.Protection.Write = 1
    st = kmt.D3DKMTMapGpuVirtualAddress(m)
    p_(f"    D3DKMTMapGpuVirtualAddress(tiles 2-4 at va)     -> {ddi.status_name(st)}, "
       f"PagingFenceValue {m.PagingFenceValue}")
    p_(f"      the GPU sees (tile: allocation tile, z Zero, - invalid): {_vas(proc, base, 8)}")
    p_(f"    PagingQueue.execute(1) -> fence {q.execute(1)}:     {_vas(proc, base, 8)}")
    p_(f"    PagingQueue.execute(2) -> fence {q.execute(2)}:     {_vas(proc, base, 8)}")
    ops = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * 2)()
    ops[0].OperationType = 0                            # MAP tile 15 at tile 5
    ops[0].Map.BaseAddress, ops[0].Map.SizeInBytes = base + 5 * tile, tile
    ops[0].Map.hAllocation, ops[0].Map.AllocationOffsetInBytes = h, 15 * tile
    ops[1].OperationType = 2                            # COPY tiles 0-1 over tiles 6-7
    ops[1].Copy.SourceAddress, ops[1].Copy.SizeInBytes = base, 2 * tile
    ops[1].Copy.DestAddress = base + 6 * tile
    u = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS(hDevice=dev.kmt_handle, hContext=ctx.kmt_handle,
                                               hFenceObject=q.sync_object, NumOperations=2,
                                               FenceValue=2)
    st = kmt.D3DKMTUpdateGpuVirtualAddress(u, ops)
    p_(f"    D3DKMTUpdateGpuVirtualAddress(MAP, COPY; waits for fence 2) -> "
       f"{ddi.status_name(st)}, fence now {q.fence_value}")
    p_(f"      the GPU sees:                                  {_vas(proc, base, 8)}")
    f = structs.D3DKMT_FREEGPUVIRTUALADDRESS(hAdapter=proc.kmt_adapter, BaseAddress=base,
                                             Size=8 * tile)
    st = kmt.D3DKMTFreeGpuVirtualAddress(f)
    p_(f"    D3DKMTFreeGpuVirtualAddress(the reservation)    -> {ddi.status_name(st)}, "
       f"{len(proc.vads())} VADs left:  {_vas(proc, base, 8)}")
    a.validate()
    a.close()


def _why(op: Any) -> str:
    """What a paging operation of the demo is for, in a few words."""
    if op.operation == "FLUSH_TLB":
        return "one flush for the VA range the call changed, after its entries"
    a = op.args
    if a.Flags.InitialUpdate:
        return "a new table, every entry invalid, before anything points at it"
    if not op.entries[0].Valid:
        return "the entry naming an emptied table is invalidated; then the flush"
    if a.PageTableLevel == 0:
        return "the leaf run: one operation for consecutive entries"
    return "then each level above links the table below it, up to the root"


def _paging_stream(p_: Any) -> None:
    """[8]: the paging operations one map and its unmap cause (docs/behaviour.md 10.2)."""
    a = Adapter()
    proc = a.create_process()
    dev = proc.create_device()
    h = a.create_allocation(64 * _KB, dev, segments=0b10)     # 16 pages, 4 KB segment
    first = len(a.paging_log)
    va = a.map(h)
    mapped = len(a.paging_log)
    ddi.DxgkCbDestroyContextAllocation(a.handle, h)
    log = a.paging_log
    names = {h: "H0"}
    p_("\n[8] The paging stream (docs/behaviour.md 10.2): the DxgkDdiBuildPagingBuffer "
       "operations VidMm")
    p_(f"    issues for one map of 16 pages at {va:#x}, then for destroying the allocation")
    p_("    (a trace's, line by line: python -m dxgk paging-log FILE)")
    said: set[str] = set()
    for op in log[first:]:
        if op.sequence in (log[first].sequence, log[mapped].sequence):
            p_("    map:" if op.sequence == log[first].sequence else "    destroy:")
        p_(f"      #{op.sequence:<3} {op.operation:<17} {describe(op, names)}")
        note = _why(op)
        if note and note not in said:
            said.add(note)
            p_(f"           ({note})")
    a.validate()
    a.close()


def run_demo() -> int:
    p_ = print
    a = Adapter()
    caps, seg = a.caps, a.segments
    p_("dxgk demo: DxgkCbMapContextAllocation, answered as Dxgkrnl/VidMm would")
    p_("=" * 74)
    p_(f"\n[1] Adapter (docs/behaviour.md 3.4)   hAdapter = {_h(a.handle)}")
    p_(f"    GpuMmu: {caps.PageTableLevelCount} levels x "
       f"{a.levels[0].PageTableIndexBitCount} index bits, {caps.VirtualAddressBitCount}-bit VA, "
       f"page tables in segment {a.levels[0].PageTableSegmentId}")
    for i, s in enumerate(seg, 1):
        p_(f"    segment {i}: {s.kind:<8} {_size(s.size)}, {_size(s.page_size)} pages")
    proc = a.create_process()
    dev = proc.create_device()
    ctx = dev.create_context()
    p_(f"    hDxgkProcess = {_h(proc.handle)}  hDevice = {_h(dev.handle)}  "
       f"hContext = {_h(ctx.handle)}")

    p_("\n[2] DxgkCbCreateContextAllocation(&create)")
    create = structs.DXGKARGCB_CREATECONTEXTALLOCATION(
        hAdapter=a.handle, hDevice=dev.handle, hContext=ctx.handle, Size=256 * _KB,
        SupportedSegmentSet=0b11, hDriverAllocation=0xD21B)
    create.PreferredSegment.SegmentId0 = 1
    create.Flags.AccessedPhysically = 1
    p_(f"    Size={create.Size:#x} ({_size(create.Size)})  SupportedSegmentSet=0b11  "
       f"PreferredSegment.SegmentId0=1")
    st = ddi.DxgkCbCreateContextAllocation(create)
    if st != ddi.STATUS_SUCCESS:
        p_(f"    -> {ddi.status_name(st)}: unexpected")
        return 1
    h = create.hAllocation
    info = a.allocation(h)
    p_(f"    -> {ddi.status_name(st)}, hAllocation = {_h(h)}")
    p_(f"    placed in segment {info.segment} at offset {info.segment_offset:#x}, "
       f"{_size(info.size)}")

    p_("\n[3] DXGKARGCB_MAPCONTEXTALLOCATION: the "
       f"{ctypes.sizeof(structs.DXGKARGCB_MAPCONTEXTALLOCATION)} bytes the callback reads "
       f"({structs.HOST_ABI})")
    args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, OffsetInPages=16,
                                                  SizeInPages=32)
    args.Protection.Write = 1
    for line in _hexdump(args):
        p_(line)

    p_("\n[4] va = DxgkCbMapContextAllocation(hAdapter, &args)")
    va = ddi.DxgkCbMapContextAllocation(a.handle, args)
    st = ddi.last_status()
    p_(f"    -> va = {_h(va)}, last_status() = {ddi.status_name(st)}")
    if va == 0:
        return 1
    p_(f"    (OffsetInPages 16 = 64 KB into a 64 KB-page segment: va is 64 KB-congruent "
       f"with {info.segment_offset + 16 * 4096:#x})")
    for line in _walk(proc.translate(va + 0x1234)):
        p_(line)

    p_("\n[5] Failing calls: Windows returns 0 and says nothing; dxgk says why")
    again = structs.DXGKARGCB_MAPCONTEXTALLOCATION.from_buffer_copy(args)
    again.BaseAddress = va
    p_(_fail(a, again, f"BaseAddress = {va:#x} (already mapped)"))
    again.BaseAddress = 1 << 30 | 0x1000
    p_(_fail(a, again, "BaseAddress = 0x40001000 (breaks 64 KB rule)"))
    again.BaseAddress, again.SizeInPages = 0, 64
    p_(_fail(a, again, "OffsetInPages 16 + SizeInPages 64 > 64 pages"))
    again.SizeInPages, again.hAllocation = 1, h ^ 0x100
    p_(_fail(a, again, "hAllocation forged"))
    p_(f"    nothing changed: still {len(proc.mappings())} mapping, "
       f"{proc.page_table_stats().table_bytes} bytes of page tables")

    p_("\n[6] The same struct on the three Windows ABIs "
       "(full table: python -m dxgk layout --abi x86 NAME)")
    for line in _abi_table("DXGKARGCB_MAPCONTEXTALLOCATION"):
        p_(line)
    x86 = structs.x86.DXGKARGCB_MAPCONTEXTALLOCATION(
        hAllocation=ddi.x86_handle(h), OffsetInPages=48, SizeInPages=16)
    x86.Protection.Write = 1
    va32 = ddi.DxgkCbMapContextAllocation(a.handle, x86)
    p_(f"    an x86 caller's bytes (hAllocation = 32-bit alias {ddi.x86_handle(h):#x}) map too:"
       f" va = {_h(va32)}")
    a.validate()
    a.close()
    _user_mode(p_)
    _paging_stream(p_)
    p_("\nadapter invariants: validated.  More: README.md, python -m dxgk layout --help")
    return 0
