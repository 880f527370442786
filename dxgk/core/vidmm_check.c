/*
 * vidmm_check.c -- looking at the VidMm model without changing it: adapter stats,
 * segment info, allocation info, a process's ranges, page-table walks and
 * translations, the paging log (docs/behaviour.md 7), and dxgk_vm_validate, the invariant
 * checker.
 *
 * What it owns: nothing -- it reads the objects of vidmm.c and the ranges of
 * vidmm_va.c. Each entry point takes the adapter lock (dxgk_vm__acquire) for the
 * whole read, so what it reports is one consistent snapshot.
 *
 * Invariant kept: no function here writes model state (only the caller's out
 * parameters and message buffer). dxgk_vm_validate checks the invariants that vidmm.c
 * and vidmm_va.c keep, listed at the top of each, and reports the first violation; then
 * the driver's own page tables (driver_check.c, docs/behaviour.md 10.4).
 */
#include "vidmm_impl.h"

#include <string.h>

#include "driver.h"
#include "range_alloc.h"
#include "vidmm.h"

/* ---- adapter and segment stats ---------------------------------------------------------- */

NTSTATUS dxgk_vm_get_adapter_stats(uint64_t h, dxgk_vm_adapter_stats *out)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
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
    out->paging_records = dxgk_pg__uca_count(a);
    out->segment_count = a->nseg;
    out->level_count = a->level_count;
    out->va_bits = a->va_bits;
    out->interface_version = DXGKDDI_INTERFACE_VERSION;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_get_segment_info(uint64_t h, uint32_t id, dxgk_vm_segment_info *out)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    vm_segment *s;
    if (!a)
        return STATUS_INVALID_HANDLE;
    s = dxgk_vm__segment_by_id(a, id);
    if (!s) {
        dxgk_vm__release(a);
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
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

/* ---- inspection ---------------------------------------------------------------------------- */

NTSTATUS dxgk_vm_allocation_info(uint64_t h, dxgk_vm_alloc_info *out)
{
    vm_adapter *a;
    vm_alloc *al = dxgk_vm__acquire(h, DXGK_VM_T_ALLOCATION, &a);
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
    out->system_va = al->sys_va;
    dxgk_vm__release(a);
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
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    uint64_t from = 0, start, size, tag, n = 0;
    if (!p)
        return STATUS_INVALID_HANDLE;
    while (dxgk_ra_next(p->va, from, &start, &size, &tag) == DXGK_RA_OK) {
        const vm_range *r = (const vm_range *)(uintptr_t)tag;
        const int res = r->kind == DXGK_VM_RANGE_RESERVATION;
        const int vad = r->kind == DXGK_VM_RANGE_VAD_RESERVED ||
                        r->kind == DXGK_VM_RANGE_VAD_MAPPED;   /* dxgk_vm_process_vads' */
        if ((res && (which & DXGK_VM_WANT_RESERVATIONS)) ||
            (!res && !vad && (which & DXGK_VM_WANT_MAPPINGS))) {
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
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_process_vads(uint64_t h, dxgk_vm_vad_info *out, uint64_t cap,
                              uint64_t *total)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    uint64_t from = 0, start, size, tag, n = 0;
    if (!p)
        return STATUS_INVALID_HANDLE;
    while (dxgk_ra_next(p->va, from, &start, &size, &tag) == DXGK_RA_OK) {
        const vm_range *r = (const vm_range *)(uintptr_t)tag;
        if (dxgk_vm__is_vad(r)) {
            if (n < cap && out) {
                memset(&out[n], 0, sizeof out[n]);
                out[n].va = r->va;
                out[n].size = r->size;
                out[n].ranges = r->subs;
                out[n].kind = r->kind;
                out[n].base = r->base;
            }
            n++;
        }
        if (start + size <= start)
            break;
        from = start + size;
    }
    if (total)
        *total = n;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_vad_ranges(uint64_t h, uint64_t vad_va, dxgk_vm_range_info *out, uint64_t cap,
                            uint64_t *total)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    uint64_t start, size, tag, n = 0, from;
    const vm_range *v;
    if (!p)
        return STATUS_INVALID_HANDLE;
    if (dxgk_ra_find(p->va, vad_va, &start, &size, &tag) != DXGK_RA_OK || start != vad_va ||
        !dxgk_vm__is_vad(v = (const vm_range *)(uintptr_t)tag)) {
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    from = v->va;
    while (v->subs && dxgk_ra_next(p->sub, from, &start, &size, &tag) == DXGK_RA_OK &&
           start < v->va + v->size) {
        if (n < cap && out)
            range_info((const vm_range *)(uintptr_t)tag, &out[n]);
        n++;
        from = start + size;
    }
    if (total)
        *total = n;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_context_waiting(uint32_t context, uint64_t *out)
{
    vm_adapter *a;
    vm_context *c = dxgk_vm__k_acquire(context, DXGK_VM_T_CONTEXT, &a);
    vm_list *it;
    uint64_t n = 0;
    if (!c)
        return STATUS_INVALID_HANDLE;
    for (it = c->waiting.next; it != &c->waiting; it = it->next)
        n++;
    *out = n;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_walk(uint64_t h, uint64_t va, dxgk_pt_walk_result *out)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    int rc;
    if (!p)
        return STATUS_INVALID_HANDLE;
    rc = dxgk_pt_walk(p->pt, va, out);
    dxgk_vm__release(a);
    return rc == DXGK_PT_OK ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS dxgk_vm_translate_many(uint64_t h, const uint64_t *vas, size_t n, dxgk_pt_xlate *out)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    dxgk_pt_translate_many(p->pt, vas, n, out);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_pt_stats(uint64_t h, dxgk_pt_stats *out)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__acquire(h, DXGK_VM_T_PROCESS, &a);
    if (!p)
        return STATUS_INVALID_HANDLE;
    dxgk_pt_get_stats(p->pt, out);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

/* The index-th UPDATE_CONTEXT_ALLOCATION record (its sequence is that index), read
 * from the paging log (paging.c): STATUS_INVALID_PARAMETER once the log no longer holds
 * it, or never did (recording off). */
NTSTATUS dxgk_vm_paging_record_get(uint64_t h, uint64_t index, dxgk_vm_paging_record *out,
                                   void *data, uint32_t data_cap)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    uint64_t allocation, sequence;
    uint32_t size;
    if (!a)
        return STATUS_INVALID_HANDLE;
    if (dxgk_pg__uca_get(a, index, &allocation, &sequence, data, data_cap, &size)) {
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    memset(out, 0, sizeof *out);
    out->sequence = index;
    out->allocation = allocation;
    out->operation = DXGK_VM_PAGING_UPDATE_CONTEXT_ALLOCATION;
    out->data_size = size;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

/* ---- validation ------------------------------------------------------------------------------ */

#define FAIL(...) do { dxgk_vm__set_msg(msg, msg_size, __VA_ARGS__); goto bad; } while (0)

/* Whether page va of p has deferred work pending (its PTE may still show the past). */
static int pending_at(vm_process *p, uint64_t va)
{
    uint64_t start, size, tag;
    return p->npend && dxgk_ra_find(p->pend, va, &start, &size, &tag) == DXGK_RA_OK;
}

static int check_range_ptes(vm_process *p, const vm_range *r, char *msg, size_t msg_size)
{
    /* First and last page of the range, and the middle one. */
    const uint64_t pages = r->size >> 12;
    const uint64_t probe[3] = {0, pages / 2, pages - 1};
    for (int i = 0; i < 3; i++) {
        dxgk_pt_xlate x;
        const uint64_t va = r->va + (probe[i] << 12);
        if (pending_at(p, va))
            continue;
        dxgk_pt_translate(p->pt, va, &x);
        switch (r->kind) {
        case DXGK_VM_RANGE_MAP: {
            const uint64_t want = r->alloc->segment_offset + ((r->offset_pages + probe[i]) << 12);
            if (!x.valid || x.zero || x.segment != r->alloc->segment->id || x.address != want) {
                dxgk_vm__set_msg(msg, msg_size,
                                 "mapping at %#llx: VA %#llx translates to valid=%u segment=%u "
                                 "address=%#llx, expected segment %u address %#llx",
                                 (unsigned long long)r->va,
                                 (unsigned long long)va, x.valid, x.segment,
                                 (unsigned long long)x.address, r->alloc->segment->id,
                                 (unsigned long long)want);
                return 1;
            }
            break;
        }
        case DXGK_VM_RANGE_ZERO:
            if (!x.valid || !x.zero) {
                dxgk_vm__set_msg(msg, msg_size, "zero mapping at %#llx: VA %#llx is not a Zero PTE",
                                 (unsigned long long)r->va, (unsigned long long)va);
                return 1;
            }
            break;
        default:
            if (x.valid) {
                dxgk_vm__set_msg(msg, msg_size, "%s at %#llx: VA %#llx has a valid PTE",
                                 r->kind == DXGK_VM_RANGE_NOACCESS ? "NoAccess mapping"
                                                                   : "reservation",
                                 (unsigned long long)r->va, (unsigned long long)va);
                return 1;
            }
        }
    }
    return 0;
}

/* The PTE a page of VAD v's base state has (valid Zero or invalid). */
static int base_ok(const vm_range *v, const dxgk_pt_xlate *x)
{
    return v->base == DXGK_VM_BASE_ZERO ? (x->valid && x->zero) : !x->valid;
}

/* A VAD: its sub-ranges lie inside it, are counted, have their targets' PTEs (probed as
 * check_range_ptes does), and the pages between them are in the base state. Adds the
 * pages it maps (valid PTEs) to *mapped and its sub-ranges to *nsub. */
static int check_vad(vm_process *p, const vm_range *v, uint64_t *mapped, uint64_t *nsub,
                     char *msg, size_t msg_size)
{
    uint64_t from = v->va, start, size, tag, n = 0, nalloc = 0, gap_lo = v->va;
    const uint64_t end = v->va + v->size;
    dxgk_pt_xlate x;
    for (;;) {
        int more = v->subs && dxgk_ra_next(p->sub, from, &start, &size, &tag) == DXGK_RA_OK &&
                   start < end;
        const uint64_t gap_hi = more ? start : end;
        if (gap_hi > gap_lo) {      /* a base-state gap: probe its ends */
            const uint64_t probe[2] = {gap_lo, gap_hi - PAGE_4K};
            for (int i = 0; i < 2; i++) {
                if (pending_at(p, probe[i]))
                    continue;
                dxgk_pt_translate(p->pt, probe[i], &x);
                if (!base_ok(v, &x))
                    FAIL("VAD at %#llx: VA %#llx outside its sub-ranges is not in its base "
                         "state (%s)", (unsigned long long)v->va, (unsigned long long)probe[i],
                         v->base == DXGK_VM_BASE_ZERO ? "zero" : "invalid");
            }
            if (v->base == DXGK_VM_BASE_ZERO)
                *mapped += (gap_hi - gap_lo) >> 12;
        }
        if (!more)
            break;
        {
            const vm_range *s = (const vm_range *)(uintptr_t)tag;
            if (s->vad != v || s->va != start || s->size != size || start + size > end)
                FAIL("VAD at %#llx: sub-range %#llx+%#llx has a bad record or leaves it",
                     (unsigned long long)v->va, (unsigned long long)start,
                     (unsigned long long)size);
            if (s->kind == DXGK_VM_RANGE_MAP && (!s->alloc || s->alloc->process != p))
                FAIL("sub-range at %#llx: its allocation is not of this process",
                     (unsigned long long)s->va);
            if (check_range_ptes(p, s, msg, msg_size))
                goto bad;
            if (s->kind != DXGK_VM_RANGE_NOACCESS)
                *mapped += size >> 12;
            nalloc += s->alloc != NULL;
            n++;
        }
        gap_lo = from = start + size;
    }
    if (n != v->subs || nalloc != v->alloc_subs)
        FAIL("VAD at %#llx: counts %llu sub-ranges (%llu of allocations), holds %llu (%llu)",
             (unsigned long long)v->va, (unsigned long long)v->subs,
             (unsigned long long)v->alloc_subs, (unsigned long long)n,
             (unsigned long long)nalloc);
    *nsub += n;
    return 0;
bad:
    return 1;
}

/* docs/behaviour.md 9.7 (vidmm_queue.c P1-P3): every pending record lies in one sub-range
 * or one base gap of a VAD and carries what the bookkeeping says of its pages; the queues'
 * lists hold the records in fence order; the tree's reserve is the records' summed need. */
static int check_pending(vm_process *p, char *msg, size_t msg_size)
{
    uint64_t from = 0, start, size, tag, n = 0, listed = 0;
    dxgk_pt_cost need;
    vm_list *it, *jt;
    memset(&need, 0, sizeof need);
    while (p->pend && dxgk_ra_next(p->pend, from, &start, &size, &tag) == DXGK_RA_OK) {
        const vm_pend *r = (const vm_pend *)(uintptr_t)tag;
        const vm_range *v = dxgk_vm__vad_holding(p, start, size);
        uint64_t ss, sz, st;
        dxgk_pt_target want;
        if (!r || r->va != start || r->size != size || !v)
            FAIL("pending work at %#llx+%#llx: bad record, or not inside one VAD",
                 (unsigned long long)start, (unsigned long long)size);
        if (p->sub && dxgk_ra_find(p->sub, start, &ss, &sz, &st) == DXGK_RA_OK) {
            const vm_range *s = (const vm_range *)(uintptr_t)st;
            vm_piece pc;
            if (start + size > ss + sz)
                FAIL("pending work at %#llx+%#llx leaves its sub-range %#llx+%#llx",
                     (unsigned long long)start, (unsigned long long)size,
                     (unsigned long long)ss, (unsigned long long)sz);
            memset(&pc, 0, sizeof pc);
            pc.kind = s->kind;
            pc.alloc = s->alloc;
            pc.offset_pages = s->alloc ? s->offset_pages + ((start - ss) >> 12) : 0;
            pc.protection = s->protection;
            dxgk_vm__piece_target(v, start, size, &pc, &want);
        } else {
            vm_piece pc;
            if (p->sub && dxgk_ra_next(p->sub, start, &ss, &sz, &st) == DXGK_RA_OK &&
                ss < start + size)
                FAIL("pending work at %#llx+%#llx crosses a sub-range edge",
                     (unsigned long long)start, (unsigned long long)size);
            memset(&pc, 0, sizeof pc);
            pc.kind = VM_PIECE_BASE;
            dxgk_vm__piece_target(v, start, size, &pc, &want);
        }
        if (want.kind != r->t.kind || want.segment != r->t.segment ||
            want.address != r->t.address ||
            (want.flags & ~(uint32_t)DXGK_PT_ELIGIBLE_64K) !=
                (r->t.flags & ~(uint32_t)DXGK_PT_ELIGIBLE_64K))
            FAIL("pending work at %#llx+%#llx does not write what the bookkeeping says",
                 (unsigned long long)start, (unsigned long long)size);
        if (!r->queue || r->queue->device->process != p || r->fence == 0 ||
            r->fence > r->queue->submitted)
            FAIL("pending work at %#llx: bad queue or fence value %llu",
                 (unsigned long long)start, (unsigned long long)r->fence);
        for (unsigned k = 0; k < DXGK_PT_MAX_LEVELS; k++)
            need.tables[k] += r->need.tables[k];
        need.leaf64k_tables += r->need.leaf64k_tables;
        need.bytes += r->need.bytes;
        n++;
        from = start + size;
    }
    for (it = p->devices.next; it != &p->devices; it = it->next) {
        vm_device *d = CONTAINER(it, vm_device, link);
        for (jt = d->queues.next; jt != &d->queues; jt = jt->next) {
            vm_pqueue *q = CONTAINER(jt, vm_pqueue, link);
            uint64_t last = 0;
            for (vm_list *kt = q->pending.next; kt != &q->pending; kt = kt->next) {
                const vm_pend *r = CONTAINER(kt, vm_pend, qlink);
                if (r->queue != q || r->fence < last)
                    FAIL("paging queue %#x: its pending list is out of fence order",
                         (unsigned)q->kmt);
                last = r->fence;
                listed++;
            }
        }
    }
    if (n != p->npend || listed != n)
        FAIL("process %#llx: %llu pending records, counted %llu, queues list %llu",
             (unsigned long long)p->hdr.handle, (unsigned long long)n,
             (unsigned long long)p->npend, (unsigned long long)listed);
    if (memcmp(need.tables, p->need.tables, sizeof need.tables) ||
        need.leaf64k_tables != p->need.leaf64k_tables || need.bytes != p->need.bytes ||
        dxgk_pt_reserve_bytes(p->pt) != need.bytes)
        FAIL("process %#llx: pending work needs %llu table bytes, the reserve holds %llu",
             (unsigned long long)p->hdr.handle, (unsigned long long)need.bytes,
             (unsigned long long)dxgk_pt_reserve_bytes(p->pt));
    return 0;
bad:
    return 1;
}

NTSTATUS dxgk_vm_validate(uint64_t h, char *msg, size_t msg_size)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    uint64_t alloc_bytes[DXGK_VM_MAX_SEGMENTS] = {0}, table_bytes = 0, nalloc = 0;
    uint64_t ndev = 0, nctx = 0, nproc = 0;
    vm_list *it, *jt;
    int rc;
    if (!a)
        return STATUS_INVALID_HANDLE;
    dxgk_vm__set_msg(msg, msg_size, "%s", "");
    for (uint32_t i = 0; i < a->nseg; i++) {
        if ((rc = dxgk_ra_validate(a->seg[i].ra)) != 0)
            FAIL("segment %u: range allocator invariant %d broken", a->seg[i].id, rc);
    }
    if (!a->system || !a->system->is_system)
        FAIL("the adapter has no system process");
    for (it = a->processes.next; it != &a->processes; it = it->next) {
        vm_process *p = CONTAINER(it, vm_process, link);
        uint64_t from = 0, start, size, tag, nmap = 0, nres = 0, mapped_pages = 0, nvad = 0;
        uint64_t nsub = 0;
        dxgk_pt_stats ps;
        nproc++;
        if (dxgk_vm__g_get(p->hdr.handle, DXGK_VM_T_PROCESS) != p)
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
            if (r->vad)
                FAIL("process %#llx: VA range %#llx is a sub-range record",
                     (unsigned long long)p->hdr.handle, (unsigned long long)start);
            if (r->kind == DXGK_VM_RANGE_RESERVATION)
                nres++;
            else if (r->kind == DXGK_VM_RANGE_VAD_RESERVED || r->kind == DXGK_VM_RANGE_VAD_MAPPED)
                nvad++;
            else
                nmap++;
            if (r->kind == DXGK_VM_RANGE_MAP || r->kind == DXGK_VM_RANGE_ZERO)
                mapped_pages += size >> 12;
            /* docs/behaviour.md 10.2: the system process also maps updated allocations
             * of every process (vidmm_sysmap.c) */
            if (r->kind == DXGK_VM_RANGE_MAP && ((r->flags & DXGK_VM_RANGE_F_SYSTEM)
                                                     ? !dxgk_vm__sysmap_is(p, r)
                                                     : !r->alloc || r->alloc->process != p))
                FAIL("mapping at %#llx: its allocation is not of this process, nor is it "
                     "that allocation's system mapping", (unsigned long long)r->va);
            if (dxgk_vm__is_vad(r)) {
                if (check_vad(p, r, &mapped_pages, &nsub, msg, msg_size))
                    goto bad;
            } else if (check_range_ptes(p, r, msg, msg_size)) {
                goto bad;
            }
            from = start + size;
        }
        if (nvad != p->vads)
            FAIL("process %#llx: counted %llu VADs, records say %llu",
                 (unsigned long long)p->hdr.handle, (unsigned long long)p->vads,
                 (unsigned long long)nvad);
        if (p->sub && ((rc = dxgk_ra_validate(p->sub)) != 0 || dxgk_ra_count(p->sub) != nsub))
            FAIL("process %#llx: sub-range allocator invariant %d broken, or %llu sub-ranges "
                 "where the VADs count %llu", (unsigned long long)p->hdr.handle, rc,
                 (unsigned long long)dxgk_ra_count(p->sub), (unsigned long long)nsub);
        if (nmap != p->mappings || nres != p->reservations)
            FAIL("process %#llx: counted %llu mappings / %llu reservations, records say %llu / %llu",
                 (unsigned long long)p->hdr.handle, (unsigned long long)p->mappings,
                 (unsigned long long)p->reservations, (unsigned long long)nmap,
                 (unsigned long long)nres);
        if (check_pending(p, msg, msg_size))
            goto bad;
        dxgk_pt_get_stats(p->pt, &ps);
        /* with work pending, the page tables lag the bookkeeping by design (9.7) */
        if (!p->npend && ps.mapped_pages != mapped_pages)
            FAIL("process %#llx: page tables map %llu pages, mappings cover %llu",
                 (unsigned long long)p->hdr.handle, (unsigned long long)ps.mapped_pages,
                 (unsigned long long)mapped_pages);
        table_bytes += ps.table_bytes + dxgk_pt_reserve_bytes(p->pt);
        for (jt = p->devices.next; jt != &p->devices; jt = jt->next) {
            vm_device *d = CONTAINER(jt, vm_device, link);
            vm_list *kt;
            ndev++;
            if (d->process != p || dxgk_vm__g_get(d->hdr.handle, DXGK_VM_T_DEVICE) != d)
                FAIL("device %#llx: bad links", (unsigned long long)d->hdr.handle);
            for (kt = d->contexts.next; kt != &d->contexts; kt = kt->next) {
                vm_context *c = CONTAINER(kt, vm_context, link);
                nctx++;
                if (c->device != d || dxgk_vm__g_get(c->hdr.handle, DXGK_VM_T_CONTEXT) != c)
                    FAIL("context %#llx: bad links", (unsigned long long)c->hdr.handle);
            }
        }
        for (jt = p->allocations.next; jt != &p->allocations; jt = jt->next) {
            vm_alloc *al = CONTAINER(jt, vm_alloc, link);
            vm_list *kt;
            uint64_t n = 0, sstart, ssize, stag;
            nalloc++;
            if (al->process != p || dxgk_vm__g_get(al->hdr.handle, DXGK_VM_T_ALLOCATION) != al)
                FAIL("allocation %#llx: bad links", (unsigned long long)al->hdr.handle);
            if (dxgk_ra_find(al->segment->ra, al->segment_offset, &sstart, &ssize, &stag) != 0 ||
                sstart != al->segment_offset || ssize != al->size || stag != al->hdr.handle)
                FAIL("allocation %#llx: its segment range is not what it records",
                     (unsigned long long)al->hdr.handle);
            alloc_bytes[al->segment->id - 1] += al->size;
            if (dxgk_vm__sysmap_check(a, al, msg, msg_size))
                goto bad;
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
    dxgk_vm__release(a);
    /* docs/behaviour.md 10.4: the driver's own tables, when it gave a decoder */
    return dxgk_drv_check_tables(h, msg, msg_size);
bad:
    dxgk_vm__release(a);
    return STATUS_INVALID_PARAMETER;
}
