/*
 * driver.c -- the model as the VidMm of a real kernel-mode driver (docs/behaviour.md 10.1,
 * 10.3): it keeps the driver's DRIVER_INITIALIZATION_DATA, logs every DDI call made on
 * it and records its faults.
 *
 * What it owns: the per-adapter driver record (dxgk_drv, driver_impl.h: the table, the
 * MiniportDeviceContext, the call log, the faults, the removed flag, the queue of
 * destroy DDIs a teardown caused), the attach, and the delivery of the destroy DDIs.
 * The calls of the bring-up and of the objects are driver_objects.c's. The model objects
 * are vidmm.c's; the driver files only store the driver's handles in them.
 *
 * Invariants kept:
 *   - no DDI is called with an adapter lock or the record's lock held (the record's lock
 *     is a leaf lock, taken inside an adapter lock or alone, never around a call);
 *   - a create whose DDI fails (or faults) leaves the model as it was: the model object
 *     made first is destroyed again, and nothing the driver did not create is destroyed
 *     through the driver (drv_live marks what it did create);
 *   - once the adapter is removed by a fault, the driver is never called again.
 */
#include "driver_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddi.h"
#include "vidmm.h"
#include "vidmm_impl.h"

/* The sequence number of the DDI call this thread is making (a fault reported from
 * inside it carries it). */
static _Thread_local uint64_t t_seq;

/* Set once any adapter has been removed: until then dxgk_drv_removed answers without a
 * lock (every DxgkCb* callback asks it). */
static int g_any_removed;

/* A driver fault was recorded on this thread since dxgk_drv_call_begin. */
static _Thread_local int t_faulted;

void dxgk_drv_call_begin(void)
{
    t_faulted = 0;
}

int dxgk_drv_call_faulted(void)
{
    int f = t_faulted;
    t_faulted = 0;
    return f;
}

/* ---- the record ----------------------------------------------------------------------- */

void dxgk_drv__put(dxgk_drv *d)
{
    int last;
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    last = --d->refs == 0;
    pthread_mutex_unlock(&d->lock);
    if (last) {
        pthread_mutex_destroy(&d->lock);
        free(d->log);
        free(d->dma);
        free(d->ents);
        dxgk_drv__dma_free(d);
        free(d->faults);
        free(d->queue);
        free(d);
    }
}

void dxgk_drv__unref(dxgk_drv *d)
{
    dxgk_drv__put(d);
}

dxgk_drv *dxgk_drv__hold(dxgk_drv *d)
{
    if (d) {
        pthread_mutex_lock(&d->lock);
        d->refs++;
        pthread_mutex_unlock(&d->lock);
    }
    return d;
}

/* The driver record of the adapter of object h (of `type`), with a reference; NULL if
 * h is not live or its adapter has no driver. */
dxgk_drv *dxgk_drv__of(uint64_t h, uint32_t type)
{
    vm_adapter *a = NULL;
    dxgk_drv *d = NULL;
    if (type == DXGK_VM_T_ADAPTER)
        a = dxgk_vm__adapter_acquire_any(h);
    else if (!dxgk_vm__acquire(h, type, &a))
        a = NULL;
    if (!a)
        return NULL;
    d = a->drv;
    if (d) {
        pthread_mutex_lock(&d->lock);
        d->refs++;
        pthread_mutex_unlock(&d->lock);
    }
    dxgk_vm__release(a);
    return d;
}

int dxgk_drv__is_removed(dxgk_drv *d)
{
    return __atomic_load_n(&d->removed, __ATOMIC_ACQUIRE);
}

uint64_t dxgk_drv__seq(dxgk_drv *d)
{
    uint64_t s;
    pthread_mutex_lock(&d->lock);
    s = d->seq++;
    pthread_mutex_unlock(&d->lock);
    t_seq = s;
    return s;
}

void dxgk_drv__log(dxgk_drv *d, uint64_t seq, uint32_t ddi, uint64_t h0, uint64_t h1,
                   uint64_t result, const void *args, size_t size)
{
    dxgk_drv_call *c;
    pthread_mutex_lock(&d->lock);
    if (!d->log)
        d->log = calloc(DXGK_DRV_LOG_MAX, sizeof *d->log);
    if (d->log) {
        if (d->nlog < DXGK_DRV_LOG_MAX) {
            c = &d->log[(d->log_first + d->nlog++) % DXGK_DRV_LOG_MAX];
        } else {            /* the newest DXGK_DRV_LOG_MAX calls are kept */
            c = &d->log[d->log_first];
            d->log_first = (d->log_first + 1) % DXGK_DRV_LOG_MAX;
        }
        c->sequence = seq;
        c->ddi = ddi;
        c->handle0 = h0;
        c->handle1 = h1;
        c->result = result;
        c->args_size = (uint32_t)(size < DXGK_DRV_ARGS_MAX ? size : DXGK_DRV_ARGS_MAX);
        const uint32_t copied = args ? c->args_size : 0;
        if (copied)
            memcpy(c->args, args, copied);
        memset(c->args + copied, 0, DXGK_DRV_ARGS_MAX - copied);
    }
    pthread_mutex_unlock(&d->lock);
}

void dxgk_drv__fault_rec(dxgk_drv *d, uint64_t seq, uint32_t ddi, uint32_t operation,
                         int32_t status, int has_status, const char *detail)
{
    pthread_mutex_lock(&d->lock);
    if (d->nfaults == d->capfaults) {
        uint64_t cap = d->capfaults ? d->capfaults * 2 : 4;
        dxgk_drv_fault_info *f = realloc(d->faults, cap * sizeof *f);
        if (f) {
            d->faults = f;
            d->capfaults = cap;
        }
    }
    if (d->nfaults < d->capfaults) {
        dxgk_drv_fault_info *f = &d->faults[d->nfaults++];
        memset(f, 0, sizeof *f);
        f->sequence = seq;
        f->ddi = ddi;
        f->operation = operation;
        f->status = status;
        f->has_status = has_status ? 1u : 0u;
        snprintf(f->detail, sizeof f->detail, "%s", detail ? detail : "");
    }
    pthread_mutex_unlock(&d->lock);
    t_faulted = 1;
    __atomic_store_n(&d->removed, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&g_any_removed, 1, __ATOMIC_RELEASE);
}

NTSTATUS dxgk_drv_fault(uint64_t adapter, uint32_t ddi, uint32_t operation, int32_t status,
                        int has_status, const char *detail)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    if (!d)
        return STATUS_INVALID_HANDLE;
    dxgk_drv__fault_rec(d, t_seq, ddi, operation, status, has_status, detail);
    dxgk_drv__put(d);
    return STATUS_SUCCESS;
}

int dxgk_drv_removed(uint64_t h)
{
    uint32_t type;
    if (!__atomic_load_n(&g_any_removed, __ATOMIC_ACQUIRE))
        return 0;
    type = dxgk_vm_handle_type(h);
    dxgk_drv *d = type ? dxgk_drv__of(h, type) : NULL;
    int r = d ? dxgk_drv__is_removed(d) : 0;
    dxgk_drv__put(d);
    return r;
}

int dxgk_drv_removed_kmt(uint32_t kmt)
{
    if (!__atomic_load_n(&g_any_removed, __ATOMIC_ACQUIRE))
        return 0;
    return dxgk_drv_removed(dxgk_vm_kmt_object(kmt, NULL));
}

void dxgk_drv__gone(dxgk_drv *d, uint32_t kind, uint64_t handle)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    if (d->nqueue == d->capqueue) {
        uint64_t cap = d->capqueue ? d->capqueue * 2 : 16;
        gone *q = realloc(d->queue, cap * sizeof *q);
        if (q) {
            d->queue = q;
            d->capqueue = cap;
        }
    }
    if (d->nqueue < d->capqueue) {   /* out of memory: the driver is not told */
        d->queue[d->nqueue].kind = kind;
        d->queue[d->nqueue].handle = handle;
        d->nqueue++;
    }
    pthread_mutex_unlock(&d->lock);
}

/* A destroy DDI's failure: the model's object is gone already and Windows gives a
 * destroy no way to fail, so it is a driver fault (docs/behaviour.md 10.1 [choice]). */
static void destroy_answer(dxgk_drv *d, uint64_t seq, uint32_t ddi, NTSTATUS st)
{
    if (st != STATUS_SUCCESS && !dxgk_drv__is_removed(d))
        dxgk_drv__fault_rec(d, seq, ddi, 0, st, 1, "a destroy DDI failed");
}

/* One queued destroy DDI, with no lock held. */
static void deliver_one(dxgk_drv *d, const gone *g)
{
    uint64_t seq;
    NTSTATUS st;
    HANDLE h = (HANDLE)(uintptr_t)g->handle;
    if (dxgk_drv__is_removed(d))
        return;             /* a removed adapter's driver is not called again */
    switch (g->kind) {
    case DXGK_DRV_GONE_ALLOCATION:
        if (d->ddi.DxgkDdiDestroyAllocation) {
            HANDLE list[1] = {h};
            DXGKARG_DESTROYALLOCATION args;
            memset(&args, 0, sizeof args);
            args.NumAllocations = 1;
            args.pAllocationList = list;
            seq = dxgk_drv__seq(d);
            st = d->ddi.DxgkDdiDestroyAllocation(d->miniport, &args);
            dxgk_drv__log(d, seq, DXGK_DRV_DDI_DESTROY_ALLOCATION, g->handle, 0, (uint32_t)st,
                          &args, sizeof args);
            destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_ALLOCATION, st);
        }
        break;
    case DXGK_DRV_GONE_CONTEXT:
        if (d->ddi.DxgkDdiDestroyContext) {
            seq = dxgk_drv__seq(d);
            st = d->ddi.DxgkDdiDestroyContext(h);
            dxgk_drv__log(d, seq, DXGK_DRV_DDI_DESTROY_CONTEXT, g->handle, 0, (uint32_t)st,
                          NULL, 0);
            destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_CONTEXT, st);
        }
        break;
    case DXGK_DRV_GONE_DEVICE:
        if (d->ddi.DxgkDdiDestroyDevice) {
            seq = dxgk_drv__seq(d);
            st = d->ddi.DxgkDdiDestroyDevice(h);
            dxgk_drv__log(d, seq, DXGK_DRV_DDI_DESTROY_DEVICE, g->handle, 0, (uint32_t)st,
                          NULL, 0);
            destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_DEVICE, st);
        }
        break;
    case DXGK_DRV_GONE_PROCESS:
        if (d->ddi.DxgkDdiDestroyProcess) {
            seq = dxgk_drv__seq(d);
            st = d->ddi.DxgkDdiDestroyProcess(d->miniport, h);
            dxgk_drv__log(d, seq, DXGK_DRV_DDI_DESTROY_PROCESS, g->handle, 0, (uint32_t)st,
                          NULL, 0);
            destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_PROCESS, st);
        }
        break;
    default:
        break;
    }
}

/* Delivers the queued destroy DDIs, oldest first: the queue is taken whole under the
 * lock (so a teardown of n objects costs O(n)), then called with no lock held; whatever a
 * DDI queues meanwhile is taken on the next round. */
void dxgk_drv__deliver(dxgk_drv *d)
{
    for (;;) {
        gone *batch;
        uint64_t n;
        pthread_mutex_lock(&d->lock);
        batch = d->queue;
        n = d->nqueue;
        d->queue = NULL;
        d->nqueue = d->capqueue = 0;
        pthread_mutex_unlock(&d->lock);
        if (!n) {
            free(batch);
            return;
        }
        for (uint64_t i = 0; i < n; i++)
            deliver_one(d, &batch[i]);
        free(batch);
    }
}

/* ---- attaching and bring-up -------------------------------------------------------- */

/* The interface versions a driver may declare, with the pointer count of the table at
 * that version (dispmprt.h's block list); GpuMmu needs WDDM 2.0. */
static const struct { ULONG version; uint32_t pointers; } k_versions[] = {
    {DXGKDDI_INTERFACE_VERSION_WDDM2_0, 103},  {DXGKDDI_INTERFACE_VERSION_WDDM2_1, 109},
    {DXGKDDI_INTERFACE_VERSION_WDDM2_1_5, 109}, {DXGKDDI_INTERFACE_VERSION_WDDM2_1_6, 109},
    {DXGKDDI_INTERFACE_VERSION_WDDM2_2, 128},  {DXGKDDI_INTERFACE_VERSION_WDDM2_3, 131},
    {DXGKDDI_INTERFACE_VERSION_WDDM2_4, 143},  {DXGKDDI_INTERFACE_VERSION_WDDM2_5, 148},
    {DXGKDDI_INTERFACE_VERSION_WDDM2_6, 152},  {DXGKDDI_INTERFACE_VERSION_WDDM2_7, 153},
    {DXGKDDI_INTERFACE_VERSION_WDDM2_8, 153},  {DXGKDDI_INTERFACE_VERSION_WDDM2_9, 157},
    {DXGKDDI_INTERFACE_VERSION_WDDM3_0, 161},  {DXGKDDI_INTERFACE_VERSION_WDDM3_1, 171},
    {DXGKDDI_INTERFACE_VERSION_WDDM3_2, 192},
};

_Static_assert(sizeof(DRIVER_INITIALIZATION_DATA) ==
                   offsetof(DRIVER_INITIALIZATION_DATA, DxgkDdiAddDevice) + 192 * sizeof(void *),
               "the newest table has 192 DDI pointers");

NTSTATUS dxgk_drv_attach(const DRIVER_INITIALIZATION_DATA *did, size_t size,
                         uint64_t *out_adapter, char *msg, size_t msg_size)
{
    const size_t head = offsetof(DRIVER_INITIALIZATION_DATA, DxgkDdiAddDevice);
    size_t need = 0;
    dxgk_drv *d;
    vm_adapter *a;
    uint64_t h = 0;
    NTSTATUS st;
    dxgk_vm__set_msg(msg, msg_size, "%s", "");
    if (!did || !out_adapter || size < sizeof(ULONG)) {
        dxgk_vm__set_msg(msg, msg_size, "a DRIVER_INITIALIZATION_DATA of at least its Version "
                         "member is required; got %zu bytes", did ? size : 0);
        return STATUS_INVALID_PARAMETER;
    }
    for (size_t i = 0; i < sizeof k_versions / sizeof k_versions[0]; i++)
        if (k_versions[i].version == did->Version)
            need = head + k_versions[i].pointers * sizeof(void *);
    if (!need) {
        dxgk_vm__set_msg(msg, msg_size, "DRIVER_INITIALIZATION_DATA.Version %#lx is not a "
                         "DXGKDDI_INTERFACE_VERSION from WDDM 2.0 (%#x) to %#x",
                         (unsigned long)did->Version, DXGKDDI_INTERFACE_VERSION_WDDM2_0,
                         DXGKDDI_INTERFACE_VERSION);
        return STATUS_INVALID_PARAMETER;
    }
    if (size < need) {
        dxgk_vm__set_msg(msg, msg_size, "DRIVER_INITIALIZATION_DATA of Version %#lx is %zu "
                         "bytes; got %zu", (unsigned long)did->Version, need, size);
        return STATUS_INVALID_PARAMETER;
    }
    d = calloc(1, sizeof *d);
    if (!d)
        return STATUS_NO_MEMORY;
    pthread_mutex_init(&d->lock, NULL);
    d->refs = 1;            /* the adapter's */
    d->dma_keep = DXGK_PG_DEFAULT_CAPACITY;     /* a new adapter's log (paging.h) */
    /* members past the declared version are not the driver's: they stay NULL */
    memcpy(&d->ddi, did, need);
    st = dxgk_vm_adapter_reserve(&h);
    if (st != STATUS_SUCCESS) {
        dxgk_drv__put(d);
        return st;
    }
    a = dxgk_vm__adapter_acquire_any(h);
    if (!a) {               /* (cannot happen: nobody else knows h yet) */
        dxgk_drv__put(d);
        dxgk_vm_adapter_destroy(h);
        return STATUS_INVALID_HANDLE;
    }
    d->adapter = h;
    a->drv = d;
    dxgk_pg__set_delivery(a, d->ddi.DxgkDdiBuildPagingBuffer != NULL);
    dxgk_vm__release(a);
    *out_adapter = h;
    return STATUS_SUCCESS;
}

static const void *slot_of(const DRIVER_INITIALIZATION_DATA *t, uint32_t ddi)
{
    switch (ddi) {
    case DXGK_DRV_DDI_ADD_DEVICE: return (const void *)t->DxgkDdiAddDevice;
    case DXGK_DRV_DDI_START_DEVICE: return (const void *)t->DxgkDdiStartDevice;
    case DXGK_DRV_DDI_STOP_DEVICE: return (const void *)t->DxgkDdiStopDevice;
    case DXGK_DRV_DDI_REMOVE_DEVICE: return (const void *)t->DxgkDdiRemoveDevice;
    case DXGK_DRV_DDI_QUERY_ADAPTER_INFO: return (const void *)t->DxgkDdiQueryAdapterInfo;
    case DXGK_DRV_DDI_CREATE_PROCESS: return (const void *)t->DxgkDdiCreateProcess;
    case DXGK_DRV_DDI_DESTROY_PROCESS: return (const void *)t->DxgkDdiDestroyProcess;
    case DXGK_DRV_DDI_CREATE_DEVICE: return (const void *)t->DxgkDdiCreateDevice;
    case DXGK_DRV_DDI_DESTROY_DEVICE: return (const void *)t->DxgkDdiDestroyDevice;
    case DXGK_DRV_DDI_CREATE_CONTEXT: return (const void *)t->DxgkDdiCreateContext;
    case DXGK_DRV_DDI_DESTROY_CONTEXT: return (const void *)t->DxgkDdiDestroyContext;
    case DXGK_DRV_DDI_CREATE_ALLOCATION: return (const void *)t->DxgkDdiCreateAllocation;
    case DXGK_DRV_DDI_DESTROY_ALLOCATION: return (const void *)t->DxgkDdiDestroyAllocation;
    case DXGK_DRV_DDI_SET_ROOT_PAGE_TABLE: return (const void *)t->DxgkDdiSetRootPageTable;
    case DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE:
        return (const void *)t->DxgkDdiGetRootPageTableSize;
    case DXGK_DRV_DDI_BUILD_PAGING_BUFFER: return (const void *)t->DxgkDdiBuildPagingBuffer;
    default: return NULL;
    }
}

int dxgk_drv_provides(uint64_t adapter, uint32_t ddi)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    int r = d && slot_of(&d->ddi, ddi) != NULL;
    dxgk_drv__put(d);
    return r;
}

/* A failed call's status: the driver's own, or STATUS_DEVICE_REMOVED once it faulted. */
NTSTATUS dxgk_drv__answer(dxgk_drv *d, NTSTATUS st)
                          {
                          return dxgk_drv__is_removed(d) ? STATUS_DEVICE_REMOVED : st;
}

/* ---- state ------------------------------------------------------------------------------ */

NTSTATUS dxgk_drv_call_get(uint64_t adapter, uint64_t index, dxgk_drv_call *out)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (!d)
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&d->lock);
    if (out && index < d->nlog) {
        *out = d->log[(d->log_first + index) % DXGK_DRV_LOG_MAX];
        st = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&d->lock);
    dxgk_drv__put(d);
    return st;
}

NTSTATUS dxgk_drv_fault_get(uint64_t adapter, uint64_t index, dxgk_drv_fault_info *out)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (!d)
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&d->lock);
    if (out && index < d->nfaults) {
        *out = d->faults[index];
        st = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&d->lock);
    dxgk_drv__put(d);
    return st;
}
