"""docs/behaviour.md 10.5: D3DKMTCreateAllocation2 / D3DKMTDestroyAllocation2 through an
attached driver's DxgkDdiCreateAllocation / DxgkDdiDestroyAllocation -- one test per rule,
with a Python driver whose answers each test chooses."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Any

import pytest

import dxgk
from dxgk import STATUS_DEVICE_REMOVED, STATUS_NOT_SUPPORTED, structs
from dxgk.testing import cbuild

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ddi"))
from test_example_driver import CDEF, SOURCE  # noqa: E402

SUCCESS, INVALID_HANDLE, INVALID_PARAMETER = 0, 0xC0000008, 0xC000000D
NO_MEMORY = 0xC0000017
KB, MB = 1024, 1024 * 1024


class Drv:
    """Answers each DXGK_ALLOCATIONINFO from `plan` (a list of dicts, one per allocation)
    and records the private data it was given."""

    def __init__(self, plan: list[dict[str, int]] | None = None, status: int = 0) -> None:
        self.plan = plan
        self.status = status
        self.seen: list[tuple[int, bytes, list[bytes]]] = []
        self.destroyed: list[int] = []
        self.next = 0x5000

    def DxgkDdiCreateAllocation(self, h: int, args: Any) -> int:
        n = args.NumAllocations
        infos = (structs.DXGK_ALLOCATIONINFO * n).from_address(args.pAllocationInfo)
        glob = ctypes.string_at(args.pPrivateDriverData, args.PrivateDriverDataSize) \
            if args.PrivateDriverDataSize else b""
        self.seen.append((n, glob, [ctypes.string_at(i.pPrivateDriverData,
                                                     i.PrivateDriverDataSize)
                                    if i.PrivateDriverDataSize else b"" for i in infos]))
        for k, info in enumerate(infos):
            p = self.plan[k] if self.plan else {}
            # the size comes from the first 4 private bytes unless the plan says otherwise
            size = p.get("size", int.from_bytes(ctypes.string_at(info.pPrivateDriverData, 4),
                                                "little") if info.PrivateDriverDataSize >= 4
                         else 64 * KB)
            info.Size = size
            info.Alignment = p.get("alignment", 0)
            info.SupportedReadSegmentSet = p.get("read", 0b11)
            info.SupportedWriteSegmentSet = p.get("write", 0b11)
            info.PreferredSegment.Value = p.get("preferred", 0)
            self.next += 0x10
            info.hAllocation = p.get("handle", self.next)
        return self.status

    def DxgkDdiDestroyAllocation(self, h: int, args: Any) -> int:
        handles = (ctypes.c_void_p * args.NumAllocations).from_address(args.pAllocationList)
        self.destroyed += [int(x or 0) for x in handles]
        return 0


def create_args(d: Any, privs: list[bytes], glob: bytes = b"") -> tuple[Any, Any, list[Any]]:
    n = len(privs)
    arr = (structs.D3DDDI_ALLOCATIONINFO2 * max(n, 1))()
    keep = []
    for i, b in enumerate(privs):
        buf = ctypes.create_string_buffer(b, len(b))
        keep.append(buf)
        arr[i].pPrivateDriverData = ctypes.addressof(buf)
        arr[i].PrivateDriverDataSize = len(b)
    c = structs.D3DKMT_CREATEALLOCATION(hDevice=d.kmt_handle, NumAllocations=n)
    c.pAllocationInfo2 = ctypes.addressof(arr)
    if glob:
        g = ctypes.create_string_buffer(glob, len(glob))
        keep.append(g)
        c.pPrivateDriverData = ctypes.addressof(g)
        c.PrivateDriverDataSize = len(glob)
    return c, arr, keep


def size_priv(size: int, tail: bytes = b"") -> bytes:
    return size.to_bytes(4, "little") + tail


def destroy_args(d: Any, handles: list[int]) -> tuple[Any, Any]:
    lst = (ctypes.c_uint32 * max(len(handles), 1))(*handles)
    a = structs.D3DKMT_DESTROYALLOCATION2(hDevice=d.kmt_handle, AllocationCount=len(handles))
    a.phAllocationList = ctypes.addressof(lst)
    return a, lst


def world(drv: Any) -> tuple[Any, Any, Any]:
    a = dxgk.Adapter(driver=drv)
    p = a.create_process()
    return a, p, p.create_device()


def test_10_5_private_data_reaches_the_driver_byte_for_byte_in_one_call() -> None:
    drv = Drv()
    a, p, d = world(drv)
    privs = [size_priv(64 * KB, bytes(range(7))), size_priv(128 * KB, b"\xff" * 33)]
    c, arr, keep = create_args(d, privs, glob=b"resource-data")
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    assert drv.seen == [(2, b"resource-data", privs)]
    assert arr[0].hAllocation and arr[1].hAllocation and arr[0].hAllocation != arr[1].hAllocation
    assert dxgk.last_status() == SUCCESS


def test_10_5_the_drivers_size_and_segments_decide_the_placement() -> None:
    drv = Drv([{"size": 200 * KB, "read": 0b11, "write": 0b10},   # both: segment 2 only
               {"size": 64 * KB, "read": 0b01, "write": 0b01}])
    a, p, d = world(drv)
    used1, used2 = a.segment(1).used_bytes, a.segment(2).used_bytes
    c, arr, keep = create_args(d, [b"", b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    assert a.segment(2).used_bytes == used2 + 200 * KB        # 4 KB pages: exact
    assert a.segment(1).used_bytes == used1 + 64 * KB


def map_it(d: Any, h: int, pages: int) -> Any:
    q = d.create_paging_queue()
    m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=h,
                                            SizeInPages=pages)
    m.Protection.Write = 1
    assert dxgk.D3DKMTMapGpuVirtualAddress(m) == SUCCESS
    return m


def test_10_5_paging_operations_carry_the_drivers_hallocation() -> None:
    drv = Drv([{"size": 64 * KB, "read": 0b10, "write": 0b10, "handle": 0xABC0}])
    a, p, d = world(drv)
    c, arr, keep = create_args(d, [b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    start = len(a.paging_log)
    m = map_it(d, arr[0].hAllocation, 16)
    leaf = [op for op in a.paging_log[start:] if op.operation == "UPDATE_PAGE_TABLE"
            and op.args.Flags.InitialUpdate == 0 and op.args.PageTableLevel == 0]
    assert leaf and all(op.args.hAllocation == 0xABC0 for op in leaf)
    assert m.VirtualAddress


def test_10_5_destroy_unmaps_and_calls_destroy_allocation() -> None:
    drv = Drv([{"size": 64 * KB, "read": 0b10, "write": 0b10, "handle": 0xABC0}])
    a, p, d = world(drv)
    used = a.segment(2).used_bytes
    c, arr, keep = create_args(d, [b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    m = map_it(d, arr[0].hAllocation, 16)
    assert p.translate(m.VirtualAddress).valid
    da, lst = destroy_args(d, [arr[0].hAllocation])
    assert dxgk.D3DKMTDestroyAllocation2(da) == SUCCESS
    assert not p.translate(m.VirtualAddress).valid
    assert drv.destroyed == [0xABC0]
    assert a.segment(2).used_bytes == used
    assert dxgk.D3DKMTDestroyAllocation2(da) == INVALID_HANDLE      # gone


def test_10_5_all_or_nothing_when_one_allocation_cannot_be_placed() -> None:
    drv = Drv([{"size": 64 * KB, "handle": 0x100}, {"size": 64 * KB, "handle": 0x200},
               {"size": 1 << 40, "handle": 0x300}])
    a, p, d = world(drv)
    used = [a.segment(i).used_bytes for i in (1, 2)]
    c, arr, keep = create_args(d, [b"", b"", b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == NO_MEMORY
    assert sorted(drv.destroyed) == [0x100, 0x200, 0x300]
    assert [arr[i].hAllocation for i in range(3)] == [0, 0, 0]
    assert [a.segment(i).used_bytes for i in (1, 2)] == used
    names = [x.ddi for x in a.ddi_calls]
    assert names.count("DxgkDdiCreateAllocation") == 1
    assert names.count("DxgkDdiDestroyAllocation") == 3


@pytest.mark.parametrize("bad", [{"size": 0}, {"handle": 0}])
def test_10_5_a_driver_answer_without_size_or_handle_fails_atomically(bad: dict[str, int]) -> None:
    drv = Drv([{"size": 64 * KB, "handle": 0x100}, dict({"size": 64 * KB, "handle": 0x200},
                                                        **bad)])
    a, p, d = world(drv)
    used = a.segment(1).used_bytes
    c, arr, keep = create_args(d, [b"", b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_PARAMETER
    assert 0x100 in drv.destroyed
    assert arr[0].hAllocation == 0 and a.segment(1).used_bytes == used


def test_10_5_a_driver_failure_status_fails_the_call_with_it() -> None:
    drv = Drv(status=0xC000009A)
    a, p, d = world(drv)
    used = a.segment(1).used_bytes
    c, arr, keep = create_args(d, [b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == 0xC000009A
    assert arr[0].hAllocation == 0 and a.segment(1).used_bytes == used
    assert drv.destroyed == []       # a driver that failed made nothing


def test_10_5_without_a_driver_it_is_not_supported() -> None:
    a = dxgk.Adapter()
    d = a.create_process().create_device()
    c, arr, keep = create_args(d, [size_priv(64 * KB)])
    assert dxgk.D3DKMTCreateAllocation2(c) == STATUS_NOT_SUPPORTED
    assert arr[0].hAllocation == 0


def test_10_5_a_driver_without_create_allocation_is_not_supported() -> None:
    class NoAlloc:
        def DxgkDdiCreateDevice(self, h: int, args: Any) -> int:
            return 0

    a, p, d = world(NoAlloc())
    c, arr, keep = create_args(d, [b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == STATUS_NOT_SUPPORTED


def test_10_5_bad_create_arguments() -> None:
    drv = Drv()
    a, p, d = world(drv)
    assert dxgk.D3DKMTCreateAllocation2(None) == INVALID_PARAMETER
    c, arr, keep = create_args(d, [])
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_PARAMETER                 # 0 of them
    c, arr, keep = create_args(d, [b""])
    c.NumAllocations = dxgk.kmt.MAX_ALLOCATIONS + 1
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_PARAMETER                 # too many
    c, arr, keep = create_args(d, [b""])
    c.pAllocationInfo2 = 0
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_PARAMETER                 # no array
    c, arr, keep = create_args(d, [b""])
    arr[0].pPrivateDriverData = 0
    arr[0].PrivateDriverDataSize = 8                                            # size, no data
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_PARAMETER
    c, arr, keep = create_args(d, [b""])
    c.PrivateDriverDataSize = 8
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_PARAMETER
    c, arr, keep = create_args(d, [b""])
    c.hDevice = p.kmt_adapter                                                   # not a device
    assert dxgk.D3DKMTCreateAllocation2(c) == INVALID_HANDLE
    assert drv.seen == []                       # none of them reached the driver


def test_10_5_wrong_python_types_name_the_expected_struct() -> None:
    with pytest.raises(TypeError, match="D3DKMT_CREATEALLOCATION"):
        dxgk.D3DKMTCreateAllocation2(structs.D3DKMT_DESTROYALLOCATION2())
    with pytest.raises(ValueError, match="D3DKMT_DESTROYALLOCATION2"):
        dxgk.D3DKMTDestroyAllocation2(bytearray(3))
    with pytest.raises(ValueError, match="x86"):
        dxgk.D3DKMTCreateAllocation2(
            bytearray(dxgk.layout_of("D3DKMT_CREATEALLOCATION", abi="x86").size), abi="x86")


def test_10_5_destroy_checks_every_handle_first() -> None:
    drv = Drv()
    a, p, d = world(drv)
    c, arr, keep = create_args(d, [b"", b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    h0, h1 = arr[0].hAllocation, arr[1].hAllocation
    other = p.create_device()
    for handles, st in [([h0, 0xDEAD], INVALID_HANDLE), ([h0, h0], INVALID_PARAMETER),
                        ([h0, p.kmt_adapter], INVALID_HANDLE)]:
        da, lst = destroy_args(d, handles)
        assert dxgk.D3DKMTDestroyAllocation2(da) == st
    da, lst = destroy_args(other, [h0])
    assert dxgk.D3DKMTDestroyAllocation2(da) == INVALID_PARAMETER   # another device's
    stranger = a.create_process().create_device()
    da, lst = destroy_args(stranger, [h0])
    assert dxgk.D3DKMTDestroyAllocation2(da) == INVALID_HANDLE      # another process's
    assert drv.destroyed == []
    assert dxgk.D3DKMTDestroyAllocation2(None) == INVALID_PARAMETER
    da, lst = destroy_args(d, [])
    assert dxgk.D3DKMTDestroyAllocation2(da) == INVALID_PARAMETER
    da, lst = destroy_args(d, [h0, h1])
    da.phAllocationList = 0
    assert dxgk.D3DKMTDestroyAllocation2(da) == INVALID_PARAMETER
    da, lst = destroy_args(d, [h0, h1])
    assert dxgk.D3DKMTDestroyAllocation2(da) == SUCCESS
    assert len(drv.destroyed) == 2


def test_10_5_a_removed_adapter_answers_device_removed() -> None:
    drv = Drv()
    a, p, d = world(drv)
    c, arr, keep = create_args(d, [b""])
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    h = arr[0].hAllocation
    from dxgk._core import lib
    lib.dxgk_drv_fault(a.handle, lib.DXGK_DRV_DDI_CREATE_ALLOCATION, 0, 0, 0, b"test")
    assert a.removed
    c2, arr2, keep2 = create_args(d, [b""])
    assert dxgk.D3DKMTCreateAllocation2(c2) == STATUS_DEVICE_REMOVED
    da, lst = destroy_args(d, [h])
    assert dxgk.D3DKMTDestroyAllocation2(da) == STATUS_DEVICE_REMOVED


def test_10_5_a_trace_being_recorded_still_lets_them_run(tmp_path: Any) -> None:
    drv = Drv()
    a, p, d = world(drv)
    c, arr, keep = create_args(d, [b""])
    from dxgk.trace.recorder import record

    with record(tmp_path / "t.dxgktrace"):
        assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
        da, lst = destroy_args(d, [arr[0].hAllocation])
        assert dxgk.D3DKMTDestroyAllocation2(da) == SUCCESS


@pytest.fixture(scope="module")
def tinygpu(tmp_path_factory: Any) -> Any:
    if not cbuild.have_compiler():
        pytest.skip("no C compiler")
    return cbuild.build("_dxgk_tinygpu_a2", SOURCE, CDEF, tmp_path_factory.mktemp("tga2"))


def test_10_5_tinygpu_sizes_and_places_from_private_data_and_its_handle_is_paged(
        tinygpu: Any) -> None:
    table = structs.DRIVER_INITIALIZATION_DATA()
    tinygpu.lib.tinygpu_driver_entry(tinygpu.ffi.cast("void *", ctypes.addressof(table)),
                                     0x5023)
    a = dxgk.Adapter(driver=table)
    p = a.create_process()
    d = p.create_device()
    used2 = a.segment(2).used_bytes
    # tiny_alloc_desc: uint64 size, uint32 segments, uint32 reserved
    desc = (40 * KB).to_bytes(8, "little") + (0b10).to_bytes(4, "little") + bytes(4)
    c, arr, keep = create_args(d, [desc])
    assert dxgk.D3DKMTCreateAllocation2(c) == SUCCESS
    assert a.segment(2).used_bytes == used2 + 40 * KB
    call = [x for x in a.ddi_calls if x.ddi == "DxgkDdiCreateAllocation"][-1]
    hdrv = call.handles[1]
    assert hdrv and call.args.Size == 40 * KB
    start = len(a.paging_log)
    map_it(d, arr[0].hAllocation, 10)
    leaf = [op for op in a.paging_log[start:] if op.operation == "UPDATE_PAGE_TABLE"
            and op.args.Flags.InitialUpdate == 0 and op.args.PageTableLevel == 0]
    assert leaf and all(op.args.hAllocation == hdrv for op in leaf)
    a.validate()
    bad, barr, bkeep = create_args(d, [desc, b"xx"])       # not one of its descriptions
    assert dxgk.D3DKMTCreateAllocation2(bad) == INVALID_PARAMETER
    assert barr[0].hAllocation == 0
    da, lst = destroy_args(d, [arr[0].hAllocation])
    assert dxgk.D3DKMTDestroyAllocation2(da) == SUCCESS
    assert a.segment(2).used_bytes == used2
    d.close()
    p.close()
    assert not a.removed and a.driver_faults == []
    a.close()
