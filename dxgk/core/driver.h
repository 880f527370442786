/*
 * driver.h -- calling a kernel-mode driver's DDIs the way VidMm does (docs/behaviour.md
 * 10.1 and 10.3): attaching a driver's DRIVER_INITIALIZATION_DATA to an adapter, the
 * bring-up DDIs, the object DDIs (process, device, context, allocation) and the root
 * page table DDIs, with a log of every DDI call and the driver's faults.
 *
 * Invariant: no DDI is ever called with an adapter lock (or this file's own lock) held,
 * so a driver may call any dxgk function from inside one. The model objects remember
 * the driver's handles (vidmm_impl.h, drv_handle / drv_live); a teardown of the model
 * queues the destroy DDIs (dxgk_drv__gone, under the adapter lock) and the dxgk_drv_*
 * call that caused it delivers them once every lock is released.
 */
#ifndef DXGK_DRIVER_H
#define DXGK_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "dispmprt.h"

/* The DDIs this file calls (dxgk_drv_call.ddi, dxgk_drv_fault_info.ddi). */
enum {
    DXGK_DRV_DDI_ADD_DEVICE = 1,
    DXGK_DRV_DDI_START_DEVICE = 2,
    DXGK_DRV_DDI_STOP_DEVICE = 3,
    DXGK_DRV_DDI_REMOVE_DEVICE = 4,
    DXGK_DRV_DDI_QUERY_ADAPTER_INFO = 5,
    DXGK_DRV_DDI_CREATE_PROCESS = 6,
    DXGK_DRV_DDI_DESTROY_PROCESS = 7,
    DXGK_DRV_DDI_CREATE_DEVICE = 8,
    DXGK_DRV_DDI_DESTROY_DEVICE = 9,
    DXGK_DRV_DDI_CREATE_CONTEXT = 10,
    DXGK_DRV_DDI_DESTROY_CONTEXT = 11,
    DXGK_DRV_DDI_CREATE_ALLOCATION = 12,
    DXGK_DRV_DDI_DESTROY_ALLOCATION = 13,
    DXGK_DRV_DDI_SET_ROOT_PAGE_TABLE = 14,
    DXGK_DRV_DDI_GET_ROOT_PAGE_TABLE_SIZE = 15,
    DXGK_DRV_DDI_BUILD_PAGING_BUFFER = 16,
};

/* What a model teardown queues for the driver (dxgk_drv__gone). */
enum {
    DXGK_DRV_GONE_ALLOCATION = 1,
    DXGK_DRV_GONE_CONTEXT = 2,
    DXGK_DRV_GONE_DEVICE = 3,
    DXGK_DRV_GONE_PROCESS = 4,
};

#define DXGK_DRV_ARGS_MAX 128u     /* bytes of a DDI's argument struct kept in the log */
#define DXGK_DRV_LOG_MAX 4096u     /* newest DDI calls kept (docs/behaviour.md 10.1) */
#define DXGK_DRV_DETAIL_MAX 200u

/* One DDI call, after it returned: its DDI, the handles it was given (the first one is
 * the adapter-level handle or the object's), its result (NTSTATUS, a SIZE_T, or 0 for a
 * VOID DDI) and a copy of its argument struct as the driver left it. */
typedef struct dxgk_drv_call {
    uint64_t sequence;
    uint64_t handle0, handle1;
    uint64_t result;
    uint32_t ddi;
    uint32_t args_size;
    uint8_t args[DXGK_DRV_ARGS_MAX];
} dxgk_drv_call;

/* A driver fault: the DDI, the paging operation (0 outside BuildPagingBuffer), the
 * status the driver returned (has_status 0: it gave none -- a Python method raised or
 * returned the wrong type) and what was wrong. */
typedef struct dxgk_drv_fault_info {
    uint64_t sequence;             /* the DDI call's sequence number in the call log */
    uint32_t ddi;
    uint32_t operation;
    int32_t status;
    uint32_t has_status;
    char detail[DXGK_DRV_DETAIL_MAX];
} dxgk_drv_fault_info;

typedef struct dxgk_drv dxgk_drv;

/* ---- attaching and bring-up ---------------------------------------------------------- */

/* Checks a DRIVER_INITIALIZATION_DATA (size = the caller's buffer; Version must be a
 * WDDM 2.0 or later interface version no newer than the headers', the buffer at least the
 * table of that version) and reserves an adapter (dxgk_vm_adapter_reserve) with a copy of
 * it attached. STATUS_INVALID_PARAMETER with the reason in msg. */
NTSTATUS dxgk_drv_attach(const DRIVER_INITIALIZATION_DATA *did, size_t size,
                         uint64_t *out_adapter, char *msg, size_t msg_size);
/* Whether the attached driver provides a DDI (DXGK_DRV_DDI_*). */
int dxgk_drv_provides(uint64_t adapter, uint32_t ddi);
/* DxgkDdiAddDevice (PhysicalDeviceObject NULL): the MiniportDeviceContext is kept. */
NTSTATUS dxgk_drv_add_device(uint64_t adapter);
/* DxgkDdiStartDevice with a DXGK_START_INFO and the adapter's DXGKRNL_INTERFACE. */
NTSTATUS dxgk_drv_start_device(uint64_t adapter);
/* DxgkDdiQueryAdapterInfo(type) with the given buffers (the model's, zeroed by the
 * caller): the driver's status. */
NTSTATUS dxgk_drv_query_adapter_info(uint64_t adapter, uint32_t type, void *input,
                                     uint32_t input_size, void *output, uint32_t output_size);
/* DxgkDdiGetRootPageTableSize(NumberOfPte = *inout_entries): *out_size, and the entries
 * that fit in *inout_entries; fewer than asked is a driver fault (STATUS_DEVICE_REMOVED). */
NTSTATUS dxgk_drv_root_size(uint64_t adapter, uint32_t *inout_entries, uint64_t *out_size);
/* After dxgk_vm_adapter_describe: DxgkDdiCreateProcess for the system process
 * (Flags.SystemProcess). */
NTSTATUS dxgk_drv_system_process(uint64_t adapter);

/* Destroys an adapter (a started one or one whose bring-up failed) and then tells the
 * driver: the destroy DDIs of everything that went with it, DxgkDdiStopDevice if it
 * started, DxgkDdiRemoveDevice if it was added. */
NTSTATUS dxgk_drv_adapter_destroy(uint64_t adapter);

/* ---- the object DDIs (docs/behaviour.md 10.1, 10.3) --------------------------------- */

/* DxgkDdiCreateProcess for a process between dxgk_vm_process_begin and _end; its
 * hKmdProcess is kept. The driver's failure status is returned (the caller ends the
 * process with keep = 0). */
NTSTATUS dxgk_drv_create_process(uint64_t process);
/* dxgk_vm_process_end, then the destroy DDIs it caused (keep = 0). */
NTSTATUS dxgk_drv_process_end(uint64_t process, int keep);
/* The model's create, then the driver's DDI; its failure undoes the model's create. */
NTSTATUS dxgk_drv_device_create(uint64_t process, uint64_t *out_device);
/* ... and DxgkDdiSetRootPageTable for the new context (docs/behaviour.md 10.3). */
NTSTATUS dxgk_drv_context_create(uint64_t device, uint64_t *out_context);
/* The model's destroys, then the destroy DDIs of everything that went, children first. */
NTSTATUS dxgk_drv_process_destroy(uint64_t process);
NTSTATUS dxgk_drv_device_destroy(uint64_t device);
NTSTATUS dxgk_drv_context_destroy(uint64_t context);
/* A user-mode allocation: DxgkDdiCreateAllocation (one DXGK_ALLOCATIONINFO, no private
 * data, filled from c as a proposal; the driver's Size, Alignment, segment sets,
 * preference and flags are what is placed), then dxgk_vm_user_allocate with the driver's
 * hAllocation; if the model cannot place it, DxgkDdiDestroyAllocation undoes it. */
NTSTATUS dxgk_drv_user_allocate(const void *create_args, uint32_t *out_kmt);
NTSTATUS dxgk_drv_user_deallocate(uint32_t device, uint32_t allocation);

/* ---- the driver's page tables checked (docs/behaviour.md 10.4) ---------------------- */

/* A driver's decoder: its hardware entry of a table of `Level` (RawSize bytes at pRaw)
 * as the DXGK_PTE it means, written to *pPte (zeroed by the caller); any status but
 * STATUS_SUCCESS is a refusal, reported by the check. */
typedef NTSTATUS (*dxgk_drv_decode_pte_fn)(UINT Level, const VOID *pRaw, SIZE_T RawSize,
                                           DXGK_PTE *pPte);
/* Gives the adapter's driver a decoder (NULL: none). STATUS_NOT_SUPPORTED unless its
 * tables have memory (CPU_VIRTUAL update mode, DxgkDdiBuildPagingBuffer provided);
 * STATUS_INVALID_HANDLE without a driver. */
NTSTATUS dxgk_drv_set_decoder(uint64_t adapter, dxgk_drv_decode_pte_fn fn);
/* With a decoder: decodes every entry of every table of every process (processes in
 * creation order, each tree root first, depth first, entries in index order) and
 * compares it with the model's -- a valid model entry must decode to its 16 bytes, an
 * invalid one as invalid. The first difference: STATUS_INVALID_PARAMETER, described in
 * msg (process, level, table, index, VA, both entries). STATUS_SUCCESS without one. */
NTSTATUS dxgk_drv_check_tables(uint64_t adapter, char *msg, size_t msg_size);

/* ---- a driver fault during a model call (docs/behaviour.md 10.2) ---------------------- */

/* The fault watch of one model call on this thread: dxgk_drv_call_begin at its entry,
 * dxgk_drv_call_faulted before it returns -- 1 when a driver fault was recorded on this
 * thread since (the call then answers STATUS_DEVICE_REMOVED, 0 for a map; the state
 * change it made stays, as after a bugcheck). */
void dxgk_drv_call_begin(void);
int dxgk_drv_call_faulted(void);

/* docs/behaviour.md 10.5 (driver_alloc2.c), for D3DKMTCreateAllocation2: one
 * DxgkDdiCreateAllocation for n allocations (1..DXGK_DRV_ALLOC2_MAX) with their private
 * data and the global priv, each placed from the driver's answer; on success each
 * infos[i].hAllocation is its D3DKMT handle. All or nothing; STATUS_NOT_SUPPORTED without
 * a driver's DxgkDdiCreateAllocation. device is a D3DKMT handle. */
#define DXGK_DRV_ALLOC2_MAX 4096u   /* [choice] allocations per call */
NTSTATUS dxgk_drv_create_allocations(uint32_t device, const void *priv, uint32_t priv_size,
                                     uint32_t n, D3DDDI_ALLOCATIONINFO2 *infos);
/* For D3DKMTDestroyAllocation2: every handle checked first (an allocation of device, each
 * once), then each destroyed as dxgk_drv_user_deallocate does (9.8). */
NTSTATUS dxgk_drv_destroy_allocations(uint32_t device, const uint32_t *list, uint32_t n);

/* ---- state ------------------------------------------------------------------------- */

/* Whether the adapter of any object handle h has been removed by a driver fault. */
int dxgk_drv_removed(uint64_t h);
/* The same for the object of a D3DKMT handle (the thunks of kmt.c). */
int dxgk_drv_removed_kmt(uint32_t kmt);
/* Records a driver fault of the adapter and marks it removed (the Python drivers' method
 * wrappers report theirs here). */
NTSTATUS dxgk_drv_fault(uint64_t adapter, uint32_t ddi, uint32_t operation, int32_t status,
                        int has_status, const char *detail);
/* The index-th kept DDI call / fault (0 = oldest kept); STATUS_INVALID_PARAMETER past the
 * end, STATUS_INVALID_HANDLE for an adapter without a driver. */
NTSTATUS dxgk_drv_call_get(uint64_t adapter, uint64_t index, dxgk_drv_call *out);
NTSTATUS dxgk_drv_fault_get(uint64_t adapter, uint64_t index, dxgk_drv_fault_info *out);

/* ---- the DMA bytes a driver submitted (docs/behaviour.md 10.2; driver_dma.c) --------- */

/* [choice] docs/behaviour.md 10.2: the bytes of the newest operations are kept, at most
 * DXGK_DRV_DMA_MAX bytes in all (each operation counted as DXGK_DRV_DMA_OP_COST more, each
 * pass length as 4), each operation's first DXGK_DRV_DMA_OP_MAX bytes (its pass lengths
 * counted); only for operations the paging log can still hold (none with the log off);
 * older operations are dropped first. */
#define DXGK_DRV_DMA_MAX (64u << 20)
#define DXGK_DRV_DMA_OP_MAX (4u << 20)
#define DXGK_DRV_DMA_OP_COST 128u

/* What the driver submitted for one operation. */
typedef struct dxgk_drv_dma_info {
    uint64_t size;              /* bytes submitted, every pass (0: none) */
    uint64_t kept;              /* of them held: the first `kept` (less when cut) */
    uint32_t passes;            /* lengths held: one per non-empty pass, summing to kept */
    uint32_t dropped;           /* 1: the operation is older than what the store still
                                 * holds -- its bytes, if any, were dropped */
} dxgk_drv_dma_info;
/* The DMA bytes submitted for operation `sequence` of the paging log: its description,
 * up to cap bytes of them and up to lens_cap pass lengths (either buffer NULL with a zero
 * cap). An operation nothing was submitted for has size 0. STATUS_INVALID_HANDLE for an
 * adapter without a driver. */
NTSTATUS dxgk_drv_dma_get(uint64_t adapter, uint64_t sequence, dxgk_drv_dma_info *info,
                          void *bytes, size_t cap, uint32_t *lens, size_t lens_cap);
/* The store's invariants (driver_dma.c): 0 when they hold (or there is no driver), -1
 * when one does not. */
int dxgk_drv_dma_check(uint64_t adapter);

/* ---- for vidmm.c (under the adapter lock) --------------------------------------------- */

/* Queues the destroy DDI of an object the model just tore down (d may be NULL). */
void dxgk_drv__gone(dxgk_drv *d, uint32_t kind, uint64_t driver_handle);
/* Drops the adapter's reference to its driver record (NULL accepted). */
void dxgk_drv__unref(dxgk_drv *d);
/* Takes a reference to d (NULL accepted; dxgk_drv__unref drops it). */
dxgk_drv *dxgk_drv__hold(dxgk_drv *d);
/* The paging log of d's adapter now keeps `capacity` operations and holds those from
 * sequence `first` on: the DMA store follows it (driver_dma.c; NULL accepted). */
void dxgk_drv__dma_follow(dxgk_drv *d, uint64_t capacity, uint64_t first);
/* The bytes submitted for operation `sequence` as far as the store knows (0: none). */
uint64_t dxgk_drv__dma_size(dxgk_drv *d, uint64_t sequence);

/* ---- for vidmm.c (no lock held) -------------------------------------------------------- */

struct dxgk_pg_item;
/* docs/behaviour.md 10.2: delivers a model call's paging operations to the driver's
 * DxgkDdiBuildPagingBuffer, in order -- a zeroed 64 KB DMA buffer each (kept, zeroed
 * again where the driver wrote), asked again with a zeroed one while the driver answers STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER --
 * and turns anything else into a driver fault (the rest is not delivered). `lost`:
 * operations the model could not queue (no host memory): a fault too. */
void dxgk_drv__paging(dxgk_drv *d, struct dxgk_pg_item *items, size_t n, uint64_t lost);

#endif /* DXGK_DRIVER_H */
