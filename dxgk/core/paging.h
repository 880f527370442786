/*
 * paging.h -- the paging stream of an adapter (docs/behaviour.md 10.2): every page-table
 * change of the model expressed as DxgkDdiBuildPagingBuffer operations, and the bounded
 * log that records them.
 *
 * Two parts. The public one (paging.cdef): the log's capacity and a reader of one
 * logged operation at a time. The internal one (dxgk_pg__*, double underscore, used
 * only by the vidmm*.c files, hidden from the extension's symbol table): the wrappers
 * through which VidMm writes page tables, and the hooks for the operations that are
 * not page-table writes (UPDATE_CONTEXT_ALLOCATION, NOTIFY_RESIDENCY, process creation
 * and teardown, the end of a model call). Like every header of dxgk/core it compiles on
 * its own (the VidMm object types are only named, never opened, here).
 */
#ifndef DXGK_PAGING_H
#define DXGK_PAGING_H

#include <stddef.h>
#include <stdint.h>

#include "d3dkmddi.h"
#include "pagetable.h"

/* Operation codes of the log: DXGK_BUILDPAGINGBUFFER_OPERATION values, and one code of
 * this model for the DxgkDdiSetRootPageTable calls (not a paging-buffer operation; the
 * log carries them so a reader sees one ordered stream). */
enum {
    DXGK_PG_OP_UPDATE_PAGE_TABLE = 11,
    DXGK_PG_OP_FLUSH_TLB = 12,
    DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION = 13,
    DXGK_PG_OP_NOTIFY_RESIDENCY = 15,
    DXGK_PG_OP_SET_ROOT_PAGE_TABLE = 256
};

/* [choice] docs/behaviour.md 10.2: an adapter keeps the newest 16384 operations unless
 * told otherwise -- the whole stream of a test or a demo, in at most about 7 MB (allocated
 * as the log fills, never up front). */
#define DXGK_PG_DEFAULT_CAPACITY 16384u
#define DXGK_PG_MAX_CAPACITY (UINT64_C(1) << 32)

/* One logged operation, as dxgk_pg_log_get describes it. */
typedef struct dxgk_pg_info {
    uint64_t sequence;          /* 0, 1, 2, ... per adapter, over every operation issued */
    uint64_t process;           /* model handle of the process (0: none) */
    uint64_t allocation;        /* model handle of the allocation (UCA, NOTIFY_RESIDENCY) */
    uint32_t operation;         /* DXGK_PG_OP_* */
    uint32_t args_size;         /* bytes of the operation's struct (host layout) */
    uint32_t nentries;          /* DXGK_PTEs given (UPDATE_PAGE_TABLE; 1 with Repeat) */
    uint32_t data_size;         /* private driver data bytes (UPDATE_CONTEXT_ALLOCATION) */
    uint64_t dma_size;          /* DMA bytes a driver submitted for it (0 without one) */
} dxgk_pg_info;

/* Sets how many operations the adapter's log keeps (0: recording off; at most
 * DXGK_PG_MAX_CAPACITY, else STATUS_INVALID_PARAMETER). The newest
 * min(held, nops) operations are kept; sequence numbers go on. STATUS_NO_MEMORY leaves
 * the log as it was. */
NTSTATUS dxgk_pg_set_capacity(uint64_t adapter, uint64_t nops);
/* The capacity, the sequence number of the oldest operation held and how many are held. */
NTSTATUS dxgk_pg_log_range(uint64_t adapter, uint64_t *capacity, uint64_t *first,
                           uint64_t *count);
/* Operation `sequence` of the log: its description, and copies of its struct (args,
 * args_cap >= info.args_size), its entries (up to entries_cap DXGK_PTEs) and its private
 * data (up to data_cap bytes); any buffer may be NULL with a zero cap. The struct's
 * pointer members are NULL in the copy (the entries and data come separately).
 * STATUS_INVALID_PARAMETER when the log does not hold that operation. */
NTSTATUS dxgk_pg_log_get(uint64_t adapter, uint64_t sequence, dxgk_pg_info *info, void *args,
                         size_t args_cap, DXGK_PTE *entries, size_t entries_cap, void *data,
                         size_t data_cap);

/* The memory of the table at {segment, offset} of the adapter, as the attached driver
 * wrote it (docs/behaviour.md 10.4: CPU_VIRTUAL update mode with a driver that builds
 * paging buffers): its address and size; STATUS_INVALID_PARAMETER when no table there has
 * memory. The memory lives until the adapter goes. */
NTSTATUS dxgk_pg_table_memory(uint64_t adapter, uint32_t segment, uint64_t offset,
                              void **out, uint64_t *out_size);

/* ---- internal to the core (vidmm*.c) --------------------------------------------------- */



struct vm_adapter;
struct vm_process;
struct vm_alloc;

/* One operation for the attached driver's DxgkDdiBuildPagingBuffer: queued under the
 * adapter lock as the stream issues it, delivered after the lock is released
 * (driver_objects.c, dxgk_drv__paging). It owns its data; its entries are in the
 * queue's one array (no allocation per operation). */
typedef struct dxgk_pg_item {
    uint64_t sequence;
    uint64_t process;           /* model handle of the process (0: none) */
    uint32_t operation;         /* DXGK_PG_OP_* = its DXGK_BUILDPAGINGBUFFER_OPERATION */
    uint32_t data_size;
    union {
        DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE upt;   /* PageTableAddress / entries set */
        DXGK_BUILDPAGINGBUFFER_FLUSHTLB flush;
        DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION uca;
        DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY nr;
    } args;
    size_t ent_at;              /* UPDATE_PAGE_TABLE: its entries in the queue's array
                                 * (NumPageTableEntries; 1 with Repeat or a stride), set
                                 * as pPageTableEntries at delivery */
    uint64_t stride;            /* UPDATE_PAGE_TABLE: non-zero for a linear run, kept as
                                 * its first entry: entry k = that entry, PageAddress +
                                 * k * stride (expanded by dxgk_pg__expand at delivery) */
    void *data;                 /* UPDATE_CONTEXT_ALLOCATION: the private data */
} dxgk_pg_item;

/* The DXGK_PTEs item `it` gives (it->args.upt.pPageTableEntries, set at delivery): those
 * entries themselves, or for a linear run its NumPageTableEntries entries written into
 * *scratch (grown as needed, *cap entries; the caller keeps it between calls). NULL when
 * no host memory is left for them. */
const DXGK_PTE *dxgk_pg__expand(const dxgk_pg_item *it, DXGK_PTE **scratch, size_t *cap);

/* Turns delivery on or off (a driver with DxgkDdiBuildPagingBuffer attached); caller
 * holds the adapter lock. */
void dxgk_pg__set_delivery(struct vm_adapter *a, int on);
/* A model call's operations for the driver, taken out of the queue: copied into the
 * struct's own arrays when they fit (the common case: no allocation per model call),
 * else the queue's arrays moved out. */
#define DXGK_PG_OUT_ITEMS 8
#define DXGK_PG_OUT_ENTS 32
typedef struct dxgk_pg_out {
    dxgk_pg_item *items;
    size_t n;
    DXGK_PTE *ents;             /* the items' entries, one array */
    uint64_t lost;              /* operations the queue could not take (no host memory) */
    struct dxgk_drv *drv;       /* a reference, when there is anything to deliver */
    int owned;                  /* items / ents were moved out of the queue: freed after */
    dxgk_pg_item inl_items[DXGK_PG_OUT_ITEMS];
    DXGK_PTE inl_ents[DXGK_PG_OUT_ENTS];
} dxgk_pg_out;
/* Ends the model call's stream (dxgk_pg__call_end when pending: its TLB flushes) and
 * moves the operations queued for the driver out (caller holds the adapter lock). */
void dxgk_pg__take(struct vm_adapter *a, dxgk_pg_out *out);
/* Delivers them (no lock held: the driver may call the model) and frees them. */
void dxgk_pg__deliver(dxgk_pg_out *out);
void dxgk_pg__items_free(dxgk_pg_item *items, size_t n, DXGK_PTE *ents);

/* Where the pages of a map come from, for the UPDATE_PAGE_TABLE operations writing them:
 * the driver's handle of the allocation (0: none), the segment address of the
 * allocation's first byte (AllocationOffsetInBytes = entry address - alloc_base) and
 * the mapping's DriverProtection. */
typedef struct dxgk_pg_src {
    uint64_t hallocation;
    uint64_t alloc_base;
    uint64_t driver_protection;
} dxgk_pg_src;

/* The paging state of an adapter (opaque); NULL from dxgk_pg__new is no memory. */
typedef struct dxgk_pg dxgk_pg;
dxgk_pg *dxgk_pg__new(void);
void dxgk_pg__free(dxgk_pg *g);

/* The source of allocation al's pages (al NULL: no allocation). */
void dxgk_pg__src(const struct vm_alloc *al, uint64_t driver_protection, dxgk_pg_src *out);

/* dxgk_pt_map / dxgk_pt_unmap of p's tree, with the operations they cause issued (src
 * may be NULL). Same results; the TLB flush and the release of emptied tables follow at
 * the end of the model call (dxgk_pg__call_end). */
int dxgk_pg__map(struct vm_process *p, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                 const dxgk_pg_src *src);
int dxgk_pg__unmap(struct vm_process *p, uint64_t va, uint64_t npages);

/* A new process's tree exists: the root's initialisation operation; the stream is on
 * for its tree. */
void dxgk_pg__process_new(struct vm_adapter *a, struct vm_process *p);
/* The root table's initialisation operation of process p: issued by process_new without
 * a driver, after DxgkDdiCreateProcess with one (docs/behaviour.md 10.1). */
void dxgk_pg__root_init(struct vm_adapter *a, struct vm_process *p);
/* p is going: its pending flush and releases now (before its tree is destroyed). */
void dxgk_pg__process_gone(struct vm_adapter *a, struct vm_process *p);
/* Whether a model call has left work for dxgk_pg__call_end (a cheap test). */
int dxgk_pg__pending(const struct vm_adapter *a);
/* The end of a model call (adapter lock still held): one FLUSH_TLB per process whose
 * tables changed, as docs/behaviour.md 10.2 says, then the emptied tables released. */
void dxgk_pg__call_end(struct vm_adapter *a);
/* The log's copy of an update's private data, taken before anything changes (*units
 * NULL when none is needed); STATUS_NO_MEMORY takes nothing. */
NTSTATUS dxgk_pg__uca_prepare(struct vm_adapter *a, const void *data, uint32_t size,
                              DXGK_PTE **units);
/* UPDATE_CONTEXT_ALLOCATION for al at va (its VA in the system process) with data and the
 * units prepared for it (freed here); cannot fail. */
void dxgk_pg__update_context_allocation(struct vm_adapter *a, struct vm_alloc *al, uint64_t va,
                                        DXGK_PTE *units, const void *data, uint32_t size);
/* NOTIFY_RESIDENCY of al (resident 1 after creation, 0 before destruction) when its
 * flags ask for it (ExplicitResidencyNotification and AccessedPhysically). */
void dxgk_pg__residency(struct vm_adapter *a, struct vm_alloc *al, int resident);
/* A DxgkDdiSetRootPageTable call of p, recorded in the stream (10.3 issues them). */
void dxgk_pg__set_root(struct vm_adapter *a, struct vm_process *p,
                       const DXGKARG_SETROOTPAGETABLE *args);
/* UPDATE_CONTEXT_ALLOCATION operations so far (the adapter's paging_records). */
uint64_t dxgk_pg__uca_count(const struct vm_adapter *a);
/* The index-th UPDATE_CONTEXT_ALLOCATION still held: its allocation, sequence and up to
 * cap bytes of its data (*size: all of them). 0, or -1 when not held. */
int dxgk_pg__uca_get(const struct vm_adapter *a, uint64_t index, uint64_t *allocation,
                     uint64_t *sequence, void *data, size_t cap, uint32_t *size);

#endif /* DXGK_PAGING_H */
