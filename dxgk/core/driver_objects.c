/*
 * driver_objects.c -- the DDI calls themselves (docs/behaviour.md 10.1, 10.3): bring-up
 * (AddDevice, StartDevice, QueryAdapterInfo, GetRootPageTableSize, the system process),
 * the adapter's end (the destroy DDIs, StopDevice, RemoveDevice) and the object DDIs
 * with their root page tables, each in the order the kernel issues them.
 *
 * Invariants kept: no DDI is called with a lock held (every model change here goes
 * through a public dxgk_vm_* call or a short dxgk_vm__acquire that is released before the
 * call); a create whose DDI fails leaves the model as it was; the driver record
 * (driver_impl.h, driver.c) is the only state of this file.
 */
#include "driver_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddi.h"
#include "vidmm.h"
#include "vidmm_impl.h"

NTSTATUS dxgk_drv_add_device(uint64_t adapter)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_SUCCESS;
    uint64_t seq;
    PVOID ctx = NULL;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (d->added) {         /* once per adapter */
        dxgk_drv__put(d);
        return STATUS_INVALID_PARAMETER;
    }
    if (d->ddi.DxgkDdiAddDevice) {
        /* no physical device object is modelled: NULL (docs/behaviour.md 10.1) */
        seq = dxgk_drv__seq(d);
        st = dxgk_drv__answer(d, d->ddi.DxgkDdiAddDevice(NULL, &ctx));
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_ADD_DEVICE, 0, (uint64_t)(uintptr_t)ctx, (uint32_t)st,
                      NULL, 0);
    }
    if (st == STATUS_SUCCESS) {
        d->miniport = ctx;
        d->added = 1;
    }
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_start_device(uint64_t adapter)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_SUCCESS;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (!d->added || d->started) {      /* once, after AddDevice */
        dxgk_drv__put(d);
        return STATUS_INVALID_PARAMETER;
    }
    if (d->ddi.DxgkDdiStartDevice) {
        DXGK_START_INFO info;
        DXGKRNL_INTERFACE iface;
        ULONG sources = 0, children = 0;
        uint64_t seq;
        memset(&info, 0, sizeof info);
        /* [choice] one DMA queue entry; the adapter handle as the LUID */
        info.RequiredDmaQueueEntry = 1;
        info.AdapterLuid.LowPart = (ULONG)(adapter & 0xFFFFFFFFu);
        info.AdapterLuid.HighPart = (LONG)(adapter >> 32);
        dxgk_fill_interface(adapter, &iface);
        seq = dxgk_drv__seq(d);
        st = dxgk_drv__answer(d, d->ddi.DxgkDdiStartDevice(d->miniport, &info, &iface, &sources,
                                                           &children));
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_START_DEVICE, (uint64_t)(uintptr_t)d->miniport, 0,
                      (uint32_t)st, &info, sizeof info);
    }
    if (st == STATUS_SUCCESS)
        d->started = 1;
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_query_adapter_info(uint64_t adapter, uint32_t type, void *input,
                                     uint32_t input_size, void *output, uint32_t output_size)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    DXGKARG_QUERYADAPTERINFO q;
    NTSTATUS st;
    uint64_t seq;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (!d->started) {
        dxgk_drv__put(d);
        return STATUS_INVALID_PARAMETER;
    }
    if (!d->ddi.DxgkDdiQueryAdapterInfo) {
        dxgk_drv__put(d);
        return STATUS_NOT_SUPPORTED;
    }
    memset(&q, 0, sizeof q);
    q.Type = (DXGK_QUERYADAPTERINFOTYPE)type;
    q.pInputData = input;
    q.InputDataSize = input_size;
    q.pOutputData = output;
    q.OutputDataSize = output_size;
    seq = dxgk_drv__seq(d);
    st = dxgk_drv__answer(d, d->ddi.DxgkDdiQueryAdapterInfo(d->miniport, &q));
    dxgk_drv__log(d, seq, DXGK_DRV_DDI_QUERY_ADAPTER_INFO, (uint64_t)(uintptr_t)d->miniport, type,
                  (uint32_t)st, &q, sizeof q);
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_root_size(uint64_t adapter, uint32_t *inout_entries, uint64_t *out_size)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    DXGKARG_GETROOTPAGETABLESIZE args;
    NTSTATUS st = STATUS_SUCCESS;
    SIZE_T size;
    uint64_t seq;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (!inout_entries || !out_size || !d->started || !d->ddi.DxgkDdiGetRootPageTableSize) {
        dxgk_drv__put(d);
        return STATUS_INVALID_PARAMETER;
    }
    memset(&args, 0, sizeof args);
    args.NumberOfPte = *inout_entries;
    seq = dxgk_drv__seq(d);
    size = d->ddi.DxgkDdiGetRootPageTableSize(d->miniport, &args);
    dxgk_drv__log(d, seq, DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE, (uint64_t)(uintptr_t)d->miniport,
                  *inout_entries, (uint64_t)size, &args, sizeof args);
    if (dxgk_drv__is_removed(d)) {
        st = STATUS_DEVICE_REMOVED;
    } else if (args.NumberOfPte < *inout_entries) {
        char why[DXGK_DRV_DETAIL_MAX];
        snprintf(why, sizeof why, "NumberOfPte %u fits fewer entries than the %u asked for",
                 args.NumberOfPte, *inout_entries);
        dxgk_drv__fault_rec(d, seq, DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE, 0, 0, 0, why);
        st = STATUS_DEVICE_REMOVED;
    } else {
        *inout_entries = args.NumberOfPte;
        *out_size = size;
    }
    dxgk_drv__put(d);
    return st;
}

/* The root initialisation of process p when the driver has no DxgkDdiCreateProcess. */
static void root_init(uint64_t p)
{
    vm_adapter *a;
    vm_process *vp = dxgk_vm__acquire(p, DXGK_VM_T_PROCESS, &a);
    if (vp) {
        dxgk_pg__root_init(a, vp);
        dxgk_vm__release(a);
    }
}

/* DxgkDdiCreateProcess for process p (flags: DXGK_CREATEPROCESSFLAGS.Value). */
static NTSTATUS create_process(dxgk_drv *d, uint64_t p, UINT flags)
{
    DXGKARG_CREATEPROCESS args;
    vm_adapter *a;
    vm_process *vp;
    NTSTATUS st;
    uint64_t seq;
    if (dxgk_drv__is_removed(d))
        return STATUS_DEVICE_REMOVED;
    /* once per process: a second call would make a second driver process */
    vp = dxgk_vm__acquire(p, DXGK_VM_T_PROCESS, &a);
    if (!vp)
        return STATUS_INVALID_HANDLE;
    st = (vp->drv_live || vp->pg_rooted) ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    dxgk_vm__release(a);
    if (st != STATUS_SUCCESS)
        return st;
    if (!d->ddi.DxgkDdiCreateProcess) {
        root_init(p);
        return STATUS_SUCCESS;
    }
    memset(&args, 0, sizeof args);
    args.hDxgkProcess = (HANDLE)(uintptr_t)p;
    args.Flags.Value = flags;
    seq = dxgk_drv__seq(d);
    st = dxgk_drv__answer(d, d->ddi.DxgkDdiCreateProcess(d->miniport, &args));
    dxgk_drv__log(d, seq, DXGK_DRV_DDI_CREATE_PROCESS, p, (uint64_t)(uintptr_t)args.hKmdProcess,
                  (uint32_t)st, &args, sizeof args);
    if (st != STATUS_SUCCESS)
        return st;
    vp = dxgk_vm__acquire(p, DXGK_VM_T_PROCESS, &a);
    if (!vp) {          /* gone meanwhile: the driver's process goes too */
        dxgk_drv__gone(d, DXGK_DRV_GONE_PROCESS, (uint64_t)(uintptr_t)args.hKmdProcess);
        dxgk_drv__deliver(d);
        return STATUS_INVALID_HANDLE;
    }
    vp->drv_handle = (uint64_t)(uintptr_t)args.hKmdProcess;
    vp->drv_live = 1;
    dxgk_pg__root_init(a, vp);  /* docs/behaviour.md 10.1: after the driver's answer */
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_drv_system_process(uint64_t adapter)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    vm_adapter *a;
    uint64_t sys = 0;
    NTSTATUS st;
    if (!d)
        return STATUS_INVALID_HANDLE;
    a = dxgk_vm__adapter_acquire_any(adapter);
    if (a) {
        sys = a->system ? a->system->hdr.handle : 0;
        dxgk_vm__release(a);
    }
    st = sys ? create_process(d, sys, 1u /* SystemProcess */) : STATUS_INVALID_PARAMETER;
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_adapter_destroy(uint64_t adapter)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = dxgk_vm_adapter_destroy(adapter);
    if (!d)
        return st;
    dxgk_drv__deliver(d);
    /* [choice] after every object: StopDevice if it started, RemoveDevice if added */
    if (!dxgk_drv__is_removed(d) && d->started && d->ddi.DxgkDdiStopDevice) {
        uint64_t seq = dxgk_drv__seq(d);
        NTSTATUS s = d->ddi.DxgkDdiStopDevice(d->miniport);
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_STOP_DEVICE, (uint64_t)(uintptr_t)d->miniport, 0,
                      (uint32_t)s, NULL, 0);
    }
    if (!dxgk_drv__is_removed(d) && d->added && d->ddi.DxgkDdiRemoveDevice) {
        uint64_t seq = dxgk_drv__seq(d);
        NTSTATUS s = d->ddi.DxgkDdiRemoveDevice(d->miniport);
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_REMOVE_DEVICE, (uint64_t)(uintptr_t)d->miniport, 0,
                      (uint32_t)s, NULL, 0);
    }
    dxgk_drv__put(d);
    return st;
}

/* ---- the object DDIs ------------------------------------------------------------------- */

NTSTATUS dxgk_drv_create_process(uint64_t process)
{
    dxgk_drv *d = dxgk_drv__of(process, DXGK_VM_T_PROCESS);
    NTSTATUS st;
    if (!d)
        return STATUS_INVALID_HANDLE;
    st = create_process(d, process, 0);
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_process_end(uint64_t process, int keep)
{
    dxgk_drv *d = dxgk_drv__of(process, DXGK_VM_T_PROCESS);
    NTSTATUS st = dxgk_vm_process_end(process, keep);
    if (d) {
        dxgk_drv__deliver(d);
        dxgk_drv__put(d);
    }
    return st;
}

/* The driver handle kept in a live object (drv_live), 0 otherwise; *ok = whether the
 * object is live. */
static uint64_t driver_handle(uint64_t h, uint32_t type, int *ok)
{
    vm_adapter *a;
    void *o = dxgk_vm__acquire(h, type, &a);
    uint64_t v = 0;
    *ok = o != NULL;
    if (!o)
        return 0;
    if (type == DXGK_VM_T_PROCESS)
        v = ((vm_process *)o)->drv_handle;
    else if (type == DXGK_VM_T_DEVICE)
        v = ((vm_device *)o)->drv_handle;
    else if (type == DXGK_VM_T_CONTEXT)
        v = ((vm_context *)o)->drv_handle;
    dxgk_vm__release(a);
    return v;
}

/* Stores the driver's handle in a live object; 0 if it is gone. */
static int keep_handle(uint64_t h, uint32_t type, uint64_t v)
{
    vm_adapter *a;
    void *o = dxgk_vm__acquire(h, type, &a);
    if (!o)
        return 0;
    if (type == DXGK_VM_T_DEVICE) {
        ((vm_device *)o)->drv_handle = v;
        ((vm_device *)o)->drv_live = 1;
    } else if (type == DXGK_VM_T_CONTEXT) {
        ((vm_context *)o)->drv_handle = v;
        ((vm_context *)o)->drv_live = 1;
    }
    dxgk_vm__release(a);
    return 1;
}

NTSTATUS dxgk_drv__usable(dxgk_drv *d)
{
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (dxgk_drv__is_removed(d)) {
        dxgk_drv__put(d);
        return STATUS_DEVICE_REMOVED;
    }
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_drv_device_create(uint64_t process, uint64_t *out_device)
{
    dxgk_drv *d = dxgk_drv__of(process, DXGK_VM_T_PROCESS);
    DXGKARG_CREATEDEVICE args;
    uint64_t dev = 0, seq;
    NTSTATUS st;
    int ok;
    if ((st = dxgk_drv__usable(d)) != STATUS_SUCCESS)
        return st;
    memset(&args, 0, sizeof args);
    args.hKmdProcess = (HANDLE)(uintptr_t)driver_handle(process, DXGK_VM_T_PROCESS, &ok);
    st = dxgk_vm_device_create(process, &dev);
    if (st == STATUS_SUCCESS && d->ddi.DxgkDdiCreateDevice) {
        /* in: the model's handle; out: the driver's */
        args.hDevice = (HANDLE)(uintptr_t)dev;
        seq = dxgk_drv__seq(d);
        st = dxgk_drv__answer(d, d->ddi.DxgkDdiCreateDevice(d->miniport, &args));
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_CREATE_DEVICE, dev, (uint64_t)(uintptr_t)args.hDevice,
                      (uint32_t)st, &args, sizeof args);
        if (st == STATUS_SUCCESS &&
            !keep_handle(dev, DXGK_VM_T_DEVICE, (uint64_t)(uintptr_t)args.hDevice)) {
            dxgk_drv__gone(d, DXGK_DRV_GONE_DEVICE, (uint64_t)(uintptr_t)args.hDevice);
            st = STATUS_INVALID_HANDLE;
        }
        if (st != STATUS_SUCCESS)
            dxgk_vm_device_destroy(dev);     /* nothing half done */
    }
    dxgk_drv__deliver(d);
    dxgk_drv__put(d);
    if (st == STATUS_SUCCESS)
        *out_device = dev;
    return st;
}

/* DxgkDdiSetRootPageTable for a new context of process p (docs/behaviour.md 10.3). */
static void set_root(dxgk_drv *d, uint64_t context, uint64_t driver_context)
{
    DXGKARG_SETROOTPAGETABLE args;
    dxgk_pt_walk_result w;
    vm_adapter *a;
    vm_context *c;
    uint64_t seq;
    if (!d->ddi.DxgkDdiSetRootPageTable || dxgk_drv__is_removed(d))
        return;
    c = dxgk_vm__acquire(context, DXGK_VM_T_CONTEXT, &a);
    if (!c)
        return;
    memset(&args, 0, sizeof args);
    memset(&w, 0, sizeof w);
    dxgk_pt_walk(c->device->process->pt, 0, &w);   /* levels[0]: the root, always there */
    args.hContext = (HANDLE)(uintptr_t)driver_context;
    args.Address.SegmentId = w.levels[0].table_segment;
    args.Address.SegmentOffset = w.levels[0].table_address;
    args.NumEntries = 1u << a->levels[a->level_count - 1].PageTableIndexBitCount;
    /* the paging log shows the call in the stream's order (docs/behaviour.md 10.2) */
    dxgk_pg__set_root(a, c->device->process, &args);
    dxgk_vm__release(a);
    seq = dxgk_drv__seq(d);
    d->ddi.DxgkDdiSetRootPageTable(d->miniport, &args);
    dxgk_drv__log(d, seq, DXGK_DRV_DDI_SET_ROOT_PAGE_TABLE, context, driver_context, 0, &args,
                  sizeof args);
}

NTSTATUS dxgk_drv_context_create(uint64_t device, uint64_t *out_context)
{
    dxgk_drv *d = dxgk_drv__of(device, DXGK_VM_T_DEVICE);
    DXGKARG_CREATECONTEXT args;
    uint64_t ctx = 0, hdev, seq, mine;
    NTSTATUS st;
    int ok;
    if ((st = dxgk_drv__usable(d)) != STATUS_SUCCESS)
        return st;
    hdev = driver_handle(device, DXGK_VM_T_DEVICE, &ok);
    st = dxgk_vm_context_create(device, &ctx);
    mine = ctx;
    if (st == STATUS_SUCCESS && d->ddi.DxgkDdiCreateContext) {
        memset(&args, 0, sizeof args);
        args.hContext = (HANDLE)(uintptr_t)ctx;    /* in: the model's; out: the driver's */
        args.Flags.VirtualAddressing = 1;          /* GpuMmu contexts [choice] */
        seq = dxgk_drv__seq(d);
        st = dxgk_drv__answer(d, d->ddi.DxgkDdiCreateContext((HANDLE)(uintptr_t)hdev, &args));
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_CREATE_CONTEXT, ctx, (uint64_t)(uintptr_t)args.hContext,
                      (uint32_t)st, &args, sizeof args);
        mine = (uint64_t)(uintptr_t)args.hContext;
        if (st == STATUS_SUCCESS && !keep_handle(ctx, DXGK_VM_T_CONTEXT, mine)) {
            dxgk_drv__gone(d, DXGK_DRV_GONE_CONTEXT, mine);
            st = STATUS_INVALID_HANDLE;
        }
    } else if (st == STATUS_SUCCESS) {
        mine = 0;           /* no CreateContext: the driver has no handle for it */
    }
    if (st == STATUS_SUCCESS) {
        set_root(d, ctx, mine);
        if (dxgk_drv__is_removed(d))  /* SetRootPageTable faulted */
            st = STATUS_DEVICE_REMOVED;
    }
    if (st != STATUS_SUCCESS && ctx)
        dxgk_vm_context_destroy(ctx);
    dxgk_drv__deliver(d);
    dxgk_drv__put(d);
    if (st == STATUS_SUCCESS)
        *out_context = ctx;
    return st;
}

static NTSTATUS destroyed(dxgk_drv *d, NTSTATUS st)
{
    if (d) {
        dxgk_drv__deliver(d);
        dxgk_drv__put(d);
    }
    return st;
}

NTSTATUS dxgk_drv_process_destroy(uint64_t process)
{
    dxgk_drv *d = dxgk_drv__of(process, DXGK_VM_T_PROCESS);
    return destroyed(d, dxgk_vm_process_destroy(process));
}

NTSTATUS dxgk_drv_device_destroy(uint64_t device)
{
    dxgk_drv *d = dxgk_drv__of(device, DXGK_VM_T_DEVICE);
    return destroyed(d, dxgk_vm_device_destroy(device));
}

NTSTATUS dxgk_drv_context_destroy(uint64_t context)
{
    dxgk_drv *d = dxgk_drv__of(context, DXGK_VM_T_CONTEXT);
    return destroyed(d, dxgk_vm_context_destroy(context));
}

NTSTATUS dxgk_drv__place(const dxgk_vm_create_args *c, const DXGK_ALLOCATIONINFO *info,
                         uint32_t *out_kmt)
{
    dxgk_vm_create_args placed = *c;
    uint32_t kmt = 0, type = 0;
    NTSTATUS st;
    placed.size = info->Size;
    placed.alignment = info->Alignment;
    /* [choice] a segment the driver both reads and writes */
    placed.supported_segments = info->SupportedReadSegmentSet & info->SupportedWriteSegmentSet;
    placed.eviction_segments = info->EvictionSegmentSet;
    placed.preferred = info->PreferredSegment.Value;
    placed.hinted_bank = info->HintedBank.Value;
    placed.flags = info->Flags.Value;
    placed.driver_allocation = (uint64_t)(uintptr_t)info->hAllocation;
    st = dxgk_vm_user_allocate(&placed, &kmt);
    if (st == STATUS_SUCCESS) {
        vm_adapter *a;
        vm_alloc *al = dxgk_vm__acquire(dxgk_vm_kmt_object(kmt, &type), DXGK_VM_T_ALLOCATION,
                                        &a);
        if (al) {
            al->drv_live = 1;   /* from now on its teardown calls DxgkDdiDestroyAllocation */
            dxgk_vm__release(a);
        } else {
            st = STATUS_INVALID_HANDLE;     /* destroyed meanwhile */
        }
    }
    if (st == STATUS_SUCCESS)
        *out_kmt = kmt;
    return st;
}

NTSTATUS dxgk_drv_user_allocate(const void *create_args, uint32_t *out_kmt)
{
    const dxgk_vm_create_args *c = create_args;
    dxgk_drv *d;
    DXGK_ALLOCATIONINFO info;
    uint32_t kmt = 0;
    uint64_t hdrv;
    NTSTATUS st;
    if (!c || !out_kmt)
        return STATUS_INVALID_PARAMETER;
    d = dxgk_drv__of(c->device, DXGK_VM_T_DEVICE);
    if ((st = dxgk_drv__usable(d)) != STATUS_SUCCESS)
        return st;
    if (!d->ddi.DxgkDdiCreateAllocation) {
        st = dxgk_vm_user_allocate(c, out_kmt);
        dxgk_drv__put(d);
        return st;
    }
    /* the caller's placement as a proposal the driver may change (docs/behaviour.md 10.1) */
    memset(&info, 0, sizeof info);
    info.Size = (SIZE_T)c->size;
    info.Alignment = c->alignment;
    info.SupportedReadSegmentSet = c->supported_segments;
    info.SupportedWriteSegmentSet = c->supported_segments;
    info.EvictionSegmentSet = c->eviction_segments;
    info.PreferredSegment.Value = c->preferred;
    info.HintedBank.Value = c->hinted_bank;
    info.Flags.Value = c->flags;
    st = dxgk_drv__create_allocation(d, c->device, NULL, 0, 1, &info);
    hdrv = (uint64_t)(uintptr_t)info.hAllocation;
    if (st != STATUS_SUCCESS) {
        dxgk_drv__put(d);
        return st;
    }
    st = dxgk_drv__place(c, &info, &kmt);
    if (st != STATUS_SUCCESS)   /* the model could not take it: undo the driver's */
        dxgk_drv__gone(d, DXGK_DRV_GONE_ALLOCATION, hdrv);
    dxgk_drv__deliver(d);
    dxgk_drv__put(d);
    if (st == STATUS_SUCCESS)
        *out_kmt = kmt;
    return st;
}

NTSTATUS dxgk_drv_user_deallocate(uint32_t device, uint32_t allocation)
{
    uint32_t type = 0;
    uint64_t h = dxgk_vm_kmt_object(device, &type);
    dxgk_drv *d = type == DXGK_VM_T_DEVICE ? dxgk_drv__of(h, DXGK_VM_T_DEVICE) : NULL;
    return destroyed(d, dxgk_vm_user_deallocate(device, allocation));
}


/* ---- the paging stream (docs/behaviour.md 10.2) ------------------------------------------ */

#define PG_DMA_SIZE 65536u          /* [choice] a zeroed 64 KB buffer each time */
#define PG_MAX_STUCK 64u            /* [choice] asks without progress before a fault */
#define PG_DMA_GUARD 64u            /* bytes past pDmaBuffer checked after each ask */

/* The DMA buffer of one delivery: zero past `dirty` (docs/behaviour.md 10.2: [choice]
 * before each ask the model zeroes only the bytes the driver may have written -- up to
 * where it left pDmaBuffer, or all of them when any of the PG_DMA_GUARD bytes past that
 * point is not zero). */
typedef struct pg_dma {
    uint8_t *buf;
    size_t dirty;
    DXGK_PTE *ents;             /* where linear runs are expanded (dxgk_pg__expand) */
    size_t capents;
} pg_dma;

/* After an ask that left pDmaBuffer at `end` bytes into the buffer: what may be dirty. */
static void dma_note(pg_dma *m, size_t end)
{
    const size_t stop = end + PG_DMA_GUARD < PG_DMA_SIZE ? end + PG_DMA_GUARD : PG_DMA_SIZE;
    uint64_t any = 0, w;
    size_t i = end;
    for (; i + sizeof w <= stop; i += sizeof w) {     /* a word at a time */
        memcpy(&w, m->buf + i, sizeof w);
        any |= w;
    }
    for (; i < stop; i++)
        any |= m->buf[i];
    m->dirty = any ? PG_DMA_SIZE : (end > m->dirty ? end : m->dirty);
}

/* One operation through DxgkDdiBuildPagingBuffer: 0, or -1 once it faulted. */
static int build_one(dxgk_drv *d, const dxgk_pg_item *it, pg_dma *m)
{
    static const DXGKARG_BUILDPAGINGBUFFER zero;
    DXGKARG_BUILDPAGINGBUFFER b = zero;
    unsigned stuck = 0;
    uint8_t *const dma = m->buf;
    b.Operation = (DXGK_BUILDPAGINGBUFFER_OPERATION)it->operation;
    switch (it->operation) {
    case DXGK_PG_OP_UPDATE_PAGE_TABLE:
        b.UpdatePageTable = it->args.upt;
        b.UpdatePageTable.pPageTableEntries = (DXGK_PTE *)dxgk_pg__expand(it, &m->ents,
                                                                          &m->capents);
        if (!b.UpdatePageTable.pPageTableEntries) {
            dxgk_drv__fault_rec(d, dxgk_drv__seq(d), DXGK_DRV_DDI_BUILD_PAGING_BUFFER,
                                it->operation, 0, 0,
                                "the model had no host memory for a paging operation's entries");
            return -1;
        }
        break;
    case DXGK_PG_OP_FLUSH_TLB: b.FlushTlb = it->args.flush; break;
    case DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION: b.UpdateContextAllocation = it->args.uca; break;
    default: b.NotifyResidency = it->args.nr; break;
    }
    for (;;) {
        const UINT before = b.MultipassOffset;
        char why[DXGK_DRV_DETAIL_MAX];
        memset(dma, 0, m->dirty);
        m->dirty = 0;
        b.pDmaBuffer = dma;
        b.DmaSize = PG_DMA_SIZE;
        const uint64_t seq = dxgk_drv__seq(d);
        const NTSTATUS st = d->ddi.DxgkDdiBuildPagingBuffer(d->miniport, &b);
        const uintptr_t end = (uintptr_t)b.pDmaBuffer, start = (uintptr_t)dma;
        dxgk_drv__log(d, seq, DXGK_DRV_DDI_BUILD_PAGING_BUFFER, it->process, it->operation,
                      (uint32_t)st, &b, sizeof b);
        if (end < start || end - start > PG_DMA_SIZE)
            m->dirty = PG_DMA_SIZE;
        else
            dma_note(m, end - start);
        if (dxgk_drv__is_removed(d))            /* a Python driver's fault, recorded */
            return -1;
        if (end < start || end - start > PG_DMA_SIZE) {
            snprintf(why, sizeof why, "pDmaBuffer left %s the DMA buffer it was given",
                     end < start ? "before" : "past the end of");
            dxgk_drv__fault_rec(d, seq, DXGK_DRV_DDI_BUILD_PAGING_BUFFER, it->operation,
                                (int32_t)st, 1, why);
            return -1;
        }
        dxgk_drv__dma_submitted(d, it->sequence, st, dma, end - start);
        if (st == STATUS_SUCCESS)
            return 0;
        if (st == STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER) {
            /* the used part is submitted; asked again from where the driver left off */
            stuck = (end != start || b.MultipassOffset != before) ? 0 : stuck + 1;
            if (stuck <= PG_MAX_STUCK)
                continue;
            snprintf(why, sizeof why, "STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER %u times "
                     "without progress", PG_MAX_STUCK + 1);
        } else {
            snprintf(why, sizeof why, "DxgkDdiBuildPagingBuffer failed");
        }
        dxgk_drv__fault_rec(d, seq, DXGK_DRV_DDI_BUILD_PAGING_BUFFER, it->operation,
                            (int32_t)st, 1, why);
        return -1;
    }
}

void dxgk_drv__paging(dxgk_drv *d, struct dxgk_pg_item *items, size_t n, uint64_t lost)
{
    pg_dma m = {NULL, 0, NULL, 0};
    if (dxgk_drv__is_removed(d) || !d->ddi.DxgkDdiBuildPagingBuffer)
        return;
    if (lost) {
        dxgk_drv__fault_rec(d, dxgk_drv__seq(d), DXGK_DRV_DDI_BUILD_PAGING_BUFFER, 0, 0, 0,
                            "the model had no host memory to queue a paging operation");
        return;
    }
    /* the record's buffer when no other delivery is using it, else one of its own */
    pthread_mutex_lock(&d->lock);
    m.buf = d->dma;
    m.dirty = d->dma_dirty;
    m.ents = d->ents;
    m.capents = d->capents;
    d->dma = NULL;
    d->ents = NULL;
    d->capents = 0;
    pthread_mutex_unlock(&d->lock);
    if (!m.buf && !(m.buf = calloc(1, PG_DMA_SIZE))) {
        dxgk_drv__fault_rec(d, dxgk_drv__seq(d), DXGK_DRV_DDI_BUILD_PAGING_BUFFER, 0, 0, 0,
                            "the model had no host memory for a DMA buffer");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (build_one(d, &items[i], &m) != 0)
            break;
    pthread_mutex_lock(&d->lock);
    if (!d->dma) {
        d->dma = m.buf;
        d->dma_dirty = m.dirty;
        m.buf = NULL;
    }
    if (!d->ents) {
        d->ents = m.ents;
        d->capents = m.capents;
        m.ents = NULL;
    }
    pthread_mutex_unlock(&d->lock);
    free(m.buf);
    free(m.ents);
}
