"""examples/gpummu_driver.c, the tiny GpuMmu KMD of docs/behaviour.md section 10, on its
own: compiled here against headers/ and driven through the DRIVER_INITIALIZATION_DATA
it fills -- its bring-up answers, its objects, and BuildPagingBuffer writing its 8-byte
hardware entries (CPU_VIRTUAL into the table's memory; GPU_PHYSICAL as DMA commands over
several passes), which its decoder reads back as the DXGK_PTEs they came from. Whatever
it cannot express is refused before a byte is written."""

from __future__ import annotations

import ctypes
import random
import struct
from pathlib import Path

import pytest

import dxgk
from dxgk import structs
from dxgk.testing import cbuild

pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")

SOURCE = (Path(__file__).resolve().parents[2] / "examples" / "gpummu_driver.c").read_text()
CDEF = """
void tinygpu_driver_entry(void *table, uint32_t version);
int32_t tinygpu_decode_pte(unsigned int level, const void *raw, size_t size, void *out);
uint64_t tinygpu_stat(uint32_t which);
"""
(UPDATES, ENTRIES, FLUSHES, OTHER, DMA_BYTES, PASSES, ROOTS) = range(7)
UPDATE_PAGE_TABLE, FLUSH_TLB, UPDATE_CONTEXT_ALLOCATION, NOTIFY_RESIDENCY = 11, 12, 13, 15
CPU_VIRTUAL, GPU_PHYSICAL = 0, 2
GPUMMUCAPS, PAGETABLELEVELDESC = 13, 14
STATUS_INSUFFICIENT_DMA = 0xC01E0001
STATUS_INVALID_PARAMETER = 0xC000000D
STATUS_NOT_SUPPORTED = 0xC00000BB

NTSTATUS = ctypes.c_int32


def build(tmp_path_factory, name):
    """tinygpu compiled through cffi as extension module `name` (the other test modules
    that attach it use this, their fixtures, and the two helpers below)."""
    return cbuild.build(name, SOURCE, CDEF, tmp_path_factory.mktemp(name))


def table_of(mod):
    """A DRIVER_INITIALIZATION_DATA filled by tinygpu's DriverEntry (WDDM 2.6; resets its
    counters)."""
    table = structs.DRIVER_INITIALIZATION_DATA()
    mod.lib.tinygpu_driver_entry(mod.ffi.cast("void *", ctypes.addressof(table)), 0x5023)
    return table


def decoder_of(mod):
    """tinygpu's decoder as a C function pointer (docs/behaviour.md 10.4)."""
    return mod.ffi.addressof(mod.lib, "tinygpu_decode_pte")


@pytest.fixture(scope="module")
def kmd(tmp_path_factory):
    mod = build(tmp_path_factory, "_dxgk_tinygpu")
    return mod, table_of(mod)


def _ddi(table, name, restype, *argtypes):
    address = getattr(table, name)
    assert address, f"{name} is not set"
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


def _u32(v):
    return v & 0xFFFFFFFF


def _build(table, args):
    fn = _ddi(table, "DxgkDdiBuildPagingBuffer", NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)
    return _u32(fn(None, ctypes.addressof(args)))


def _decode(mod, level, raw):
    out = structs.DXGK_PTE()
    st = mod.lib.tinygpu_decode_pte(level, raw, len(raw),
                                    mod.ffi.cast("void *", ctypes.addressof(out)))
    return _u32(st), out


def _leaf(page, *, segment=1, zero=0, ro=0, nx=0, cc=0):
    p = structs.DXGK_PTE()
    p.Valid, p.Segment, p.PageAddress = 1, segment, page
    p.Zero, p.ReadOnly, p.NoExecute, p.CacheCoherent = zero, ro, nx, cc
    return p


def _update(entries, *, level=0, start=0, table=None, mode=CPU_VIRTUAL, repeat=0, dma=None,
            use64k=0):
    arr = (structs.DXGK_PTE * len(entries))(*entries)
    dma = dma if dma is not None else ctypes.create_string_buffer(65536)
    b = structs.DXGKARG_BUILDPAGINGBUFFER(pDmaBuffer=ctypes.addressof(dma),
                                          DmaSize=ctypes.sizeof(dma),
                                          Operation=UPDATE_PAGE_TABLE)
    u = b.UpdatePageTable
    u.PageTableLevel, u.pPageTableEntries, u.StartIndex = level, ctypes.addressof(arr), start
    u.NumPageTableEntries = len(entries) if not repeat else repeat
    u.Flags.Repeat, u.Flags.Use64KBPages, u.UpdateMode = 1 if repeat else 0, use64k, mode
    if mode == CPU_VIRTUAL:
        u.PageTableAddress.CpuVirtual = ctypes.addressof(table) if table is not None else 0
    else:
        u.PageTableAddress.GpuPhysical.SegmentId = 1
        u.PageTableAddress.GpuPhysical.SegmentOffset = 0x40000
    return b, arr, dma


def test_driver_entry_fills_the_gpummu_ddis(kmd):
    _, table = kmd
    assert table.Version == 0x5023
    for name in ("DxgkDdiAddDevice", "DxgkDdiStartDevice", "DxgkDdiRemoveDevice",
                 "DxgkDdiQueryAdapterInfo",
                 "DxgkDdiCreateProcess", "DxgkDdiDestroyProcess", "DxgkDdiCreateDevice",
                 "DxgkDdiDestroyDevice", "DxgkDdiCreateContext", "DxgkDdiDestroyContext",
                 "DxgkDdiSetRootPageTable", "DxgkDdiBuildPagingBuffer",
                 "DxgkDdiCreateAllocation", "DxgkDdiDestroyAllocation"):
        assert getattr(table, name), name
    assert not table.DxgkDdiGetRootPageTableSize


def test_bring_up_keeps_the_interface_and_answers_the_gpummu_queries(kmd):
    mod, table = kmd
    ctx = ctypes.c_void_p()
    add = _ddi(table, "DxgkDdiAddDevice", NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)
    assert add(None, ctypes.addressof(ctx)) == 0 and ctx.value
    start = _ddi(table, "DxgkDdiStartDevice", NTSTATUS, *([ctypes.c_void_p] * 5))
    iface, info = structs.DXGKRNL_INTERFACE(), structs.DXGK_START_INFO()
    n1, n2 = ctypes.c_uint32(), ctypes.c_uint32()
    refs = [ctypes.addressof(x) for x in (info, iface, n1, n2)]
    assert _u32(start(ctx, *refs)) == STATUS_INVALID_PARAMETER     # Size not set
    iface.Size = ctypes.sizeof(iface)
    assert start(ctx, *refs) == 0 and (n1.value, n2.value) == (1, 1)
    query = _ddi(table, "DxgkDdiQueryAdapterInfo", NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)
    caps = structs.DXGK_GPUMMUCAPS()
    q = structs.DXGKARG_QUERYADAPTERINFO(Type=GPUMMUCAPS, pOutputData=ctypes.addressof(caps),
                                         OutputDataSize=ctypes.sizeof(caps))
    assert query(None, ctypes.addressof(q)) == 0
    assert (caps.PageTableUpdateMode, caps.PageTableLevelCount, caps.VirtualAddressBitCount,
            caps.LeafPageTableSizeFor64KPagesInBytes) == (CPU_VIRTUAL, 4, 48, 256)
    assert caps.ZeroInPteSupported and caps.ReadOnlyMemorySupported
    level, desc = ctypes.c_uint32(3), structs.DXGK_PAGE_TABLE_LEVEL_DESC()
    q = structs.DXGKARG_QUERYADAPTERINFO(Type=PAGETABLELEVELDESC,
                                         pInputData=ctypes.addressof(level), InputDataSize=4,
                                         pOutputData=ctypes.addressof(desc),
                                         OutputDataSize=ctypes.sizeof(desc))
    assert query(None, ctypes.addressof(q)) == 0
    assert (desc.PageTableIndexBitCount, desc.PageTableSizeInBytes,
            desc.PageTableSegmentId) == (9, 4096, 1)
    level.value = 4
    assert _u32(query(None, ctypes.addressof(q))) == STATUS_INVALID_PARAMETER
    q.Type = 0
    assert _u32(query(None, ctypes.addressof(q))) == STATUS_NOT_SUPPORTED
    remove = _ddi(table, "DxgkDdiRemoveDevice", NTSTATUS, ctypes.c_void_p)
    assert remove(ctx) == 0                                   # frees what AddDevice made


def test_objects_are_its_own_and_destroying_another_is_refused(kmd):
    _, table = kmd
    cp = _ddi(table, "DxgkDdiCreateProcess", NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)
    dp = _ddi(table, "DxgkDdiDestroyProcess", NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)
    cc = _ddi(table, "DxgkDdiCreateContext", NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)
    dc = _ddi(table, "DxgkDdiDestroyContext", NTSTATUS, ctypes.c_void_p)
    root = _ddi(table, "DxgkDdiSetRootPageTable", None, ctypes.c_void_p, ctypes.c_void_p)
    p = structs.DXGKARG_CREATEPROCESS()
    assert cp(None, ctypes.addressof(p)) == 0 and p.hKmdProcess
    c = structs.DXGKARG_CREATECONTEXT()
    assert cc(None, ctypes.addressof(c)) == 0 and c.hContext
    r = structs.DXGKARG_SETROOTPAGETABLE(hContext=c.hContext, NumEntries=512)
    r.Address.SegmentId, r.Address.SegmentOffset = 1, 0x2000
    before = kmd[0].lib.tinygpu_stat(ROOTS)
    root(None, ctypes.addressof(r))
    assert kmd[0].lib.tinygpu_stat(ROOTS) == before + 1
    assert _u32(dp(None, c.hContext)) == STATUS_INVALID_PARAMETER   # a context, not a process
    assert dc(c.hContext) == 0 and dp(None, p.hKmdProcess) == 0


def test_cpu_virtual_updates_write_entries_its_decoder_reads_back(kmd):
    mod, table = kmd
    rng = random.Random(3)
    mem = (ctypes.c_uint8 * 4096)()
    entries = [_leaf(rng.randrange(1 << 28) << 12, segment=rng.randrange(1, 32),
                     zero=0, ro=rng.randrange(2), nx=rng.randrange(2), cc=rng.randrange(2))
               for _ in range(40)]
    entries[5] = structs.DXGK_PTE()                      # an invalid entry: 0
    b, arr, _ = _update(entries, start=100, table=mem)
    assert _build(table, b) == 0
    raw = bytes(mem)
    assert raw[:800] == bytes(800) and raw[1120:] == bytes(4096 - 1120)
    for i, want in enumerate(entries):
        st, got = _decode(mod, 0, raw[800 + 8 * i:808 + 8 * i])
        assert st == 0 and bytes(got) == bytes(want), i
    # an upper level: the child's address and its 64 KB format
    up = structs.DXGK_PTE()
    up.Valid, up.Segment, up.PageTableAddress, up.PageTablePageSize = 1, 1, 0x7000, 1
    b, *_ = _update([up], level=1, start=511, table=mem)
    assert _build(table, b) == 0
    st, got = _decode(mod, 1, bytes(mem)[4088:4096])
    assert st == 0 and bytes(got) == bytes(up)


def test_repeat_writes_one_entry_over_the_run_and_a_zero_page_keeps_its_flag(kmd):
    mod, table = kmd
    mem = (ctypes.c_uint8 * 256)(*([0xAB] * 256))
    zero = structs.DXGK_PTE()
    zero.Valid, zero.Zero = 1, 1
    b, *_ = _update([zero], repeat=32, table=mem, use64k=1)
    assert _build(table, b) == 0
    for i in range(32):
        st, got = _decode(mod, 0, bytes(mem)[8 * i:8 * i + 8])
        assert st == 0 and bytes(got) == bytes(zero)


def test_what_it_cannot_express_is_refused_before_a_byte_is_written(kmd):
    _, table = kmd
    mem = (ctypes.c_uint8 * 4096)()
    cases = [                                    # (each keeps its entries and DMA alive)
        _update([_leaf(0x1000)], start=512, table=mem),               # past the table
        _update([_leaf(0x1000)] * 2, start=31, table=mem, use64k=1),  # the 64 KB leaf's
        _update([_leaf(0x1000), _leaf(0x1800)], table=mem),           # not 4 KB aligned
        _update([_leaf(1 << 53)], table=mem),                         # beyond 52 bits
        _update([_leaf(0x1000)], table=None),                         # no table memory
        _update([_leaf(0x1000)], level=4, table=mem),                 # no such level
    ]
    for b, _arr, _dma in cases:
        assert _build(table, b) == STATUS_INVALID_PARAMETER
    assert bytes(mem) == bytes(4096)
    other = structs.DXGKARG_BUILDPAGINGBUFFER(Operation=1)          # TRANSFER: not ours
    dma = ctypes.create_string_buffer(64)
    other.pDmaBuffer, other.DmaSize = ctypes.addressof(dma), 64
    assert _build(table, other) == STATUS_INVALID_PARAMETER


def test_gpu_physical_updates_take_as_many_passes_as_the_dma_buffer_needs(kmd):
    mod, table = kmd
    entries = [_leaf((i + 1) << 12) for i in range(100)]
    dma = ctypes.create_string_buffer(24 + 8 * 30)           # a command and 30 entries
    b, arr, _ = _update(entries, mode=GPU_PHYSICAL, dma=dma)
    stream, passes = b"", 0
    while True:
        b.pDmaBuffer, b.DmaSize = ctypes.addressof(dma), ctypes.sizeof(dma)
        st = _build(table, b)
        stream += dma.raw[:b.pDmaBuffer - ctypes.addressof(dma)]
        passes += 1
        if st == 0:
            break
        assert st == STATUS_INSUFFICIENT_DMA and b.MultipassOffset == 30 * passes
    assert passes == 4
    got, at = [], 0
    while at < len(stream):
        op, n, seg, _, off = struct.unpack_from("<IIIIQ", stream, at)
        assert op == 1 and seg == 1 and off == 0x40000 + 8 * len(got)
        got += [stream[at + 24 + 8 * i:at + 32 + 8 * i] for i in range(n)]
        at += 24 + 8 * n
    assert [bytes(_decode(mod, 0, r)[1]) for r in got] == [bytes(e) for e in entries]


def test_flush_tlb_is_one_command_and_needs_room_for_it(kmd):
    _, table = kmd
    dma = ctypes.create_string_buffer(32)
    b = structs.DXGKARG_BUILDPAGINGBUFFER(pDmaBuffer=ctypes.addressof(dma), DmaSize=16,
                                          Operation=FLUSH_TLB)
    f = b.FlushTlb
    f.RootPageTableAddress.SegmentId, f.RootPageTableAddress.SegmentOffset = 1, 0x3000
    f.StartVirtualAddress, f.EndVirtualAddress = 0x10000, 0x30000
    assert _build(table, b) == STATUS_INSUFFICIENT_DMA
    b.DmaSize = 32
    assert _build(table, b) == 0 and b.pDmaBuffer == ctypes.addressof(dma) + 32
    assert struct.unpack("<IIQQQ", dma.raw) == (2, 1, 0x3000, 0x10000, 0x30000)
    b.pDmaBuffer = ctypes.addressof(dma)
    f.EndVirtualAddress = 0x1000                                   # end before start
    assert _build(table, b) == STATUS_INVALID_PARAMETER


def test_the_decoder_refuses_what_is_not_one_of_its_entries(kmd):
    mod, _ = kmd
    assert _decode(mod, 0, bytes(4))[0] == STATUS_INVALID_PARAMETER
    assert _decode(mod, 6, bytes(8))[0] == STATUS_INVALID_PARAMETER
    st, got = _decode(mod, 0, bytes(8))
    assert st == 0 and bytes(got) == bytes(16)                   # invalid: all zero
    assert dxgk.STATUS_SUCCESS == 0


def test_tinygpu_attached_is_brought_up_and_called_as_vidmm_does(kmd):
    """Adapter(driver=...) with the example's table (docs/behaviour.md 10.1, 10.3): its
    caps come from its QueryAdapterInfo, every object it is given is its own (a foreign
    handle would be refused: no fault), each context gets its root, and closing the
    adapter destroys everything in the driver without a fault."""
    mod, _ = kmd
    table = structs.DRIVER_INITIALIZATION_DATA()
    mod.lib.tinygpu_driver_entry(mod.ffi.cast("void *", ctypes.addressof(table)), 0x5023)
    a = dxgk.Adapter(driver=table)
    caps = a.caps
    assert (caps.PageTableUpdateMode, caps.PageTableLevelCount, caps.VirtualAddressBitCount,
            caps.ZeroInPteSupported) == (CPU_VIRTUAL, 4, 48, 1)
    names = [c.ddi for c in a.ddi_calls]
    assert names[:3] == ["DxgkDdiAddDevice", "DxgkDdiStartDevice", "DxgkDdiQueryAdapterInfo"]
    p = a.create_process()
    d = p.create_device()
    contexts = [d.create_context() for _ in range(3)]
    assert mod.lib.tinygpu_stat(ROOTS) == 3 and len(contexts) == 3
    roots = [op for op in a.paging_log if op.operation == "SET_ROOT_PAGE_TABLE"]
    assert [op.process for op in roots] == [p] * 3
    h = a.create_allocation(1 << 20, d)
    assert a.map(h)
    a.validate()
    d.close()
    p.close()
    assert not a.removed and a.driver_faults == []
    a.close()
    assert mod.lib.tinygpu_stat(ROOTS) == 3
