"""docs/behaviour.md 10.2, the driver's answer: the bytes a driver wrote before where it
left pDmaBuffer, on every ask it answered STATUS_SUCCESS or
STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER, are what it submitted -- kept per operation in
``PagingOp.dma`` (the passes of a multipass operation concatenated, their lengths in
``dma_passes``), bounded, and only while the paging log can hold the operation."""

from __future__ import annotations

import ctypes
import struct
from typing import Any

import pytest
from test_example_driver import build, table_of
from test_spec_driver import Recorder

import dxgk
from dxgk import structs
from dxgk._core import ffi, lib
from dxgk.testing import cbuild

INSUFFICIENT_DMA = 0xC01E0001
UNSUCCESSFUL = 0xC0000001
KB, MB = 1024, 1024 * 1024
DMA_BYTES, PASSES = 4, 5                        # tinygpu_stat counters
WRITE_PTES, FLUSH = 1, 2                        # tinygpu's DMA commands
GPU_PHYSICAL = 2
NTSTATUS = ctypes.c_int32
DDI = ctypes.CFUNCTYPE(NTSTATUS, ctypes.c_void_p, ctypes.c_void_p)


@pytest.fixture(scope="module")
def tinygpu(tmp_path_factory):
    if not cbuild.have_compiler():
        pytest.skip("no C compiler")
    return build(tmp_path_factory, "_dxgk_tinygpu_dma")


def _gpu_physical(mod: Any, dma_size: int = 0) -> tuple[Any, list[Any]]:
    """tinygpu's table, its caps answer turned to GPU_PHYSICAL (it then writes WRITE_PTES
    commands into the DMA buffer); with dma_size, it is told its buffer holds only that
    many bytes, so that a table's run takes several passes. The callbacks are returned too:
    they must live as long as the adapter."""
    table = table_of(mod)
    query, paging = DDI(table.DxgkDdiQueryAdapterInfo), DDI(table.DxgkDdiBuildPagingBuffer)

    @DDI
    def query_physical(h: int, q: int) -> int:
        st = query(h, q)
        args = structs.DXGKARG_QUERYADAPTERINFO.from_address(q)
        if st == 0 and args.Type == 13:                       # DXGKQAITYPE_GPUMMUCAPS
            structs.DXGK_GPUMMUCAPS.from_address(args.pOutputData).PageTableUpdateMode = 2
        return st

    @DDI
    def paging_small(h: int, b: int) -> int:
        structs.DXGKARG_BUILDPAGINGBUFFER.from_address(b).DmaSize = dma_size
        return paging(h, b)

    keep = [query, paging, query_physical, paging_small]
    table.DxgkDdiQueryAdapterInfo = ctypes.cast(query_physical, ctypes.c_void_p).value
    if dma_size:
        table.DxgkDdiBuildPagingBuffer = ctypes.cast(paging_small, ctypes.c_void_p).value
    return table, keep


def _decode(mod: Any, level: int, raw: bytes) -> bytes:
    out = structs.DXGK_PTE()
    assert mod.lib.tinygpu_decode_pte(level, raw, 8,
                                      mod.ffi.cast("void *", ctypes.addressof(out))) == 0
    return bytes(out)


def _commands(data: bytes) -> list[tuple[int, tuple[Any, ...], bytes]]:
    """tinygpu's DMA commands in `data`: (op, header fields, entry bytes)."""
    out, at = [], 0
    while at < len(data):
        op = struct.unpack_from("<I", data, at)[0]
        if op == WRITE_PTES:
            _, count, segment, _, offset = struct.unpack_from("<IIIIQ", data, at)
            out.append((op, (segment, offset), data[at + 24:at + 24 + 8 * count]))
            at += 24 + 8 * count
        else:
            assert op == FLUSH, (op, at)
            out.append((op, struct.unpack_from("<IQQQ", data, at + 4), b""))
            at += 32
    assert at == len(data)
    return out


def _expect_commands(mod: Any, op: Any) -> None:
    """op.dma holds exactly the commands tinygpu writes for op, all its entries once."""
    cmds = _commands(op.dma)
    a = op.args
    if op.operation == "FLUSH_TLB":
        r = a.RootPageTableAddress
        assert cmds == [(FLUSH, (r.SegmentId, r.SegmentOffset, a.StartVirtualAddress,
                                 a.EndVirtualAddress), b"")]
        return
    assert op.operation == "UPDATE_PAGE_TABLE" and {c[0] for c in cmds} == {WRITE_PTES}
    t = a.PageTableAddress.GpuPhysical
    n = int(a.NumPageTableEntries)
    raw = b"".join(c[2] for c in cmds)
    assert len(raw) == 8 * n
    done = 0
    for _, (segment, offset), entries in cmds:              # each pass goes on from the last
        assert (segment, offset) == (t.SegmentId, t.SegmentOffset + 8 * (a.StartIndex + done))
        done += len(entries) // 8
    given = op.entries * n if a.Flags.Repeat else op.entries
    assert [_decode(mod, int(a.PageTableLevel), raw[8 * k:8 * k + 8]) for k in range(n)] == \
        [bytes(e) for e in given]


def _stream(a: Any) -> None:
    """Maps of 1 to 512 pages, 4 KB and 64 KB, and a destroy: every kind of table run."""
    d = a.create_process().create_device()
    small = a.create_allocation(2 * MB, d, segments=[2]) if len(a.segments) > 1 else None
    big = a.create_allocation(4 * MB, d)
    a.map(big)
    a.map(big, 1, offset=16)
    if small:
        a.map(small)
    a.destroy_allocation(big)


def test_10_2_dma_is_exactly_what_tinygpu_wrote_in_gpu_physical_mode(tinygpu) -> None:
    table, keep = _gpu_physical(tinygpu)
    with dxgk.Adapter(driver=table) as a:
        assert a.caps.PageTableUpdateMode == GPU_PHYSICAL
        _stream(a)
        log = [op for op in a.paging_log if op.operation in ("UPDATE_PAGE_TABLE", "FLUSH_TLB")]
        assert len(log) > 10 and all(op.dma for op in log)
        for op in log:
            _expect_commands(tinygpu, op)
            assert op.dma_passes == (len(op.dma),) and op.dma_size == len(op.dma)
        assert sum(len(op.dma) for op in a.paging_log) == tinygpu.lib.tinygpu_stat(DMA_BYTES)
        assert not a.removed and lib.dxgk_drv_dma_check(a.handle) == 0
    del keep


def test_10_2_a_multipass_operation_keeps_its_passes_concatenated_in_order(tinygpu) -> None:
    table, keep = _gpu_physical(tinygpu, dma_size=1 * KB)      # 125 entries a pass
    with dxgk.Adapter(driver=table) as a:
        _stream(a)
        log = [op for op in a.paging_log if op.operation == "UPDATE_PAGE_TABLE"]
        multi = [op for op in log if len(op.dma_passes) > 1]
        assert multi and max(len(op.dma_passes) for op in multi) == 5       # 512 entries
        for op in log:
            _expect_commands(tinygpu, op)
            assert sum(op.dma_passes) == len(op.dma) == op.dma_size
            at = 0
            for n in op.dma_passes:                            # each pass one whole command
                assert len(_commands(op.dma[at:at + n])) == 1 and n <= 1 * KB
                at += n
        assert sum(len(op.dma_passes) - 1 for op in log) == tinygpu.lib.tinygpu_stat(PASSES)
        assert sum(len(op.dma) for op in a.paging_log) == tinygpu.lib.tinygpu_stat(DMA_BYTES)
        assert lib.dxgk_drv_dma_check(a.handle) == 0
    del keep


class Writer(Recorder):
    """A Python driver that writes a known pattern: for each operation, `passes` asks of
    `size` bytes (the ask's number, repeated), each but the last answered
    STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER; `empty` more asks first that use nothing but
    move MultipassOffset on. Keeps what it submitted, per delivered operation."""

    def __init__(self, size: int = 24, passes: int = 1, empty: int = 0) -> None:
        super().__init__()
        self.size, self.passes, self.empty = size, passes, empty
        self.asks = 0
        self.sent: list[list[bytes]] = []
        self.answer: Any = None

    def DxgkDdiBuildPagingBuffer(self, h: int, b: Any) -> int:
        if b.MultipassOffset == 0:
            self.sent.append([])
        self.asks += 1
        if self.answer:
            return int(self.answer(b))
        step = int(b.MultipassOffset)
        b.MultipassOffset = step + 1
        if step < self.empty:
            return INSUFFICIENT_DMA
        data = bytes([self.asks & 0xFF]) * self.size
        ctypes.memmove(b.pDmaBuffer, data, len(data))
        b.pDmaBuffer = b.pDmaBuffer + len(data)
        self.sent[-1].append(data)
        return INSUFFICIENT_DMA if step + 1 < self.empty + self.passes else 0


def _delivered(a: Any) -> list[Any]:
    return [op for op in a.paging_log if op.operation != "SET_ROOT_PAGE_TABLE"]


@pytest.mark.parametrize("passes,empty", [(1, 0), (3, 0), (2, 2)])
def test_10_2_a_python_drivers_bytes_are_recorded_as_it_wrote_them(passes: int,
                                                                  empty: int) -> None:
    drv = Writer(size=40, passes=passes, empty=empty)
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        a.map(a.create_allocation(1 * MB, d))
        ops = _delivered(a)
        assert len(ops) == len(drv.sent) > 4
        for op, sent in zip(ops, drv.sent, strict=True):
            assert op.dma == b"".join(sent) and len(sent) == passes
            assert op.dma_passes == (40,) * passes and op.dma_size == 40 * passes
        assert lib.dxgk_drv_dma_check(a.handle) == 0


def test_10_2_without_a_driver_no_operation_has_dma() -> None:
    with dxgk.Adapter() as a:
        d = a.create_process().create_device()
        a.map(a.create_allocation(1 * MB, d))
        assert a.paging_log
        assert {(op.dma, op.dma_passes, op.dma_size) for op in a.paging_log} == {(b"", (), 0)}
        info = ffi.new("dxgk_drv_dma_info *")
        assert lib.dxgk_drv_dma_get(a.handle, 0, info, ffi.NULL, 0, ffi.NULL, 0) & \
            0xFFFFFFFF == dxgk.STATUS_INVALID_HANDLE


def _held(a: Any, seq: int) -> tuple[int, int]:
    """(bytes submitted, dropped) of operation seq as the store knows it."""
    info = ffi.new("dxgk_drv_dma_info *")
    assert lib.dxgk_drv_dma_get(a.handle, seq, info, ffi.NULL, 0, ffi.NULL, 0) == 0
    return int(info.size), int(info.dropped)


def test_10_2_with_the_log_off_no_dma_is_kept() -> None:
    drv = Writer()
    with dxgk.Adapter(driver=drv, paging_log=0) as a:
        d = a.create_process().create_device()
        a.map(a.create_allocation(1 * MB, d))
        assert a.paging_log == [] and len(drv.sent) > 4       # delivered all the same
        # not even the bring-up's operations, delivered while the log was still on
        assert all(_held(a, seq)[0] == 0 for seq in range(len(drv.sent) + 8))
        assert lib.dxgk_drv_dma_check(a.handle) == 0


def test_10_2_dma_is_kept_only_for_operations_the_log_holds() -> None:
    drv = Writer()
    with dxgk.Adapter(driver=drv, paging_log=6) as a:
        d = a.create_process().create_device()
        h = a.create_allocation(1 * MB, d)
        for _ in range(4):
            a.map(h)
        log = a.paging_log
        assert len(log) == 6 and all(op.dma for op in _delivered(a))
        for seq in range(log[0].sequence):                    # gone from the store too
            assert _held(a, seq) == (0, 1)
        assert lib.dxgk_drv_dma_check(a.handle) == 0


def test_10_2_the_store_drops_the_oldest_operations_past_its_bound() -> None:
    drv = Writer(size=60 * KB)
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        h = a.create_allocation(64 * KB, d)
        while drv.asks * 60 * KB < lib.DXGK_DRV_DMA_MAX + 4 * MB:
            a.map(h, 1)
        ops = _delivered(a)
        kept = [op for op in ops if op.dma_size is not None]
        gone = [op for op in ops if op.dma_size is None]
        assert gone and kept and ops == gone + kept           # the oldest dropped first
        assert all(op.dma == b"" and op.dma_passes == () for op in gone)
        newest = drv.sent[-len(kept):]
        assert [op.dma for op in kept] == [b"".join(s) for s in newest]
        total = sum(lib.DXGK_DRV_DMA_OP_COST + len(op.dma) + 4 * len(op.dma_passes)
                    for op in kept)
        one = lib.DXGK_DRV_DMA_OP_COST + 60 * KB + 4
        assert total <= lib.DXGK_DRV_DMA_MAX < total + one    # one more would not fit
        assert lib.dxgk_drv_dma_check(a.handle) == 0


def test_10_2_an_operation_keeps_its_first_bytes_up_to_the_per_operation_bound() -> None:
    drv = Writer(size=64 * KB, passes=70)
    with dxgk.Adapter(driver=drv) as a:
        op = _delivered(a)[0]                                 # the system root's
        sent = b"".join(drv.sent[0])
        assert op.dma_size == len(sent) == 70 * 64 * KB
        assert op.dma == sent[:len(op.dma)] and sum(op.dma_passes) == len(op.dma)
        assert len(op.dma) + 4 * len(op.dma_passes) == lib.DXGK_DRV_DMA_OP_MAX
        assert op.dma_passes[:-1] == (64 * KB,) * (len(op.dma_passes) - 1)
        assert lib.dxgk_drv_dma_check(a.handle) == 0


@pytest.mark.parametrize("how", ["past-the-end", "before", "status"])
def test_10_2_an_ask_that_faults_submits_nothing(how: str) -> None:
    drv = Writer()
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        h = a.create_allocation(64 * KB, d)
        before = len(_delivered(a))

        def bad(b: Any) -> int:
            ctypes.memset(b.pDmaBuffer, 0xEE, 64)
            if how == "status":
                b.pDmaBuffer = b.pDmaBuffer + 64
                return UNSUCCESSFUL
            b.pDmaBuffer = b.pDmaBuffer + (b.DmaSize + 8 if how == "past-the-end" else -8)
            return 0

        drv.answer = bad
        with pytest.raises(dxgk.DdiError):
            a.map(h)
        assert a.removed
        after = _delivered(a)[before:]
        assert after and all(op.dma == b"" and op.dma_size == 0 for op in after)
        assert lib.dxgk_drv_dma_check(a.handle) == 0


@pytest.mark.parametrize("dma_size", [0, 1 * KB])
def test_10_2_deliveries_on_several_threads_each_keep_their_own_bytes(tinygpu,
                                                                      dma_size: int) -> None:
    """Two model calls' deliveries may overlap (each has its own DMA buffer): every
    operation still holds exactly its own commands, wherever its bytes arrived (with a
    Python shim in each ask -- it waits for the GIL -- deliveries interleave)."""
    import threading

    table, keep = _gpu_physical(tinygpu, dma_size)
    with dxgk.Adapter(driver=table) as a:
        devices = [a.create_process().create_device() for _ in range(4)]

        def work(d: Any) -> None:
            for _ in range(40):
                a.map(a.create_allocation(256 * KB, d))

        threads = [threading.Thread(target=work, args=(d,)) for d in devices]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log = [op for op in a.paging_log if op.operation in ("UPDATE_PAGE_TABLE", "FLUSH_TLB")]
        assert len(log) > 300 and all(op.dma for op in log)
        for op in log:
            _expect_commands(tinygpu, op)
        assert sum(len(op.dma) for op in a.paging_log) == tinygpu.lib.tinygpu_stat(DMA_BYTES)
        assert lib.dxgk_drv_dma_check(a.handle) == 0
    del keep


class Nesting(Recorder):
    """A Python driver that writes what identifies each operation (an update's first VA,
    start and count; a flush's range) and, once, maps from inside DxgkDdiBuildPagingBuffer
    before submitting: that map's operations -- later in the stream -- are submitted
    before the one being built."""

    def __init__(self) -> None:
        super().__init__()
        self.inside: Any = None

    def DxgkDdiBuildPagingBuffer(self, h: int, b: Any) -> int:
        if b.Operation == 11:
            u = b.UpdatePageTable
            data = struct.pack("<QII", u.FirstPteVirtualAddress, u.StartIndex,
                               u.NumPageTableEntries)
        elif b.Operation == 12:
            data = struct.pack("<QQ", b.FlushTlb.StartVirtualAddress,
                               b.FlushTlb.EndVirtualAddress)
        else:
            return 0
        if self.inside and b.Operation == 11:
            inside, self.inside = self.inside, None
            inside()
        ctypes.memmove(b.pDmaBuffer, data, len(data))
        b.pDmaBuffer = b.pDmaBuffer + len(data)
        return 0


def test_10_2_operations_submitted_out_of_order_each_keep_their_own_bytes() -> None:
    drv = Nesting()
    with dxgk.Adapter(driver=drv) as a:
        d1, d2 = (a.create_process().create_device() for _ in range(2))
        h1, h2 = a.create_allocation(1 * MB, d1), a.create_allocation(1 * MB, d2)
        drv.inside = lambda: a.map(h2)
        a.map(h1)
        assert drv.inside is None and not a.removed
        for op in a.paging_log:
            x = op.args
            if op.operation == "UPDATE_PAGE_TABLE":
                want = struct.pack("<QII", x.FirstPteVirtualAddress, x.StartIndex,
                                   x.NumPageTableEntries)
            elif op.operation == "FLUSH_TLB":
                want = struct.pack("<QQ", x.StartVirtualAddress, x.EndVirtualAddress)
            else:
                want = b""
            assert op.dma == want, op.sequence
        assert lib.dxgk_drv_dma_check(a.handle) == 0
