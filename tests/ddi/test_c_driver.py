"""A C caller: a small kernel-mode-driver-shaped C file, compiled here through cffi, that
includes dispmprt.h, keeps the DXGKRNL_INTERFACE it is handed (as a KMD does at
DxgkDdiStartDevice) and calls DxgkCbCreateContextAllocation, DxgkCbMapContextAllocation
and DxgkCbDestroyContextAllocation through that table only -- no dxgk symbol is linked.
Its answers must be the ones the Python API sees."""

from __future__ import annotations

from pathlib import Path

import pytest

import dxgk
from dxgk.testing import cbuild
from dxgk import structs

HEADERS = Path(__file__).resolve().parents[2] / "headers"

DRIVER_C = r"""
#include <stdint.h>
#include <string.h>

#include "dispmprt.h"

/* What a KMD keeps from DxgkDdiStartDevice: its copy of the interface table. */
static DXGKRNL_INTERFACE g_dxgk;

int32_t drv_start_device(uintptr_t interface_address)
{
    const DXGKRNL_INTERFACE *iface = (const DXGKRNL_INTERFACE *)interface_address;
    if (iface->Size != sizeof(DXGKRNL_INTERFACE))
        return -1;
    if (!iface->DxgkCbCreateContextAllocation || !iface->DxgkCbMapContextAllocation ||
        !iface->DxgkCbDestroyContextAllocation)
        return -2;
    memcpy(&g_dxgk, iface, sizeof g_dxgk);
    return 0;
}

uint32_t drv_interface_version(void)
{
    return g_dxgk.Version;
}

/* DxgkCbCreateContextAllocation through the table; *out_allocation = hAllocation. */
int32_t drv_create(uint64_t device, uint64_t context, uint64_t size, uint32_t segments,
                   int map_va, uint64_t *out_allocation)
{
    DXGKARGCB_CREATECONTEXTALLOCATION a;
    NTSTATUS st;
    memset(&a, 0, sizeof a);
    a.ContextAllocationFlags.MapGpuVirtualAddress = map_va ? 1 : 0;
    a.hAdapter = g_dxgk.DeviceHandle;
    a.hDevice = (HANDLE)(uintptr_t)device;
    a.hContext = (HANDLE)(uintptr_t)context;
    a.hDriverAllocation = (HANDLE)(uintptr_t)0xD21Bu;
    a.Size = (SIZE_T)size;
    a.SupportedSegmentSet = segments;
    a.Flags.AccessedPhysically = 1;
    st = g_dxgk.DxgkCbCreateContextAllocation(&a);
    *out_allocation = (uint64_t)(uintptr_t)a.hAllocation;
    return st;
}

/* DxgkCbMapContextAllocation through the table: the VA, 0 on failure. */
uint64_t drv_map(uint64_t allocation, uint64_t base, uint64_t offset_pages,
                 uint64_t size_pages, int write, int execute)
{
    DXGKARGCB_MAPCONTEXTALLOCATION m;
    memset(&m, 0, sizeof m);
    m.BaseAddress = base;
    m.hAllocation = (HANDLE)(uintptr_t)allocation;
    m.OffsetInPages = offset_pages;
    m.SizeInPages = size_pages;
    m.Protection.Write = write ? 1 : 0;
    m.Protection.Execute = execute ? 1 : 0;
    m.DriverProtection = 0x5A5A;
    return g_dxgk.DxgkCbMapContextAllocation(g_dxgk.DeviceHandle, &m);
}

int32_t drv_destroy(uint64_t allocation)
{
    return g_dxgk.DxgkCbDestroyContextAllocation(g_dxgk.DeviceHandle,
                                                 (HANDLE)(uintptr_t)allocation);
}
"""

DRIVER_CDEF = """
int32_t drv_start_device(uintptr_t interface_address);
uint32_t drv_interface_version(void);
int32_t drv_create(uint64_t device, uint64_t context, uint64_t size, uint32_t segments,
                   int map_va, uint64_t *out_allocation);
uint64_t drv_map(uint64_t allocation, uint64_t base, uint64_t offset_pages,
                 uint64_t size_pages, int write, int execute);
int32_t drv_destroy(uint64_t allocation);
"""


pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    return cbuild.build("_dxgk_test_kmd", DRIVER_C, DRIVER_CDEF,
                        tmp_path_factory.mktemp("kmd"), headers=HEADERS)


def _start(driver, adapter):
    iface = adapter.interface()
    import ctypes

    assert driver.lib.drv_start_device(ctypes.addressof(iface)) == 0
    assert driver.lib.drv_interface_version() == iface.Version == 0x11007
    return iface


def test_c_driver_creates_and_maps_through_the_interface_table(driver):
    lib, ffi = driver.lib, driver.ffi
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    _start(driver, a)

    h = ffi.new("uint64_t *")
    assert lib.drv_create(d.handle, c.handle, 256 * 1024, 0b10, 0, h) & 0xFFFFFFFF == \
        dxgk.STATUS_SUCCESS
    assert dxgk.last_status() == dxgk.STATUS_SUCCESS
    info = a.allocation(h[0])
    assert (info.device, info.context, info.driver_allocation, info.segment, info.size) == \
        (d.handle, c.handle, 0xD21B, 2, 256 * 1024)

    va = lib.drv_map(h[0], 0, 2, 8, 1, 0)
    assert va != 0 and dxgk.last_status() == dxgk.STATUS_SUCCESS
    (m,) = p.mappings()
    assert (m.va, m.size, m.allocation, m.offset_pages, m.protection, m.driver_protection) == \
        (va, 8 * 4096, h[0], 2, 1, 0x5A5A)
    t = p.translate(va + 0x10)
    assert t.valid and not t.read_only and t.no_execute
    assert (t.segment, t.address) == (2, info.segment_offset + 2 * 4096 + 0x10)

    # the same map from Python gives the next lowest fit, exactly as a second C call would
    args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h[0], OffsetInPages=2,
                                                  SizeInPages=8)
    args.Protection.Write = 1
    va_py = dxgk.DxgkCbMapContextAllocation(a.handle, args)
    assert va_py == va + 8 * 4096
    assert p.translate(va_py + 0x10).address == t.address

    a.validate()


def test_c_driver_failures_report_through_last_status(driver):
    lib, ffi = driver.lib, driver.ffi
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    _start(driver, a)
    h = ffi.new("uint64_t *")
    assert lib.drv_create(d.handle, 0, 64 * 1024, 0b01, 1, h) & 0xFFFFFFFF == 0
    info = a.allocation(h[0])
    assert info.va != 0 and p.translate(info.va).valid        # MapGpuVirtualAddress

    # overlapping BaseAddress from C: 0, and Python learns why
    assert lib.drv_map(h[0], info.va, 0, 1, 1, 0) == 0
    assert dxgk.last_status() == dxgk.STATUS_CONFLICTING_ADDRESSES
    # a forged handle and a size of 0
    assert lib.drv_map(h[0] ^ 0x100, 0, 0, 1, 1, 0) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
    assert lib.drv_map(h[0], 0, 0, 0, 1, 0) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_PARAMETER
    assert len(p.mappings()) == 1

    # the driver destroys it through the table; Python sees it gone
    assert lib.drv_destroy(h[0]) == 0
    assert p.mappings() == [] and not p.translate(info.va).valid
    with pytest.raises(dxgk.DdiError):
        a.allocation(h[0])
    assert lib.drv_destroy(h[0]) & 0xFFFFFFFF == dxgk.STATUS_INVALID_HANDLE
    a.validate()


def test_c_driver_cannot_reach_another_adapter(driver):
    lib, ffi = driver.lib, driver.ffi
    a, b = dxgk.Adapter(), dxgk.Adapter()
    hb = b.create_allocation(64 * 1024, segments=[2])
    _start(driver, a)                                       # the driver belongs to `a`
    assert lib.drv_map(hb, 0, 0, 1, 1, 0) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
    h = ffi.new("uint64_t *", 0)
    assert lib.drv_create(b.system_process.handle, 0, 4096, 0b10, 0, h) & 0xFFFFFFFF == \
        dxgk.STATUS_INVALID_HANDLE
    assert h[0] == 0
    assert b.stats().mappings == 0 and a.stats().allocations == 0
