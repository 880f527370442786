"""The function types of the header subset have the exact Windows signatures.

A C translation unit defines functions with the documented parameter and return types
and assigns each to its PFND3DKMT_* / PFND3DDDI_*CB / PDXGKDDI_* type; with
incompatible-pointer-types an error, the host compiler rejects any difference in a
parameter or the return type. The negative case proves the check can fail.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HEADERS = Path(__file__).resolve().parents[2] / "headers"

GOOD = r"""
#include "d3dkmthk.h"
#include "d3dumddi.h"
#include "dispmprt.h"

static NTSTATUS kmt_create_alloc(D3DKMT_CREATEALLOCATION *a) { return 0; }
static NTSTATUS kmt_destroy_alloc2(const D3DKMT_DESTROYALLOCATION2 *a) { return 0; }
static NTSTATUS kmt_create_pq(D3DKMT_CREATEPAGINGQUEUE *a) { return 0; }
static NTSTATUS kmt_destroy_pq(D3DDDI_DESTROYPAGINGQUEUE *a) { return 0; }
static NTSTATUS kmt_reserve(D3DDDI_RESERVEGPUVIRTUALADDRESS *a) { return 0; }
static NTSTATUS kmt_map(D3DDDI_MAPGPUVIRTUALADDRESS *a) { return 0; }
static NTSTATUS kmt_free(const D3DKMT_FREEGPUVIRTUALADDRESS *a) { return 0; }
static NTSTATUS kmt_update(const D3DKMT_UPDATEGPUVIRTUALADDRESS *a) { return 0; }

static HRESULT cb_create_pq(HANDLE d, D3DDDICB_CREATEPAGINGQUEUE *a) { return 0; }
static HRESULT cb_destroy_pq(HANDLE d, const D3DDDI_DESTROYPAGINGQUEUE *a) { return 0; }
static HRESULT cb_reserve(HANDLE d, D3DDDI_RESERVEGPUVIRTUALADDRESS *a) { return 0; }
static HRESULT cb_map(HANDLE d, D3DDDI_MAPGPUVIRTUALADDRESS *a) { return 0; }
static HRESULT cb_free(HANDLE d, const D3DDDICB_FREEGPUVIRTUALADDRESS *a) { return 0; }
static HRESULT cb_update(HANDLE d, const D3DDDICB_UPDATEGPUVIRTUALADDRESS *a) { return 0; }

static NTSTATUS ddi_create_process(const HANDLE h, DXGKARG_CREATEPROCESS *a) { return 0; }
static NTSTATUS ddi_destroy_process(const HANDLE h, const HANDLE p) { return 0; }
static NTSTATUS ddi_create_device(const HANDLE h, DXGKARG_CREATEDEVICE *a) { return 0; }
static NTSTATUS ddi_destroy_device(const HANDLE h) { return 0; }
static NTSTATUS ddi_create_context(const HANDLE h, DXGKARG_CREATECONTEXT *a) { return 0; }
static NTSTATUS ddi_destroy_context(const HANDLE h) { return 0; }
static NTSTATUS ddi_query(const HANDLE h, const DXGKARG_QUERYADAPTERINFO *a) { return 0; }
static NTSTATUS ddi_destroy_alloc(const HANDLE h, const DXGKARG_DESTROYALLOCATION *a) { return 0; }
static void ddi_set_root(const HANDLE h, const DXGKARG_SETROOTPAGETABLE *a) { }
static SIZE_T ddi_root_size(const HANDLE h, DXGKARG_GETROOTPAGETABLESIZE *a) { return 0; }
static NTSTATUS ddi_create_alloc(const HANDLE h, DXGKARG_CREATEALLOCATION *a) { return 0; }
static NTSTATUS ddi_build_paging(const HANDLE h, DXGKARG_BUILDPAGINGBUFFER *a) { return 0; }
static NTSTATUS ddi_reset_timeout(const HANDLE h) { return 0; }
static NTSTATUS ddi_add(const PDEVICE_OBJECT pdo, PVOID *ctx) { return 0; }
static NTSTATUS ddi_stop(const PVOID ctx) { return 0; }
static BOOLEAN ddi_isr(const PVOID ctx, ULONG msg) { return 0; }
static void ddi_dpc(const PVOID ctx) { }
static void ddi_unload(void) { }
static void ddi_etw(BOOLEAN enable, ULONG flags, UCHAR level) { }

PFND3DKMT_CREATEALLOCATION p1 = kmt_create_alloc;
PFND3DKMT_CREATEALLOCATION2 p2 = kmt_create_alloc;
PFND3DKMT_DESTROYALLOCATION2 p3 = kmt_destroy_alloc2;
PFND3DKMT_CREATEPAGINGQUEUE p4 = kmt_create_pq;
PFND3DKMT_DESTROYPAGINGQUEUE p5 = kmt_destroy_pq;
PFND3DKMT_RESERVEGPUVIRTUALADDRESS p6 = kmt_reserve;
PFND3DKMT_MAPGPUVIRTUALADDRESS p7 = kmt_map;
PFND3DKMT_FREEGPUVIRTUALADDRESS p8 = kmt_free;
PFND3DKMT_UPDATEGPUVIRTUALADDRESS p9 = kmt_update;

D3DDDI_DEVICECALLBACKS table = {
    .pfnCreatePagingQueueCb = cb_create_pq,
    .pfnDestroyPagingQueueCb = cb_destroy_pq,
    .pfnReserveGpuVirtualAddressCb = cb_reserve,
    .pfnMapGpuVirtualAddressCb = cb_map,
    .pfnFreeGpuVirtualAddressCb = cb_free,
    .pfnUpdateGpuVirtualAddressCb = cb_update,
};

static NTSTATUS ddi_start(const PVOID ctx, PDXGK_START_INFO si, PDXGKRNL_INTERFACE di,
                          PULONG sources, PULONG children) { return 0; }
PDXGKDDI_START_DEVICE d0 = ddi_start;
PDXGKDDI_CREATEPROCESS d1 = ddi_create_process;
PDXGKDDI_DESTROYPROCESS d2 = ddi_destroy_process;
PDXGKDDI_CREATEDEVICE d3 = ddi_create_device;
PDXGKDDI_DESTROYDEVICE d4 = ddi_destroy_device;
PDXGKDDI_CREATECONTEXT d5 = ddi_create_context;
PDXGKDDI_DESTROYCONTEXT d6 = ddi_destroy_context;
PDXGKDDI_QUERYADAPTERINFO d7 = ddi_query;
PDXGKDDI_DESTROYALLOCATION d8 = ddi_destroy_alloc;
PDXGKDDI_SETROOTPAGETABLE d9 = ddi_set_root;
PDXGKDDI_GETROOTPAGETABLESIZE d10 = ddi_root_size;
PDXGKDDI_CREATEALLOCATION d11 = ddi_create_alloc;
PDXGKDDI_BUILDPAGINGBUFFER d12 = ddi_build_paging;

/* DRIVER_INITIALIZATION_DATA holds each exactly-typed DDI in its own slot. */
DRIVER_INITIALIZATION_DATA init = {
    .Version = DXGKDDI_INTERFACE_VERSION,
    .DxgkDdiAddDevice = ddi_add,
    .DxgkDdiStartDevice = ddi_start,
    .DxgkDdiStopDevice = ddi_stop,
    .DxgkDdiRemoveDevice = ddi_stop,
    .DxgkDdiInterruptRoutine = ddi_isr,
    .DxgkDdiDpcRoutine = ddi_dpc,
    .DxgkDdiResetDevice = ddi_dpc,
    .DxgkDdiUnload = ddi_unload,
    .DxgkDdiControlEtwLogging = ddi_etw,
    .DxgkDdiQueryAdapterInfo = ddi_query,
    .DxgkDdiCreateDevice = ddi_create_device,
    .DxgkDdiCreateAllocation = ddi_create_alloc,
    .DxgkDdiDestroyAllocation = ddi_destroy_alloc,
    .DxgkDdiBuildPagingBuffer = ddi_build_paging,
    .DxgkDdiResetFromTimeout = ddi_reset_timeout,
    .DxgkDdiRestartFromTimeout = ddi_reset_timeout,
    .DxgkDdiDestroyDevice = ddi_destroy_device,
    .DxgkDdiCreateContext = ddi_create_context,
    .DxgkDdiDestroyContext = ddi_destroy_context,
    .DxgkDdiSetRootPageTable = ddi_set_root,
    .DxgkDdiGetRootPageTableSize = ddi_root_size,
    .DxgkDdiCreateProcess = ddi_create_process,
    .DxgkDdiDestroyProcess = ddi_destroy_process,
};
"""

# The UMD callback takes the device handle first: a thunk-shaped function must not fit.
BAD = r"""
#include "d3dumddi.h"
static HRESULT cb_map(D3DDDI_MAPGPUVIRTUALADDRESS *a) { return 0; }
PFND3DDDI_MAPGPUVIRTUALADDRESSCB p = cb_map;
"""

# BuildPagingBuffer's argument is writable (the driver advances pDmaBuffer): a DDI taking
# a const pointer must not fit.
BAD_PAGING = r"""
#include "d3dkmddi.h"
static NTSTATUS bpb(const HANDLE h, const DXGKARG_BUILDPAGINGBUFFER *a) { return 0; }
PDXGKDDI_BUILDPAGINGBUFFER p = bpb;
"""


def _compile(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler on PATH")
    src = tmp_path / "sig.c"
    src.write_text(source)
    return subprocess.run([cc, "-fsyntax-only", "-std=gnu11", "-Wall", "-Wextra",
                           "-Wno-unused-parameter",
                           "-Werror=incompatible-pointer-types", "-I", str(HEADERS), str(src)],
                          check=False, capture_output=True, text=True)


def test_function_types_have_the_windows_signatures(tmp_path: Path) -> None:
    r = _compile(tmp_path, GOOD)
    assert r.returncode == 0, r.stderr


def test_a_wrong_signature_is_rejected(tmp_path: Path) -> None:
    r = _compile(tmp_path, BAD)
    assert r.returncode != 0
    assert "incompatible" in r.stderr


def test_a_const_paging_argument_is_rejected(tmp_path: Path) -> None:
    r = _compile(tmp_path, BAD_PAGING)
    assert r.returncode != 0
    assert "incompatible" in r.stderr
