/*
 * vidmm_impl.h -- the VidMm model's private object structs and the helpers its three
 * files share: vidmm.c (the objects, their lifetime, the handle table, the locking),
 * vidmm_va.c (the VA operations of docs/behaviour.md 4-6) and vidmm_check.c (inspection and
 * dxgk_vm_validate).
 *
 * Not an interface: no .cdef names anything here, and only the vidmm*.c files and the
 * driver*.c files (which keep a driver's handles in these objects) include it. build_ffi.py includes every header of dxgk/core into the cffi module all the
 * same, so this header compiles on its own after the others and defines nothing with
 * external linkage: types, macros, static inline list helpers, and declarations of the
 * dxgk_vm__* functions (double underscore: internal to the vidmm files; the build's
 * -fvisibility=hidden keeps them out of the extension's symbol table).
 *
 * The object tree: an adapter holds its segments and its processes; a process (one GPU
 * VA space: a range allocator over [0, 2^VirtualAddressBitCount) and a page-table
 * tree) holds its devices and the allocations mapped in it; a device holds its
 * contexts. Every live range of a process's VA allocator is tagged with its vm_range
 * (MAP, ZERO, NOACCESS or RESERVATION); a MAP range is also on its allocation's list --
 * but for the system process's mapping of an updated allocation (flag
 * DXGK_VM_RANGE_F_SYSTEM, vidmm_sysmap.c), which its allocation names as sys_range.
 */
#ifndef DXGK_VIDMM_IMPL_H
#define DXGK_VIDMM_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "dxgk_layout_asserts.h"
#include "pagetable.h"
#include "paging.h"
#include "range_alloc.h"
#include "vidmm.h"

#define PAGE_4K 4096ull
#define PAGE_64K 65536ull

/* Header bits by their header names: the masks come from the layout engine's
 * generated header (dxgk_layout_asserts.h, DXGK_MASK_<record>_<field>). */
#define PROT_WRITE DXGK_MASK_D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE_Write
#define PROT_EXECUTE DXGK_MASK_D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE_Execute
#define PROT_ZERO DXGK_MASK_D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE_Zero
#define PROT_NOACCESS DXGK_MASK_D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE_NoAccess
#define PROT_SYSTEM_ONLY DXGK_MASK_D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE_SystemUseOnly
/* every bit below Reserved: Write, Execute, Zero, NoAccess, SystemUseOnly */
#define PROT_DEFINED (~DXGK_MASK_D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE_Reserved)

/* ---- intrusive lists ------------------------------------------------------------------ */

typedef struct vm_list {
    struct vm_list *prev, *next;
} vm_list;

static inline void list_init(vm_list *l) { l->prev = l->next = l; }
static inline int list_empty(const vm_list *l) { return l->next == l; }
static inline void list_add_tail(vm_list *head, vm_list *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}
static inline void list_del(vm_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}
#define CONTAINER(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- the objects -------------------------------------------------------------------------- */

typedef struct vm_adapter vm_adapter;

/* Every object starts with this header, so any handle leads to its adapter. */
typedef struct vm_obj {
    uint64_t handle;
    vm_adapter *adapter;
} vm_obj;

typedef struct vm_segment {
    uint32_t id, kind, page_size;
    uint64_t size;
    dxgk_ra *ra;
    uint64_t used;          /* allocations + tables */
    uint64_t table_bytes;
} vm_segment;

typedef struct vm_process {
    vm_obj hdr;
    vm_list link;           /* adapter->processes */
    vm_list devices;
    vm_list allocations;    /* allocations mapped in this VA space */
    dxgk_ra *va;
    dxgk_pt *pt;
    dxgk_ra *sub;           /* the sub-ranges of every VAD (vidmm_kmt.c); NULL until the first */
    int creating;
    int is_system;
    uint32_t kmt_adapter;   /* this process's D3DKMT adapter handle */
    uint64_t mappings, reservations;
    uint64_t vads;          /* user-mode VADs (VAD_RESERVED / VAD_MAPPED ranges of va) */
    dxgk_ra *pend;          /* deferred mode: the pending page ranges (vidmm_queue.c) */
    uint64_t npend;
    dxgk_pt_cost need;      /* the sum of their dxgk_pt_bound = the tree's reserve */
    /* paging.c: this model call's flush state and the adapter's pending list */
    uint64_t pg_lo, pg_hi;
    uint32_t pg_flags;
    int pg_rooted;          /* its root's initialisation has been issued (once) */
    struct vm_process *pg_next;
    uint64_t drv_handle;    /* the driver's hKmdProcess (driver.c), valid when drv_live */
    int drv_live;
} vm_process;

typedef struct vm_device {
    vm_obj hdr;
    vm_process *process;
    vm_list link;
    vm_list contexts;
    vm_list queues;         /* vm_pqueue.link */
    vm_list fences;         /* vm_fence.link (a queue's own fence included) */
    uint32_t kmt;
    uint64_t drv_handle;    /* the driver's hDevice (driver.c), valid when drv_live */
    int drv_live;
} vm_device;

typedef struct vm_context {
    vm_obj hdr;
    vm_device *device;
    vm_list link;
    vm_list waiting;        /* Update batches waiting for their fence (vm_batch.link) */
    uint32_t kmt;
    uint64_t drv_handle;    /* the driver's hContext (driver.c), valid when drv_live */
    int drv_live;
} vm_context;

typedef struct vm_alloc {
    vm_obj hdr;
    vm_process *process;
    vm_device *device;      /* NULL: the system device */
    vm_context *context;
    uint64_t driver_allocation;
    vm_segment *segment;
    uint64_t segment_offset, size;
    uint32_t flags, context_flags;
    uint64_t create_va;
    /* docs/behaviour.md 10.2: its VA in the system process once updated (0 before), and
     * the model's range there (vidmm_sysmap.c; NULL when that is its creation mapping) */
    uint64_t sys_va;
    struct vm_range *sys_range;
    vm_list link;           /* process->allocations */
    vm_list mappings;       /* vm_range.alloc_link */
    uint64_t mapping_count;
    uint32_t kmt;           /* a user-mode allocation's D3DKMT handle; 0: a context allocation */
    int drv_live;           /* made through the driver's DxgkDdiCreateAllocation (driver.c) */
} vm_alloc;

/* A range of a process's VA allocator (p->va: kernel mappings, kernel reservations,
 * VADs) or a sub-range of a VAD (p->sub: vad != NULL). */
typedef struct vm_range {
    uint64_t va, size;
    uint32_t kind, flags;
    vm_alloc *alloc;
    uint64_t offset_pages, protection, driver_protection;
    vm_list alloc_link;
    struct vm_range *vad;   /* a sub-range: its VAD */
    uint64_t subs;          /* a VAD: its sub-ranges */
    uint64_t alloc_subs;    /* a VAD: of which map an allocation */
    uint32_t base;          /* a VAD: DXGK_VM_BASE_* of its unmapped pages */
} vm_range;

typedef struct vm_pqueue vm_pqueue;

/* A monitored fence (docs/behaviour.md 9.1); a paging queue's sync object is one. */
typedef struct vm_fence {
    vm_obj hdr;
    vm_device *device;
    vm_list link;           /* device->fences */
    uint32_t kmt;
    uint64_t value;
    vm_pqueue *queue;       /* the queue whose sync object this is, or NULL */
} vm_fence;

/* A paging queue: its fence's value is mirrored at *cpu (FenceValueCPUVirtualAddress). */
struct vm_pqueue {
    vm_obj hdr;
    vm_device *device;
    vm_list link;           /* device->queues */
    uint32_t kmt;
    int32_t priority;
    vm_fence *fence;
    uint64_t *cpu;
    uint64_t submitted;     /* deferred submissions so far: the last fence value handed out */
    vm_list pending;        /* its vm_pend records, in fence order */
};

/* A page range whose PTE change a deferred submission queued (vidmm_queue.c). */
typedef struct vm_pend {
    uint64_t va, size;
    dxgk_pt_target t;       /* what the pages get when it runs */
    dxgk_pg_src src;        /* where its pages come from (the paging stream, paging.c) */
    vm_pqueue *queue;
    uint64_t fence;         /* the queue's fence value it runs under */
    vm_list qlink;          /* queue->pending */
    dxgk_pt_cost need;      /* dxgk_pt_bound of it */
} vm_pend;

/* A pending-work change prepared by dxgk_vm__pend_prepare: the records it needs. */
typedef struct vm_pend_op {
    vm_pend *spare, *fresh;
    int active;
} vm_pend_op;

/* An Update batch that waits for its fence (docs/behaviour.md 9.6.8). */
typedef struct vm_batch {
    vm_list link;           /* context->waiting */
    vm_fence *fence;
    uint64_t fence_value;
    int do_not_wait;
    uint32_t nops;
    dxgk_vm_uop *ops;
} vm_batch;

struct dxgk_drv;

struct vm_adapter {
    vm_obj hdr;
    pthread_mutex_t lock;
    uint64_t refs;          /* under the handle table's lock */
    int dead;
    int starting;           /* reserved for a driver's bring-up, not yet described: every
                               entry point but describe and destroy refuses it (driver.c) */
    struct dxgk_drv *drv;   /* the attached driver (driver.c), or NULL; freed with a */
    DXGK_GPUMMUCAPS caps;
    DXGK_PAGE_TABLE_LEVEL_DESC levels[DXGK_PT_MAX_LEVELS];
    uint32_t level_count, va_bits;
    uint64_t va_limit;      /* 2^VirtualAddressBitCount */
    uint64_t leaf_coverage; /* VA covered by one leaf table */
    uint64_t root_entry1;   /* first VA of root entry 1 */
    uint32_t nseg;
    uint32_t paging_mode;   /* DXGK_VM_PAGING_IMMEDIATE / _DEFERRED (docs/behaviour.md 9.7) */
    vm_segment seg[DXGK_VM_MAX_SEGMENTS];
    vm_process *system;
    vm_list processes;
    uint64_t nprocesses, ndevices, ncontexts, nallocations;
    dxgk_pg *pg;            /* the paging stream and its log (paging.c) */
};

/* ---- vidmm.c: handles and locking ------------------------------------------------------- */

/* Registers obj (a vm_obj first) under a new handle of `type` and stores it in the
 * header; 0 when the table is full. dxgk_vm__g_free kills it. */
uint64_t dxgk_vm__g_new(uint32_t type, void *obj);
void dxgk_vm__g_free(uint64_t h, uint32_t type);

/* The object of handle h if it is live and of `type`, else NULL (takes the short
 * handle-table lock itself). */
void *dxgk_vm__g_get(uint64_t h, uint32_t type);

/* Takes a reference and the lock of the adapter that object h (of `type`) belongs to,
 * and re-checks under that lock that the object is still alive: the object and *out,
 * or NULL (nothing held). dxgk_vm__release undoes it. */
void *dxgk_vm__acquire(uint64_t h, uint32_t type, vm_adapter **out);
void dxgk_vm__release(vm_adapter *a);
/* dxgk_vm__acquire of an adapter handle. */
vm_adapter *dxgk_vm__adapter_acquire(uint64_t h);
/* The same, but also for an adapter still `starting` (describe, destroy, driver.c). */
vm_adapter *dxgk_vm__adapter_acquire_any(uint64_t h);
/* The object of `type` named by h if it belongs to adapter a, else NULL (caller holds
 * a's lock). */
void *dxgk_vm__owned(vm_adapter *a, uint64_t h, uint32_t type);

/* snprintf into msg (NULL or size 0: nothing). */
void dxgk_vm__set_msg(char *msg, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- vidmm.c: segments and page-table memory ------------------------------------------ */

/* Segment `id` (1-based) of a, NULL if a has no such segment. */
vm_segment *dxgk_vm__segment_by_id(vm_adapter *a, uint32_t id);
/* A DXGK_PT_* result as an NTSTATUS. */
NTSTATUS dxgk_vm__pt_status(int rc);

/* ---- vidmm.c: allocation objects ---------------------------------------------------------- */

/* A new allocation object of process p (on device d and for context ctx, either may be
 * NULL) placed at [offset, offset + size) of seg, a range the caller has taken: its
 * handle, the range's tag, seg's used bytes, p's list and the adapter's count; fields
 * driver_allocation, flags and context_flags come from c. NULL for no memory, with
 * nothing changed (the segment range is still the caller's to give back). */
vm_alloc *dxgk_vm__alloc_new(vm_adapter *a, vm_process *p, vm_device *d, vm_context *ctx,
                             vm_segment *seg, uint64_t offset, uint64_t size,
                             const dxgk_vm_create_args *c);
/* Places an allocation (docs/behaviour.md 4; vidmm_va.c): segment, offset (the range
 * taken, untagged) and rounded size, or a status with nothing taken. */
NTSTATUS dxgk_vm__place(vm_adapter *a, const dxgk_vm_create_args *c, vm_segment **seg,
                        uint64_t *offset, uint64_t *size);
/* Drops every mapping of al, frees its segment range, kills its handle, frees it. */
void dxgk_vm__alloc_teardown(vm_adapter *a, vm_alloc *al);

/* ---- vidmm_va.c: ranges ------------------------------------------------------------------- */

/* Removes a live range r of p: its PTEs, its VA, its link, its count; frees r. A VAD
 * goes with its sub-ranges; a sub-range's pages return to its VAD's base state. */
void dxgk_vm__range_drop(vm_process *p, vm_range *r);

/* The PTE target of pages of allocation al from page offset_pages with protection prot
 * (docs/behaviour.md 7). */
void dxgk_vm__pages_target(const vm_alloc *al, uint64_t offset_pages, uint64_t prot,
                           dxgk_pt_target *t);

/* The alignment and phase (va = phase mod align) of a VA mapping allocation al (NULL:
 * none) from page offset_pages (docs/behaviour.md 5.3). */
void dxgk_vm__va_phase(const vm_alloc *al, uint64_t offset_pages, uint64_t *align,
                       uint64_t *phase);
/* Gives range r of p (size, kind, alloc, offset_pages, protection, driver_protection set)
 * its VA -- base != 0: exactly there; else the lowest fit in [max(minimum, 64 KB),
 * maximum or the VA limit) with va = phase mod align -- and its PTEs through the paging
 * stream (docs/behaviour.md 5.4-5.7); sets r->va. A failure takes nothing. It neither
 * counts nor lists r. */
NTSTATUS dxgk_vm__range_place(vm_process *p, vm_range *r, uint64_t base, uint64_t minimum,
                              uint64_t maximum, uint64_t align, uint64_t phase);
/* Whether the page tables destroying al takes fit (STATUS_SUCCESS; else STATUS_NO_MEMORY,
 * nothing changed). Unmaps take tables only in deferred mode, where pages return to a
 * ZERO base or cut a 64 KB entry the tree shows before queued work ran (9.7, 9.8). */
NTSTATUS dxgk_vm__teardown_room(vm_adapter *a, vm_alloc *al);

/* ---- vidmm_sysmap.c: a context allocation's mapping in the system process ----------- */

/* Removes al's system-process mapping, if the model made one (its teardown). */
void dxgk_vm__sysmap_drop(vm_adapter *a, vm_alloc *al);
/* dxgk_vm_validate's part: al's system VA is the range recorded for it in the system
 * process (or its creation mapping there); 0, or 1 with msg set. */
int dxgk_vm__sysmap_check(vm_adapter *a, const vm_alloc *al, char *msg, size_t msg_size);
/* Whether range r of p may name an allocation of another process: it is that
 * allocation's system mapping and p the system process. */
int dxgk_vm__sysmap_is(const vm_process *p, const vm_range *r);

/* ---- vidmm_kmt.c: D3DKMT handles and the user-mode objects ------------------------------- */

/* A new D3DKMT handle for the object of 64-bit handle h (of DXGK_VM_T_* type); 0 when
 * the handle space or memory is exhausted. Free with dxgk_vm__kmt_free. */
uint32_t dxgk_vm__kmt_new(uint32_t type, uint64_t h);
void dxgk_vm__kmt_free(uint32_t kmt);
/* The object of `type` a D3DKMT handle names: dxgk_vm__acquire'd, or (adapter a
 * locked) the object if it belongs to a; NULL otherwise. */
void *dxgk_vm__k_acquire(uint32_t kmt, uint32_t type, vm_adapter **a);
void *dxgk_vm__k_owned(vm_adapter *a, uint32_t kmt, uint32_t type);
/* Sets a fence's value (and a queue's mirror of it). */
void dxgk_vm__fence_set(vm_fence *f, uint64_t value);
/* Unlinks and frees a waiting batch. */
void dxgk_vm__batch_free(vm_batch *b);
/* Destroys a device's paging queues, fences and waiting batches (its teardown). */
void dxgk_vm__kmt_device_teardown(vm_adapter *a, vm_device *d);
/* Drops the waiting batches of a context (its teardown). */
void dxgk_vm__kmt_context_teardown(vm_adapter *a, vm_context *c);

/* ---- vidmm_vad.c: VADs and the user-mode VA operations; vidmm_update.c ---------------------- */

/* A VAD range r of p (kind VAD_* or a user-mappable kernel reservation): drops its
 * sub-ranges (their PTEs are the caller's). */
void dxgk_vm__vad_drop_subs(vm_process *p, vm_range *r);
/* Removes sub-range s: its pages return to the VAD's base state, its VAD's counts; a
 * mapped VAD left with no page of an allocation is released (docs/behaviour.md 9.8). */
void dxgk_vm__sub_drop(vm_process *p, vm_range *s);
/* The PTE target of a ZERO base state over [va, va + size). */
void dxgk_vm__base_target(uint64_t va, uint64_t size, dxgk_pt_target *t);

/* One piece of what a VAD page range holds: a sub-range's target, or the base state. */
typedef struct vm_piece {
    uint64_t off, size;         /* relative to the start of the range read */
    uint32_t kind;              /* DXGK_VM_RANGE_MAP / ZERO / NOACCESS, or VM_PIECE_BASE */
    vm_alloc *alloc;
    uint64_t offset_pages, protection, driver_protection;
} vm_piece;
#define VM_PIECE_BASE 99u

/* The PTE target of pc over [va, va + size) of VAD v (VM_PIECE_BASE: the VAD's base state;
 * NOACCESS: the pages go invalid). */
void dxgk_vm__piece_target(const vm_range *v, uint64_t va, uint64_t size, const vm_piece *pc,
                           dxgk_pt_target *t);
/* Writes pc over [va, va + size) of VAD v: PTEs (one atomic page-table change), then the
 * sub-ranges (cut, trimmed or split; a new one for anything but VM_PIECE_BASE). A failure
 * (no room for a table, no memory) changes nothing. */
NTSTATUS dxgk_vm__vad_write(vm_process *p, vm_range *v, uint64_t va, uint64_t size,
                            const vm_piece *pc);
/* A hint for a batch of writes (Update), in two stages issued a few operations ahead of
 * the write at va: stage 0 asks for the sub-range tree's leaf (remembered in *hint) and
 * the page-table leaf lines of va; stage 1, issued later (once that leaf has arrived),
 * for the record of the sub-range holding va, found through *hint. Reads only through
 * the trees' own lookups and changes nothing. 0 when the sub-range tree is small enough
 * to stay in cache: nothing was asked for, and a caller may stop issuing hints for the
 * batch. */
int dxgk_vm__vad_prefetch(vm_process *p, uint64_t va, int stage, dxgk_ra_hint *hint);
/* A copy of the pieces of [va, va + size) of VAD v, base-state gaps included (offsets
 * relative to va); *out is malloc'ed. The count, or -1 for no memory. */
long dxgk_vm__read_pieces(vm_process *p, const vm_range *v, uint64_t va, uint64_t size,
                          vm_piece **out);
/* The VAD of p->va holding all of [va, va + size), or NULL. */
vm_range *dxgk_vm__vad_holding(vm_process *p, uint64_t va, uint64_t size);
/* Whether VAD r is reserved (by either mode): Update and a partial Free work inside. */
int dxgk_vm__is_reserved_vad(const vm_range *r);

/* Whether range r of p->va is a VAD (user-mode ranges may be made inside it). */
int dxgk_vm__is_vad(const vm_range *r);
/* Runs the waiting batches of d's contexts that their fences now release, in order. */
void dxgk_vm__run_waiting(vm_adapter *a, vm_device *d);

/* ---- vidmm_queue.c: deferred paging work (docs/behaviour.md 9.7) ------------------------- */

/* Whether p's adapter runs its paging queues in deferred mode. */
int dxgk_vm__deferred(const vm_process *p);
/* Two-phase change of the pending work of [va, va + size): prepare takes every record
 * and table the change needs (or fails with nothing changed); then the caller makes its
 * own change and either applies (cannot fail) or aborts. t NULL: the range's pending work
 * goes (an immediate write is about to cover it); t set: it is replaced by t, queued on q
 * at q's next fence value (*out_fence). */
NTSTATUS dxgk_vm__pend_prepare(vm_process *p, uint64_t va, uint64_t size,
                               const dxgk_pt_target *t, vm_pend_op *op);
void dxgk_vm__pend_apply(vm_process *p, vm_pend_op *op, uint64_t va, uint64_t size,
                         vm_pqueue *q, uint64_t *out_fence);
void dxgk_vm__pend_abort(vm_process *p, vm_pend_op *op);
/* The pending work inside [va, va + size), a range going whole (a VAD, a sub-range). */
void dxgk_vm__pend_drop(vm_process *p, uint64_t va, uint64_t size);
/* Subtracts from *need the need of the records dxgk_vm__pend_drop(p, va, size) would
 * free (those wholly inside the range): what the reserve shrinks by when they go. */
void dxgk_vm__pend_drop_need(vm_process *p, uint64_t va, uint64_t size, dxgk_pt_cost *need);
/* Runs all of q's work and completes its last fence value (before q goes). */
void dxgk_vm__queue_drain(vm_adapter *a, vm_pqueue *q);
/* Frees every pending record of p (its teardown). */
void dxgk_vm__pend_destroy(vm_process *p);

#endif /* DXGK_VIDMM_IMPL_H */
