/*
 * driver.c -- the model as the VidMm of a real kernel-mode driver (docs/behaviour.md 10.1,
 * 10.3): it keeps the driver's DRIVER_INITIALIZATION_DATA, calls its bring-up DDIs, its
 * object DDIs and its root page table DDIs, logs every call and records its faults.
 *
 * What it owns: the per-adapter driver record (dxgk_drv: the table, the
 * MiniportDeviceContext, the call log, the faults, the removed flag, the queue of
 * destroy DDIs a teardown caused) and the order of the calls. The model objects are
 * vidmm.c's; this file only stores the driver's handles in them (vidmm_impl.h).
 *
 * Invariants kept:
 *   - no DDI is called with an adapter lock or the record's lock held (the record's lock
 *     is a leaf lock, taken inside an adapter lock or alone, never around a call);
 *   - a create whose DDI fails (or faults) leaves the model as it was: the model object
 *     made first is destroyed again, and nothing the driver did not create is destroyed
 *     through the driver (drv_live marks what it did create);
 *   - once the adapter is removed by a fault, the driver is never called again.
 */
#include "driver.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddi.h"
#include "vidmm.h"
#include "vidmm_impl.h"

typedef struct gone {
    uint32_t kind;
    uint64_t handle;
} gone;

struct dxgk_drv {
    pthread_mutex_t lock;          /* leaf: refs, seq, log, faults, queue */
    uint64_t refs;
    uint64_t adapter;
    DRIVER_INITIALIZATION_DATA ddi;  /* immutable after attach: read without the lock */
    PVOID miniport;                /* MiniportDeviceContext from DxgkDdiAddDevice */
    int added, started;
    int removed;                   /* atomic */
    uint64_t seq;
    dxgk_drv_call *log;            /* ring of DXGK_DRV_LOG_MAX */
    uint64_t nlog, log_first;      /* kept entries; ring index of the oldest */
    dxgk_drv_fault_info *faults;
    uint64_t nfaults, capfaults;
    gone *queue;
    uint64_t nqueue, capqueue;
};

/* The sequence number of the DDI call this thread is making (a fault reported from
 * inside it carries it). */
static _Thread_local uint64_t t_seq;

/* ---- the record ----------------------------------------------------------------------- */

static void drv_put(dxgk_drv *d)
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
        free(d->faults);
        free(d->queue);
        free(d);
    }
}

void dxgk_drv__unref(dxgk_drv *d)
{
    drv_put(d);
}

/* The driver record of the adapter of object h (of `type`), with a reference; NULL if
 * h is not live or its adapter has no driver. */
static dxgk_drv *drv_of(uint64_t h, uint32_t type)
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

static int is_removed(dxgk_drv *d)
{
    return __atomic_load_n(&d->removed, __ATOMIC_ACQUIRE);
}

static uint64_t next_seq(dxgk_drv *d)
{
    uint64_t s;
    pthread_mutex_lock(&d->lock);
    s = d->seq++;
    pthread_mutex_unlock(&d->lock);
    t_seq = s;
    return s;
}

static void log_call(dxgk_drv *d, uint64_t seq, uint32_t ddi, uint64_t h0, uint64_t h1,
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
        memset(c, 0, sizeof *c);
        c->sequence = seq;
        c->ddi = ddi;
        c->handle0 = h0;
        c->handle1 = h1;
        c->result = result;
        c->args_size = (uint32_t)(size < DXGK_DRV_ARGS_MAX ? size : DXGK_DRV_ARGS_MAX);
        if (args)
            memcpy(c->args, args, c->args_size);
    }
    pthread_mutex_unlock(&d->lock);
}

static void fault(dxgk_drv *d, uint64_t seq, uint32_t ddi, uint32_t operation, int32_t status,
                  int has_status, const char *detail)
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
    __atomic_store_n(&d->removed, 1, __ATOMIC_RELEASE);
}

NTSTATUS dxgk_drv_fault(uint64_t adapter, uint32_t ddi, uint32_t operation, int32_t status,
                        int has_status, const char *detail)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    if (!d)
        return STATUS_INVALID_HANDLE;
    fault(d, t_seq, ddi, operation, status, has_status, detail);
    drv_put(d);
    return STATUS_SUCCESS;
}

int dxgk_drv_removed(uint64_t h)
{
    uint32_t type = dxgk_vm_handle_type(h);
    dxgk_drv *d = type ? drv_of(h, type) : NULL;
    int r = d ? is_removed(d) : 0;
    drv_put(d);
    return r;
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
    if (st != STATUS_SUCCESS && !is_removed(d))
        fault(d, seq, ddi, 0, st, 1, "a destroy DDI failed");
}

/* Delivers the queued destroy DDIs, oldest first, each with no lock held. */
static void deliver(dxgk_drv *d)
{
    for (;;) {
        gone g;
        uint64_t seq;
        NTSTATUS st;
        pthread_mutex_lock(&d->lock);
        if (!d->nqueue) {
            pthread_mutex_unlock(&d->lock);
            return;
        }
        g = d->queue[0];
        memmove(d->queue, d->queue + 1, (d->nqueue - 1) * sizeof *d->queue);
        d->nqueue--;
        pthread_mutex_unlock(&d->lock);
        if (is_removed(d))
            continue;       /* a removed adapter's driver is not called again */
        switch (g.kind) {
        case DXGK_DRV_GONE_ALLOCATION:
            if (d->ddi.DxgkDdiDestroyAllocation) {
                HANDLE list[1] = {(HANDLE)(uintptr_t)g.handle};
                DXGKARG_DESTROYALLOCATION args;
                memset(&args, 0, sizeof args);
                args.NumAllocations = 1;
                args.pAllocationList = list;
                seq = next_seq(d);
                st = d->ddi.DxgkDdiDestroyAllocation(d->miniport, &args);
                log_call(d, seq, DXGK_DRV_DDI_DESTROY_ALLOCATION, g.handle, 0, (uint32_t)st,
                         &args, sizeof args);
                destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_ALLOCATION, st);
            }
            break;
        case DXGK_DRV_GONE_CONTEXT:
            if (d->ddi.DxgkDdiDestroyContext) {
                seq = next_seq(d);
                st = d->ddi.DxgkDdiDestroyContext((HANDLE)(uintptr_t)g.handle);
                log_call(d, seq, DXGK_DRV_DDI_DESTROY_CONTEXT, g.handle, 0, (uint32_t)st,
                         NULL, 0);
                destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_CONTEXT, st);
            }
            break;
        case DXGK_DRV_GONE_DEVICE:
            if (d->ddi.DxgkDdiDestroyDevice) {
                seq = next_seq(d);
                st = d->ddi.DxgkDdiDestroyDevice((HANDLE)(uintptr_t)g.handle);
                log_call(d, seq, DXGK_DRV_DDI_DESTROY_DEVICE, g.handle, 0, (uint32_t)st,
                         NULL, 0);
                destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_DEVICE, st);
            }
            break;
        case DXGK_DRV_GONE_PROCESS:
            if (d->ddi.DxgkDdiDestroyProcess) {
                seq = next_seq(d);
                st = d->ddi.DxgkDdiDestroyProcess(d->miniport, (HANDLE)(uintptr_t)g.handle);
                log_call(d, seq, DXGK_DRV_DDI_DESTROY_PROCESS, g.handle, 0, (uint32_t)st,
                         NULL, 0);
                destroy_answer(d, seq, DXGK_DRV_DDI_DESTROY_PROCESS, st);
            }
            break;
        default:
            break;
        }
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
    /* members past the declared version are not the driver's: they stay NULL */
    memcpy(&d->ddi, did, need);
    st = dxgk_vm_adapter_reserve(&h);
    if (st != STATUS_SUCCESS) {
        drv_put(d);
        return st;
    }
    a = dxgk_vm__adapter_acquire_any(h);
    if (!a) {               /* (cannot happen: nobody else knows h yet) */
        drv_put(d);
        dxgk_vm_adapter_destroy(h);
        return STATUS_INVALID_HANDLE;
    }
    d->adapter = h;
    a->drv = d;
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
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    int r = d && slot_of(&d->ddi, ddi) != NULL;
    drv_put(d);
    return r;
}

/* A failed call's status: the driver's own, or STATUS_DEVICE_REMOVED once it faulted. */
static NTSTATUS answer(dxgk_drv *d, NTSTATUS st)
{
    return is_removed(d) ? STATUS_DEVICE_REMOVED : st;
}

NTSTATUS dxgk_drv_add_device(uint64_t adapter)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_SUCCESS;
    uint64_t seq;
    PVOID ctx = NULL;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (d->ddi.DxgkDdiAddDevice) {
        /* no physical device object is modelled: NULL (docs/behaviour.md 10.1) */
        seq = next_seq(d);
        st = answer(d, d->ddi.DxgkDdiAddDevice(NULL, &ctx));
        log_call(d, seq, DXGK_DRV_DDI_ADD_DEVICE, 0, (uint64_t)(uintptr_t)ctx, (uint32_t)st,
                 NULL, 0);
    }
    if (st == STATUS_SUCCESS) {
        d->miniport = ctx;
        d->added = 1;
    }
    drv_put(d);
    return st;
}

NTSTATUS dxgk_drv_start_device(uint64_t adapter)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_SUCCESS;
    if (!d)
        return STATUS_INVALID_HANDLE;
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
        seq = next_seq(d);
        st = answer(d, d->ddi.DxgkDdiStartDevice(d->miniport, &info, &iface, &sources,
                                                 &children));
        log_call(d, seq, DXGK_DRV_DDI_START_DEVICE, (uint64_t)(uintptr_t)d->miniport, 0,
                 (uint32_t)st, &info, sizeof info);
    }
    if (st == STATUS_SUCCESS)
        d->started = 1;
    drv_put(d);
    return st;
}

NTSTATUS dxgk_drv_query_adapter_info(uint64_t adapter, uint32_t type, void *input,
                                     uint32_t input_size, void *output, uint32_t output_size)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    DXGKARG_QUERYADAPTERINFO q;
    NTSTATUS st;
    uint64_t seq;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (!d->ddi.DxgkDdiQueryAdapterInfo) {
        drv_put(d);
        return STATUS_NOT_SUPPORTED;
    }
    memset(&q, 0, sizeof q);
    q.Type = (DXGK_QUERYADAPTERINFOTYPE)type;
    q.pInputData = input;
    q.InputDataSize = input_size;
    q.pOutputData = output;
    q.OutputDataSize = output_size;
    seq = next_seq(d);
    st = answer(d, d->ddi.DxgkDdiQueryAdapterInfo(d->miniport, &q));
    log_call(d, seq, DXGK_DRV_DDI_QUERY_ADAPTER_INFO, (uint64_t)(uintptr_t)d->miniport, type,
             (uint32_t)st, &q, sizeof q);
    drv_put(d);
    return st;
}

NTSTATUS dxgk_drv_root_size(uint64_t adapter, uint32_t *inout_entries, uint64_t *out_size)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    DXGKARG_GETROOTPAGETABLESIZE args;
    NTSTATUS st = STATUS_SUCCESS;
    SIZE_T size;
    uint64_t seq;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (!inout_entries || !out_size || !d->ddi.DxgkDdiGetRootPageTableSize) {
        drv_put(d);
        return STATUS_INVALID_PARAMETER;
    }
    memset(&args, 0, sizeof args);
    args.NumberOfPte = *inout_entries;
    seq = next_seq(d);
    size = d->ddi.DxgkDdiGetRootPageTableSize(d->miniport, &args);
    log_call(d, seq, DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE, (uint64_t)(uintptr_t)d->miniport,
             *inout_entries, (uint64_t)size, &args, sizeof args);
    if (is_removed(d)) {
        st = STATUS_DEVICE_REMOVED;
    } else if (args.NumberOfPte < *inout_entries) {
        char why[DXGK_DRV_DETAIL_MAX];
        snprintf(why, sizeof why, "NumberOfPte %u fits fewer entries than the %u asked for",
                 args.NumberOfPte, *inout_entries);
        fault(d, seq, DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE, 0, 0, 0, why);
        st = STATUS_DEVICE_REMOVED;
    } else {
        *inout_entries = args.NumberOfPte;
        *out_size = size;
    }
    drv_put(d);
    return st;
}

/* DxgkDdiCreateProcess for process p (flags: DXGK_CREATEPROCESSFLAGS.Value). */
static NTSTATUS create_process(dxgk_drv *d, uint64_t p, UINT flags)
{
    DXGKARG_CREATEPROCESS args;
    vm_adapter *a;
    vm_process *vp;
    NTSTATUS st;
    uint64_t seq;
    if (is_removed(d))
        return STATUS_DEVICE_REMOVED;
    if (!d->ddi.DxgkDdiCreateProcess)
        return STATUS_SUCCESS;
    memset(&args, 0, sizeof args);
    args.hDxgkProcess = (HANDLE)(uintptr_t)p;
    args.Flags.Value = flags;
    seq = next_seq(d);
    st = answer(d, d->ddi.DxgkDdiCreateProcess(d->miniport, &args));
    log_call(d, seq, DXGK_DRV_DDI_CREATE_PROCESS, p, (uint64_t)(uintptr_t)args.hKmdProcess,
             (uint32_t)st, &args, sizeof args);
    if (st != STATUS_SUCCESS)
        return st;
    vp = dxgk_vm__acquire(p, DXGK_VM_T_PROCESS, &a);
    if (!vp) {          /* gone meanwhile: the driver's process goes too */
        dxgk_drv__gone(d, DXGK_DRV_GONE_PROCESS, (uint64_t)(uintptr_t)args.hKmdProcess);
        deliver(d);
        return STATUS_INVALID_HANDLE;
    }
    vp->drv_handle = (uint64_t)(uintptr_t)args.hKmdProcess;
    vp->drv_live = 1;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_drv_system_process(uint64_t adapter)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
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
    drv_put(d);
    return st;
}

NTSTATUS dxgk_drv_adapter_destroy(uint64_t adapter)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = dxgk_vm_adapter_destroy(adapter);
    if (!d)
        return st;
    deliver(d);
    /* [choice] after every object: StopDevice if it started, RemoveDevice if added */
    if (!is_removed(d) && d->started && d->ddi.DxgkDdiStopDevice) {
        uint64_t seq = next_seq(d);
        NTSTATUS s = d->ddi.DxgkDdiStopDevice(d->miniport);
        log_call(d, seq, DXGK_DRV_DDI_STOP_DEVICE, (uint64_t)(uintptr_t)d->miniport, 0,
                 (uint32_t)s, NULL, 0);
    }
    if (!is_removed(d) && d->added && d->ddi.DxgkDdiRemoveDevice) {
        uint64_t seq = next_seq(d);
        NTSTATUS s = d->ddi.DxgkDdiRemoveDevice(d->miniport);
        log_call(d, seq, DXGK_DRV_DDI_REMOVE_DEVICE, (uint64_t)(uintptr_t)d->miniport, 0,
                 (uint32_t)s, NULL, 0);
    }
    drv_put(d);
    return st;
}

/* ---- the object DDIs ------------------------------------------------------------------- */

NTSTATUS dxgk_drv_create_process(uint64_t process)
{
    dxgk_drv *d = drv_of(process, DXGK_VM_T_PROCESS);
    NTSTATUS st;
    if (!d)
        return STATUS_INVALID_HANDLE;
    st = create_process(d, process, 0);
    drv_put(d);
    return st;
}

NTSTATUS dxgk_drv_process_end(uint64_t process, int keep)
{
    dxgk_drv *d = drv_of(process, DXGK_VM_T_PROCESS);
    NTSTATUS st = dxgk_vm_process_end(process, keep);
    if (d) {
        deliver(d);
        drv_put(d);
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

NTSTATUS dxgk_drv_device_create(uint64_t process, uint64_t *out_device)
{
    dxgk_drv *d = drv_of(process, DXGK_VM_T_PROCESS);
    DXGKARG_CREATEDEVICE args;
    uint64_t dev = 0, seq;
    NTSTATUS st;
    int ok;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (is_removed(d)) {
        drv_put(d);
        return STATUS_DEVICE_REMOVED;
    }
    memset(&args, 0, sizeof args);
    args.hKmdProcess = (HANDLE)(uintptr_t)driver_handle(process, DXGK_VM_T_PROCESS, &ok);
    st = dxgk_vm_device_create(process, &dev);
    if (st == STATUS_SUCCESS && d->ddi.DxgkDdiCreateDevice) {
        /* in: the model's handle; out: the driver's */
        args.hDevice = (HANDLE)(uintptr_t)dev;
        seq = next_seq(d);
        st = answer(d, d->ddi.DxgkDdiCreateDevice(d->miniport, &args));
        log_call(d, seq, DXGK_DRV_DDI_CREATE_DEVICE, dev, (uint64_t)(uintptr_t)args.hDevice,
                 (uint32_t)st, &args, sizeof args);
        if (st == STATUS_SUCCESS &&
            !keep_handle(dev, DXGK_VM_T_DEVICE, (uint64_t)(uintptr_t)args.hDevice)) {
            dxgk_drv__gone(d, DXGK_DRV_GONE_DEVICE, (uint64_t)(uintptr_t)args.hDevice);
            st = STATUS_INVALID_HANDLE;
        }
        if (st != STATUS_SUCCESS)
            dxgk_vm_device_destroy(dev);     /* nothing half done */
    }
    deliver(d);
    drv_put(d);
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
    if (!d->ddi.DxgkDdiSetRootPageTable || is_removed(d))
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
    dxgk_vm__release(a);
    seq = next_seq(d);
    d->ddi.DxgkDdiSetRootPageTable(d->miniport, &args);
    log_call(d, seq, DXGK_DRV_DDI_SET_ROOT_PAGE_TABLE, context, driver_context, 0, &args,
             sizeof args);
}

NTSTATUS dxgk_drv_context_create(uint64_t device, uint64_t *out_context)
{
    dxgk_drv *d = drv_of(device, DXGK_VM_T_DEVICE);
    DXGKARG_CREATECONTEXT args;
    uint64_t ctx = 0, hdev, seq, mine;
    NTSTATUS st;
    int ok;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (is_removed(d)) {
        drv_put(d);
        return STATUS_DEVICE_REMOVED;
    }
    hdev = driver_handle(device, DXGK_VM_T_DEVICE, &ok);
    st = dxgk_vm_context_create(device, &ctx);
    mine = ctx;
    if (st == STATUS_SUCCESS && d->ddi.DxgkDdiCreateContext) {
        memset(&args, 0, sizeof args);
        args.hContext = (HANDLE)(uintptr_t)ctx;    /* in: the model's; out: the driver's */
        args.Flags.VirtualAddressing = 1;          /* GpuMmu contexts [choice] */
        seq = next_seq(d);
        st = answer(d, d->ddi.DxgkDdiCreateContext((HANDLE)(uintptr_t)hdev, &args));
        log_call(d, seq, DXGK_DRV_DDI_CREATE_CONTEXT, ctx, (uint64_t)(uintptr_t)args.hContext,
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
        if (is_removed(d))  /* SetRootPageTable faulted */
            st = STATUS_DEVICE_REMOVED;
    }
    if (st != STATUS_SUCCESS && ctx)
        dxgk_vm_context_destroy(ctx);
    deliver(d);
    drv_put(d);
    if (st == STATUS_SUCCESS)
        *out_context = ctx;
    return st;
}

static NTSTATUS destroyed(dxgk_drv *d, NTSTATUS st)
{
    if (d) {
        deliver(d);
        drv_put(d);
    }
    return st;
}

NTSTATUS dxgk_drv_process_destroy(uint64_t process)
{
    dxgk_drv *d = drv_of(process, DXGK_VM_T_PROCESS);
    return destroyed(d, dxgk_vm_process_destroy(process));
}

NTSTATUS dxgk_drv_device_destroy(uint64_t device)
{
    dxgk_drv *d = drv_of(device, DXGK_VM_T_DEVICE);
    return destroyed(d, dxgk_vm_device_destroy(device));
}

NTSTATUS dxgk_drv_context_destroy(uint64_t context)
{
    dxgk_drv *d = drv_of(context, DXGK_VM_T_CONTEXT);
    return destroyed(d, dxgk_vm_context_destroy(context));
}

NTSTATUS dxgk_drv_user_allocate(const void *create_args, uint32_t *out_kmt)
{
    const dxgk_vm_create_args *c = create_args;
    dxgk_drv *d;
    dxgk_vm_create_args placed;
    DXGKARG_CREATEALLOCATION args;
    DXGK_ALLOCATIONINFO info;
    uint32_t kmt = 0, type = 0;
    uint64_t seq, hdrv;
    NTSTATUS st;
    if (!c || !out_kmt)
        return STATUS_INVALID_PARAMETER;
    d = drv_of(c->device, DXGK_VM_T_DEVICE);
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (is_removed(d)) {
        drv_put(d);
        return STATUS_DEVICE_REMOVED;
    }
    placed = *c;
    if (!d->ddi.DxgkDdiCreateAllocation) {
        st = dxgk_vm_user_allocate(&placed, out_kmt);
        drv_put(d);
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
    memset(&args, 0, sizeof args);
    args.NumAllocations = 1;
    args.pAllocationInfo = &info;
    seq = next_seq(d);
    st = answer(d, d->ddi.DxgkDdiCreateAllocation(d->miniport, &args));
    hdrv = (uint64_t)(uintptr_t)info.hAllocation;
    log_call(d, seq, DXGK_DRV_DDI_CREATE_ALLOCATION, c->device, hdrv, (uint32_t)st, &info,
             sizeof info);
    if (st != STATUS_SUCCESS) {
        drv_put(d);
        return st;
    }
    placed.size = info.Size;
    placed.alignment = info.Alignment;
    /* [choice] a segment the driver both reads and writes */
    placed.supported_segments = info.SupportedReadSegmentSet & info.SupportedWriteSegmentSet;
    placed.eviction_segments = info.EvictionSegmentSet;
    placed.preferred = info.PreferredSegment.Value;
    placed.hinted_bank = info.HintedBank.Value;
    placed.flags = info.Flags.Value;
    placed.driver_allocation = hdrv;
    st = dxgk_vm_user_allocate(&placed, &kmt);
    if (st == STATUS_SUCCESS) {
        vm_adapter *a;
        vm_alloc *al = dxgk_vm__acquire(dxgk_vm_kmt_object(kmt, &type), DXGK_VM_T_ALLOCATION,
                                        &a);
        if (al) {
            al->drv_live = 1;
            dxgk_vm__release(a);
        } else {
            st = STATUS_INVALID_HANDLE;     /* destroyed meanwhile */
        }
    }
    if (st != STATUS_SUCCESS)   /* the model could not take it: undo the driver's */
        dxgk_drv__gone(d, DXGK_DRV_GONE_ALLOCATION, hdrv);
    deliver(d);
    drv_put(d);
    if (st == STATUS_SUCCESS)
        *out_kmt = kmt;
    return st;
}

NTSTATUS dxgk_drv_user_deallocate(uint32_t device, uint32_t allocation)
{
    uint32_t type = 0;
    uint64_t h = dxgk_vm_kmt_object(device, &type);
    dxgk_drv *d = type == DXGK_VM_T_DEVICE ? drv_of(h, DXGK_VM_T_DEVICE) : NULL;
    return destroyed(d, dxgk_vm_user_deallocate(device, allocation));
}

/* ---- state ------------------------------------------------------------------------------ */

NTSTATUS dxgk_drv_call_get(uint64_t adapter, uint64_t index, dxgk_drv_call *out)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (!d)
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&d->lock);
    if (out && index < d->nlog) {
        *out = d->log[(d->log_first + index) % DXGK_DRV_LOG_MAX];
        st = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&d->lock);
    drv_put(d);
    return st;
}

NTSTATUS dxgk_drv_fault_get(uint64_t adapter, uint64_t index, dxgk_drv_fault_info *out)
{
    dxgk_drv *d = drv_of(adapter, DXGK_VM_T_ADAPTER);
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (!d)
        return STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&d->lock);
    if (out && index < d->nfaults) {
        *out = d->faults[index];
        st = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&d->lock);
    drv_put(d);
    return st;
}
