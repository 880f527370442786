/*
 * vidmm.c -- the VidMm model behind the DxgkCb* GPU VA callbacks (SPEC.md 3-7).
 *
 * What it owns: adapters (GpuMmu caps, page-table level descriptions, memory
 * segments), processes (one GPU VA space each: a range allocator over
 * [0, 2^VirtualAddressBitCount) and a page-table tree), devices, contexts, context
 * allocations (a placement in one segment), mappings and reservations. It applies the
 * SPEC's rules using range_alloc.c (VA spaces and segments) and pagetable.c (PTEs),
 * and knows nothing of the DDI structs (ddi.c unpacks them).
 *
 * Invariants kept (checked by dxgk_vm_validate):
 *   - every object is reachable from exactly one live handle of the global table and
 *     from its parent's list; a handle never outlives its object;
 *   - every live range of a process VA allocator is tagged with its vm_range; a MAP
 *     range is on its allocation's list; its PTEs translate to the allocation's pages;
 *   - a segment's used bytes = its allocations' sizes + the page tables placed in it;
 *   - a failed call changes nothing (SPEC 5.7): each operation takes every resource
 *     it needs before it writes anything, and gives back in reverse order on failure.
 *
 * Locking: one mutex per adapter, taken by every entry point; the global handle
 * table has its own short lock, always taken *inside* an adapter lock or alone (never
 * the other way round), so there is no lock-order cycle. An adapter is reference
 * counted so that a caller waiting for its lock while it is destroyed finds it dead
 * instead of freed memory.
 */
#include "vidmm.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "range_alloc.h"

#define PAGE_4K 4096ull
#define PAGE_64K 65536ull
#define TAG_TABLE 1ull   /* segment-range tag of a page table (allocations use their handle) */

/* Protection bits (D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE) */
#define PROT_WRITE 1ull
#define PROT_EXECUTE 2ull
#define PROT_ZERO 4ull
#define PROT_NOACCESS 8ull
#define PROT_DEFINED 0x1Full   /* Write, Execute, Zero, NoAccess, SystemUseOnly */

/* DXGK_ALLOCATIONINFOFLAGS / DXGK_CREATECONTEXTALLOCATIONFLAGS bits used here */
#define AIF_CACHED (1u << 2)
#define AIF_FROM_END (1u << 6)
#define CCA_SHARED (1u << 0)
#define CCA_MAPVA (1u << 1)

typedef struct vm_list {
    struct vm_list *prev, *next;
} vm_list;

static void list_init(vm_list *l) { l->prev = l->next = l; }
static int list_empty(const vm_list *l) { return l->next == l; }
static void list_add_tail(vm_list *head, vm_list *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}
static void list_del(vm_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->prev = n->next = n;
}
#define CONTAINER(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

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
    uint64_t refs;          /* under g_lock */
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

/* ---- the global handle table ------------------------------------------------------ */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static dxgk_handles *g_handles;

static uint64_t g_new(uint32_t type, void *obj)
{
    uint64_t h = 0;
    pthread_mutex_lock(&g_lock);
    if (!g_handles)
        g_handles = dxgk_handles_create();
    if (g_handles)
        h = dxgk_handle_new(g_handles, type, obj);
    if (h)
        ((vm_obj *)obj)->handle = h;
    pthread_mutex_unlock(&g_lock);
    return h;
}

static void *g_get(uint64_t h, uint32_t type)
{
    void *obj = NULL;
    pthread_mutex_lock(&g_lock);
    if (g_handles && h)
        obj = dxgk_handle_get(g_handles, h, type);
    pthread_mutex_unlock(&g_lock);
    return obj;
}

static void g_free(uint64_t h, uint32_t type)
{
    pthread_mutex_lock(&g_lock);
    if (g_handles)
        dxgk_handle_free(g_handles, h, type);
    pthread_mutex_unlock(&g_lock);
}

uint32_t dxgk_vm_handle_type(uint64_t h)
{
    uint32_t t = 0;
    pthread_mutex_lock(&g_lock);
    if (g_handles && h)
        t = dxgk_handle_type(g_handles, h);
    pthread_mutex_unlock(&g_lock);
    return t;
}

uint64_t dxgk_vm_live_handles(void)
{
    uint64_t n = 0;
    pthread_mutex_lock(&g_lock);
    if (g_handles)
        n = dxgk_handles_count(g_handles);
    pthread_mutex_unlock(&g_lock);
    return n;
}

uint64_t dxgk_vm_adapter_of(uint64_t h)
{
    uint64_t out = 0;
    pthread_mutex_lock(&g_lock);
    if (g_handles && h) {
        uint32_t t = dxgk_handle_type(g_handles, h);
        vm_obj *o = t ? dxgk_handle_get(g_handles, h, t) : NULL;
        if (o)
            out = o->adapter->hdr.handle;
    }
    pthread_mutex_unlock(&g_lock);
    return out;
}

/* ---- adapter lifetime and locking --------------------------------------------------- */

static void adapter_free(vm_adapter *a);

/* Takes a reference and the lock of the adapter that object `h` (of `type`) belongs
 * to, and re-checks under that lock that the object is still alive. */
static void *acquire(uint64_t h, uint32_t type, vm_adapter **out)
{
    vm_obj *o;
    vm_adapter *a;
    pthread_mutex_lock(&g_lock);
    o = (g_handles && h) ? dxgk_handle_get(g_handles, h, type) : NULL;
    if (!o) {
        pthread_mutex_unlock(&g_lock);
        return NULL;
    }
    a = o->adapter;
    a->refs++;
    pthread_mutex_unlock(&g_lock);
    pthread_mutex_lock(&a->lock);
    if (a->dead || g_get(h, type) != o) {
        int last;
        pthread_mutex_unlock(&a->lock);
        pthread_mutex_lock(&g_lock);
        last = --a->refs == 0;
        pthread_mutex_unlock(&g_lock);
        if (last)
            adapter_free(a);
        return NULL;
    }
    *out = a;
    return o;
}

static void release(vm_adapter *a)
{
    int last;
    pthread_mutex_unlock(&a->lock);
    pthread_mutex_lock(&g_lock);
    last = --a->refs == 0;
    pthread_mutex_unlock(&g_lock);
    if (last)
        adapter_free(a);
}

static vm_adapter *adapter_acquire(uint64_t h)
{
    vm_adapter *a = NULL;
    return acquire(h, DXGK_VM_T_ADAPTER, &a) ? a : NULL;
}

/* An object of `type` that belongs to adapter a (caller holds a's lock). The owner is
 * read under the handle-table lock: a handle of *another* adapter may be destroyed by
 * that adapter's thread at any moment (under its own lock, not ours), and an object is
 * freed only after its handle is gone, so only under g_lock is it safe to look at. */
static void *owned(vm_adapter *a, uint64_t h, uint32_t type)
{
    vm_obj *o = NULL;
    pthread_mutex_lock(&g_lock);
    if (g_handles && h) {
        o = dxgk_handle_get(g_handles, h, type);
        if (o && o->adapter != a)
            o = NULL;
    }
    pthread_mutex_unlock(&g_lock);
    return o;
}

static void set_msg(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;
    if (!msg || !size)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
}

/* ---- page-table memory: tables take real space in their segment (SPEC 7) ---------- */

static vm_segment *segment_by_id(vm_adapter *a, uint32_t id)
{
    return (id >= 1 && id <= a->nseg) ? &a->seg[id - 1] : NULL;
}

static int table_alloc(void *ctx, uint32_t segment_id, uint64_t size, uint64_t align,
                       uint64_t *out)
{
    vm_adapter *a = ctx;
    vm_segment *s = segment_by_id(a, segment_id);
    if (!s || dxgk_ra_alloc(s->ra, size, align ? align : PAGE_4K, 0, 0, s->size, 0, TAG_TABLE,
                            out) != DXGK_RA_OK)
        return 1;
    s->used += size;
    s->table_bytes += size;
    return 0;
}

static void table_free(void *ctx, uint32_t segment_id, uint64_t offset, uint64_t size)
{
    vm_adapter *a = ctx;
    vm_segment *s = segment_by_id(a, segment_id);
    if (s && dxgk_ra_free(s->ra, offset) == DXGK_RA_OK) {
        s->used -= size;
        s->table_bytes -= size;
    }
}

static NTSTATUS pt_status(int rc)
{
    switch (rc) {
    case DXGK_PT_OK: return STATUS_SUCCESS;
    case DXGK_PT_E_NOSPACE:
    case DXGK_PT_E_NOMEM: return STATUS_NO_MEMORY;
    default: return STATUS_INVALID_PARAMETER;
    }
}

/* ---- adapters ------------------------------------------------------------------------- */

void dxgk_vm_default_desc(DXGK_GPUMMUCAPS *caps, DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                          dxgk_vm_segment_desc *segments, uint32_t *segment_count)
{
    /* SPEC 3 [choice]: segment 1 local 1 GiB 64 KB pages (page tables live there),
     * segment 2 aperture 1 GiB 4 KB pages. */
    dxgk_pt_default_config(caps, levels);
    memset(segments, 0, 2 * sizeof *segments);
    segments[0].id = 1;
    segments[0].kind = DXGK_VM_SEG_LOCAL;
    segments[0].size = 1ull << 30;
    segments[0].page_size = PAGE_64K;
    segments[1].id = 2;
    segments[1].kind = DXGK_VM_SEG_APERTURE;
    segments[1].size = 1ull << 30;
    segments[1].page_size = PAGE_4K;
    *segment_count = 2;
}

static NTSTATUS process_new(vm_adapter *a, int is_system, vm_process **out);
static void process_teardown(vm_adapter *a, vm_process *p);

static void adapter_free(vm_adapter *a)
{
    for (uint64_t i = 0; i < a->nlog; i++)
        free(a->log[i].data);
    free(a->log);
    for (uint32_t i = 0; i < a->nseg; i++)
        dxgk_ra_destroy(a->seg[i].ra);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

NTSTATUS dxgk_vm_adapter_create(const DXGK_GPUMMUCAPS *caps,
                                const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                                const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                                uint64_t *out_adapter, uint64_t *out_system_process,
                                char *msg, size_t msg_size)
{
    vm_adapter *a;
    NTSTATUS st;
    uint32_t bits_below_root = 0;

    set_msg(msg, msg_size, "%s", "");
    if (!caps || !levels || !segments || !out_adapter) {
        set_msg(msg, msg_size, "caps, levels, segments and out_adapter are required");
        return STATUS_INVALID_PARAMETER;
    }
    if (dxgk_pt_config_check(caps, levels, msg, msg_size) != DXGK_PT_OK)
        return STATUS_INVALID_PARAMETER;
    if (segment_count < 1 || segment_count > DXGK_VM_MAX_SEGMENTS) {
        set_msg(msg, msg_size, "segment count %u is outside 1..%u", segment_count,
                DXGK_VM_MAX_SEGMENTS);
        return STATUS_INVALID_PARAMETER;
    }
    for (uint32_t i = 0; i < segment_count; i++) {
        const dxgk_vm_segment_desc *s = &segments[i];
        if (s->id != i + 1) {
            set_msg(msg, msg_size, "segment %u has id %u: ids must be 1..N in order", i, s->id);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->page_size != PAGE_4K && s->page_size != PAGE_64K) {
            set_msg(msg, msg_size, "segment %u: page size %u is neither 4096 nor 65536", s->id,
                    s->page_size);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->kind != DXGK_VM_SEG_LOCAL && s->kind != DXGK_VM_SEG_APERTURE) {
            set_msg(msg, msg_size, "segment %u: kind %u is neither local (0) nor aperture (1)",
                    s->id, s->kind);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->size == 0 || s->size % s->page_size || s->size > (1ull << 62)) {
            set_msg(msg, msg_size,
                    "segment %u: size %llu must be a non-zero multiple of its page size, at most 2^62",
                    s->id, (unsigned long long)s->size);
            return STATUS_INVALID_PARAMETER;
        }
    }
    for (uint32_t l = 0; l < caps->PageTableLevelCount; l++) {
        if (levels[l].PageTableSegmentId < 1 || levels[l].PageTableSegmentId > segment_count) {
            set_msg(msg, msg_size,
                    "level %u: PageTableSegmentId %u is not a segment of this adapter (1..%u)", l,
                    levels[l].PageTableSegmentId, segment_count);
            return STATUS_INVALID_PARAMETER;
        }
    }

    a = calloc(1, sizeof *a);
    if (!a)
        return STATUS_NO_MEMORY;
    pthread_mutex_init(&a->lock, NULL);
    a->hdr.adapter = a;
    a->refs = 1;    /* the creation reference, dropped by dxgk_vm_adapter_destroy */
    a->caps = *caps;
    a->level_count = caps->PageTableLevelCount;
    memcpy(a->levels, levels, a->level_count * sizeof *levels);
    a->va_bits = caps->VirtualAddressBitCount;
    a->va_limit = 1ull << a->va_bits;
    a->leaf_coverage = 1ull << (12 + levels[0].PageTableIndexBitCount);
    for (uint32_t l = 0; l + 1 < a->level_count; l++)
        bits_below_root += levels[l].PageTableIndexBitCount;
    a->root_entry1 = 1ull << (12 + bits_below_root);
    list_init(&a->processes);
    a->nseg = segment_count;
    for (uint32_t i = 0; i < segment_count; i++) {
        a->seg[i].id = segments[i].id;
        a->seg[i].kind = segments[i].kind;
        a->seg[i].page_size = segments[i].page_size;
        a->seg[i].size = segments[i].size;
        a->seg[i].ra = dxgk_ra_create(0, segments[i].size);
        if (!a->seg[i].ra) {
            adapter_free(a);
            return STATUS_NO_MEMORY;
        }
    }
    if (!g_new(DXGK_VM_T_ADAPTER, a)) {
        adapter_free(a);
        return STATUS_NO_MEMORY;
    }
    pthread_mutex_lock(&a->lock);
    st = process_new(a, 1, &a->system);
    pthread_mutex_unlock(&a->lock);
    if (st != STATUS_SUCCESS) {
        set_msg(msg, msg_size, "no room for the system process's root page table");
        g_free(a->hdr.handle, DXGK_VM_T_ADAPTER);
        adapter_free(a);
        return st;
    }
    *out_adapter = a->hdr.handle;
    if (out_system_process)
        *out_system_process = a->system->hdr.handle;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_adapter_destroy(uint64_t h)
{
    vm_adapter *a = adapter_acquire(h);
    if (!a)
        return STATUS_INVALID_HANDLE;
    a->dead = 1;
    while (!list_empty(&a->processes)) {
        vm_process *p = CONTAINER(a->processes.next, vm_process, link);
        process_teardown(a, p);
    }
    a->system = NULL;
    g_free(a->hdr.handle, DXGK_VM_T_ADAPTER);
    pthread_mutex_lock(&g_lock);
    a->refs--;      /* the creation reference; release() drops ours */
    pthread_mutex_unlock(&g_lock);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_get_adapter_stats(uint64_t h, dxgk_vm_adapter_stats *out)
{
    vm_adapter *a = adapter_acquire(h);
    vm_list *it;
    if (!a)
        return STATUS_INVALID_HANDLE;
    memset(out, 0, sizeof *out);
    out->processes = a->nprocesses;
    out->devices = a->ndevices;
    out->contexts = a->ncontexts;
    out->allocations = a->nallocations;
    for (it = a->processes.next; it != &a->processes; it = it->next) {
        vm_process *p = CONTAINER(it, vm_process, link);
        out->mappings += p->mappings;
        out->reservations += p->reservations;
    }
    for (uint32_t i = 0; i < a->nseg; i++)
        out->table_bytes += a->seg[i].table_bytes;
    out->paging_records = a->nlog;
    out->segment_count = a->nseg;
    out->level_count = a->level_count;
    out->va_bits = a->va_bits;
    out->interface_version = DXGKDDI_INTERFACE_VERSION;
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_get_segment_info(uint64_t h, uint32_t id, dxgk_vm_segment_info *out)
{
    vm_adapter *a = adapter_acquire(h);
    vm_segment *s;
    if (!a)
        return STATUS_INVALID_HANDLE;
    s = segment_by_id(a, id);
    if (!s) {
        release(a);
        return STATUS_INVALID_PARAMETER;
    }
    memset(out, 0, sizeof *out);
    out->id = s->id;
    out->kind = s->kind;
    out->page_size = s->page_size;
    out->size = s->size;
    out->used_bytes = s->used;
    out->table_bytes = s->table_bytes;
    out->largest_hole = dxgk_ra_largest_hole(s->ra);
    release(a);
    return STATUS_SUCCESS;
}

/* ---- processes, devices, contexts ------------------------------------------------------ */

static NTSTATUS process_new(vm_adapter *a, int is_system, vm_process **out)
{
    dxgk_pt_mem mem = {a, table_alloc, table_free};
    vm_process *p = calloc(1, sizeof *p);
    int rc;
    if (!p)
        return STATUS_NO_MEMORY;
    p->hdr.adapter = a;
    p->is_system = is_system;
    list_init(&p->devices);
    list_init(&p->allocations);
    p->va = dxgk_ra_create(0, a->va_limit);
    if (!p->va) {
        free(p);
        return STATUS_NO_MEMORY;
    }
    /* The root table is made with the process and lives as long as it (SPEC 7). */
    rc = dxgk_pt_create(&a->caps, a->levels, &mem, &p->pt, NULL, 0);
    if (rc != DXGK_PT_OK) {
        dxgk_ra_destroy(p->va);
        free(p);
        return pt_status(rc);
    }
    if (!g_new(DXGK_VM_T_PROCESS, p)) {
        dxgk_pt_destroy(p->pt);
        dxgk_ra_destroy(p->va);
        free(p);
        return STATUS_NO_MEMORY;
    }
    list_add_tail(&a->processes, &p->link);
    a->nprocesses++;
    *out = p;
    return STATUS_SUCCESS;
}

static void alloc_teardown(vm_adapter *a, vm_alloc *al);
static void range_drop(vm_process *p, vm_range *r);

static void context_teardown(vm_adapter *a, vm_context *c)
{
    vm_process *p = c->device->process;
    vm_list *it = p->allocations.next;
    while (it != &p->allocations) {
        vm_alloc *al = CONTAINER(it, vm_alloc, link);
        it = it->next;
        if (al->context == c)
            alloc_teardown(a, al);
    }
    list_del(&c->link);
    g_free(c->hdr.handle, DXGK_VM_T_CONTEXT);
    a->ncontexts--;
    free(c);
}

static void device_teardown(vm_adapter *a, vm_device *d)
{
    vm_process *p = d->process;
    vm_list *it;
    while (!list_empty(&d->contexts))
        context_teardown(a, CONTAINER(d->contexts.next, vm_context, link));
    it = p->allocations.next;
    while (it != &p->allocations) {
        vm_alloc *al = CONTAINER(it, vm_alloc, link);
        it = it->next;
        if (al->device == d)
            alloc_teardown(a, al);
    }
    list_del(&d->link);
    g_free(d->hdr.handle, DXGK_VM_T_DEVICE);
    a->ndevices--;
    free(d);
}

static void process_teardown(vm_adapter *a, vm_process *p)
{
    uint64_t start, size, tag;
    while (!list_empty(&p->devices))
        device_teardown(a, CONTAINER(p->devices.next, vm_device, link));
    while (!list_empty(&p->allocations))
        alloc_teardown(a, CONTAINER(p->allocations.next, vm_alloc, link));
    /* What is left: Zero / NoAccess mappings and reservations. */
    while (dxgk_ra_next(p->va, 0, &start, &size, &tag) == DXGK_RA_OK)
        range_drop(p, (vm_range *)(uintptr_t)tag);
    dxgk_pt_destroy(p->pt);     /* gives every table back to its segment */
    dxgk_ra_destroy(p->va);
    list_del(&p->link);
    g_free(p->hdr.handle, DXGK_VM_T_PROCESS);
    a->nprocesses--;
    if (a->system == p)
        a->system = NULL;
    free(p);
}

NTSTATUS dxgk_vm_process_begin(uint64_t h, uint64_t *out)
{
    vm_adapter *a = adapter_acquire(h);
    vm_process *p;
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    st = process_new(a, 0, &p);
    if (st == STATUS_SUCCESS) {
        p->creating = 1;
        *out = p->hdr.handle;
    }
    release(a);
    return st;
}

NTSTATUS dxgk_vm_process_end(uint64_t h, int keep)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    if (!p->creating) {
        release(a);
        return STATUS_INVALID_PARAMETER;
    }
    p->creating = 0;
    if (!keep)
        process_teardown(a, p);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_process_destroy(uint64_t h)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    if (p->is_system) {   /* it goes with its adapter */
        release(a);
        return STATUS_INVALID_PARAMETER;
    }
    process_teardown(a, p);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_device_create(uint64_t h, uint64_t *out)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    vm_device *d;
    if (!p)
        return STATUS_INVALID_HANDLE;
    d = calloc(1, sizeof *d);
    if (!d || (d->hdr.adapter = a, !g_new(DXGK_VM_T_DEVICE, d))) {
        free(d);
        release(a);
        return STATUS_NO_MEMORY;
    }
    d->process = p;
    list_init(&d->contexts);
    list_add_tail(&p->devices, &d->link);
    a->ndevices++;
    *out = d->hdr.handle;
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_device_destroy(uint64_t h)
{
    vm_adapter *a;
    vm_device *d = acquire(h, DXGK_VM_T_DEVICE, &a);
    if (!d)
        return STATUS_INVALID_HANDLE;
    device_teardown(a, d);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_context_create(uint64_t h, uint64_t *out)
{
    vm_adapter *a;
    vm_device *d = acquire(h, DXGK_VM_T_DEVICE, &a);
    vm_context *c;
    if (!d)
        return STATUS_INVALID_HANDLE;
    c = calloc(1, sizeof *c);
    if (!c || (c->hdr.adapter = a, !g_new(DXGK_VM_T_CONTEXT, c))) {
        free(c);
        release(a);
        return STATUS_NO_MEMORY;
    }
    c->device = d;
    list_add_tail(&d->contexts, &c->link);
    a->ncontexts++;
    *out = c->hdr.handle;
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_context_destroy(uint64_t h)
{
    vm_adapter *a;
    vm_context *c = acquire(h, DXGK_VM_T_CONTEXT, &a);
    if (!c)
        return STATUS_INVALID_HANDLE;
    context_teardown(a, c);
    release(a);
    return STATUS_SUCCESS;
}

/* ---- mappings ------------------------------------------------------------------------- */

/* Removes a live range of p: its PTEs (none for NoAccess and reservations), its VA,
 * its link. Whole mappings never split a 64 KB entry, so the unmap cannot fail
 * (callers check that with dxgk_pt_estimate first where it matters). */
static void range_drop(vm_process *p, vm_range *r)
{
    if (r->kind == DXGK_VM_RANGE_MAP || r->kind == DXGK_VM_RANGE_ZERO)
        dxgk_pt_unmap(p->pt, r->va, r->size >> 12);
    dxgk_ra_free(p->va, r->va);
    if (r->kind == DXGK_VM_RANGE_RESERVATION) {
        p->reservations--;
    } else {
        p->mappings--;
    }
    if (r->alloc) {
        list_del(&r->alloc_link);
        r->alloc->mapping_count--;
    }
    free(r);
}

static void alloc_teardown(vm_adapter *a, vm_alloc *al)
{
    while (!list_empty(&al->mappings))
        range_drop(al->process, CONTAINER(al->mappings.next, vm_range, alloc_link));
    dxgk_ra_free(al->segment->ra, al->segment_offset);
    al->segment->used -= al->size;
    list_del(&al->link);
    g_free(al->hdr.handle, DXGK_VM_T_ALLOCATION);
    a->nallocations--;
    free(al);
}

static NTSTATUS ra_status(int rc)
{
    switch (rc) {
    case DXGK_RA_OK: return STATUS_SUCCESS;
    case DXGK_RA_EBUSY: return STATUS_CONFLICTING_ADDRESSES;
    case DXGK_RA_ENOSPC:
    case DXGK_RA_ENOMEM: return STATUS_NO_MEMORY;
    default: return STATUS_INVALID_PARAMETER;
    }
}

/* SPEC 5, under a's lock. The checks run in the SPEC's priority order: handles,
 * parameters, rule 3 (64 KB congruence), overlap, room. */
static NTSTATUS map_locked(vm_adapter *a, const dxgk_vm_map_args *m, uint64_t *out_va)
{
    vm_alloc *al = NULL;
    vm_process *p;
    vm_range *r;
    dxgk_pt_target t;
    uint64_t bytes, align = PAGE_4K, phase = 0, start = 0;
    const uint64_t prot = m->protection, limit = a->va_limit;
    const int zero = (prot & PROT_ZERO) != 0, noaccess = (prot & PROT_NOACCESS) != 0;
    int rc;

    /* 1. handles */
    if (m->allocation) {
        al = owned(a, m->allocation, DXGK_VM_T_ALLOCATION);
        if (!al)
            return STATUS_INVALID_HANDLE;
    }
    /* 1. parameters */
    if (m->size_pages == 0 || m->size_pages > (limit >> 12))
        return STATUS_INVALID_PARAMETER;
    bytes = m->size_pages << 12;
    if (al) {
        const uint64_t pages = al->size >> 12;
        if (m->offset_pages > pages || m->size_pages > pages - m->offset_pages)
            return STATUS_INVALID_PARAMETER;
    }
    if ((m->base | m->minimum | m->maximum) & (PAGE_4K - 1))
        return STATUS_INVALID_PARAMETER;
    if (prot & ~PROT_DEFINED)                       /* Protection.Reserved != 0 */
        return STATUS_INVALID_PARAMETER;
    if (zero && noaccess)
        return STATUS_INVALID_PARAMETER;
    if ((zero || noaccess) != (al == NULL))         /* Zero/NoAccess <=> NULL hAllocation */
        return STATUS_INVALID_PARAMETER;
    if (zero && !a->caps.ZeroInPteSupported)
        return STATUS_INVALID_PARAMETER;
    if (m->maximum != 0 && m->minimum >= m->maximum)
        return STATUS_INVALID_PARAMETER;
    if (m->maximum > limit || m->minimum >= limit)  /* the window leaves [0, 2^bits) */
        return STATUS_INVALID_PARAMETER;
    if (m->base && (m->base >= limit || bytes > limit - m->base))
        return STATUS_INVALID_PARAMETER;

    /* 2. the VA space: the allocation's process; [choice] the system process for a
     * Zero/NoAccess map, which has no allocation to name one. */
    p = al ? al->process : a->system;

    /* 3. a 64 KB-page allocation keeps the low 16 bits of VA and physical address equal */
    if (al && al->segment->page_size == PAGE_64K) {
        align = PAGE_64K;
        phase = (al->segment_offset + (m->offset_pages << 12)) & (PAGE_64K - 1);
    }
    if (m->base && (m->base & (align - 1)) != phase)
        return STATUS_INVALID_PARAMETER;

    r = calloc(1, sizeof *r);
    if (!r)
        return STATUS_NO_MEMORY;
    r->size = bytes;
    r->kind = zero ? DXGK_VM_RANGE_ZERO : noaccess ? DXGK_VM_RANGE_NOACCESS : DXGK_VM_RANGE_MAP;
    r->alloc = al;
    r->offset_pages = al ? m->offset_pages : 0;
    r->protection = prot;
    r->driver_protection = m->driver_protection;
    list_init(&r->alloc_link);

    if (m->base) {
        /* 4. exactly there; the whole range must be free (no mapping, no reservation) */
        start = m->base;
        rc = dxgk_ra_alloc_fixed(p->va, start, bytes, (uint64_t)(uintptr_t)r);
    } else {
        /* 5. [choice] the lowest fit, never in the first 64 KB, so 0 is never a result */
        const uint64_t lo = m->minimum > PAGE_64K ? m->minimum : PAGE_64K;
        const uint64_t hi = m->maximum ? m->maximum : limit;
        rc = dxgk_ra_alloc(p->va, bytes, align, phase, lo, hi, 0, (uint64_t)(uintptr_t)r, &start);
    }
    if (rc != DXGK_RA_OK) {
        free(r);
        return ra_status(rc);
    }
    r->va = start;

    /* 6. the PTEs; pagetable.c is atomic, so a failure (no room for a table) leaves
     * the tree as it was and we give the VA back (7). */
    memset(&t, 0, sizeof t);
    if (zero) {
        t.kind = DXGK_PT_KIND_ZERO;
    } else if (noaccess) {
        t.kind = DXGK_PT_KIND_NOACCESS;
    } else {
        t.kind = DXGK_PT_KIND_PAGES;
        t.segment = al->segment->id;
        t.address = al->segment_offset + (m->offset_pages << 12);
        if (!(prot & PROT_WRITE))
            t.flags |= DXGK_PT_READ_ONLY;
        if (!(prot & PROT_EXECUTE))
            t.flags |= DXGK_PT_NO_EXECUTE;
        if (al->flags & AIF_CACHED)     /* [choice] CacheCoherent = the Cached flag */
            t.flags |= DXGK_PT_CACHE_COHERENT;
        if (al->segment->page_size == PAGE_64K)
            t.flags |= DXGK_PT_ELIGIBLE_64K;
    }
    rc = dxgk_pt_map(p->pt, start, m->size_pages, &t);
    if (rc != DXGK_PT_OK) {
        dxgk_ra_free(p->va, start);
        free(r);
        return pt_status(rc);
    }
    if (al) {
        list_add_tail(&al->mappings, &r->alloc_link);
        al->mapping_count++;
    }
    p->mappings++;
    *out_va = start;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_map(uint64_t h, const dxgk_vm_map_args *m, uint64_t *out_va)
{
    vm_adapter *a = adapter_acquire(h);
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    st = map_locked(a, m, out_va);
    release(a);
    return st;
}

/* ---- context allocations (SPEC 4, 6) -------------------------------------------------------- */

NTSTATUS dxgk_vm_create_allocation(const dxgk_vm_create_args *c, uint64_t *out_alloc,
                                   uint64_t *out_va)
{
    vm_adapter *a = adapter_acquire(c->adapter);
    vm_device *d = NULL;
    vm_context *ctx = NULL;
    vm_process *p;
    vm_alloc *al;
    vm_segment *seg = NULL;
    uint32_t order[DXGK_VM_MAX_SEGMENTS], n = 0;
    uint64_t offset = 0, rsize = 0;
    NTSTATUS st = STATUS_NO_MEMORY;

    if (!a)
        return STATUS_INVALID_HANDLE;
    if (c->device) {
        d = owned(a, c->device, DXGK_VM_T_DEVICE);
        if (!d) {
            st = STATUS_INVALID_HANDLE;
            goto out;
        }
    }
    if (c->context) {
        ctx = owned(a, c->context, DXGK_VM_T_CONTEXT);
        if (!ctx) {
            st = STATUS_INVALID_HANDLE;
            goto out;
        }
        /* [choice] a live context of another device is a parameter error */
        if (ctx->device != d || (c->context_flags & CCA_SHARED)) {
            st = STATUS_INVALID_PARAMETER;
            goto out;
        }
    }
    /* [choice] a non-power-of-two Alignment is rejected */
    if (c->size == 0 || (c->alignment & (c->alignment - 1))) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    p = d ? d->process : a->system;

    /* Placement order: PreferredSegment.SegmentId0..4, then the rest of
     * SupportedSegmentSet by id. [choice] A preferred id outside SupportedSegmentSet is
     * skipped: a preference cannot widen the supported set. */
    for (uint32_t i = 0; i < 5; i++) {
        const uint32_t id = (c->preferred >> (6 * i)) & 31;
        int dup = 0;
        if (!id || id > a->nseg || !(c->supported_segments & (1u << (id - 1))))
            continue;
        for (uint32_t k = 0; k < n; k++)
            dup |= order[k] == id;
        if (!dup)
            order[n++] = id;
    }
    for (uint32_t id = 1; id <= a->nseg; id++) {
        int dup = 0;
        if (!(c->supported_segments & (1u << (id - 1))))
            continue;
        for (uint32_t k = 0; k < n; k++)
            dup |= order[k] == id;
        if (!dup)
            order[n++] = id;
    }
    if (n == 0) {   /* [choice] no segment of this adapter is supported */
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    for (uint32_t k = 0; k < n; k++) {
        vm_segment *s = &a->seg[order[k] - 1];
        const uint64_t pg = s->page_size;
        const uint64_t align = c->alignment > pg ? c->alignment : pg;
        if (c->size > s->size)
            continue;
        rsize = (c->size + pg - 1) & ~(pg - 1);
        if (dxgk_ra_alloc(s->ra, rsize, align, 0, 0, s->size,
                          (c->flags & AIF_FROM_END) ? DXGK_RA_HIGHEST : 0, 0,
                          &offset) == DXGK_RA_OK) {
            seg = s;
            break;
        }
    }
    if (!seg) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    al = calloc(1, sizeof *al);
    if (!al || (al->hdr.adapter = a, !g_new(DXGK_VM_T_ALLOCATION, al))) {
        free(al);
        dxgk_ra_free(seg->ra, offset);
        st = STATUS_NO_MEMORY;
        goto out;
    }
    al->process = p;
    al->device = d;
    al->context = ctx;
    al->driver_allocation = c->driver_allocation;
    al->segment = seg;
    al->segment_offset = offset;
    al->size = rsize;
    al->flags = c->flags;
    al->context_flags = c->context_flags;
    list_init(&al->mappings);
    dxgk_ra_set_tag(seg->ra, offset, al->hdr.handle);
    seg->used += rsize;
    list_add_tail(&p->allocations, &al->link);
    a->nallocations++;

    if (c->context_flags & CCA_MAPVA) {
        /* SPEC 4 [choice]: mapped as a map with Base=0, Min=0, Max=0, Write|Execute. */
        dxgk_vm_map_args m;
        memset(&m, 0, sizeof m);
        m.allocation = al->hdr.handle;
        m.size_pages = rsize >> 12;
        m.protection = PROT_WRITE | PROT_EXECUTE;
        st = map_locked(a, &m, &al->create_va);
        if (st != STATUS_SUCCESS) {
            alloc_teardown(a, al);
            goto out;
        }
    }
    *out_alloc = al->hdr.handle;
    if (out_va)
        *out_va = al->create_va;
    st = STATUS_SUCCESS;
out:
    release(a);
    return st;
}

NTSTATUS dxgk_vm_destroy_allocation(uint64_t h, uint64_t allocation)
{
    vm_adapter *a = adapter_acquire(h);
    vm_alloc *al;
    vm_list *it;
    if (!a)
        return STATUS_INVALID_HANDLE;
    al = owned(a, allocation, DXGK_VM_T_ALLOCATION);
    if (!al) {
        release(a);
        return STATUS_INVALID_HANDLE;
    }
    /* All or nothing: check that no unmap would need a table (it never should). */
    for (it = al->mappings.next; it != &al->mappings; it = it->next) {
        vm_range *r = CONTAINER(it, vm_range, alloc_link);
        dxgk_pt_cost cost;
        if (dxgk_pt_estimate(al->process->pt, r->va, r->size >> 12, NULL, &cost) != DXGK_PT_OK ||
            cost.bytes) {
            release(a);
            return STATUS_NO_MEMORY;
        }
    }
    alloc_teardown(a, al);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_update_allocation(uint64_t h, uint64_t allocation, const void *data,
                                   uint32_t size)
{
    vm_adapter *a = adapter_acquire(h);
    vm_alloc *al;
    vm_paging *rec;
    NTSTATUS st = STATUS_SUCCESS;
    if (!a)
        return STATUS_INVALID_HANDLE;
    al = owned(a, allocation, DXGK_VM_T_ALLOCATION);
    if (!al) {
        st = STATUS_INVALID_HANDLE;
        goto out;
    }
    if ((data == NULL) != (size == 0)) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    if (a->nlog == a->caplog) {
        uint64_t cap = a->caplog ? a->caplog * 2 : 16;
        vm_paging *grown = realloc(a->log, cap * sizeof *grown);
        if (!grown) {
            st = STATUS_NO_MEMORY;
            goto out;
        }
        a->log = grown;
        a->caplog = cap;
    }
    rec = &a->log[a->nlog];
    memset(rec, 0, sizeof *rec);
    if (size) {
        rec->data = malloc(size);
        if (!rec->data) {
            st = STATUS_NO_MEMORY;
            goto out;
        }
        memcpy(rec->data, data, size);
    }
    rec->rec.sequence = a->nlog;
    rec->rec.allocation = allocation;
    rec->rec.operation = DXGK_VM_PAGING_UPDATE_CONTEXT_ALLOCATION;
    rec->rec.data_size = size;
    a->nlog++;
out:
    release(a);
    return st;
}

/* SPEC 6. [choice] Any hDxgkProcess that is not the process of this adapter now being
 * created -- another process, a finished one, a stale or forged value -- is
 * STATUS_INVALID_PARAMETER ("at any other time"); only a bad hAdapter is
 * STATUS_INVALID_HANDLE. */
NTSTATUS dxgk_vm_reserve(uint64_t h, uint64_t process, uint64_t size, uint32_t alignment,
                         uint64_t base, uint32_t flags, uint64_t *out_start)
{
    vm_adapter *a = adapter_acquire(h);
    vm_process *p;
    vm_range *r;
    uint64_t align, start = 0;
    int rc;
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    p = owned(a, process, DXGK_VM_T_PROCESS);
    /* [choice] a size that cannot fit above root entry 0 at all is a parameter error,
     * not a lack of room (NO_MEMORY is for a VA space that has filled up). */
    if (!p || !p->creating || size == 0 || size % a->leaf_coverage ||
        (alignment & (alignment - 1)) || size > a->va_limit - a->root_entry1) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    /* a leaf table is never shared between VidMm and the driver */
    align = alignment > a->leaf_coverage ? alignment : a->leaf_coverage;
    if (base && (base % align || base < a->root_entry1 || base >= a->va_limit ||
                 size > a->va_limit - base)) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    r->size = size;
    r->kind = DXGK_VM_RANGE_RESERVATION;
    r->flags = flags;
    list_init(&r->alloc_link);
    if (base) {
        start = base;
        rc = dxgk_ra_alloc_fixed(p->va, base, size, (uint64_t)(uintptr_t)r);
    } else {
        /* root entry 0 is never reserved */
        rc = dxgk_ra_alloc(p->va, size, align, 0, a->root_entry1, a->va_limit, 0,
                           (uint64_t)(uintptr_t)r, &start);
    }
    if (rc != DXGK_RA_OK) {
        free(r);
        st = ra_status(rc);
        goto out;
    }
    r->va = start;
    p->reservations++;
    *out_start = start;
    st = STATUS_SUCCESS;
out:
    release(a);
    return st;
}

/* ---- inspection ---------------------------------------------------------------------------- */

NTSTATUS dxgk_vm_allocation_info(uint64_t h, dxgk_vm_alloc_info *out)
{
    vm_adapter *a;
    vm_alloc *al = acquire(h, DXGK_VM_T_ALLOCATION, &a);
    if (!al)
        return STATUS_INVALID_HANDLE;
    memset(out, 0, sizeof *out);
    out->handle = al->hdr.handle;
    out->process = al->process->hdr.handle;
    out->device = al->device ? al->device->hdr.handle : 0;
    out->context = al->context ? al->context->hdr.handle : 0;
    out->driver_allocation = al->driver_allocation;
    out->segment_offset = al->segment_offset;
    out->size = al->size;
    out->va = al->create_va;
    out->mapping_count = al->mapping_count;
    out->segment = al->segment->id;
    out->flags = al->flags;
    out->context_flags = al->context_flags;
    release(a);
    return STATUS_SUCCESS;
}

static void range_info(const vm_range *r, dxgk_vm_range_info *o)
{
    memset(o, 0, sizeof *o);
    o->va = r->va;
    o->size = r->size;
    o->allocation = r->alloc ? r->alloc->hdr.handle : 0;
    o->offset_pages = r->offset_pages;
    o->protection = r->protection;
    o->driver_protection = r->driver_protection;
    o->kind = r->kind;
    o->flags = r->flags;
}

NTSTATUS dxgk_vm_process_ranges(uint64_t h, uint32_t which, dxgk_vm_range_info *out,
                                uint64_t cap, uint64_t *total)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    uint64_t from = 0, start, size, tag, n = 0;
    if (!p)
        return STATUS_INVALID_HANDLE;
    while (dxgk_ra_next(p->va, from, &start, &size, &tag) == DXGK_RA_OK) {
        const vm_range *r = (const vm_range *)(uintptr_t)tag;
        const int res = r->kind == DXGK_VM_RANGE_RESERVATION;
        if ((res && (which & DXGK_VM_WANT_RESERVATIONS)) ||
            (!res && (which & DXGK_VM_WANT_MAPPINGS))) {
            if (n < cap && out)
                range_info(r, &out[n]);
            n++;
        }
        if (start + size <= start)
            break;
        from = start + size;
    }
    if (total)
        *total = n;
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_walk(uint64_t h, uint64_t va, dxgk_pt_walk_result *out)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    int rc;
    if (!p)
        return STATUS_INVALID_HANDLE;
    rc = dxgk_pt_walk(p->pt, va, out);
    release(a);
    return rc == DXGK_PT_OK ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS dxgk_vm_translate_many(uint64_t h, const uint64_t *vas, size_t n, dxgk_pt_xlate *out)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    dxgk_pt_translate_many(p->pt, vas, n, out);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_pt_stats(uint64_t h, dxgk_pt_stats *out)
{
    vm_adapter *a;
    vm_process *p = acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    dxgk_pt_get_stats(p->pt, out);
    release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_paging_record_get(uint64_t h, uint64_t index, dxgk_vm_paging_record *out,
                                   void *data, uint32_t data_cap)
{
    vm_adapter *a = adapter_acquire(h);
    if (!a)
        return STATUS_INVALID_HANDLE;
    if (index >= a->nlog) {
        release(a);
        return STATUS_INVALID_PARAMETER;
    }
    *out = a->log[index].rec;
    if (data && data_cap && a->log[index].data)
        memcpy(data, a->log[index].data,
               data_cap < out->data_size ? data_cap : out->data_size);
    release(a);
    return STATUS_SUCCESS;
}

/* ---- validation ------------------------------------------------------------------------------ */

#define FAIL(...) do { set_msg(msg, msg_size, __VA_ARGS__); goto bad; } while (0)

static int check_range_ptes(vm_process *p, const vm_range *r, char *msg, size_t msg_size)
{
    /* First and last page of the range, and the middle one. */
    const uint64_t pages = r->size >> 12;
    const uint64_t probe[3] = {0, pages / 2, pages - 1};
    for (int i = 0; i < 3; i++) {
        dxgk_pt_xlate x;
        const uint64_t va = r->va + (probe[i] << 12);
        dxgk_pt_translate(p->pt, va, &x);
        switch (r->kind) {
        case DXGK_VM_RANGE_MAP: {
            const uint64_t want = r->alloc->segment_offset + ((r->offset_pages + probe[i]) << 12);
            if (!x.valid || x.zero || x.segment != r->alloc->segment->id || x.address != want) {
                set_msg(msg, msg_size,
                        "mapping at %#llx: VA %#llx translates to valid=%u segment=%u address=%#llx, "
                        "expected segment %u address %#llx", (unsigned long long)r->va,
                        (unsigned long long)va, x.valid, x.segment,
                        (unsigned long long)x.address, r->alloc->segment->id,
                        (unsigned long long)want);
                return 1;
            }
            break;
        }
        case DXGK_VM_RANGE_ZERO:
            if (!x.valid || !x.zero) {
                set_msg(msg, msg_size, "zero mapping at %#llx: VA %#llx is not a Zero PTE",
                        (unsigned long long)r->va, (unsigned long long)va);
                return 1;
            }
            break;
        default:
            if (x.valid) {
                set_msg(msg, msg_size, "%s at %#llx: VA %#llx has a valid PTE",
                        r->kind == DXGK_VM_RANGE_NOACCESS ? "NoAccess mapping" : "reservation",
                        (unsigned long long)r->va, (unsigned long long)va);
                return 1;
            }
        }
    }
    return 0;
}

NTSTATUS dxgk_vm_validate(uint64_t h, char *msg, size_t msg_size)
{
    vm_adapter *a = adapter_acquire(h);
    uint64_t alloc_bytes[DXGK_VM_MAX_SEGMENTS] = {0}, table_bytes = 0, nalloc = 0;
    uint64_t ndev = 0, nctx = 0, nproc = 0;
    vm_list *it, *jt;
    int rc;
    if (!a)
        return STATUS_INVALID_HANDLE;
    set_msg(msg, msg_size, "%s", "");
    for (uint32_t i = 0; i < a->nseg; i++) {
        if ((rc = dxgk_ra_validate(a->seg[i].ra)) != 0)
            FAIL("segment %u: range allocator invariant %d broken", a->seg[i].id, rc);
    }
    if (!a->system || !a->system->is_system)
        FAIL("the adapter has no system process");
    for (it = a->processes.next; it != &a->processes; it = it->next) {
        vm_process *p = CONTAINER(it, vm_process, link);
        uint64_t from = 0, start, size, tag, nmap = 0, nres = 0, mapped_pages = 0;
        dxgk_pt_stats ps;
        nproc++;
        if (g_get(p->hdr.handle, DXGK_VM_T_PROCESS) != p)
            FAIL("process %#llx: its handle does not name it", (unsigned long long)p->hdr.handle);
        if ((rc = dxgk_ra_validate(p->va)) != 0)
            FAIL("process %#llx: VA allocator invariant %d broken", (unsigned long long)p->hdr.handle, rc);
        if (dxgk_pt_validate(p->pt, msg, msg_size) != DXGK_PT_OK)
            goto bad;
        while (dxgk_ra_next(p->va, from, &start, &size, &tag) == DXGK_RA_OK) {
            const vm_range *r = (const vm_range *)(uintptr_t)tag;
            if (!r || r->va != start || r->size != size)
                FAIL("process %#llx: VA range %#llx+%#llx has a bad record",
                     (unsigned long long)p->hdr.handle, (unsigned long long)start,
                     (unsigned long long)size);
            if (r->kind == DXGK_VM_RANGE_RESERVATION)
                nres++;
            else
                nmap++;
            if (r->kind == DXGK_VM_RANGE_MAP || r->kind == DXGK_VM_RANGE_ZERO)
                mapped_pages += size >> 12;
            if (r->kind == DXGK_VM_RANGE_MAP && (!r->alloc || r->alloc->process != p))
                FAIL("mapping at %#llx: its allocation is not of this process",
                     (unsigned long long)r->va);
            if (check_range_ptes(p, r, msg, msg_size))
                goto bad;
            from = start + size;
        }
        if (nmap != p->mappings || nres != p->reservations)
            FAIL("process %#llx: counted %llu mappings / %llu reservations, records say %llu / %llu",
                 (unsigned long long)p->hdr.handle, (unsigned long long)p->mappings,
                 (unsigned long long)p->reservations, (unsigned long long)nmap,
                 (unsigned long long)nres);
        dxgk_pt_get_stats(p->pt, &ps);
        if (ps.mapped_pages != mapped_pages)
            FAIL("process %#llx: page tables map %llu pages, mappings cover %llu",
                 (unsigned long long)p->hdr.handle, (unsigned long long)ps.mapped_pages,
                 (unsigned long long)mapped_pages);
        table_bytes += ps.table_bytes;
        for (jt = p->devices.next; jt != &p->devices; jt = jt->next) {
            vm_device *d = CONTAINER(jt, vm_device, link);
            vm_list *kt;
            ndev++;
            if (d->process != p || g_get(d->hdr.handle, DXGK_VM_T_DEVICE) != d)
                FAIL("device %#llx: bad links", (unsigned long long)d->hdr.handle);
            for (kt = d->contexts.next; kt != &d->contexts; kt = kt->next) {
                vm_context *c = CONTAINER(kt, vm_context, link);
                nctx++;
                if (c->device != d || g_get(c->hdr.handle, DXGK_VM_T_CONTEXT) != c)
                    FAIL("context %#llx: bad links", (unsigned long long)c->hdr.handle);
            }
        }
        for (jt = p->allocations.next; jt != &p->allocations; jt = jt->next) {
            vm_alloc *al = CONTAINER(jt, vm_alloc, link);
            vm_list *kt;
            uint64_t n = 0, sstart, ssize, stag;
            nalloc++;
            if (al->process != p || g_get(al->hdr.handle, DXGK_VM_T_ALLOCATION) != al)
                FAIL("allocation %#llx: bad links", (unsigned long long)al->hdr.handle);
            if (dxgk_ra_find(al->segment->ra, al->segment_offset, &sstart, &ssize, &stag) != 0 ||
                sstart != al->segment_offset || ssize != al->size || stag != al->hdr.handle)
                FAIL("allocation %#llx: its segment range is not what it records",
                     (unsigned long long)al->hdr.handle);
            alloc_bytes[al->segment->id - 1] += al->size;
            for (kt = al->mappings.next; kt != &al->mappings; kt = kt->next)
                n++;
            if (n != al->mapping_count)
                FAIL("allocation %#llx: mapping count %llu, list holds %llu",
                     (unsigned long long)al->hdr.handle, (unsigned long long)al->mapping_count,
                     (unsigned long long)n);
        }
    }
    if (nproc != a->nprocesses || ndev != a->ndevices || nctx != a->ncontexts ||
        nalloc != a->nallocations)
        FAIL("object counters disagree with the object lists");
    {
        uint64_t seg_tables = 0;
        for (uint32_t i = 0; i < a->nseg; i++) {
            const vm_segment *s = &a->seg[i];
            const uint64_t used = s->size - dxgk_ra_free_bytes(s->ra);
            seg_tables += s->table_bytes;
            if (s->used != used || s->used != alloc_bytes[i] + s->table_bytes)
                FAIL("segment %u: used %llu, allocator says %llu, allocations %llu + tables %llu",
                     s->id, (unsigned long long)s->used, (unsigned long long)used,
                     (unsigned long long)alloc_bytes[i], (unsigned long long)s->table_bytes);
        }
        if (seg_tables != table_bytes)
            FAIL("page tables hold %llu bytes, segments account %llu",
                 (unsigned long long)table_bytes, (unsigned long long)seg_tables);
    }
    release(a);
    return STATUS_SUCCESS;
bad:
    release(a);
    return STATUS_INVALID_PARAMETER;
}
