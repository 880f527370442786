/*
 * ddi.c -- the DxgkCb* GPU VA callback family as real C functions with the exact
 * signatures of their d3dkmddi.h typedefs, and the DXGKRNL_INTERFACE that hands them
 * to a driver.
 *
 * Each callback only unpacks its Windows struct and calls the vidmm.c function of the
 * same meaning; it records the NTSTATUS in a per-thread "last status" so a caller can
 * learn why DxgkCbMapContextAllocation returned 0 (Windows gives no reason; dxgk does).
 * Out-fields are written only on success. Once a driver fault has removed the adapter
 * (driver.c), every callback answers STATUS_DEVICE_REMOVED (0 for a map).
 */
#include "ddi.h"

#include <string.h>

#include "driver.h"
#include "vidmm.h"

/* The functions must be assignable to the header's callback types without a cast:
 * this is the compile-time proof that the signatures are exact. */
static const DXGKCB_CREATECONTEXTALLOCATION check_create = DxgkCbCreateContextAllocation;
static const DXGKCB_DESTROYCONTEXTALLOCATION check_destroy = DxgkCbDestroyContextAllocation;
static const DXGKCB_MAPCONTEXTALLOCATION check_map = DxgkCbMapContextAllocation;
static const DXGKCB_UPDATECONTEXTALLOCATION check_update = DxgkCbUpdateContextAllocation;
static const DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE check_reserve =
    DxgkCbReserveGpuVirtualAddressRange;

static _Thread_local NTSTATUS last_status = STATUS_SUCCESS;

/* The callback's answer, as dxgk_last_status() reports it: STATUS_DEVICE_REMOVED when a
 * driver fault happened during the call (docs/behaviour.md 10.2). */
static NTSTATUS done(NTSTATUS st)
{
    if (dxgk_drv_call_faulted())
        st = STATUS_DEVICE_REMOVED;
    last_status = st;
    return st;
}

NTSTATUS dxgk_set_last_status(NTSTATUS st)
{
    return done(st);
}

NTSTATUS dxgk_last_status(void)
{
    return last_status;
}

static uint64_t H(HANDLE h)
{
    return (uint64_t)(uintptr_t)h;
}

/* docs/behaviour.md 10.1: a removed adapter refuses every callback. */
#define REFUSE_IF_REMOVED(h)                                                                 \
    do {                                                                                     \
        if (dxgk_drv_removed(h))                                                             \
            return done(STATUS_DEVICE_REMOVED);                                              \
    } while (0)

NTSTATUS APIENTRY CALLBACK DxgkCbCreateContextAllocation(
    INOUT_PDXGKARGCB_CREATECONTEXTALLOCATION pArgs)
{
    dxgk_drv_call_begin();
    dxgk_vm_create_args c;
    uint64_t h = 0, va = 0;
    NTSTATUS st;
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    REFUSE_IF_REMOVED(H(pArgs->hAdapter));
    memset(&c, 0, sizeof c);
    c.adapter = H(pArgs->hAdapter);
    c.device = H(pArgs->hDevice);
    c.context = H(pArgs->hContext);
    c.driver_allocation = H(pArgs->hDriverAllocation);
    c.size = pArgs->Size;
    c.context_flags = pArgs->ContextAllocationFlags.Value;
    c.alignment = pArgs->Alignment;
    c.supported_segments = pArgs->SupportedSegmentSet;
    c.eviction_segments = pArgs->EvictionSegmentSet;
    c.preferred = pArgs->PreferredSegment.Value;
    c.hinted_bank = pArgs->HintedBank.Value;
    c.flags = pArgs->Flags.Value;
    c.physical_adapter_index = pArgs->PhysicalAdapterIndex;
    st = dxgk_vm_create_allocation(&c, &h, &va);
    if (st == STATUS_SUCCESS)
        pArgs->hAllocation = (HANDLE)(uintptr_t)h;
    return done(st);
}

NTSTATUS APIENTRY CALLBACK DxgkCbDestroyContextAllocation(
    IN_CONST_HANDLE hAdapter, IN_CONST_HANDLE hAllocation)
{
    dxgk_drv_call_begin();
    REFUSE_IF_REMOVED(H(hAdapter));
    return done(dxgk_vm_destroy_allocation(H(hAdapter), H(hAllocation)));
}

D3DGPU_VIRTUAL_ADDRESS APIENTRY CALLBACK DxgkCbMapContextAllocation(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARGCB_MAPCONTEXTALLOCATION pArgs)
{
    dxgk_drv_call_begin();
    dxgk_vm_map_args m;
    uint64_t va = 0;
    NTSTATUS st;
    if (!pArgs) {
        done(STATUS_INVALID_PARAMETER);
        return 0;
    }
    if (dxgk_drv_removed(H(hAdapter))) {
        done(STATUS_DEVICE_REMOVED);
        return 0;
    }
    m.base = pArgs->BaseAddress;
    m.minimum = pArgs->MinimumAddress;
    m.maximum = pArgs->MaximumAddress;
    m.allocation = H(pArgs->hAllocation);
    m.offset_pages = pArgs->OffsetInPages;
    m.size_pages = pArgs->SizeInPages;
    m.protection = pArgs->Protection.Value;
    m.driver_protection = pArgs->DriverProtection;
    st = done(dxgk_vm_map(H(hAdapter), &m, &va));
    return st == STATUS_SUCCESS ? va : 0;
}

NTSTATUS APIENTRY CALLBACK DxgkCbUpdateContextAllocation(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARGCB_UPDATECONTEXTALLOCATION pArgs)
{
    dxgk_drv_call_begin();
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    REFUSE_IF_REMOVED(H(hAdapter));
    return done(dxgk_vm_update_allocation(H(hAdapter), H(pArgs->hAllocation),
                                          pArgs->pPrivateDriverData,
                                          pArgs->PrivateDriverDataSize));
}

NTSTATUS APIENTRY CALLBACK DxgkCbReserveGpuVirtualAddressRange(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE pArgs)
{
    dxgk_drv_call_begin();
    uint64_t start = 0;
    NTSTATUS st;
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    REFUSE_IF_REMOVED(H(hAdapter));
    st = dxgk_vm_reserve(H(hAdapter), H(pArgs->hDxgkProcess), pArgs->SizeInBytes,
                         pArgs->Alignment, pArgs->BaseAddress, pArgs->Flags, &start);
    if (st == STATUS_SUCCESS)
        pArgs->StartVirtualAddress = start;
    return done(st);
}

NTSTATUS dxgk_fill_interface(uint64_t adapter, DXGKRNL_INTERFACE *out)
{
    if (!out || dxgk_vm_handle_type(adapter) != DXGK_VM_T_ADAPTER)
        return STATUS_INVALID_HANDLE;
    memset(out, 0, sizeof *out);
    out->Size = sizeof *out;
    out->Version = DXGKDDI_INTERFACE_VERSION;
    out->DeviceHandle = (HANDLE)(uintptr_t)adapter;
    out->DxgkCbCreateContextAllocation = check_create;
    out->DxgkCbDestroyContextAllocation = check_destroy;
    out->DxgkCbMapContextAllocation = check_map;
    out->DxgkCbUpdateContextAllocation = check_update;
    out->DxgkCbReserveGpuVirtualAddressRange = check_reserve;
    return STATUS_SUCCESS;
}

/* ---- integer-handle shims for the Python facade -------------------------------------- */

uint64_t dxgk_py_map(uint64_t adapter, uintptr_t args)
{
    return DxgkCbMapContextAllocation((HANDLE)(uintptr_t)adapter,
                                      (const DXGKARGCB_MAPCONTEXTALLOCATION *)args);
}

int32_t dxgk_py_create(uintptr_t args)
{
    return DxgkCbCreateContextAllocation((DXGKARGCB_CREATECONTEXTALLOCATION *)args);
}

int32_t dxgk_py_destroy(uint64_t adapter, uint64_t allocation)
{
    return DxgkCbDestroyContextAllocation((HANDLE)(uintptr_t)adapter,
                                          (HANDLE)(uintptr_t)allocation);
}

int32_t dxgk_py_update(uint64_t adapter, uintptr_t args)
{
    return DxgkCbUpdateContextAllocation((HANDLE)(uintptr_t)adapter,
                                         (const DXGKARGCB_UPDATECONTEXTALLOCATION *)args);
}

int32_t dxgk_py_reserve(uint64_t adapter, uintptr_t args)
{
    return DxgkCbReserveGpuVirtualAddressRange((HANDLE)(uintptr_t)adapter,
                                               (DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE *)args);
}

uint64_t dxgk_py_noop(uint64_t adapter, uintptr_t args)
{
    return adapter ^ (uint64_t)args;
}
