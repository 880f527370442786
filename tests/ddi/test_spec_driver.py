"""docs/behaviour.md 10.1 (attaching a driver) and 10.3 (root page tables): one test per
rule, with a small C kernel-mode driver compiled here through cffi (its DDIs declared with
the DXGKDDI_xxx function types, its table a real DRIVER_INITIALIZATION_DATA) and Python
drivers -- objects whose methods are named like the DDIs."""

from __future__ import annotations

import ctypes
import gc
import threading
from pathlib import Path
from typing import Any

import pytest

import dxgk
from dxgk import structs
from dxgk import STATUS_DEVICE_REMOVED, STATUS_NOT_SUPPORTED, DriverFault
from dxgk.testing import cbuild

try:
    from .spec_helpers import snapshot
except ImportError:
    from spec_helpers import snapshot

INSUFFICIENT_RESOURCES = 0xC000009A
WDDM2_0 = 0x5023
WDDM3_2 = 0x11007

KMD_C = (Path(__file__).resolve().parent / "spec_kmd.c").read_text()

KMD_CDEF = """
void kmd_config(uint32_t key, uint64_t value);
uint64_t kmd_got(uint32_t key);
void kmd_reset(void);
void kmd_fill(void *table, uint32_t version);
"""

(CFG_FAIL_PROCESS, CFG_FAIL_DEVICE, CFG_FAIL_CONTEXT, CFG_RESERVE, CFG_TWO_LEVELS,
 CFG_ROOT_SHORT) = range(6)
(GOT_RESERVE_STATUS, GOT_RESERVE_VA, GOT_ROOTS, GOT_ROOT_SEGMENT, GOT_ROOT_OFFSET,
 GOT_ROOT_ENTRIES, GOT_ROOT_CONTEXT, GOT_ROOT_ASKED, GOT_PROCESSES) = range(9)

@pytest.fixture(autouse=True)
def _no_pending_garbage() -> None:
    """Adapters left for the garbage collector by earlier tests go now, not in the middle
    of a test that counts live handles."""
    gc.collect()


needs_cc = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")


@pytest.fixture(scope="module")
def kmd_module(tmp_path_factory: Any) -> Any:
    return cbuild.build("_dxgk_test_spec_kmd", KMD_C, KMD_CDEF, tmp_path_factory.mktemp("kmd"))


@pytest.fixture
def kmd(kmd_module: Any) -> Any:
    kmd_module.lib.kmd_reset()
    return kmd_module


def c_table(kmd: Any, version: int = WDDM3_2) -> Any:
    t = structs.DRIVER_INITIALIZATION_DATA()
    kmd.lib.kmd_fill(kmd.ffi.cast("void *", ctypes.addressof(t)), version)
    return t


def names(a: dxgk.Adapter) -> list[str]:
    return [c.ddi for c in a.ddi_calls]


class Recorder:
    """A Python driver that provides every object DDI and records what it is given."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.next = 0x7000

    def _handle(self) -> int:
        self.next += 0x10
        return self.next

    def DxgkDdiAddDevice(self, pdo: int, ctx: Any) -> int:
        self.calls.append(("AddDevice", pdo))
        ctx[0] = 0xAD0
        return 0

    def DxgkDdiStartDevice(self, ctx: int, info: Any, iface: Any, nsrc: Any, nch: Any) -> int:
        self.interface = structs.DXGKRNL_INTERFACE.from_buffer_copy(iface)
        self.calls.append(("StartDevice", ctx))
        nsrc[0] = 1
        nch[0] = 1
        return 0

    def DxgkDdiCreateProcess(self, h: int, args: Any) -> int:
        args.hKmdProcess = self._handle()
        self.calls.append(("CreateProcess", h, args.hDxgkProcess, args.hKmdProcess,
                           args.Flags.SystemProcess))
        return 0

    def DxgkDdiDestroyProcess(self, h: int, kmd: int) -> int:
        self.calls.append(("DestroyProcess", kmd))
        return 0

    def DxgkDdiCreateDevice(self, h: int, args: Any) -> int:
        model = args.hDevice
        args.hDevice = self._handle()
        self.calls.append(("CreateDevice", model, args.hDevice, args.hKmdProcess))
        return 0

    def DxgkDdiDestroyDevice(self, h: int) -> int:
        self.calls.append(("DestroyDevice", h))
        return 0

    def DxgkDdiCreateContext(self, hdev: int, args: Any) -> int:
        model = args.hContext
        args.hContext = self._handle()
        self.calls.append(("CreateContext", hdev, model, args.hContext,
                           args.Flags.VirtualAddressing))
        return 0

    def DxgkDdiDestroyContext(self, h: int) -> int:
        self.calls.append(("DestroyContext", h))
        return 0

    def DxgkDdiCreateAllocation(self, h: int, args: Any) -> int:
        info = structs.DXGK_ALLOCATIONINFO.from_address(args.pAllocationInfo)
        info.hAllocation = self._handle()
        self.calls.append(("CreateAllocation", args.NumAllocations, args.PrivateDriverDataSize,
                           info.Size, info.hAllocation))
        return 0

    def DxgkDdiDestroyAllocation(self, h: int, args: Any) -> int:
        handles = (ctypes.c_void_p * args.NumAllocations).from_address(args.pAllocationList)
        self.calls.append(("DestroyAllocation", [int(x or 0) for x in handles]))
        return 0

    def DxgkDdiSetRootPageTable(self, h: int, args: Any) -> None:
        self.calls.append(("SetRootPageTable", args.hContext, args.Address.SegmentId,
                           args.Address.SegmentOffset, args.NumEntries))

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


# ---- 10.1 attaching ----------------------------------------------------------------------


@needs_cc
def test_a_c_driver_attaches_through_its_driver_initialization_data(kmd: Any) -> None:
    before = dxgk.live_handles()
    a = dxgk.Adapter(driver=c_table(kmd))
    assert names(a)[:2] == ["DxgkDdiAddDevice", "DxgkDdiStartDevice"]
    assert a.caps.PageTableLevelCount == 4           # NOT_SUPPORTED: the defaults
    assert not a.removed and a.driver_faults == []
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    assert kmd.lib.kmd_got(GOT_ROOTS) == 1
    assert kmd.lib.kmd_got(GOT_ROOT_CONTEXT) == a.ddi_calls[-2].handles[1]
    a.validate()
    for o in (c, d, p, a):
        o.close()
    assert dxgk.live_handles() == before


def test_bring_up_runs_add_device_start_device_then_the_queries_in_order() -> None:
    asked: list[tuple[int, int]] = []

    class Drv(Recorder):
        def DxgkDdiQueryAdapterInfo(self, h: int, q: Any) -> int:
            level = ctypes.c_uint32.from_address(q.pInputData).value if q.pInputData else -1
            asked.append((q.Type, level))
            self.calls.append(("QueryAdapterInfo", h))
            return STATUS_NOT_SUPPORTED

    drv = Drv()
    a = dxgk.Adapter(driver=drv)
    assert drv.kinds()[:3] == ["AddDevice", "StartDevice", "QueryAdapterInfo"]
    # GPUMMUCAPS, one PAGETABLELEVELDESC per level (0..3), QUERYSEGMENT4
    assert asked == [(13, -1), (14, 0), (14, 1), (14, 2), (14, 3), (11, -1)]
    assert drv.calls[0] == ("AddDevice", 0)              # no device object: NULL
    assert drv.calls[1] == ("StartDevice", 0xAD0)        # its MiniportDeviceContext
    # the real interface: this adapter's handle and the five GPU VA callbacks
    iface = drv.interface
    assert iface.DeviceHandle == a.handle and iface.Size == ctypes.sizeof(iface)
    assert iface.DxgkCbMapContextAllocation and iface.DxgkCbReserveGpuVirtualAddressRange
    assert a.interface().DxgkCbMapContextAllocation == iface.DxgkCbMapContextAllocation
    # the system process comes last, flagged as such, on the driver's adapter context
    assert drv.calls[-1][0] == "CreateProcess"
    assert drv.calls[-1][1:3] == (0xAD0, a.system_process.handle) and drv.calls[-1][4] == 1
    assert names(a)[-1] == "DxgkDdiCreateProcess"


def test_a_ddi_the_driver_does_not_provide_is_not_called_and_defaults_stay() -> None:
    class Minimal:
        def __init__(self) -> None:
            self.calls = 0

        def DxgkDdiAddDevice(self, pdo: int, ctx: Any) -> int:
            self.calls += 1
            return 0

    drv = Minimal()
    caps = {"PageTableLevelCount": 3, "VirtualAddressBitCount": 39}
    a = dxgk.Adapter(caps=caps, levels=[{}, {}, {}], driver=drv)
    plain = dxgk.Adapter(caps=caps, levels=[{}, {}, {}])
    assert drv.calls == 1 and names(a) == ["DxgkDdiAddDevice"]
    assert bytes(a.caps) == bytes(plain.caps)
    assert [bytes(x) for x in a.levels] == [bytes(x) for x in plain.levels]
    assert a.segments == plain.segments
    p = a.create_process()
    c = p.create_device().create_context()   # no CreateProcess/Device/Context/SetRoot
    assert names(a) == ["DxgkDdiAddDevice"] and not c.closed
    h = p.create_device().allocate(64 * 1024)
    assert h and names(a) == ["DxgkDdiAddDevice"]


def test_a_query_answered_not_supported_keeps_the_defaults_for_that_type() -> None:
    class Drv(Recorder):
        def DxgkDdiQueryAdapterInfo(self, h: int, q: Any) -> int:
            if q.Type != 11:
                return STATUS_NOT_SUPPORTED
            out = structs.DXGK_QUERYSEGMENTOUT4.from_address(q.pOutputData)
            out.NbSegment = 1
            if out.pSegmentDescriptor:
                d = structs.DXGK_SEGMENTDESCRIPTOR4.from_address(out.pSegmentDescriptor)
                d.Size = 256 << 20
                d.Flags.Use64KBPages = 1
            return 0

    a = dxgk.Adapter(driver=Drv())
    plain = dxgk.Adapter()
    assert bytes(a.caps) == bytes(plain.caps)
    assert [bytes(x) for x in a.levels] == [bytes(x) for x in plain.levels]
    assert a.segments == (dxgk.Segment(256 << 20, 65536, "local"),)


def test_caps_levels_and_segments_come_from_the_driver() -> None:
    class Drv(Recorder):
        def DxgkDdiQueryAdapterInfo(self, h: int, q: Any) -> int:
            if q.Type == 13:
                c = structs.DXGK_GPUMMUCAPS.from_address(q.pOutputData)
                c.PageTableLevelCount = 3
                c.VirtualAddressBitCount = 12 + 10 + 9 + 9
                c.ReadOnlyMemorySupported = 1
                c.PageTableUpdateMode = 2                     # GPU_PHYSICAL
            elif q.Type == 14:
                level = ctypes.c_uint32.from_address(q.pInputData).value
                d = structs.DXGK_PAGE_TABLE_LEVEL_DESC.from_address(q.pOutputData)
                d.PageTableIndexBitCount = 10 if level == 0 else 9
                d.PageTableSegmentId = 2
                d.PagingProcessPageTableSegmentId = 2
                d.PageTableSizeInBytes = 8192 if level == 0 else 4096
                d.PageTableAlignmentInBytes = 4096
            elif q.Type == 11:
                out = structs.DXGK_QUERYSEGMENTOUT4.from_address(q.pOutputData)
                out.NbSegment = 2
                if out.pSegmentDescriptor:
                    assert out.SegmentDescriptorStride == ctypes.sizeof(
                        structs.DXGK_SEGMENTDESCRIPTOR4)
                    ds = (structs.DXGK_SEGMENTDESCRIPTOR4 * 2).from_address(
                        out.pSegmentDescriptor)
                    ds[0].Size, ds[0].Flags.Aperture = 64 << 20, 1
                    ds[1].Size, ds[1].Flags.Use64KBPages = 512 << 20, 1
            return 0

    a = dxgk.Adapter(driver=Drv())
    assert (a.caps.PageTableLevelCount, a.caps.VirtualAddressBitCount) == (3, 40)
    assert a.caps.ReadOnlyMemorySupported and not a.caps.NoExecuteMemorySupported
    assert a.caps.PageTableUpdateMode == 2
    assert [(x.PageTableIndexBitCount, x.PageTableSizeInBytes, x.PageTableSegmentId)
            for x in a.levels] == [(10, 8192, 2), (9, 4096, 2), (9, 4096, 2)]
    assert a.segments == (dxgk.Segment(64 << 20, 4096, "aperture"),
                          dxgk.Segment(512 << 20, 65536, "local"))
    assert a.stats().level_count == 3 and a.segment(2).table_bytes == 4096   # system root
    a.validate()


@pytest.mark.parametrize("ddi", ["DxgkDdiAddDevice", "DxgkDdiStartDevice",
                                 "DxgkDdiQueryAdapterInfo", "DxgkDdiCreateProcess"])
def test_a_failing_bring_up_ddi_is_a_ddi_error_naming_it_and_leaves_nothing(ddi: str) -> None:
    removed: list[int] = []

    class Drv(Recorder):
        def DxgkDdiQueryAdapterInfo(self, h: int, q: Any) -> int:
            return STATUS_NOT_SUPPORTED

        def DxgkDdiRemoveDevice(self, ctx: int) -> int:
            removed.append(ctx)
            return 0

    def failing(*args: Any) -> int:
        return INSUFFICIENT_RESOURCES

    drv = Drv()
    setattr(drv, ddi, failing)
    before = dxgk.live_handles()
    with pytest.raises(dxgk.DdiError, match=ddi) as e:
        dxgk.Adapter(driver=drv)
    assert e.value.status == INSUFFICIENT_RESOURCES
    assert "STATUS" in str(e.value) or "0xc000009a" in str(e.value)
    assert dxgk.live_handles() == before
    # the driver hears its adapter go once AddDevice had succeeded
    assert removed == ([] if ddi == "DxgkDdiAddDevice" else [0xAD0])


def test_a_driver_initialization_data_of_a_wrong_version_or_size_is_refused_at_attach() -> None:
    before = dxgk.live_handles()
    t = structs.DRIVER_INITIALIZATION_DATA(Version=0x1234)
    with pytest.raises(ValueError, match=r"Version 0x1234 is not a DXGKDDI_INTERFACE_VERSION"):
        dxgk.Adapter(driver=t)
    t.Version = 0x300E                                   # WIN8: no GpuMmu
    with pytest.raises(ValueError, match="WDDM 2.0"):
        dxgk.Adapter(driver=t)
    short = bytearray(ctypes.sizeof(t))[:200]
    ctypes.c_uint32.from_buffer(short).value = WDDM2_0
    with pytest.raises(ValueError, match=r"Version 0x5023 is 832 bytes; got 200"):
        dxgk.Adapter(driver=short)
    with pytest.raises(ValueError, match="at least its Version"):
        dxgk.Adapter(driver=b"\x23")
    with pytest.raises(TypeError, match="no DxgkDdi"):
        dxgk.Adapter(driver=object())
    with pytest.raises(TypeError, match="DRIVER_INITIALIZATION_DATA or an object"):
        dxgk.Adapter(driver=structs.DXGK_GPUMMUCAPS())
    assert dxgk.live_handles() == before
    # a WDDM 2.0 table exactly as long as that version's is accepted
    ok = bytearray(832)
    ctypes.c_uint32.from_buffer(ok).value = WDDM2_0
    assert dxgk.Adapter(driver=ok).ddi_calls == []


@pytest.mark.parametrize("how", ["driver", "keyword"])
def test_gpu_virtual_update_mode_is_refused(how: str) -> None:
    class Drv(Recorder):
        def DxgkDdiQueryAdapterInfo(self, h: int, q: Any) -> int:
            if q.Type != 13 or how != "driver":
                return STATUS_NOT_SUPPORTED
            c = structs.DXGK_GPUMMUCAPS.from_address(q.pOutputData)
            c.PageTableLevelCount, c.VirtualAddressBitCount = 4, 48
            c.PageTableUpdateMode = 1
            return 0

    before = dxgk.live_handles()
    caps = {"PageTableUpdateMode": 1} if how == "keyword" else None
    with pytest.raises(ValueError, match="GPU_VIRTUAL is not modelled"):
        dxgk.Adapter(caps=caps, driver=Drv())
    assert dxgk.live_handles() == before


# ---- 10.1 objects ---------------------------------------------------------------------------


def test_object_ddis_get_the_models_handles_in_and_keep_the_drivers() -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    cp, cd, cc = drv.calls[-4], drv.calls[-3], drv.calls[-2]
    assert cp[0] == "CreateProcess" and cp[2] == p.handle and cp[4] == 0
    kmd_process = cp[3]
    assert cd == ("CreateDevice", d.handle, cd[2], kmd_process)    # hKmdProcess passed on
    assert cc == ("CreateContext", cd[2], c.handle, cc[3], 1)      # the driver's hDevice
    assert drv.calls[-1][:2] == ("SetRootPageTable", cc[3])
    calls = a.ddi_calls
    assert calls[-4].args.hKmdProcess == kmd_process
    assert [x.sequence for x in calls] == sorted(x.sequence for x in calls)


def test_device_allocate_goes_through_create_allocation_and_deallocate_destroys_it() -> None:
    class Drv(Recorder):
        def DxgkDdiCreateAllocation(self, h: int, args: Any) -> int:
            r = super().DxgkDdiCreateAllocation(h, args)
            info = structs.DXGK_ALLOCATIONINFO.from_address(args.pAllocationInfo)
            info.SupportedReadSegmentSet = info.SupportedWriteSegmentSet = 0b10  # segment 2
            return r

    drv = Drv()
    a = dxgk.Adapter(driver=drv)
    d = a.create_process().create_device()
    used = a.segment(2).used_bytes
    h = d.allocate(64 * 1024, segments=[1])
    kind, n, private, size, hdrv = drv.calls[-1]
    assert (kind, n, private, size) == ("CreateAllocation", 1, 0, 64 * 1024)
    assert a.segment(2).used_bytes == used + 64 * 1024            # the driver's placement
    d.deallocate(h)
    assert drv.calls[-1] == ("DestroyAllocation", [hdrv])
    assert a.segment(2).used_bytes == used


def test_an_allocation_the_model_cannot_place_is_destroyed_in_the_driver_again() -> None:
    class Drv(Recorder):
        def DxgkDdiCreateAllocation(self, h: int, args: Any) -> int:
            r = super().DxgkDdiCreateAllocation(h, args)
            structs.DXGK_ALLOCATIONINFO.from_address(args.pAllocationInfo).Size = 1 << 40
            return r

    drv = Drv()
    a = dxgk.Adapter(driver=drv)
    d = a.create_process().create_device()
    before = snapshot(a)
    with pytest.raises(dxgk.DdiError) as e:
        d.allocate(4096)
    assert e.value.status == dxgk.STATUS_NO_MEMORY
    assert drv.calls[-1] == ("DestroyAllocation", [drv.calls[-2][4]])
    assert snapshot(a) == before


@pytest.mark.parametrize("ddi", ["DxgkDdiCreateProcess", "DxgkDdiCreateDevice",
                                 "DxgkDdiCreateContext", "DxgkDdiCreateAllocation"])
def test_a_failing_object_ddi_fails_the_model_call_with_its_status_atomically(ddi: str) -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    p = a.create_process()
    d = p.create_device()
    before = snapshot(a, [p])
    seen = len(drv.calls)
    setattr(drv, ddi, lambda *args: INSUFFICIENT_RESOURCES)
    make = {"DxgkDdiCreateProcess": a.create_process, "DxgkDdiCreateDevice": p.create_device,
            "DxgkDdiCreateContext": d.create_context,
            "DxgkDdiCreateAllocation": lambda: d.allocate(4096)}[ddi]
    with pytest.raises(dxgk.DdiError) as e:
        make()
    assert e.value.status == INSUFFICIENT_RESOURCES
    assert snapshot(a, [p]) == before
    assert drv.calls[seen:] == []        # nothing the driver did not make is destroyed in it
    assert not a.removed


@needs_cc
def test_a_failing_c_object_ddi_fails_the_model_call_atomically(kmd: Any) -> None:
    a = dxgk.Adapter(driver=c_table(kmd))
    p = a.create_process()
    d = p.create_device()
    before = snapshot(a, [p])
    for key, make in ((CFG_FAIL_PROCESS, a.create_process), (CFG_FAIL_DEVICE, p.create_device),
                      (CFG_FAIL_CONTEXT, d.create_context)):
        kmd.lib.kmd_config(key, INSUFFICIENT_RESOURCES)
        with pytest.raises(dxgk.DdiError) as e:
            make()
        assert e.value.status == INSUFFICIENT_RESOURCES
        kmd.lib.kmd_config(key, 0)
        assert snapshot(a, [p]) == before


def test_destroying_an_object_calls_the_destroy_ddis_children_first() -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    d.allocate(4096)
    kmd_process, hdev, hctx = drv.calls[-5][3], drv.calls[-4][2], drv.calls[-3][3]
    halloc = drv.calls[-1][4]
    seen = len(drv.calls)
    p.close()
    assert drv.calls[seen:] == [("DestroyContext", hctx), ("DestroyAllocation", [halloc]),
                                ("DestroyDevice", hdev), ("DestroyProcess", kmd_process)]
    assert c.closed
    a.close()
    assert drv.calls[-1][0] == "DestroyProcess"          # the system process's


@needs_cc
def test_a_c_driver_reserves_va_from_inside_create_process(kmd: Any) -> None:
    kmd.lib.kmd_config(CFG_RESERVE, 4 << 20)
    a = dxgk.Adapter(driver=c_table(kmd))
    p = a.create_process()
    assert kmd.lib.kmd_got(GOT_RESERVE_STATUS) == dxgk.STATUS_SUCCESS
    (r,) = p.reservations()
    assert (r.va, r.size) == (kmd.lib.kmd_got(GOT_RESERVE_VA), 4 << 20)
    # only the process being created accepts it: not afterwards
    args = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(hDxgkProcess=p.handle,
                                                          SizeInBytes=4 << 20)
    assert dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, args) == \
        dxgk.STATUS_INVALID_PARAMETER


def test_ddis_are_called_with_no_model_lock_held() -> None:
    """A Python driver calls back into the model from inside its DDIs: the callbacks, the
    inspection calls and the creation of a context allocation on the new context."""
    results: dict[str, Any] = {}

    class Drv(Recorder):
        def DxgkDdiCreateProcess(self, h: int, args: Any) -> int:
            if args.Flags.SystemProcess:        # at bring-up
                return super().DxgkDdiCreateProcess(h, args)
            r = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
                hDxgkProcess=args.hDxgkProcess, SizeInBytes=2 << 20)
            results["reserve"] = dxgk.DxgkCbReserveGpuVirtualAddressRange(
                self.interface.DeviceHandle, r)
            results["stats"] = adapter[0].stats().processes
            return super().DxgkDdiCreateProcess(h, args)

        def DxgkDdiCreateContext(self, hdev: int, args: Any) -> int:
            c = structs.DXGKARGCB_CREATECONTEXTALLOCATION(
                hAdapter=self.interface.DeviceHandle, hDevice=device[0].handle,
                hContext=args.hContext, Size=4096, SupportedSegmentSet=0b11)
            results["context_allocation"] = dxgk.DxgkCbCreateContextAllocation(c)
            return super().DxgkDdiCreateContext(hdev, args)

    adapter: list[Any] = []
    device: list[Any] = []

    def run() -> None:
        adapter.append(dxgk.Adapter(driver=Drv()))
        results["started"] = True
        p = adapter[0].create_process()
        device.append(p.create_device())
        device[0].create_context()
        results["reservations"] = len(p.reservations())

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "a DDI called back into the model and deadlocked"
    assert results["reserve"] == 0 and results["reservations"] == 1
    assert results["stats"] == 2 and results["context_allocation"] == 0
    assert adapter[0].stats().allocations == 1


# ---- 10.1 driver faults ------------------------------------------------------------------------


def test_a_python_driver_method_raising_is_a_driver_fault(capfd: Any) -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    p = a.create_process()
    h = a.create_allocation(64 * 1024, segments=[2])
    va = a.map(h)

    def boom(*args: Any) -> int:
        raise RuntimeError("driver bug")

    drv.DxgkDdiCreateDevice = boom  # type: ignore[method-assign]
    before = snapshot(a, [p])
    with pytest.raises(dxgk.DdiError) as e:
        p.create_device()
    assert e.value.status == STATUS_DEVICE_REMOVED
    assert a.removed
    (f,) = a.driver_faults
    assert f == DriverFault(f.sequence, "DxgkDdiCreateDevice", None, None)
    assert "RuntimeError: driver bug" in f.detail
    assert f.sequence == a.ddi_calls[-1].sequence
    assert snapshot(a, [p]) == before                   # the state stays inspectable
    # every later call on the adapter fails
    with pytest.raises(dxgk.DdiError) as e:
        p.create_device()
    assert e.value.status == STATUS_DEVICE_REMOVED
    with pytest.raises(dxgk.DdiError) as e:
        a.create_process()
    assert e.value.status == STATUS_DEVICE_REMOVED
    args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=1)
    args.Protection.Write = 1
    assert dxgk.DxgkCbMapContextAllocation(a.handle, args) == 0
    assert dxgk.last_status() == STATUS_DEVICE_REMOVED
    assert dxgk.DxgkCbDestroyContextAllocation(a.handle, h) == STATUS_DEVICE_REMOVED
    assert a.system_process.translate(va).valid
    out = capfd.readouterr()
    assert out.out == "" and out.err == ""              # no traceback leaks
    # the driver is not called again, but the adapter still closes
    seen = len(drv.calls)
    a.close()
    assert drv.calls[seen:] == []


@pytest.mark.parametrize("ddi,bad", [("DxgkDdiCreateContext", "ok"),
                                     ("DxgkDdiCreateContext", True),
                                     ("DxgkDdiCreateContext", 1 << 40),
                                     ("DxgkDdiSetRootPageTable", 0)])
def test_a_python_driver_method_returning_the_wrong_type_is_a_driver_fault(
        ddi: str, bad: Any, capfd: Any) -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    d = a.create_process().create_device()
    setattr(drv, ddi, lambda *args: bad)
    before = a.stats()
    with pytest.raises(dxgk.DdiError) as e:
        d.create_context()
    assert e.value.status == STATUS_DEVICE_REMOVED and a.removed
    (f,) = a.driver_faults
    assert (f.ddi, f.status) == (ddi, None) and "returned" in f.detail
    assert a.stats() == before                  # the context is gone again
    assert capfd.readouterr().err == ""


def test_a_python_fault_during_bring_up_fails_creation_with_its_cause() -> None:
    class Drv(Recorder):
        def DxgkDdiStartDevice(self, *args: Any) -> int:
            raise KeyError("no such register")

    before = dxgk.live_handles()
    with pytest.raises(dxgk.DdiError, match="DxgkDdiStartDevice.*KeyError") as e:
        dxgk.Adapter(driver=Drv())
    assert e.value.status == STATUS_DEVICE_REMOVED
    assert isinstance(e.value.__cause__, KeyError)
    assert dxgk.live_handles() == before


def test_a_failing_destroy_ddi_is_a_driver_fault() -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    d = a.create_process().create_device()
    drv.DxgkDdiDestroyDevice = lambda h: INSUFFICIENT_RESOURCES  # type: ignore[method-assign]
    d.close()
    assert d.closed and a.removed
    (f,) = a.driver_faults
    assert (f.ddi, f.status) == ("DxgkDdiDestroyDevice", INSUFFICIENT_RESOURCES)


# ---- 10.3 root page tables ----------------------------------------------------------------------


def test_every_context_gets_set_root_page_table_when_created() -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    p, q = a.create_process(), a.create_process()
    got = []
    for proc in (p, p, q):
        c = proc.create_device().create_context()
        kind, hctx, seg, off, n = drv.calls[-1]
        assert kind == "SetRootPageTable" and drv.calls[-2][0] == "CreateContext"
        assert hctx == drv.calls[-2][3]                 # the driver's context handle
        root = proc.translate(0).levels[0]
        assert (seg, off, n) == (root.table_segment, root.table_address, 512)
        assert a.ddi_calls[-1].args.hContext == hctx and a.ddi_calls[-1].handles[0] == c.handle
        got.append(off)
    assert got[0] == got[1] != got[2]                   # one root per process


@needs_cc
def test_get_root_page_table_size_sizes_a_two_level_root(kmd: Any) -> None:
    kmd.lib.kmd_config(CFG_TWO_LEVELS, 1)
    a = dxgk.Adapter(driver=c_table(kmd))
    assert kmd.lib.kmd_got(GOT_ROOT_ASKED) == 1 << 11   # the entries covering the VA space
    assert a.levels[1].PageTableSizeInBytes == 65536    # the driver's answer
    call = next(c for c in a.ddi_calls if c.ddi == "DxgkDdiGetRootPageTableSize")
    assert call.result == 65536 and call.args.NumberOfPte == 8192
    p = a.create_process()
    p.create_device().create_context()
    assert kmd.lib.kmd_got(GOT_ROOT_ENTRIES) == 1 << 11
    root = p.translate(0).levels[0]
    assert (kmd.lib.kmd_got(GOT_ROOT_SEGMENT), kmd.lib.kmd_got(GOT_ROOT_OFFSET)) == \
        (root.table_segment, root.table_address)
    assert a.segment(1).table_bytes == 2 * 65536        # two roots of 64 KB
    a.validate()


@needs_cc
def test_get_root_page_table_size_giving_fewer_entries_is_a_driver_fault(kmd: Any) -> None:
    kmd.lib.kmd_config(CFG_TWO_LEVELS, 1)
    kmd.lib.kmd_config(CFG_ROOT_SHORT, 1)
    before = dxgk.live_handles()
    with pytest.raises(dxgk.DdiError, match="DxgkDdiGetRootPageTableSize.*fewer") as e:
        dxgk.Adapter(driver=c_table(kmd))
    assert e.value.status == STATUS_DEVICE_REMOVED
    assert dxgk.live_handles() == before


def test_get_root_page_table_size_is_not_asked_with_more_than_two_levels() -> None:
    class Drv(Recorder):
        def DxgkDdiGetRootPageTableSize(self, h: int, args: Any) -> int:
            raise AssertionError("asked")

    a = dxgk.Adapter(driver=Drv())
    assert "DxgkDdiGetRootPageTableSize" not in names(a) and not a.removed


def test_a_ddi_attribute_that_is_not_a_method_is_refused_at_attach() -> None:
    class Drv(Recorder):
        DxgkDdiCreateContext = 5

    before = dxgk.live_handles()
    with pytest.raises(TypeError, match="DxgkDdiCreateContext must be a method"):
        dxgk.Adapter(driver=Drv())
    assert dxgk.live_handles() == before


def test_the_call_log_keeps_the_newest_calls() -> None:
    class Drv:
        def DxgkDdiSetRootPageTable(self, h: int, args: Any) -> None:
            return None

    a = dxgk.Adapter(driver=Drv())
    d = a.create_process().create_device()
    for _ in range(4100):
        d.create_context()
    calls = a.ddi_calls
    assert len(calls) == 4096
    assert [c.sequence for c in calls] == list(range(4100 - 4096, 4100))
    assert {c.ddi for c in calls} == {"DxgkDdiSetRootPageTable"}


def test_dropping_the_last_reference_destroys_the_adapter_through_the_driver() -> None:
    drv = Recorder()
    before = dxgk.live_handles()
    a = dxgk.Adapter(driver=drv)
    a.create_process().create_device()
    kinds = len(drv.calls)
    del a
    assert dxgk.live_handles() == before
    assert drv.kinds()[kinds:] == ["DestroyDevice", "DestroyProcess", "DestroyProcess"]


def test_a_removed_adapter_refuses_the_user_mode_thunks() -> None:
    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    p = a.create_process()
    d = p.create_device()
    q = d.create_paging_queue()
    h = d.allocate(64 * 1024)
    drv.DxgkDdiCreateContext = lambda *args: None  # type: ignore[method-assign]
    with pytest.raises(dxgk.DdiError):
        d.create_context()
    assert a.removed
    m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=h,
                                            SizeInPages=1)
    m.Protection.Write = 1
    assert dxgk.D3DKMTMapGpuVirtualAddress(m) == STATUS_DEVICE_REMOVED
    assert dxgk.last_status() == STATUS_DEVICE_REMOVED and m.VirtualAddress == 0
    r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(hPagingQueue=p.kmt_adapter, Size=64 * 1024)
    assert dxgk.D3DKMTReserveGpuVirtualAddress(r) == STATUS_DEVICE_REMOVED
    with pytest.raises(dxgk.DdiError) as e:
        d.create_paging_queue()
    assert e.value.status == STATUS_DEVICE_REMOVED
    with pytest.raises(dxgk.DdiError) as e:
        d.allocate(4096)
    assert e.value.status == STATUS_DEVICE_REMOVED
    assert p.vads() == []


def test_bring_up_steps_run_once_and_in_order() -> None:
    from dxgk._core import ffi, lib

    drv = Recorder()
    a = dxgk.Adapter(driver=drv)
    seen = len(drv.calls)
    assert lib.dxgk_drv_add_device(a.handle) & 0xFFFFFFFF == dxgk.STATUS_INVALID_PARAMETER
    assert lib.dxgk_drv_start_device(a.handle) & 0xFFFFFFFF == dxgk.STATUS_INVALID_PARAMETER
    assert drv.calls[seen:] == []
    # a reserved adapter not yet added: no query, no start
    out = ffi.new("uint64_t *")
    t = structs.DRIVER_INITIALIZATION_DATA(Version=WDDM3_2)
    assert lib.dxgk_drv_attach(ffi.from_buffer(t), ctypes.sizeof(t), out, ffi.NULL, 0) == 0
    caps = structs.DXGK_GPUMMUCAPS()
    assert lib.dxgk_drv_start_device(out[0]) & 0xFFFFFFFF == dxgk.STATUS_INVALID_PARAMETER
    assert lib.dxgk_drv_query_adapter_info(out[0], 13, ffi.NULL, 0, ffi.from_buffer(caps),
                                           ctypes.sizeof(caps)) & 0xFFFFFFFF == \
        dxgk.STATUS_INVALID_PARAMETER
    # the callbacks refuse it until it is described
    args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(SizeInPages=1)
    assert dxgk.DxgkCbMapContextAllocation(out[0], args) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
    assert lib.dxgk_drv_adapter_destroy(out[0]) == 0


def test_fences_and_paging_queues_of_a_removed_adapter_are_refused() -> None:
    """docs/behaviour.md 10.1: after a driver fault, signalling a fence and running a
    paging queue fail with STATUS_DEVICE_REMOVED too (the work they would release stays
    queued, inspectable)."""
    drv = Recorder()
    a = dxgk.Adapter(driver=drv, paging="deferred")
    d = a.create_process().create_device()
    f = d.create_fence(0)
    q = d.create_paging_queue()

    def boom(*args: Any) -> int:
        raise RuntimeError("driver bug")

    drv.DxgkDdiCreateContext = boom  # type: ignore[method-assign]
    with pytest.raises(dxgk.DdiError):
        d.create_context()
    assert a.removed
    for act in (lambda: f.signal(1), q.execute):
        with pytest.raises(dxgk.DdiError) as e:
            act()
        assert e.value.status == STATUS_DEVICE_REMOVED
    assert f.value == 0 and q.fence_value == 0
    a.close()
