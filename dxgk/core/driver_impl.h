/*
 * driver_impl.h -- the driver record that driver.c and driver_objects.c share: its
 * struct and the dxgk_drv__* helpers (double underscore: internal to the driver files).
 *
 * Not an interface: no .cdef names anything here. build_ffi.py includes every header of
 * dxgk/core into the cffi module, so it compiles on its own and defines nothing with
 * external linkage. Invariant: the record's lock is a leaf lock, never held across a
 * DDI call; `ddi` and `adapter` never change after the attach and are read without it.
 */
#ifndef DXGK_DRIVER_IMPL_H
#define DXGK_DRIVER_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "driver.h"

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
    dxgk_drv_decode_pte_fn decode; /* atomic; docs/behaviour.md 10.4 (driver_check.c) */
    /* the DMA buffer kept between deliveries (driver_objects.c): NULL while one is in
     * use; its bytes are zero past dma_dirty */
    uint8_t *dma;
    size_t dma_dirty;
    /* with it, the array linear runs are expanded into for the driver (dxgk_pg__expand) */
    DXGK_PTE *ents;
    size_t capents;
    /* the DMA bytes submitted per operation (driver_dma.c, under `lock`): NULL until the
     * first; dma_keep = the paging log's capacity (atomic: 0 = nothing recorded) */
    struct drv_dma *dma_store;
    uint64_t dma_keep;
};

/* The record of the adapter of object h (of DXGK_VM_T_* `type`) with a reference taken
 * (adapters still starting included), or NULL; dxgk_drv__put drops it. */
dxgk_drv *dxgk_drv__of(uint64_t h, uint32_t type);
void dxgk_drv__put(dxgk_drv *d);
/* Whether a fault removed the adapter. */
int dxgk_drv__is_removed(dxgk_drv *d);
/* The next call's sequence number (also this thread's current one, for its faults). */
uint64_t dxgk_drv__seq(dxgk_drv *d);
/* Logs a returned call with a copy of its argument struct (at most DXGK_DRV_ARGS_MAX). */
void dxgk_drv__log(dxgk_drv *d, uint64_t seq, uint32_t ddi, uint64_t h0, uint64_t h1,
                   uint64_t result, const void *args, size_t size);
/* Records a fault and marks the adapter removed. */
void dxgk_drv__fault_rec(dxgk_drv *d, uint64_t seq, uint32_t ddi, uint32_t operation,
                         int32_t status, int has_status, const char *detail);
/* Calls the queued destroy DDIs, oldest first, with no lock held. */
void dxgk_drv__deliver(dxgk_drv *d);
/* driver_dma.c: keeps n > 0 bytes the driver submitted for operation `sequence` (one
 * pass), and frees the store (the record's last reference). */
void dxgk_drv__dma_put(dxgk_drv *d, uint64_t sequence, const void *bytes, size_t n);
void dxgk_drv__dma_free(dxgk_drv *d);
/* After each DxgkDdiBuildPagingBuffer ask whose pDmaBuffer stayed inside its buffer:
 * the n bytes it used are a submission when it answered STATUS_SUCCESS or
 * STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER (docs/behaviour.md 10.2). An empty pass (the
 * common CPU_VIRTUAL update) or a log that is off costs two tests. */
static inline void dxgk_drv__dma_submitted(dxgk_drv *d, uint64_t sequence, NTSTATUS st,
                                           const void *bytes, size_t n)
{
    if (n && __atomic_load_n(&d->dma_keep, __ATOMIC_RELAXED) &&
        (st == STATUS_SUCCESS || st == STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER))
        dxgk_drv__dma_put(d, sequence, bytes, n);
}
/* st, or STATUS_DEVICE_REMOVED once the driver has faulted. */
NTSTATUS dxgk_drv__answer(dxgk_drv *d, NTSTATUS st);

/* STATUS_SUCCESS for a driver record the object DDIs may use; else the status of the
 * call (its reference dropped): no record, or an adapter a fault removed. */
NTSTATUS dxgk_drv__usable(dxgk_drv *d);
/* One DxgkDdiCreateAllocation for n DXGK_ALLOCATIONINFOs (docs/behaviour.md 10.1, 10.5),
 * logged against model device `device`: the driver's status. */
NTSTATUS dxgk_drv__create_allocation(dxgk_drv *d, uint64_t device, const void *priv,
                                     uint32_t priv_size, uint32_t n, DXGK_ALLOCATIONINFO *info);
/* Places one allocation the driver described (docs/behaviour.md 10.5): c with the
 * driver's Size, Alignment, read & write segment sets, preference, flags and hAllocation,
 * through dxgk_vm_user_allocate, marked as the driver's. On failure nothing is placed and
 * the driver's allocation is the caller's to undo. */
struct dxgk_vm_create_args;
NTSTATUS dxgk_drv__place(const struct dxgk_vm_create_args *c, const DXGK_ALLOCATIONINFO *info,
                         uint32_t *out_kmt);

#endif /* DXGK_DRIVER_IMPL_H */
