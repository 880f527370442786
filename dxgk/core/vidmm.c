/*
 * vidmm.c -- the VidMm model behind the DxgkCb* GPU VA callbacks (docs/behaviour.md 3-7): its
 * objects, their lifetime, and the locking every entry point goes through.
 *
 * What it owns: the global handle table; adapters (GpuMmu caps, page-table level
 * descriptions, memory segments), processes (one GPU VA space each: a range allocator
 * over [0, 2^VirtualAddressBitCount) and a page-table tree whose tables it places in
 * the segments), devices, contexts and allocation objects -- their creation and the
 * teardown cascade (process -> devices -> contexts -> allocations -> ranges). The VA
 * operations are vidmm_va.c's, inspection and dxgk_vm_validate vidmm_check.c's; the
 * structs all three share are in vidmm_impl.h. It knows nothing of the DDI structs
 * (ddi.c unpacks them).
 *
 * Invariants kept (checked by dxgk_vm_validate):
 *   - every object is reachable from exactly one live handle of the global table and
 *     from its parent's list; a handle never outlives its object (only this file
 *     makes and frees handles, and it frees an object only after its handle);
 *   - the adapter's object counters equal the lengths of the object lists;
 *   - a segment's used bytes = its allocations' sizes + the page tables placed in it.
 *
 * Locking: one mutex per adapter, taken by every entry point (dxgk_vm__acquire /
 * dxgk_vm__release, here); the global handle table has its own short lock, always
 * taken *inside* an adapter lock or alone (never the other way round), so there is no
 * lock-order cycle. An adapter is reference counted so that a caller waiting for its
 * lock while it is destroyed finds it dead instead of freed memory.
 */
#include "vidmm.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "handles.h"
#include "range_alloc.h"
#include "vidmm_impl.h"

#define TAG_TABLE 1ull   /* segment-range tag of a page table (allocations use their handle) */

/* ---- the global handle table ------------------------------------------------------ */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static dxgk_handles *g_handles;

uint64_t dxgk_vm__g_new(uint32_t type, void *obj)
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

void *dxgk_vm__g_get(uint64_t h, uint32_t type)
{
    void *obj = NULL;
    pthread_mutex_lock(&g_lock);
    if (g_handles && h)
        obj = dxgk_handle_get(g_handles, h, type);
    pthread_mutex_unlock(&g_lock);
    return obj;
}

void dxgk_vm__g_free(uint64_t h, uint32_t type)
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
static void *acquire(uint64_t h, uint32_t type, vm_adapter **out, int allow_starting)
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
    if (a->dead || (a->starting && !allow_starting) || dxgk_vm__g_get(h, type) != o) {
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

void *dxgk_vm__acquire(uint64_t h, uint32_t type, vm_adapter **out)
{
    return acquire(h, type, out, 0);
}

void dxgk_vm__release(vm_adapter *a)
{
    int last;
    dxgk_pg_out out;
    dxgk_pg__take(a, &out);     /* the call's TLB flushes, before the lock goes */
    pthread_mutex_unlock(&a->lock);
    dxgk_pg__deliver(&out);     /* docs/behaviour.md 10.2: to the driver, no lock held */
    pthread_mutex_lock(&g_lock);
    last = --a->refs == 0;
    pthread_mutex_unlock(&g_lock);
    if (last)
        adapter_free(a);
}

vm_adapter *dxgk_vm__adapter_acquire(uint64_t h)
{
    vm_adapter *a = NULL;
    return dxgk_vm__acquire(h, DXGK_VM_T_ADAPTER, &a) ? a : NULL;
}

vm_adapter *dxgk_vm__adapter_acquire_any(uint64_t h)
{
    vm_adapter *a = NULL;
    return acquire(h, DXGK_VM_T_ADAPTER, &a, 1) ? a : NULL;
}

/* An object of `type` that belongs to adapter a (caller holds a's lock). The owner is
 * read under the handle-table lock: a handle of *another* adapter may be destroyed by
 * that adapter's thread at any moment (under its own lock, not ours), and an object is
 * freed only after its handle is gone, so only under g_lock is it safe to look at. */
void *dxgk_vm__owned(vm_adapter *a, uint64_t h, uint32_t type)
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

void dxgk_vm__set_msg(char *msg, size_t size, const char *fmt, ...)
{
    va_list ap;
    if (!msg || !size)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
}

/* ---- page-table memory: tables take real space in their segment (docs/behaviour.md 7) -------- */

vm_segment *dxgk_vm__segment_by_id(vm_adapter *a, uint32_t id)
{
    return (id >= 1 && id <= a->nseg) ? &a->seg[id - 1] : NULL;
}

static int table_alloc(void *ctx, uint32_t segment_id, uint64_t size, uint64_t align,
                       uint64_t *out)
{
    vm_adapter *a = ctx;
    vm_segment *s = dxgk_vm__segment_by_id(a, segment_id);
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
    vm_segment *s = dxgk_vm__segment_by_id(a, segment_id);
    if (s && dxgk_ra_free(s->ra, offset) == DXGK_RA_OK) {
        s->used -= size;
        s->table_bytes -= size;
    }
}

NTSTATUS dxgk_vm__pt_status(int rc)
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
    /* docs/behaviour.md 3 [choice]: segment 1 local 1 GiB 64 KB pages (page tables live there),
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
    dxgk_pg__free(a->pg);
    for (uint32_t i = 0; i < a->nseg; i++)
        dxgk_ra_destroy(a->seg[i].ra);
    dxgk_drv__unref(a->drv);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* docs/behaviour.md 3.6: whether a description can be modelled (msg says why not). */
static NTSTATUS desc_check(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                           const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                           char *msg, size_t msg_size)
{
    dxgk_vm__set_msg(msg, msg_size, "%s", "");
    if (!caps || !levels || !segments) {
        dxgk_vm__set_msg(msg, msg_size, "caps, levels, segments and out_adapter are required");
        return STATUS_INVALID_PARAMETER;
    }
    if (dxgk_pt_config_check(caps, levels, msg, msg_size) != DXGK_PT_OK)
        return STATUS_INVALID_PARAMETER;
    if (segment_count < 1 || segment_count > DXGK_VM_MAX_SEGMENTS) {
        dxgk_vm__set_msg(msg, msg_size, "segment count %u is outside 1..%u", segment_count,
                         DXGK_VM_MAX_SEGMENTS);
        return STATUS_INVALID_PARAMETER;
    }
    for (uint32_t i = 0; i < segment_count; i++) {
        const dxgk_vm_segment_desc *s = &segments[i];
        if (s->id != i + 1) {
            dxgk_vm__set_msg(msg, msg_size, "segment %u has id %u: ids must be 1..N in order", i,
                             s->id);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->page_size != PAGE_4K && s->page_size != PAGE_64K) {
            dxgk_vm__set_msg(msg, msg_size, "segment %u: page size %u is neither 4096 nor 65536",
                             s->id, s->page_size);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->kind != DXGK_VM_SEG_LOCAL && s->kind != DXGK_VM_SEG_APERTURE) {
            dxgk_vm__set_msg(msg, msg_size,
                             "segment %u: kind %u is neither local (0) nor aperture (1)", s->id,
                             s->kind);
            return STATUS_INVALID_PARAMETER;
        }
        if (s->size == 0 || s->size % s->page_size || s->size > (1ull << 62)) {
            dxgk_vm__set_msg(msg, msg_size,
                             "segment %u: size %llu must be a non-zero multiple of its page size, "
                             "at most 2^62", s->id, (unsigned long long)s->size);
            return STATUS_INVALID_PARAMETER;
        }
    }
    for (uint32_t l = 0; l < caps->PageTableLevelCount; l++) {
        if (levels[l].PageTableSegmentId < 1 || levels[l].PageTableSegmentId > segment_count) {
            dxgk_vm__set_msg(msg, msg_size,
                             "level %u: PageTableSegmentId %u is not a segment of this adapter "
                             "(1..%u)", l, levels[l].PageTableSegmentId, segment_count);
            return STATUS_INVALID_PARAMETER;
        }
    }

    return STATUS_SUCCESS;
}

static vm_adapter *adapter_alloc(void)
{
    vm_adapter *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    pthread_mutex_init(&a->lock, NULL);
    a->hdr.adapter = a;
    a->refs = 1;    /* the creation reference, dropped by dxgk_vm_adapter_destroy */
    a->pg = dxgk_pg__new();
    if (!a->pg) {
        pthread_mutex_destroy(&a->lock);
        free(a);
        return NULL;
    }
    list_init(&a->processes);
    return a;
}

/* Gives a registered adapter with no description yet (caller holds its lock) a checked
 * description: caps, levels, segments and the system process. On failure it is left
 * without a description again. */
static NTSTATUS adapter_describe(vm_adapter *a, const DXGK_GPUMMUCAPS *caps,
                                 const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                                 const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                                 char *msg, size_t msg_size)
{
    uint32_t bits_below_root = 0;
    NTSTATUS st;
    a->caps = *caps;
    a->level_count = caps->PageTableLevelCount;
    memcpy(a->levels, levels, a->level_count * sizeof *levels);
    a->va_bits = caps->VirtualAddressBitCount;
    a->va_limit = 1ull << a->va_bits;
    a->leaf_coverage = 1ull << (12 + levels[0].PageTableIndexBitCount);
    for (uint32_t l = 0; l + 1 < a->level_count; l++)
        bits_below_root += levels[l].PageTableIndexBitCount;
    a->root_entry1 = 1ull << (12 + bits_below_root);
    st = STATUS_SUCCESS;
    for (uint32_t i = 0; i < segment_count && st == STATUS_SUCCESS; i++) {
        a->seg[i].id = segments[i].id;
        a->seg[i].kind = segments[i].kind;
        a->seg[i].page_size = segments[i].page_size;
        a->seg[i].size = segments[i].size;
        a->seg[i].ra = dxgk_ra_create(0, segments[i].size);
        a->nseg = i + 1;
        if (!a->seg[i].ra)
            st = STATUS_NO_MEMORY;
    }
    if (st == STATUS_SUCCESS) {
        st = process_new(a, 1, &a->system);
        if (st != STATUS_SUCCESS)
            dxgk_vm__set_msg(msg, msg_size, "no room for the system process's root page table");
    }
    if (st != STATUS_SUCCESS) {
        for (uint32_t i = 0; i < a->nseg; i++)
            dxgk_ra_destroy(a->seg[i].ra);
        memset(a->seg, 0, sizeof a->seg);
        a->nseg = 0;
        a->system = NULL;
    }
    return st;
}

NTSTATUS dxgk_vm_adapter_create(const DXGK_GPUMMUCAPS *caps,
                                const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                                const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                                uint64_t *out_adapter, uint64_t *out_system_process,
                                char *msg, size_t msg_size)
{
    vm_adapter *a;
    NTSTATUS st = desc_check(caps, levels, segments, segment_count, msg, msg_size);
    if (st == STATUS_SUCCESS && !out_adapter) {
        dxgk_vm__set_msg(msg, msg_size, "caps, levels, segments and out_adapter are required");
        st = STATUS_INVALID_PARAMETER;
    }
    if (st != STATUS_SUCCESS)
        return st;
    a = adapter_alloc();
    if (!a)
        return STATUS_NO_MEMORY;
    if (!dxgk_vm__g_new(DXGK_VM_T_ADAPTER, a)) {
        adapter_free(a);
        return STATUS_NO_MEMORY;
    }
    pthread_mutex_lock(&a->lock);
    st = adapter_describe(a, caps, levels, segments, segment_count, msg, msg_size);
    pthread_mutex_unlock(&a->lock);
    if (st != STATUS_SUCCESS) {
        dxgk_vm__g_free(a->hdr.handle, DXGK_VM_T_ADAPTER);
        adapter_free(a);
        return st;
    }
    *out_adapter = a->hdr.handle;
    if (out_system_process)
        *out_system_process = a->system->hdr.handle;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_adapter_reserve(uint64_t *out_adapter)
{
    vm_adapter *a;
    if (!out_adapter)
        return STATUS_INVALID_PARAMETER;
    a = adapter_alloc();
    if (!a)
        return STATUS_NO_MEMORY;
    a->starting = 1;
    if (!dxgk_vm__g_new(DXGK_VM_T_ADAPTER, a)) {
        adapter_free(a);
        return STATUS_NO_MEMORY;
    }
    *out_adapter = a->hdr.handle;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_adapter_describe(uint64_t h, const DXGK_GPUMMUCAPS *caps,
                                  const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                                  const dxgk_vm_segment_desc *segments, uint32_t segment_count,
                                  uint64_t *out_system_process, char *msg, size_t msg_size)
{
    vm_adapter *a = dxgk_vm__adapter_acquire_any(h);
    NTSTATUS st;
    dxgk_vm__set_msg(msg, msg_size, "%s", "");
    if (!a)
        return STATUS_INVALID_HANDLE;
    if (!a->starting) {
        dxgk_vm__set_msg(msg, msg_size, "the adapter already has its description");
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    st = desc_check(caps, levels, segments, segment_count, msg, msg_size);
    if (st == STATUS_SUCCESS)
        st = adapter_describe(a, caps, levels, segments, segment_count, msg, msg_size);
    if (st == STATUS_SUCCESS) {
        a->starting = 0;
        if (out_system_process)
            *out_system_process = a->system->hdr.handle;
    }
    dxgk_vm__release(a);
    return st;
}

NTSTATUS dxgk_vm_adapter_destroy(uint64_t h)
{
    vm_adapter *a = dxgk_vm__adapter_acquire_any(h);
    if (!a)
        return STATUS_INVALID_HANDLE;
    a->dead = 1;
    /* the system process last: a driver hears of it after every other (driver.c) */
    while (!list_empty(&a->processes)) {
        vm_process *p = CONTAINER(a->processes.next, vm_process, link);
        if (p == a->system && p->link.next != &a->processes)
            p = CONTAINER(p->link.next, vm_process, link);
        process_teardown(a, p);
    }
    a->system = NULL;
    dxgk_vm__g_free(a->hdr.handle, DXGK_VM_T_ADAPTER);
    pthread_mutex_lock(&g_lock);
    a->refs--;      /* the creation reference; dxgk_vm__release() drops ours */
    pthread_mutex_unlock(&g_lock);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_adapter_set_paging(uint64_t h, uint32_t mode)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    if (!a)
        return STATUS_INVALID_HANDLE;
    /* chosen at creation: before any process but the system one exists */
    if ((mode == DXGK_VM_PAGING_IMMEDIATE || mode == DXGK_VM_PAGING_DEFERRED) &&
        a->nprocesses == (a->system != NULL)) {
        a->paging_mode = mode;
        st = STATUS_SUCCESS;
    }
    dxgk_vm__release(a);
    return st;
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
    /* The root table is made with the process and lives as long as it (docs/behaviour.md 7). */
    rc = dxgk_pt_create(&a->caps, a->levels, &mem, &p->pt, NULL, 0);
    if (rc != DXGK_PT_OK) {
        dxgk_ra_destroy(p->va);
        free(p);
        return dxgk_vm__pt_status(rc);
    }
    if (!dxgk_vm__g_new(DXGK_VM_T_PROCESS, p)) {
        dxgk_pt_destroy(p->pt);
        dxgk_ra_destroy(p->va);
        free(p);
        return STATUS_NO_MEMORY;
    }
    p->kmt_adapter = dxgk_vm__kmt_new(DXGK_VM_T_PROCESS, p->hdr.handle);
    if (!p->kmt_adapter) {
        dxgk_vm__g_free(p->hdr.handle, DXGK_VM_T_PROCESS);
        dxgk_pt_destroy(p->pt);
        dxgk_ra_destroy(p->va);
        free(p);
        return STATUS_NO_MEMORY;
    }
    list_add_tail(&a->processes, &p->link);
    a->nprocesses++;
    dxgk_pg__process_new(a, p);
    *out = p;
    return STATUS_SUCCESS;
}

static void context_teardown(vm_adapter *a, vm_context *c)
{
    vm_process *p = c->device->process;
    vm_list *it = p->allocations.next;
    dxgk_vm__kmt_context_teardown(a, c);
    while (it != &p->allocations) {
        vm_alloc *al = CONTAINER(it, vm_alloc, link);
        it = it->next;
        if (al->context == c)
            dxgk_vm__alloc_teardown(a, al);
    }
    if (c->drv_live)    /* the driver hears of it once the lock is gone (driver.c) */
        dxgk_drv__gone(a->drv, DXGK_DRV_GONE_CONTEXT, c->drv_handle);
    list_del(&c->link);
    dxgk_vm__kmt_free(c->kmt);
    dxgk_vm__g_free(c->hdr.handle, DXGK_VM_T_CONTEXT);
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
            dxgk_vm__alloc_teardown(a, al);
    }
    dxgk_vm__kmt_device_teardown(a, d);
    if (d->drv_live)
        dxgk_drv__gone(a->drv, DXGK_DRV_GONE_DEVICE, d->drv_handle);
    list_del(&d->link);
    dxgk_vm__kmt_free(d->kmt);
    dxgk_vm__g_free(d->hdr.handle, DXGK_VM_T_DEVICE);
    a->ndevices--;
    free(d);
}

static void process_teardown(vm_adapter *a, vm_process *p)
{
    uint64_t start, size, tag;
    while (!list_empty(&p->devices))
        device_teardown(a, CONTAINER(p->devices.next, vm_device, link));
    while (!list_empty(&p->allocations))
        dxgk_vm__alloc_teardown(a, CONTAINER(p->allocations.next, vm_alloc, link));
    /* What is left: Zero / NoAccess mappings and reservations. */
    while (dxgk_ra_next(p->va, 0, &start, &size, &tag) == DXGK_RA_OK)
        dxgk_vm__range_drop(p, (vm_range *)(uintptr_t)tag);
    dxgk_vm__pend_destroy(p);   /* none left: its queues drained with their devices */
    dxgk_pg__process_gone(a, p);
    dxgk_pt_destroy(p->pt);     /* gives every table back to its segment (reserve too) */
    dxgk_ra_destroy(p->va);
    dxgk_ra_destroy(p->sub);
    if (p->drv_live)
        dxgk_drv__gone(a->drv, DXGK_DRV_GONE_PROCESS, p->drv_handle);
    list_del(&p->link);
    dxgk_vm__kmt_free(p->kmt_adapter);
    dxgk_vm__g_free(p->hdr.handle, DXGK_VM_T_PROCESS);
    a->nprocesses--;
    if (a->system == p)
        a->system = NULL;
    free(p);
}

NTSTATUS dxgk_vm_process_begin(uint64_t h, uint64_t *out)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    vm_process *p;
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    st = process_new(a, 0, &p);
    if (st == STATUS_SUCCESS) {
        p->creating = 1;
        *out = p->hdr.handle;
    }
    dxgk_vm__release(a);
    return st;
}

NTSTATUS dxgk_vm_process_end(uint64_t h, int keep)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    if (!p->creating) {
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    p->creating = 0;
    if (!keep)
        process_teardown(a, p);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_process_destroy(uint64_t h)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    if (p->is_system) {   /* it goes with its adapter */
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    process_teardown(a, p);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_device_create(uint64_t h, uint64_t *out)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    vm_device *d;
    if (!p)
        return STATUS_INVALID_HANDLE;
    d = calloc(1, sizeof *d);
    if (!d || (d->hdr.adapter = a, !dxgk_vm__g_new(DXGK_VM_T_DEVICE, d))) {
        free(d);
        dxgk_vm__release(a);
        return STATUS_NO_MEMORY;
    }
    d->kmt = dxgk_vm__kmt_new(DXGK_VM_T_DEVICE, d->hdr.handle);
    if (!d->kmt) {
        dxgk_vm__g_free(d->hdr.handle, DXGK_VM_T_DEVICE);
        free(d);
        dxgk_vm__release(a);
        return STATUS_NO_MEMORY;
    }
    d->process = p;
    list_init(&d->contexts);
    list_init(&d->queues);
    list_init(&d->fences);
    list_add_tail(&p->devices, &d->link);
    a->ndevices++;
    *out = d->hdr.handle;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_device_destroy(uint64_t h)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__acquire(h, DXGK_VM_T_DEVICE, &a);
    if (!d)
        return STATUS_INVALID_HANDLE;
    device_teardown(a, d);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_context_create(uint64_t h, uint64_t *out)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__acquire(h, DXGK_VM_T_DEVICE, &a);
    vm_context *c;
    if (!d)
        return STATUS_INVALID_HANDLE;
    c = calloc(1, sizeof *c);
    if (!c || (c->hdr.adapter = a, !dxgk_vm__g_new(DXGK_VM_T_CONTEXT, c))) {
        free(c);
        dxgk_vm__release(a);
        return STATUS_NO_MEMORY;
    }
    c->kmt = dxgk_vm__kmt_new(DXGK_VM_T_CONTEXT, c->hdr.handle);
    if (!c->kmt) {
        dxgk_vm__g_free(c->hdr.handle, DXGK_VM_T_CONTEXT);
        free(c);
        dxgk_vm__release(a);
        return STATUS_NO_MEMORY;
    }
    c->device = d;
    list_init(&c->waiting);
    list_add_tail(&d->contexts, &c->link);
    a->ncontexts++;
    *out = c->hdr.handle;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_context_destroy(uint64_t h)
{
    vm_adapter *a;
    vm_context *c = dxgk_vm__acquire(h, DXGK_VM_T_CONTEXT, &a);
    if (!c)
        return STATUS_INVALID_HANDLE;
    context_teardown(a, c);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

/* ---- allocation objects (placed by vidmm_va.c) ------------------------------------------ */

vm_alloc *dxgk_vm__alloc_new(vm_adapter *a, vm_process *p, vm_device *d, vm_context *ctx,
                             vm_segment *seg, uint64_t offset, uint64_t size,
                             const dxgk_vm_create_args *c)
{
    vm_alloc *al = calloc(1, sizeof *al);
    if (!al || (al->hdr.adapter = a, !dxgk_vm__g_new(DXGK_VM_T_ALLOCATION, al))) {
        free(al);
        return NULL;
    }
    al->process = p;
    al->device = d;
    al->context = ctx;
    al->driver_allocation = c->driver_allocation;
    al->segment = seg;
    al->segment_offset = offset;
    al->size = size;
    al->flags = c->flags;
    al->context_flags = c->context_flags;
    list_init(&al->mappings);
    dxgk_ra_set_tag(seg->ra, offset, al->hdr.handle);
    seg->used += size;
    list_add_tail(&p->allocations, &al->link);
    a->nallocations++;
    return al;
}

void dxgk_vm__alloc_teardown(vm_adapter *a, vm_alloc *al)
{
    dxgk_pg__residency(a, al, 0);
    while (!list_empty(&al->mappings))
        dxgk_vm__range_drop(al->process, CONTAINER(al->mappings.next, vm_range, alloc_link));
    dxgk_vm__sysmap_drop(a, al);    /* after its own: docs/behaviour.md 10.2 */
    dxgk_ra_free(al->segment->ra, al->segment_offset);
    al->segment->used -= al->size;
    if (al->drv_live)
        dxgk_drv__gone(a->drv, DXGK_DRV_GONE_ALLOCATION, al->driver_allocation);
    list_del(&al->link);
    dxgk_vm__kmt_free(al->kmt);
    dxgk_vm__g_free(al->hdr.handle, DXGK_VM_T_ALLOCATION);
    a->nallocations--;
    free(al);
}
