/*
 * vidmm_impl.h -- the VidMm model's private object structs and the helpers its three
 * files share: vidmm.c (the objects, their lifetime, the handle table, the locking),
 * vidmm_va.c (the VA operations of docs/behaviour.md 4-6) and vidmm_check.c (inspection and
 * dxgk_vm_validate).
 *
 * Not an interface: no .cdef names anything here, and only the vidmm*.c files include
 * it. build_ffi.py includes every header of dxgk/core into the cffi module all the
 * same, so this header compiles on its own after the others and defines nothing with
 * external linkage: types, macros, static inline list helpers, and declarations of the
 * dxgk_vm__* functions (double underscore: internal to the vidmm files; the build's
 * -fvisibility=hidden keeps them out of the extension's symbol table).
 *
 * The object tree: an adapter holds its segments and its processes; a process (one GPU
 * VA space: a range allocator over [0, 2^VirtualAddressBitCount) and a page-table
 * tree) holds its devices and the allocations mapped in it; a device holds its
 * contexts. Every live range of a process's VA allocator is tagged with its vm_range
 * (MAP, ZERO, NOACCESS or RESERVATION); a MAP range is also on its allocation's list.
 */
#ifndef DXGK_VIDMM_IMPL_H
#define DXGK_VIDMM_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "range_alloc.h"
#include "vidmm.h"

#define PAGE_4K 4096ull
#define PAGE_64K 65536ull

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
    int creating;
    int is_system;
    uint64_t mappings, reservations;
} vm_process;

typedef struct vm_device {
    vm_obj hdr;
    vm_process *process;
    vm_list link;
    vm_list contexts;
} vm_device;

typedef struct vm_context {
    vm_obj hdr;
    vm_device *device;
    vm_list link;
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
    vm_list link;           /* process->allocations */
    vm_list mappings;       /* vm_range.alloc_link */
    uint64_t mapping_count;
} vm_alloc;

typedef struct vm_range {
    uint64_t va, size;
    uint32_t kind, flags;
    vm_alloc *alloc;
    uint64_t offset_pages, protection, driver_protection;
    vm_list alloc_link;
} vm_range;

typedef struct vm_paging {
    dxgk_vm_paging_record rec;
    void *data;
} vm_paging;

struct vm_adapter {
    vm_obj hdr;
    pthread_mutex_t lock;
    uint64_t refs;          /* under the handle table's lock */
    int dead;
    DXGK_GPUMMUCAPS caps;
    DXGK_PAGE_TABLE_LEVEL_DESC levels[DXGK_PT_MAX_LEVELS];
    uint32_t level_count, va_bits;
    uint64_t va_limit;      /* 2^VirtualAddressBitCount */
    uint64_t leaf_coverage; /* VA covered by one leaf table */
    uint64_t root_entry1;   /* first VA of root entry 1 */
    uint32_t nseg;
    vm_segment seg[DXGK_VM_MAX_SEGMENTS];
    vm_process *system;
    vm_list processes;
    uint64_t nprocesses, ndevices, ncontexts, nallocations;
    vm_paging *log;
    uint64_t nlog, caplog;
};

/* ---- vidmm.c: handles and locking ------------------------------------------------------- */

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
/* Drops every mapping of al, frees its segment range, kills its handle, frees it. */
void dxgk_vm__alloc_teardown(vm_adapter *a, vm_alloc *al);

/* ---- vidmm_va.c: ranges ------------------------------------------------------------------- */

/* Removes a live range r of p: its PTEs, its VA, its link, its count; frees r. */
void dxgk_vm__range_drop(vm_process *p, vm_range *r);

#endif /* DXGK_VIDMM_IMPL_H */
