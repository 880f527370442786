/*
 * vidmm.h -- the VidMm model: adapters, processes, devices, contexts, context
 * allocations, GPU VA mappings and reservations (docs/behaviour.md sections 3 to 7).
 *
 * Every object is named by a 64-bit handle from one process-wide handle table
 * (handles.h): a handle is never 0, typed, and rejected once its object is gone, so
 * a stale, forged or wrong-type handle -- or one of another adapter -- fails cleanly.
 * Each adapter has one lock; every function below takes it (and the short global
 * lock of the handle table) itself, so all of them may be called from any thread.
 *
 * Statuses are NTSTATUS values (STATUS_* of windows_base.h). The DDI entry points in
 * ddi.c only unpack their structs and call the dxgk_vm_* functions named after them.
 */
#ifndef DXGK_VIDMM_H
#define DXGK_VIDMM_H

#include <stddef.h>
#include <stdint.h>

#include "d3dkmddi.h"
#include "pagetable.h"

#define DXGK_VM_MAX_SEGMENTS 31   /* PTE.Segment is 5 bits; 0 means system memory */

/* Handle types in the global table. */
enum {
    DXGK_VM_T_ADAPTER = 1,
    DXGK_VM_T_PROCESS = 2,
    DXGK_VM_T_DEVICE = 3,
    DXGK_VM_T_CONTEXT = 4,
    DXGK_VM_T_ALLOCATION = 5,
    DXGK_VM_T_PAGING_QUEUE = 6,
    DXGK_VM_T_FENCE = 7,
};

/* dxgk_vm_segment_desc.kind */
enum { DXGK_VM_SEG_LOCAL = 0, DXGK_VM_SEG_APERTURE = 1 };

/* dxgk_vm_range_info.kind and the `which` mask of dxgk_vm_process_ranges */
enum {
    DXGK_VM_RANGE_MAP = 0,          /* VA -> pages of a context allocation */
    DXGK_VM_RANGE_ZERO = 1,         /* Zero mapping (no allocation) */
    DXGK_VM_RANGE_NOACCESS = 2,     /* NoAccess mapping (no allocation, no valid PTEs) */
    DXGK_VM_RANGE_RESERVATION = 3,  /* DxgkCbReserveGpuVirtualAddressRange */
    DXGK_VM_RANGE_VAD_RESERVED = 4, /* D3DKMTReserveGpuVirtualAddress (docs/behaviour.md 9.2) */
    DXGK_VM_RANGE_VAD_MAPPED = 5,   /* D3DKMTMapGpuVirtualAddress on free VA */
};
/* dxgk_vm_range_info.flags of a MAP range: the model's mapping of a context allocation in
 * the system process, made by its first DxgkCbUpdateContextAllocation (docs/behaviour.md
 * 10.2) */
enum { DXGK_VM_RANGE_F_SYSTEM = 0x40000000 };
/* A VAD's base state: what its pages hold where no sub-range maps them */
enum { DXGK_VM_BASE_INVALID = 0, DXGK_VM_BASE_ZERO = 1 };
enum { DXGK_VM_WANT_MAPPINGS = 1, DXGK_VM_WANT_RESERVATIONS = 2 };

/* How an adapter runs its paging queues (docs/behaviour.md 9.7) */
enum { DXGK_VM_PAGING_IMMEDIATE = 0, DXGK_VM_PAGING_DEFERRED = 1 };

/* Paging log operations */
enum { DXGK_VM_PAGING_UPDATE_CONTEXT_ALLOCATION = 1 };

typedef struct dxgk_vm_segment_desc {
    uint32_t id;          /* 1..DXGK_VM_MAX_SEGMENTS, in order, no gaps */
    uint32_t kind;        /* DXGK_VM_SEG_LOCAL / DXGK_VM_SEG_APERTURE */
    uint64_t size;        /* bytes, a multiple of page_size */
    uint32_t page_size;   /* 4096 or 65536 */
    uint32_t reserved;    /* 0 */
} dxgk_vm_segment_desc;

typedef struct dxgk_vm_alloc_info {
    uint64_t handle;
    uint64_t process;            /* the VA space it is mapped in */
    uint64_t device;             /* 0: the system device */
    uint64_t context;            /* 0: none (or shared across contexts) */
    uint64_t driver_allocation;  /* hDriverAllocation as given */
    uint64_t segment_offset;     /* byte offset in its segment */
    uint64_t size;               /* bytes, rounded up to the segment's page size */
    uint64_t va;                 /* VA made by the MapGpuVirtualAddress create flag, else 0 */
    uint64_t mapping_count;
    uint32_t segment;            /* segment id */
    uint32_t flags;              /* DXGK_ALLOCATIONINFOFLAGS.Value */
    uint32_t context_flags;      /* DXGK_CREATECONTEXTALLOCATIONFLAGS.Value */
    uint32_t reserved;
    uint64_t system_va;          /* its VA in the system process once updated (docs/behaviour.md
                                    10.2: the ContextAllocation of its updates), else 0 */
} dxgk_vm_alloc_info;

typedef struct dxgk_vm_range_info {
    uint64_t va;
    uint64_t size;               /* bytes */
    uint64_t allocation;         /* MAP: the allocation handle, else 0 */
    uint64_t offset_pages;       /* MAP: first page of the allocation */
    uint64_t protection;         /* D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE.Value */
    uint64_t driver_protection;
    uint32_t kind;               /* DXGK_VM_RANGE_* */
    uint32_t flags;              /* RESERVATION: the Flags word (AllowUserModeMapping);
                                    MAP: DXGK_VM_RANGE_F_SYSTEM or 0 */
} dxgk_vm_range_info;

typedef struct dxgk_vm_segment_info {
    uint32_t id, kind, page_size, reserved;
    uint64_t size;
    uint64_t used_bytes;         /* allocations + page tables */
    uint64_t table_bytes;        /* of which page tables */
    uint64_t largest_hole;
} dxgk_vm_segment_info;

typedef struct dxgk_vm_adapter_stats {
    uint64_t processes;          /* including the system process */
    uint64_t devices;
    uint64_t contexts;
    uint64_t allocations;
    uint64_t mappings;           /* MAP + ZERO + NOACCESS ranges in all processes */
    uint64_t reservations;
    uint64_t table_bytes;        /* page-table memory of all processes */
    uint64_t paging_records;
    uint32_t segment_count;
    uint32_t level_count;
    uint32_t va_bits;
    uint32_t interface_version;
} dxgk_vm_adapter_stats;

typedef struct dxgk_vm_paging_record {
    uint64_t sequence;           /* 0, 1, 2, ... per adapter */
    uint64_t allocation;
    uint32_t operation;          /* DXGK_VM_PAGING_* */
    uint32_t data_size;          /* bytes of private driver data copied */
} dxgk_vm_paging_record;

/* ---- adapters ------------------------------------------------------------------- */

/* docs/behaviour.md section 3's default adapter: caps, levels[0..3] and two segments. */
void dxgk_vm_default_desc(DXGK_GPUMMUCAPS *caps, DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                          dxgk_vm_segment_desc *segments, uint32_t *segment_count);

/* Creates an adapter (and its system process). levels has caps->PageTableLevelCount
 * entries. STATUS_INVALID_PARAMETER with a message for a bad description,
 * STATUS_NO_MEMORY; on success *out_adapter and *out_system_process. */
NTSTATUS dxgk_vm_adapter_create(const DXGK_GPUMMUCAPS *caps,
                                const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                                const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                                uint64_t *out_adapter, uint64_t *out_system_process,
                                char *msg, size_t msg_size);

/* Two-phase creation, for a driver's bring-up (driver.c, docs/behaviour.md 10.1): reserve
 * registers an adapter handle with no description -- every entry point but describe and
 * destroy refuses it as an invalid handle -- and describe gives it its checked
 * description and system process once the driver has answered (the messages and
 * statuses of dxgk_vm_adapter_create; on failure it stays undescribed). */
NTSTATUS dxgk_vm_adapter_reserve(uint64_t *out_adapter);
NTSTATUS dxgk_vm_adapter_describe(uint64_t adapter, const DXGK_GPUMMUCAPS *caps,
                                  const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                                  const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                                  uint64_t *out_system_process, char *msg, size_t msg_size);

/* Destroys an adapter and everything in it. STATUS_INVALID_HANDLE if not an adapter. */
NTSTATUS dxgk_vm_adapter_destroy(uint64_t adapter);

NTSTATUS dxgk_vm_get_adapter_stats(uint64_t adapter, dxgk_vm_adapter_stats *out);
NTSTATUS dxgk_vm_get_segment_info(uint64_t adapter, uint32_t segment_id, dxgk_vm_segment_info *out);

/* Checks every invariant of the adapter: each range allocator and page-table tree
 * validates, every mapping's PTEs translate to its target, segment and table byte
 * accounting add up, handle/object links are consistent. STATUS_SUCCESS or
 * STATUS_INVALID_PARAMETER with the first violation in msg. */
NTSTATUS dxgk_vm_validate(uint64_t adapter, char *msg, size_t msg_size);

/* ---- processes, devices, contexts ------------------------------------------------- */

/* Process creation is two-phase so the driver hook (the stand-in for
 * DxgkDdiCreateProcess) runs between them without any lock held: after begin the
 * process exists and is "being created" -- the only state in which
 * DxgkCbReserveGpuVirtualAddressRange accepts it (docs/behaviour.md 6); end(keep=1) finishes it,
 * end(keep=0) destroys it (the hook failed). */
NTSTATUS dxgk_vm_process_begin(uint64_t adapter, uint64_t *out_process);
NTSTATUS dxgk_vm_process_end(uint64_t process, int keep);
/* Destroys a process with its devices, contexts, allocations, mappings and
 * reservations. The system process is destroyed only with its adapter. */
NTSTATUS dxgk_vm_process_destroy(uint64_t process);

NTSTATUS dxgk_vm_device_create(uint64_t process, uint64_t *out_device);
/* Also destroys its contexts and the allocations created on it. */
NTSTATUS dxgk_vm_device_destroy(uint64_t device);
NTSTATUS dxgk_vm_context_create(uint64_t device, uint64_t *out_context);
/* Also destroys the allocations created for this context. */
NTSTATUS dxgk_vm_context_destroy(uint64_t context);

/* The adapter an object handle belongs to (0 if the handle is not live). */
uint64_t dxgk_vm_adapter_of(uint64_t handle);
/* The live handle's type (DXGK_VM_T_*), 0 if not live. */
uint32_t dxgk_vm_handle_type(uint64_t handle);
/* Live handles in the whole process (leak checks). */
uint64_t dxgk_vm_live_handles(void);

/* ---- the DDI semantics (ddi.c unpacks the structs into these) ---------------------- */

typedef struct dxgk_vm_create_args {
    uint64_t adapter, device, context, driver_allocation;
    uint64_t size;
    uint32_t context_flags;       /* DXGK_CREATECONTEXTALLOCATIONFLAGS.Value */
    uint32_t alignment;
    uint32_t supported_segments;
    uint32_t eviction_segments;
    uint32_t preferred;           /* DXGK_SEGMENTPREFERENCE.Value */
    uint32_t hinted_bank;         /* DXGK_SEGMENTBANKPREFERENCE.Value */
    uint32_t flags;               /* DXGK_ALLOCATIONINFOFLAGS.Value */
    uint32_t physical_adapter_index;
} dxgk_vm_create_args;

typedef struct dxgk_vm_map_args {
    uint64_t base, minimum, maximum;
    uint64_t allocation;
    uint64_t offset_pages, size_pages;
    uint64_t protection;          /* D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE.Value */
    uint64_t driver_protection;
} dxgk_vm_map_args;

/* docs/behaviour.md 4. On success *out_allocation (and, with MapGpuVirtualAddress, *out_va). */
NTSTATUS dxgk_vm_create_allocation(const dxgk_vm_create_args *a, uint64_t *out_allocation,
                                   uint64_t *out_va);
/* docs/behaviour.md 6.1: unmaps every VA of the allocation, frees its segment range, kills
 * the handle. */
NTSTATUS dxgk_vm_destroy_allocation(uint64_t adapter, uint64_t allocation);
/* docs/behaviour.md 5. On success *out_va; on failure nothing changed. */
NTSTATUS dxgk_vm_map(uint64_t adapter, const dxgk_vm_map_args *a, uint64_t *out_va);
/* docs/behaviour.md 6.2: issues an UPDATE_CONTEXT_ALLOCATION paging operation with a copy of
 * data and the allocation's VA in the system process, which the first update maps
 * (docs/behaviour.md 10.2); on failure nothing changed. */
NTSTATUS dxgk_vm_update_allocation(uint64_t adapter, uint64_t allocation, const void *data,
                                   uint32_t size);
/* docs/behaviour.md 6. On success *out_start. */
NTSTATUS dxgk_vm_reserve(uint64_t adapter, uint64_t process, uint64_t size, uint32_t alignment,
                         uint64_t base, uint32_t flags, uint64_t *out_start);

/* ---- inspection ------------------------------------------------------------------- */

NTSTATUS dxgk_vm_allocation_info(uint64_t allocation, dxgk_vm_alloc_info *out);

/* Ranges of a process in address order (which: DXGK_VM_WANT_* mask): copies up to cap
 * into out and stores the total in *total. */
NTSTATUS dxgk_vm_process_ranges(uint64_t process, uint32_t which, dxgk_vm_range_info *out,
                                uint64_t cap, uint64_t *total);

/* Page-table walk / translation in a process's VA space (docs/behaviour.md 7). */
NTSTATUS dxgk_vm_walk(uint64_t process, uint64_t va, dxgk_pt_walk_result *out);
NTSTATUS dxgk_vm_translate_many(uint64_t process, const uint64_t *vas, size_t n,
                                dxgk_pt_xlate *out);
NTSTATUS dxgk_vm_pt_stats(uint64_t process, dxgk_pt_stats *out);

/* The index-th paging record (0-based) and up to data_cap bytes of its data. */
NTSTATUS dxgk_vm_paging_record_get(uint64_t adapter, uint64_t index, dxgk_vm_paging_record *out,
                                   void *data, uint32_t data_cap);

/* ---- the user-mode services (docs/behaviour.md 9; vidmm_kmt.c) ------------------------------ */

typedef struct dxgk_vm_umap_args {
    uint32_t queue;               /* hPagingQueue */
    uint32_t allocation;          /* hAllocation (D3DKMT), 0 for Zero / NoAccess */
    uint64_t base, minimum, maximum;
    uint64_t offset_pages, size_pages;
    uint64_t protection, driver_protection;
} dxgk_vm_umap_args;

typedef struct dxgk_vm_ureserve_args {
    uint32_t handle;              /* a paging queue or the process's adapter handle */
    uint32_t type;                /* D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE */
    uint64_t base, minimum, maximum, size;
    uint64_t driver_protection;
} dxgk_vm_ureserve_args;

/* D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION, unpacked (kmt.c) */
typedef struct dxgk_vm_uop {
    uint32_t type;                /* D3DDDI_UPDATEGPUVIRTUALADDRESS_* */
    uint32_t allocation;          /* MAP / MAP_PROTECT: hAllocation */
    uint64_t base;                /* MAP / MAP_PROTECT / UNMAP: BaseAddress; COPY: DestAddress */
    uint64_t size;                /* SizeInBytes */
    uint64_t source;              /* COPY: SourceAddress */
    uint64_t offset, alloc_size;  /* MAP / MAP_PROTECT: AllocationOffset/SizeInBytes */
    uint64_t protection, driver_protection;
} dxgk_vm_uop;

typedef struct dxgk_vm_vad_info {
    uint64_t va, size;
    uint64_t ranges;              /* sub-ranges */
    uint32_t kind;                /* DXGK_VM_RANGE_VAD_* or DXGK_VM_RANGE_RESERVATION */
    uint32_t base;                /* DXGK_VM_BASE_* */
} dxgk_vm_vad_info;

/* The D3DKMT handle of a process (its adapter handle), device, context, user-mode
 * allocation, paging queue or fence; 0 if h is none of those or not live. */
uint32_t dxgk_vm_kmt_handle(uint64_t h);
/* The 64-bit handle of a live D3DKMT handle's object and its DXGK_VM_T_* type; 0. */
uint64_t dxgk_vm_kmt_object(uint32_t kmt, uint32_t *type);

/* The device (0 for an adapter handle) and the process adapter handle that the object
 * of a D3DKMT handle belongs to; STATUS_INVALID_HANDLE if it names nothing live. */
NTSTATUS dxgk_vm_kmt_owner(uint32_t kmt, uint32_t *out_device, uint32_t *out_adapter);

/* A user-mode allocation of device c->device (docs/behaviour.md 9.1: placed as in 4;
 * c->context must be 0). On success its D3DKMT handle. */
NTSTATUS dxgk_vm_user_allocate(const dxgk_vm_create_args *c, uint32_t *out_kmt);
/* docs/behaviour.md 9.8. device and allocation are D3DKMT handles. */
NTSTATUS dxgk_vm_user_deallocate(uint32_t device, uint32_t allocation);

NTSTATUS dxgk_vm_fence_create(uint32_t device, uint64_t initial, uint32_t *out_fence);
/* Signals a fence to value (never backwards); runs the Update batches it releases. */
NTSTATUS dxgk_vm_fence_signal(uint32_t fence, uint64_t value);
NTSTATUS dxgk_vm_fence_value(uint32_t fence, uint64_t *out_value);

NTSTATUS dxgk_vm_kmt_create_paging_queue(uint32_t device, int32_t priority,
                                         uint32_t physical_adapter_index, uint32_t *out_queue,
                                         uint32_t *out_sync, uint64_t *out_fence_address);
NTSTATUS dxgk_vm_kmt_destroy_paging_queue(uint32_t queue);
/* A paging queue's device, sync object (its fence) and FenceValueCPUVirtualAddress. */
NTSTATUS dxgk_vm_paging_queue_info(uint32_t queue, uint32_t *out_device, uint32_t *out_sync,
                                   uint64_t *out_fence_address);
/* docs/behaviour.md 9.3-9.6; outputs written only on success. */
NTSTATUS dxgk_vm_kmt_map(const dxgk_vm_umap_args *m, uint64_t *out_va, uint64_t *out_fence);
NTSTATUS dxgk_vm_kmt_reserve(const dxgk_vm_ureserve_args *r, uint64_t *out_va,
                             uint64_t *out_fence);
NTSTATUS dxgk_vm_kmt_free(uint32_t adapter, uint64_t base, uint64_t size);
NTSTATUS dxgk_vm_kmt_update(uint32_t device, uint32_t context, uint32_t fence,
                            const dxgk_vm_uop *ops, uint32_t nops, uint64_t fence_value,
                            int do_not_wait);

/* A process's VADs / one VAD's sub-ranges (the VAD starting at vad_va), in address
 * order: up to cap into out, the total in *total. */
NTSTATUS dxgk_vm_process_vads(uint64_t process, dxgk_vm_vad_info *out, uint64_t cap,
                              uint64_t *total);
NTSTATUS dxgk_vm_vad_ranges(uint64_t process, uint64_t vad_va, dxgk_vm_range_info *out,
                            uint64_t cap, uint64_t *total);
/* ---- the execution modes (docs/behaviour.md 9.7; vidmm_queue.c) ---------------------------- */

/* A paging queue's counters: deferred submissions so far (the last fence value handed
 * out), its fence's value, its pending page ranges and their bytes, and the page-table
 * reserve of its process (bytes of tables taken so that execution cannot fail). */
typedef struct dxgk_vm_queue_state {
    uint64_t submitted, fence_value, pending_ranges, pending_bytes, reserve_bytes;
} dxgk_vm_queue_state;

/* Sets an adapter's paging mode (DXGK_VM_PAGING_*); only while it has no process but
 * its system process (STATUS_INVALID_PARAMETER otherwise, or for an unknown mode). */
NTSTATUS dxgk_vm_adapter_set_paging(uint64_t adapter, uint32_t mode);
/* Runs a queue's pending work with fence value <= upto (all of it if `all`), in order,
 * then sets its fence to upto if that is higher (and runs the Update batches that
 * releases). upto above the submission count: STATUS_INVALID_PARAMETER. *out_value: the
 * fence's value afterwards. */
NTSTATUS dxgk_vm_queue_execute(uint32_t queue, uint64_t upto, int all, uint64_t *out_value);
NTSTATUS dxgk_vm_queue_info(uint32_t queue, dxgk_vm_queue_state *out);

/* Update batches waiting for their fences on a context (D3DKMT handle). */
NTSTATUS dxgk_vm_context_waiting(uint32_t context, uint64_t *out_batches);

#endif /* DXGK_VIDMM_H */
