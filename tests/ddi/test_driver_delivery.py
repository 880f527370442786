"""docs/behaviour.md 10.2 and 10.4 with a driver attached: the paging stream is delivered
to the driver's DxgkDdiBuildPagingBuffer -- every operation of the log, in its order,
each with a zeroed 64 KB DMA buffer (kept, zeroed again where written), asked again
while the driver answers STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER, anything else a driver
fault -- and in CPU_VIRTUAL mode every table has memory the driver writes: the example
driver's tables, decoded, equal the model's page tables entry for entry after every step."""

from __future__ import annotations

import ctypes
import random
from typing import Any

import pytest
from test_example_driver import build, table_of
from test_spec_driver import Recorder

import dxgk
from dxgk import structs
from dxgk.testing import cbuild

pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")

INSUFFICIENT_DMA = 0xC01E0001
UNSUCCESSFUL = 0xC0000001
KB, MB = 1024, 1024 * 1024


@pytest.fixture(scope="module")
def tinygpu(tmp_path_factory):
    return build(tmp_path_factory, "_dxgk_tinygpu_dlv")


def _attach(mod: Any) -> Any:
    return dxgk.Adapter(driver=table_of(mod))


def _decoded(mod: Any, a: Any, p: Any, level: int, table: int, index: int) -> bytes:
    raw = a.table_memory(p, level, table)[8 * index:8 * index + 8]
    out = structs.DXGK_PTE()
    st = mod.lib.tinygpu_decode_pte(level, bytes(raw), 8,
                                    mod.ffi.cast("void *", ctypes.addressof(out)))
    assert st == 0
    return bytes(out)


def _check(mod: Any, a: Any, p: Any, vas: list[int]) -> None:
    """The driver's tables, decoded, hold the model's entries on every level of the walk
    of each VA (an invalid entry decodes as 16 zero bytes)."""
    for va in vas:
        t = p.translate(va)
        for w in t.levels:
            assert _decoded(mod, a, p, w.level, w.table_address, w.index) == bytes(w.pte), \
                (hex(va), w.level)


def test_the_example_drivers_tables_equal_the_models_after_every_step(tinygpu) -> None:
    rng = random.Random(7)
    a = _attach(tinygpu)
    p = a.create_process()
    d = p.create_device()
    d.create_context()
    live: list[tuple[int, int]] = []                       # (allocation, va)
    probes: list[int] = []
    for _ in range(60):
        if live and rng.random() < 0.35:
            h, va = live.pop(rng.randrange(len(live)))
            a.destroy_allocation(h)                        # unmapped: entries invalidated
            probes.append(va)
        else:
            pages = rng.choice((1, 3, 16, 200, 512))
            h = a.create_allocation(pages * 4 * KB, d, segments=[rng.choice((1, 2))])
            va = a.map(h)
            live.append((h, va))
            probes += [va, va + (pages - 1) * 4 * KB]
        _check(tinygpu, a, p, [v for v in probes[-12:]])
    assert not a.removed and a.driver_faults == []
    a.validate()
    a.close()


class Paging(Recorder):
    """A Python driver recording what DxgkDdiBuildPagingBuffer is given."""

    def __init__(self) -> None:
        super().__init__()
        self.ops: list[tuple[int, int, int, int]] = []   # (operation, dma size, offset, level)
        self.answer: Any = None

    def DxgkDdiBuildPagingBuffer(self, h: int, b: Any) -> int:
        level = b.UpdatePageTable.PageTableLevel if b.Operation == 11 else -1
        self.ops.append((int(b.Operation), int(b.DmaSize), int(b.MultipassOffset), level))
        assert ctypes.string_at(b.pDmaBuffer, b.DmaSize) == bytes(b.DmaSize)   # zeroed
        assert (b.pDmaBufferPrivateData, b.DmaBufferPrivateDataSize, b.hSystemContext,
                b.DmaBufferGpuVirtualAddress) == (0, 0, 0, 0)
        return self.answer(b) if self.answer else 0


def test_every_logged_operation_is_delivered_in_order_with_a_fresh_buffer() -> None:
    drv = Paging()
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        h = a.create_allocation(1 * MB, d, segments=[2])
        a.map(h)
        a.destroy_allocation(h)
        logged = [(op.operation, op.args.PageTableLevel if op.operation == "UPDATE_PAGE_TABLE"
                   else -1) for op in a.paging_log if op.operation != "SET_ROOT_PAGE_TABLE"]
        names = {11: "UPDATE_PAGE_TABLE", 12: "FLUSH_TLB", 13: "UPDATE_CONTEXT_ALLOCATION",
                 15: "NOTIFY_RESIDENCY"}
        got = [(names[o], lv) for o, size, off, lv in drv.ops]
        assert got == logged and len(got) > 8
        assert {(size, off) for _, size, off, _ in drv.ops} == {(65536, 0)}
        assert not a.removed


def test_insufficient_dma_buffer_asks_again_from_where_the_driver_left_off() -> None:
    drv = Paging()
    asked: dict[int, int] = {}

    def once(b: Any) -> int:
        key = len(drv.ops)
        if b.MultipassOffset == 0:
            b.MultipassOffset = 5                      # progress: half done
            b.pDmaBuffer = b.pDmaBuffer + 16
            return INSUFFICIENT_DMA
        asked[key] = b.MultipassOffset
        return 0

    drv.answer = once
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        a.map(a.create_allocation(64 * KB, d))
        assert asked and set(asked.values()) == {5}
        assert [off for _, _, off, _ in drv.ops][:2] == [0, 5]
        assert not a.removed


def test_a_driver_that_never_progresses_is_a_fault_after_65_asks() -> None:
    drv = Paging()
    drv.answer = lambda b: INSUFFICIENT_DMA
    a = dxgk.Adapter(driver=drv)                          # bring-up: the system root
    assert a.removed
    (f,) = a.driver_faults
    assert (f.ddi, f.operation, f.status) == ("DxgkDdiBuildPagingBuffer",
                                              "UPDATE_PAGE_TABLE", INSUFFICIENT_DMA)
    assert len(drv.ops) == 65 and "without progress" in f.detail
    a.close()


class Scribbler(Recorder):
    """A Python driver that writes 0xAB bytes: `used` of them submitted, then `gap`
    zero bytes, then `extra` more it does not submit; keeps a copy of each buffer."""

    def __init__(self, used: int, gap: int, extra: int) -> None:
        super().__init__()
        self.used, self.gap, self.extra = used, gap, extra
        self.seen: list[bytes] = []

    def DxgkDdiBuildPagingBuffer(self, h: int, b: Any) -> int:
        self.seen.append(ctypes.string_at(b.pDmaBuffer, b.DmaSize))
        ctypes.memset(b.pDmaBuffer, 0xAB, self.used)
        if self.extra:
            ctypes.memset(b.pDmaBuffer + self.used + self.gap, 0xAB, self.extra)
        b.pDmaBuffer = b.pDmaBuffer + self.used
        return 0


@pytest.mark.parametrize("used,gap,extra,zeroed", [
    (100, 0, 0, True),           # what it submits: zeroed again
    (100, 0, 30, True),          # right past pDmaBuffer: seen, the whole buffer zeroed
    (0, 10, 40, True),           # within the 64 bytes checked
    (8, 64, 16, False),          # beyond them: the documented exception
])
def test_the_kept_dma_buffer_is_zeroed_where_the_driver_wrote(used: int, gap: int, extra: int,
                                                             zeroed: bool) -> None:
    """docs/behaviour.md 10.2: one buffer kept between asks, zeroed again up to where the
    driver left pDmaBuffer, wholly when the 64 bytes after that are not zero."""
    drv = Scribbler(used, gap, extra)
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        a.map(a.create_allocation(64 * KB, d))
        assert len(drv.seen) > 3 and not a.removed
        assert drv.seen[0] == bytes(65536)
        clean = all(buf == bytes(65536) for buf in drv.seen)
        assert clean == zeroed
        if not zeroed:                  # only its own unsubmitted bytes, nothing else
            lo = used + gap
            assert all(buf[:lo] == bytes(lo) and buf[lo + extra:] == bytes(65536 - lo - extra)
                       for buf in drv.seen)


@pytest.mark.parametrize("how", ["status", "past-the-end"])
def test_a_failing_build_paging_buffer_removes_the_adapter(how: str) -> None:
    drv = Paging()
    with dxgk.Adapter(driver=drv) as a:
        d = a.create_process().create_device()
        h = a.create_allocation(64 * KB, d)
        seen = len(drv.ops)

        def bad(b: Any) -> int:
            if how == "status":
                return UNSUCCESSFUL
            b.pDmaBuffer = b.pDmaBuffer + b.DmaSize + 8
            return 0

        drv.answer = bad
        args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=1)
        args.Protection.Write = 1
        before = a.stats().mappings
        # the causing call answers STATUS_DEVICE_REMOVED (0 for a map); its state stays
        assert dxgk.DxgkCbMapContextAllocation(a.handle, args) == 0
        assert dxgk.last_status() == dxgk.STATUS_DEVICE_REMOVED
        assert a.removed and a.stats().mappings == before + 1
        (f,) = a.driver_faults
        assert f.ddi == "DxgkDdiBuildPagingBuffer" and f.operation == "UPDATE_PAGE_TABLE"
        assert len(drv.ops) == seen + 1                   # the rest is not delivered
        assert dxgk.DxgkCbMapContextAllocation(a.handle, args) == 0
        assert dxgk.last_status() == dxgk.STATUS_DEVICE_REMOVED


def test_table_memory_needs_a_table_with_memory(tinygpu) -> None:
    with dxgk.Adapter() as a:                            # no driver: no memory
        with pytest.raises(ValueError, match="no table with memory"):
            a.table_memory(a.system_process, 0, 0)
    a = _attach(tinygpu)
    p = a.create_process()
    root = p.translate(0).levels[0]
    assert len(a.table_memory(p, root.level, root.table_address)) == 4096
    with pytest.raises(ValueError, match="not a process of"):
        a.table_memory(object(), 0, 0)
    a.close()


def _kmt_world(drv: Any, paging: str = "immediate") -> Any:
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kmt"))
    import kmt_helpers as K
    return K, K.World(dxgk.Adapter(driver=drv, paging=paging))


def test_10_2_a_thunk_whose_paging_work_faults_answers_device_removed() -> None:
    drv = Paging()
    K, w = _kmt_world(drv)
    drv.answer = lambda b: UNSUCCESSFUL
    m = w.map_args(w.h4k, 4)
    assert dxgk.D3DKMTMapGpuVirtualAddress(m) == dxgk.STATUS_DEVICE_REMOVED
    assert w.a.removed and m.VirtualAddress                # the map itself was made
    assert dxgk.D3DKMTMapGpuVirtualAddress(w.map_args(w.h4k, 4)) == dxgk.STATUS_DEVICE_REMOVED
    w.a.close()


def test_10_2_deferred_work_that_faults_makes_execute_and_signal_fail() -> None:
    for how in ("execute", "signal"):
        drv = Paging()
        K, w = _kmt_world(drv, "deferred")
        f = w.d.create_fence()
        w.update([K.op_map(w.reserve(MB), 16 * 4 * KB, w.h4k)], fence=f.handle, fence_value=1)
        w.map(w.h4k, 4)                                    # pending on the queue
        drv.answer = lambda b: UNSUCCESSFUL
        with pytest.raises(dxgk.DdiError) as e:
            w.q.execute() if how == "execute" else f.signal(1)
        assert e.value.status == dxgk.STATUS_DEVICE_REMOVED and w.a.removed, how
        w.a.close()


def test_10_2_a_fault_on_one_adapter_does_not_leak_into_a_call_on_another() -> None:
    class Raises(Paging):
        def DxgkDdiCreateDevice(self, h: int, args: Any) -> int:
            raise RuntimeError("no device today")
    with dxgk.Adapter(driver=Raises()) as bad, dxgk.Adapter() as good:
        p = bad.create_process()
        with pytest.raises(dxgk.DdiError):
            p.create_device()                   # a fault outside any DxgkCb* / D3DKMT call
        assert bad.removed
        dg = good.create_process().create_device()
        args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(
            hAllocation=good.create_allocation(64 * KB, dg), SizeInPages=1)
        args.Protection.Write = 1
        assert dxgk.DxgkCbMapContextAllocation(good.handle, args) != 0
        assert dxgk.last_status() == 0 and not good.removed


def test_10_2_a_fault_outside_a_call_does_not_leak_into_create_allocation2() -> None:
    class Raises(Paging):
        def DxgkDdiCreateDevice(self, h: int, args: Any) -> int:
            raise RuntimeError("no device today")
    with dxgk.Adapter(driver=Raises()) as bad:
        with pytest.raises(dxgk.DdiError):
            bad.create_process().create_device()   # the fault: outside any thunk
        # the next thunk on this thread answers for itself: a NULL argument
        assert dxgk.D3DKMTCreateAllocation2(None) == dxgk.STATUS_INVALID_PARAMETER
        assert dxgk.D3DKMTDestroyAllocation2(None) == dxgk.STATUS_INVALID_PARAMETER
