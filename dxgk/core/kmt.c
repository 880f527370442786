/*
 * kmt.c -- the D3DKMT GPU VA thunks and the UMD callbacks of D3DDDI_DEVICECALLBACKS
 * (docs/behaviour.md 9.3-9.6, 9.9) as real C functions with the exact signatures of
 * their typedefs.
 *
 * Each thunk only unpacks its Windows struct and calls the vidmm_kmt.c / vidmm_vad.c
 * function of the same meaning; it records the NTSTATUS as the thread's last status
 * (ddi.c's) and writes its out-fields only on success. Each callback maps its device
 * HANDLE (the device's D3DKMT handle, zero-extended) and its struct onto the thunk's
 * arguments, checks that every handle in the struct belongs to that device, and returns
 * the thunk's NTSTATUS as an HRESULT. Once a driver fault has removed the adapter
 * (driver.c), each answers STATUS_DEVICE_REMOVED, except a paging queue's destruction.
 */
#include "kmt.h"

#include <stdlib.h>
#include <string.h>

#include "ddi.h"
#include "driver.h"
#include "vidmm.h"

/* Assignable to the header's pointer types without a cast: the compile-time proof that
 * the signatures are exact. */
static const PFND3DKMT_CREATEPAGINGQUEUE check_create_queue = D3DKMTCreatePagingQueue;
static const PFND3DKMT_DESTROYPAGINGQUEUE check_destroy_queue = D3DKMTDestroyPagingQueue;
static const PFND3DKMT_RESERVEGPUVIRTUALADDRESS check_reserve = D3DKMTReserveGpuVirtualAddress;
static const PFND3DKMT_MAPGPUVIRTUALADDRESS check_map = D3DKMTMapGpuVirtualAddress;
static const PFND3DKMT_FREEGPUVIRTUALADDRESS check_free = D3DKMTFreeGpuVirtualAddress;
static const PFND3DKMT_UPDATEGPUVIRTUALADDRESS check_update = D3DKMTUpdateGpuVirtualAddress;
static const PFND3DKMT_CREATEALLOCATION2 check_create_alloc2 = D3DKMTCreateAllocation2;
static const PFND3DKMT_DESTROYALLOCATION2 check_destroy_alloc2 = D3DKMTDestroyAllocation2;

#define MAX_OPS 2048u   /* docs/behaviour.md 9.6.1 [choice] */

static NTSTATUS done(NTSTATUS st)
{
    return dxgk_set_last_status(st);
}

/* docs/behaviour.md 10.1: the object of D3DKMT handle k is on a removed adapter. */
#define REMOVED(k) dxgk_drv_removed_kmt(k)

NTSTATUS APIENTRY D3DKMTCreatePagingQueue(D3DKMT_CREATEPAGINGQUEUE *pArgs)
{
    dxgk_drv_call_begin();
    uint32_t q = 0, s = 0;
    uint64_t addr = 0;
    NTSTATUS st;
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    if (REMOVED(pArgs->hDevice))
        return done(STATUS_DEVICE_REMOVED);
    st = dxgk_vm_kmt_create_paging_queue(pArgs->hDevice, (int32_t)pArgs->Priority,
                                         pArgs->PhysicalAdapterIndex, &q, &s, &addr);
    if (st == STATUS_SUCCESS) {
        pArgs->hPagingQueue = q;
        pArgs->hSyncObject = s;
        pArgs->FenceValueCPUVirtualAddress = (VOID *)(uintptr_t)addr;
    }
    return done(st);
}

NTSTATUS APIENTRY D3DKMTDestroyPagingQueue(D3DDDI_DESTROYPAGINGQUEUE *pArgs)
{
    dxgk_drv_call_begin();
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    return done(dxgk_vm_kmt_destroy_paging_queue(pArgs->hPagingQueue));
}

NTSTATUS APIENTRY D3DKMTReserveGpuVirtualAddress(D3DDDI_RESERVEGPUVIRTUALADDRESS *pArgs)
{
    dxgk_drv_call_begin();
    dxgk_vm_ureserve_args r;
    uint64_t va = 0, fence = 0;
    NTSTATUS st;
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    r.handle = pArgs->hPagingQueue;     /* or hAdapter: one slot */
    r.type = (uint32_t)pArgs->ReservationType;
    r.base = pArgs->BaseAddress;
    r.minimum = pArgs->MinimumAddress;
    r.maximum = pArgs->MaximumAddress;
    r.size = pArgs->Size;
    r.driver_protection = pArgs->DriverProtection;
    st = REMOVED(r.handle) ? STATUS_DEVICE_REMOVED : dxgk_vm_kmt_reserve(&r, &va, &fence);
    if (st == STATUS_SUCCESS || st == STATUS_PENDING) {
        pArgs->VirtualAddress = va;
        pArgs->PagingFenceValue = fence;
    }
    return done(st);
}

NTSTATUS APIENTRY D3DKMTMapGpuVirtualAddress(D3DDDI_MAPGPUVIRTUALADDRESS *pArgs)
{
    dxgk_drv_call_begin();
    dxgk_vm_umap_args m;
    uint64_t va = 0, fence = 0;
    NTSTATUS st;
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    m.queue = pArgs->hPagingQueue;
    m.allocation = pArgs->hAllocation;
    m.base = pArgs->BaseAddress;
    m.minimum = pArgs->MinimumAddress;
    m.maximum = pArgs->MaximumAddress;
    m.offset_pages = pArgs->OffsetInPages;
    m.size_pages = pArgs->SizeInPages;
    m.protection = pArgs->Protection.Value;
    m.driver_protection = pArgs->DriverProtection;
    st = REMOVED(m.queue) ? STATUS_DEVICE_REMOVED : dxgk_vm_kmt_map(&m, &va, &fence);
    if (st == STATUS_SUCCESS || st == STATUS_PENDING) {
        pArgs->VirtualAddress = va;
        pArgs->PagingFenceValue = fence;
    }
    return done(st);
}

NTSTATUS APIENTRY D3DKMTFreeGpuVirtualAddress(CONST D3DKMT_FREEGPUVIRTUALADDRESS *pArgs)
{
    dxgk_drv_call_begin();
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    if (REMOVED(pArgs->hAdapter))
        return done(STATUS_DEVICE_REMOVED);
    return done(dxgk_vm_kmt_free(pArgs->hAdapter, pArgs->BaseAddress, pArgs->Size));
}

/* One D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION, by its OperationType's union member. */
static void unpack_op(const D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION *o, dxgk_vm_uop *u)
{
    memset(u, 0, sizeof *u);
    u->type = (uint32_t)o->OperationType;
    switch (o->OperationType) {
    case D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP:
        u->base = o->Map.BaseAddress;
        u->size = o->Map.SizeInBytes;
        u->allocation = o->Map.hAllocation;
        u->offset = o->Map.AllocationOffsetInBytes;
        u->alloc_size = o->Map.AllocationSizeInBytes;
        break;
    case D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP_PROTECT:
        u->base = o->MapProtect.BaseAddress;
        u->size = o->MapProtect.SizeInBytes;
        u->allocation = o->MapProtect.hAllocation;
        u->offset = o->MapProtect.AllocationOffsetInBytes;
        u->alloc_size = o->MapProtect.AllocationSizeInBytes;
        u->protection = o->MapProtect.Protection.Value;
        u->driver_protection = o->MapProtect.DriverProtection;
        break;
    case D3DDDI_UPDATEGPUVIRTUALADDRESS_UNMAP:
        u->base = o->Unmap.BaseAddress;
        u->size = o->Unmap.SizeInBytes;
        u->protection = o->Unmap.Protection.Value;
        break;
    case D3DDDI_UPDATEGPUVIRTUALADDRESS_COPY:
        u->base = o->Copy.DestAddress;
        u->size = o->Copy.SizeInBytes;
        u->source = o->Copy.SourceAddress;
        break;
    default:
        break;
    }
}

/* The update shared by the thunk and the callback. */
static NTSTATUS update(uint32_t device, uint32_t context, uint32_t fence, uint32_t n,
                       const D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION *ops,
                       uint64_t fence_value, int do_not_wait)
{
    dxgk_vm_uop *u = NULL;
    NTSTATUS st;
    if (REMOVED(device))
        return STATUS_DEVICE_REMOVED;
    /* a count outside 1..2048 or no array reaches the core as "no operations", which
     * checks the handles first (docs/behaviour.md 9.6.1) */
    if (n && n <= MAX_OPS && ops) {
        u = malloc(n * sizeof *u);
        if (!u)
            return STATUS_NO_MEMORY;
        for (uint32_t i = 0; i < n; i++)
            unpack_op(&ops[i], &u[i]);
    }
    st = dxgk_vm_kmt_update(device, context, fence, u, u ? n : 0, fence_value, do_not_wait);
    free(u);
    return st;
}

NTSTATUS APIENTRY D3DKMTUpdateGpuVirtualAddress(CONST D3DKMT_UPDATEGPUVIRTUALADDRESS *pArgs)
{
    dxgk_drv_call_begin();
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    return done(update(pArgs->hDevice, pArgs->hContext, pArgs->hFenceObject,
                       pArgs->NumOperations, pArgs->Operations, pArgs->FenceValue,
                       pArgs->Flags.DoNotWait));
}

/* docs/behaviour.md 10.5: through the attached driver's DxgkDdiCreateAllocation
 * (driver_alloc2.c). The resource members (hResource, hGlobalShare, runtime data) and
 * Flags are not looked at; out: each pAllocationInfo2[i].hAllocation, on success only. */
NTSTATUS APIENTRY D3DKMTCreateAllocation2(D3DKMT_CREATEALLOCATION *pArgs)
{
    dxgk_drv_call_begin();
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    if (REMOVED(pArgs->hDevice))
        return done(STATUS_DEVICE_REMOVED);
    return done(dxgk_drv_create_allocations(pArgs->hDevice, pArgs->pPrivateDriverData,
                                            pArgs->PrivateDriverDataSize,
                                            pArgs->NumAllocations, pArgs->pAllocationInfo2));
}

/* docs/behaviour.md 10.5: every handle checked before any is destroyed; hResource and
 * Flags are not looked at. */
NTSTATUS APIENTRY D3DKMTDestroyAllocation2(CONST D3DKMT_DESTROYALLOCATION2 *pArgs)
{
    dxgk_drv_call_begin();
    if (!pArgs)
        return done(STATUS_INVALID_PARAMETER);
    if (REMOVED(pArgs->hDevice))
        return done(STATUS_DEVICE_REMOVED);
    return done(dxgk_drv_destroy_allocations(pArgs->hDevice, pArgs->phAllocationList,
                                             pArgs->AllocationCount));
}

/* ---- the UMD callbacks (docs/behaviour.md 9.9) ----------------------------------------- */

HRESULT dxgk_kmt_hresult(NTSTATUS st)
{
    switch ((uint32_t)st) {
    case (uint32_t)STATUS_SUCCESS: return S_OK;
    case (uint32_t)STATUS_PENDING: return E_PENDING;
    case (uint32_t)STATUS_INVALID_PARAMETER: return E_INVALIDARG;
    case (uint32_t)STATUS_NO_MEMORY: return E_OUTOFMEMORY;
    case (uint32_t)STATUS_INVALID_HANDLE: return E_HANDLE;
    default: return (HRESULT)((uint32_t)st | 0x10000000u);            /* HRESULT_FROM_NT */
    }
}

/* The D3DKMT handle a callback's HANDLE carries: its value, if it fits 32 bits. */
static uint32_t kmt_of(HANDLE h)
{
    const uintptr_t v = (uintptr_t)h;
    return v > 0xFFFFFFFFu ? 0 : (uint32_t)v;
}

/* Whether handle k (if not 0) belongs to device dev. */
static int of_device(uint32_t k, uint32_t dev)
{
    uint32_t d = 0, ad = 0;
    return dxgk_vm_kmt_owner(k, &d, &ad) == STATUS_SUCCESS && d == dev;
}

/* The callback's device: STATUS_SUCCESS and its process adapter handle if hDevice names
 * a live device. */
static NTSTATUS cb_device(HANDLE hDevice, uint32_t *dev, uint32_t *adapter)
{
    uint32_t d = 0;
    *dev = kmt_of(hDevice);
    if (!*dev || dxgk_vm_kmt_owner(*dev, &d, adapter) != STATUS_SUCCESS || d != *dev)
        return STATUS_INVALID_HANDLE;
    return STATUS_SUCCESS;
}

static HRESULT APIENTRY CALLBACK cb_create_queue(HANDLE hDevice, D3DDDICB_CREATEPAGINGQUEUE *pArgs)
{
    uint32_t dev, ad, q = 0, s = 0;
    uint64_t addr = 0;
    NTSTATUS st = cb_device(hDevice, &dev, &ad);
    if (st == STATUS_SUCCESS && !pArgs)
        st = STATUS_INVALID_PARAMETER;
    if (st == STATUS_SUCCESS && REMOVED(dev))
        st = STATUS_DEVICE_REMOVED;
    if (st == STATUS_SUCCESS) {
        st = dxgk_vm_kmt_create_paging_queue(dev, (int32_t)pArgs->Priority,
                                             pArgs->PhysicalAdapterIndex, &q, &s, &addr);
        if (st == STATUS_SUCCESS) {
            pArgs->hPagingQueue = q;
            pArgs->hSyncObject = s;
            pArgs->FenceValueCPUVirtualAddress = (VOID *)(uintptr_t)addr;
        }
    }
    return dxgk_kmt_hresult(done(st));
}

static HRESULT APIENTRY CALLBACK cb_destroy_queue(HANDLE hDevice,
                                                  const D3DDDI_DESTROYPAGINGQUEUE *pArgs)
{
    uint32_t dev, ad;
    NTSTATUS st = cb_device(hDevice, &dev, &ad);
    if (st == STATUS_SUCCESS && !pArgs)
        st = STATUS_INVALID_PARAMETER;
    if (st == STATUS_SUCCESS)
        st = of_device(pArgs->hPagingQueue, dev)
                 ? dxgk_vm_kmt_destroy_paging_queue(pArgs->hPagingQueue)
                 : STATUS_INVALID_HANDLE;
    return dxgk_kmt_hresult(done(st));
}

static HRESULT APIENTRY CALLBACK cb_reserve(HANDLE hDevice, D3DDDI_RESERVEGPUVIRTUALADDRESS *pArgs)
{
    uint32_t dev, ad;
    NTSTATUS st = cb_device(hDevice, &dev, &ad);
    if (st == STATUS_SUCCESS && !pArgs)
        st = STATUS_INVALID_PARAMETER;
    if (st == STATUS_SUCCESS) {
        /* a 0 slot is the device's process adapter (the runtime's substitution); a
         * queue must be this device's, an adapter handle this process's */
        const uint32_t slot = pArgs->hPagingQueue;
        uint32_t d = 0, a = 0;
        if (slot && (dxgk_vm_kmt_owner(slot, &d, &a) != STATUS_SUCCESS ||
                     (d ? d != dev : a != ad || slot != ad))) {
            st = STATUS_INVALID_HANDLE;
        } else {
            D3DDDI_RESERVEGPUVIRTUALADDRESS r = *pArgs;
            r.hPagingQueue = slot ? slot : ad;
            st = D3DKMTReserveGpuVirtualAddress(&r);
            if (st == STATUS_SUCCESS || st == STATUS_PENDING) {
                pArgs->VirtualAddress = r.VirtualAddress;
                pArgs->PagingFenceValue = r.PagingFenceValue;
            }
        }
    }
    return dxgk_kmt_hresult(done(st));
}

static HRESULT APIENTRY CALLBACK cb_map(HANDLE hDevice, D3DDDI_MAPGPUVIRTUALADDRESS *pArgs)
{
    uint32_t dev, ad;
    NTSTATUS st = cb_device(hDevice, &dev, &ad);
    if (st == STATUS_SUCCESS && !pArgs)
        st = STATUS_INVALID_PARAMETER;
    if (st == STATUS_SUCCESS)
        st = of_device(pArgs->hPagingQueue, dev) ? D3DKMTMapGpuVirtualAddress(pArgs)
                                                 : STATUS_INVALID_HANDLE;
    return dxgk_kmt_hresult(done(st));
}

static HRESULT APIENTRY CALLBACK cb_free(HANDLE hDevice, CONST D3DDDICB_FREEGPUVIRTUALADDRESS *pArgs)
{
    uint32_t dev, ad;
    NTSTATUS st = cb_device(hDevice, &dev, &ad);
    if (st == STATUS_SUCCESS && !pArgs)
        st = STATUS_INVALID_PARAMETER;
    if (st == STATUS_SUCCESS)
        st = REMOVED(ad) ? STATUS_DEVICE_REMOVED
                         : dxgk_vm_kmt_free(ad, pArgs->BaseAddress, pArgs->Size);
    return dxgk_kmt_hresult(done(st));
}

static HRESULT APIENTRY CALLBACK cb_update(HANDLE hDevice,
                                           CONST D3DDDICB_UPDATEGPUVIRTUALADDRESS *pArgs)
{
    uint32_t dev, ad;
    NTSTATUS st = cb_device(hDevice, &dev, &ad);
    if (st == STATUS_SUCCESS && !pArgs)
        st = STATUS_INVALID_PARAMETER;
    if (st == STATUS_SUCCESS)
        st = update(dev, kmt_of(pArgs->hContext), pArgs->hFenceObject, pArgs->NumOperations,
                    pArgs->Operations, pArgs->FenceValue, pArgs->Flags.DoNotWait);
    return dxgk_kmt_hresult(done(st));
}

static const PFND3DDDI_CREATEPAGINGQUEUECB check_cb_create_queue = cb_create_queue;
static const PFND3DDDI_DESTROYPAGINGQUEUECB check_cb_destroy_queue = cb_destroy_queue;
static const PFND3DDDI_RESERVEGPUVIRTUALADDRESSCB check_cb_reserve = cb_reserve;
static const PFND3DDDI_MAPGPUVIRTUALADDRESSCB check_cb_map = cb_map;
static const PFND3DDDI_FREEGPUVIRTUALADDRESSCB check_cb_free = cb_free;
static const PFND3DDDI_UPDATEGPUVIRTUALADDRESSCB check_cb_update = cb_update;

NTSTATUS dxgk_kmt_fill_callbacks(uint32_t device, D3DDDI_DEVICECALLBACKS *out)
{
    uint32_t d = 0, ad = 0;
    if (!out || dxgk_vm_kmt_owner(device, &d, &ad) != STATUS_SUCCESS || d != device)
        return STATUS_INVALID_HANDLE;
    memset(out, 0, sizeof *out);
    out->pfnCreatePagingQueueCb = check_cb_create_queue;
    out->pfnDestroyPagingQueueCb = check_cb_destroy_queue;
    out->pfnReserveGpuVirtualAddressCb = check_cb_reserve;
    out->pfnMapGpuVirtualAddressCb = check_cb_map;
    out->pfnFreeGpuVirtualAddressCb = check_cb_free;
    out->pfnUpdateGpuVirtualAddressCb = check_cb_update;
    return STATUS_SUCCESS;
}

/* ---- address-taking shims for the Python facade --------------------------------------- */

int32_t dxgk_py_kmt_create_paging_queue(uintptr_t args)
{
    return check_create_queue((D3DKMT_CREATEPAGINGQUEUE *)args);
}

int32_t dxgk_py_kmt_destroy_paging_queue(uintptr_t args)
{
    return check_destroy_queue((D3DDDI_DESTROYPAGINGQUEUE *)args);
}

int32_t dxgk_py_kmt_reserve(uintptr_t args)
{
    return check_reserve((D3DDDI_RESERVEGPUVIRTUALADDRESS *)args);
}

int32_t dxgk_py_kmt_map(uintptr_t args)
{
    return check_map((D3DDDI_MAPGPUVIRTUALADDRESS *)args);
}

int32_t dxgk_py_kmt_free(uintptr_t args)
{
    return check_free((const D3DKMT_FREEGPUVIRTUALADDRESS *)args);
}

int32_t dxgk_py_kmt_update(uintptr_t args)
{
    return check_update((const D3DKMT_UPDATEGPUVIRTUALADDRESS *)args);
}

int32_t dxgk_py_kmt_create_allocation2(uintptr_t args)
{
    return check_create_alloc2((D3DKMT_CREATEALLOCATION *)args);
}

int32_t dxgk_py_kmt_destroy_allocation2(uintptr_t args)
{
    return check_destroy_alloc2((const D3DKMT_DESTROYALLOCATION2 *)args);
}
