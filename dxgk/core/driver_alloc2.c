/*
 * driver_alloc2.c -- allocations through the driver (docs/behaviour.md 10.5): the work of
 * D3DKMTCreateAllocation2 / D3DKMTDestroyAllocation2 once kmt.c has unpacked their
 * structs. One DxgkDdiCreateAllocation for the whole array, each allocation then placed
 * from what the driver answered (dxgk_drv__place, shared with Device.allocate's path).
 *
 * Invariant: all or nothing. A create either places every allocation or leaves none, and
 * then every allocation the driver made gets its DxgkDdiDestroyAllocation; a destroy
 * checks every handle before it destroys any. No DDI is called with a lock held.
 */
#include "driver_impl.h"

#include <stdlib.h>
#include <string.h>

#include "vidmm.h"

/* The device's 64-bit handle for a D3DKMT device handle, 0 if it names no live device. */
static uint64_t device_of(uint32_t kmt)
{
    uint32_t type = 0;
    const uint64_t h = dxgk_vm_kmt_object(kmt, &type);
    return type == DXGK_VM_T_DEVICE ? h : 0;
}

NTSTATUS dxgk_drv__create_allocation(dxgk_drv *d, uint64_t device, const void *priv,
                                      uint32_t priv_size, uint32_t n, DXGK_ALLOCATIONINFO *info)
{
    DXGKARG_CREATEALLOCATION args;
    uint64_t seq;
    NTSTATUS st;
    memset(&args, 0, sizeof args);
    args.pPrivateDriverData = priv;
    args.PrivateDriverDataSize = priv_size;
    args.NumAllocations = n;
    args.pAllocationInfo = info;
    seq = dxgk_drv__seq(d);
    st = dxgk_drv__answer(d, d->ddi.DxgkDdiCreateAllocation(d->miniport, &args));
    /* the log keeps the first DXGK_ALLOCATIONINFO as the driver left it */
    dxgk_drv__log(d, seq, DXGK_DRV_DDI_CREATE_ALLOCATION, device,
                  (uint64_t)(uintptr_t)info[0].hAllocation, (uint32_t)st, &info[0],
                  sizeof info[0]);
    return st;
}

NTSTATUS dxgk_drv_create_allocations(uint32_t device, const void *priv, uint32_t priv_size,
                                     uint32_t n, D3DDDI_ALLOCATIONINFO2 *infos)
{
    const uint64_t dev = device_of(device);
    DXGK_ALLOCATIONINFO *info;
    dxgk_vm_create_args c;
    uint32_t *kmt, placed = 0;
    dxgk_drv *d;
    NTSTATUS st;
    if (!dev)
        return STATUS_INVALID_HANDLE;
    if (!n || n > DXGK_DRV_ALLOC2_MAX || !infos || (priv_size && !priv))
        return STATUS_INVALID_PARAMETER;
    for (uint32_t i = 0; i < n; i++)
        if (infos[i].PrivateDriverDataSize && !infos[i].pPrivateDriverData)
            return STATUS_INVALID_PARAMETER;
    d = dxgk_drv__of(dev, DXGK_VM_T_DEVICE);
    if (!d)     /* [choice] no driver: only a driver can size them from its private data */
        return STATUS_NOT_SUPPORTED;
    if ((st = dxgk_drv__usable(d)) != STATUS_SUCCESS)
        return st;
    if (!d->ddi.DxgkDdiCreateAllocation) {
        dxgk_drv__put(d);
        return STATUS_NOT_SUPPORTED;
    }
    info = calloc(n, sizeof *info);
    kmt = calloc(n, sizeof *kmt);
    if (!info || !kmt) {
        free(info);
        free(kmt);
        dxgk_drv__put(d);
        return STATUS_NO_MEMORY;
    }
    for (uint32_t i = 0; i < n; i++) {
        info[i].pPrivateDriverData = infos[i].pPrivateDriverData;
        info[i].PrivateDriverDataSize = infos[i].PrivateDriverDataSize;
    }
    st = dxgk_drv__create_allocation(d, dev, priv, priv_size, n, info);
    if (st == STATUS_SUCCESS) {
        memset(&c, 0, sizeof c);
        c.device = dev;
        /* [choice] a driver answer without a size or a handle fails the whole call */
        for (uint32_t i = 0; i < n && st == STATUS_SUCCESS; i++)
            if (!info[i].Size || !info[i].hAllocation)
                st = STATUS_INVALID_PARAMETER;
        while (st == STATUS_SUCCESS && placed < n) {
            st = dxgk_drv__place(&c, &info[placed], &kmt[placed]);
            if (st == STATUS_SUCCESS)
                placed++;
        }
        if (st != STATUS_SUCCESS) {
            /* undo: the placed ones (their teardown queues DxgkDdiDestroyAllocation),
             * then the driver's that were never placed */
            for (uint32_t i = 0; i < placed; i++)
                dxgk_vm_user_deallocate(device, kmt[i]);
            for (uint32_t i = placed; i < n; i++)
                if (info[i].hAllocation)
                    dxgk_drv__gone(d, DXGK_DRV_GONE_ALLOCATION,
                                   (uint64_t)(uintptr_t)info[i].hAllocation);
        } else {
            for (uint32_t i = 0; i < n; i++)
                infos[i].hAllocation = kmt[i];
        }
    }
    free(info);
    free(kmt);
    dxgk_drv__deliver(d);
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_destroy_allocations(uint32_t device, const uint32_t *list, uint32_t n)
{
    uint32_t owner = 0, ad = 0, type = 0, mine = 0, my_adapter = 0;
    dxgk_drv *d;
    NTSTATUS st = STATUS_SUCCESS;
    if (!device_of(device) || dxgk_vm_kmt_owner(device, &mine, &my_adapter) != STATUS_SUCCESS)
        return STATUS_INVALID_HANDLE;
    if (!n || n > DXGK_DRV_ALLOC2_MAX || !list)
        return STATUS_INVALID_PARAMETER;
    /* [choice] every handle checked first: one bad handle destroys nothing */
    for (uint32_t i = 0; i < n; i++) {
        /* not an allocation, or another process's: 9.1's STATUS_INVALID_HANDLE */
        if (!dxgk_vm_kmt_object(list[i], &type) || type != DXGK_VM_T_ALLOCATION ||
            dxgk_vm_kmt_owner(list[i], &owner, &ad) != STATUS_SUCCESS || ad != my_adapter)
            return STATUS_INVALID_HANDLE;
        if (owner != device)    /* another device's of the same process (9.3.1's rule) */
            return STATUS_INVALID_PARAMETER;
        for (uint32_t j = 0; j < i; j++)
            if (list[j] == list[i])     /* twice: the second would be stale */
                return STATUS_INVALID_PARAMETER;
    }
    d = dxgk_drv__of(device_of(device), DXGK_VM_T_DEVICE);
    for (uint32_t i = 0; i < n; i++) {
        const NTSTATUS s = dxgk_vm_user_deallocate(device, list[i]);
        if (s != STATUS_SUCCESS && st == STATUS_SUCCESS)
            st = s;         /* destroyed meanwhile by another thread */
    }
    if (d) {
        dxgk_drv__deliver(d);
        dxgk_drv__put(d);
    }
    return st;
}
