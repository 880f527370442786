/*
 * vidmm_va.c -- the VA operations of the VidMm model (docs/behaviour.md 4-6): creating,
 * updating and destroying context allocations, mapping GPU VA (MapGpuVirtualAddress),
 * reserving it (ReserveGpuVirtualAddressRange), and dropping a range again.
 *
 * What it owns: the vm_range records -- the MAP, ZERO, NOACCESS and RESERVATION ranges
 * of every process's VA space and their PTEs, made with range_alloc.c and
 * pagetable.c -- the placement of allocations in segments, and the paging log. The
 * allocation objects themselves (handle, lists, accounting) are made and torn down by
 * vidmm.c; every entry point here takes the adapter lock through vidmm.c's
 * dxgk_vm__adapter_acquire first.
 *
 * Invariants kept (checked by dxgk_vm_validate):
 *   - every live range of a process VA allocator is tagged with its vm_range; a MAP
 *     range is on its allocation's list (the system mapping of vidmm_sysmap.c, placed
 *     here by dxgk_vm__range_place, is its allocation's sys_range instead); its PTEs
 *     translate to the allocation's pages;
 *     a ZERO range has Zero PTEs, a NOACCESS range and a reservation none; a process's
 *     mapping / reservation counts and an allocation's mapping count match the ranges;
 *   - a failed call changes nothing (docs/behaviour.md 5.7): each operation takes every resource
 *     it needs before it writes anything, and gives back in reverse order on failure.
 */
#include "vidmm_impl.h"

#include <stdlib.h>
#include <string.h>

#include "dxgk_layout_asserts.h"
#include "range_alloc.h"
#include "vidmm.h"

/* PROT_* (the protection bits by their header names): vidmm_impl.h */
#define AIF_CACHED DXGK_MASK_DXGK_ALLOCATIONINFOFLAGS_Cached
#define AIF_FROM_END DXGK_MASK_DXGK_ALLOCATIONINFOFLAGS_FromEndOfSegment
#define CCA_SHARED DXGK_MASK_DXGK_CREATECONTEXTALLOCATIONFLAGS_SharedAcrossContexts
#define CCA_MAPVA DXGK_MASK_DXGK_CREATECONTEXTALLOCATIONFLAGS_MapGpuVirtualAddress

/* ---- ranges --------------------------------------------------------------------------- */

/* Removes a live range of p: its PTEs (none for NoAccess and reservations), its VA,
 * its link. Whole mappings never split a 64 KB entry, so the unmap cannot fail; a VAD's
 * sub-range going back to the VAD's base state may need tables in deferred mode, which
 * an allocation's destruction checks first (dxgk_vm__teardown_room). */
void dxgk_vm__range_drop(vm_process *p, vm_range *r)
{
    if (r->vad) {               /* a VAD's sub-range: vidmm_kmt.c's */
        dxgk_vm__sub_drop(p, r);
        return;
    }
    if (dxgk_vm__is_vad(r)) {
        dxgk_vm__pend_drop(p, r->va, r->size);
        dxgk_vm__vad_drop_subs(p, r);
        dxgk_pg__unmap(p, r->va, r->size >> 12);
    }
    if (r->kind == DXGK_VM_RANGE_MAP || r->kind == DXGK_VM_RANGE_ZERO)
        dxgk_pg__unmap(p, r->va, r->size >> 12);
    dxgk_ra_free(p->va, r->va);
    if (r->kind == DXGK_VM_RANGE_RESERVATION) {
        p->reservations--;
    } else if (r->kind == DXGK_VM_RANGE_VAD_RESERVED || r->kind == DXGK_VM_RANGE_VAD_MAPPED) {
        p->vads--;
    } else {
        p->mappings--;
    }
    if (r->kind == DXGK_VM_RANGE_MAP && (r->flags & DXGK_VM_RANGE_F_SYSTEM)) {
        r->alloc->sys_range = NULL;     /* the model's own mapping (vidmm_sysmap.c) */
        r->alloc->sys_va = 0;
    } else if (r->alloc) {
        list_del(&r->alloc_link);
        r->alloc->mapping_count--;
    }
    free(r);
}

/* ---- mappings ------------------------------------------------------------------------- */

void dxgk_vm__pages_target(const vm_alloc *al, uint64_t offset_pages, uint64_t prot,
                           dxgk_pt_target *t)
{
    memset(t, 0, sizeof *t);
    t->kind = DXGK_PT_KIND_PAGES;
    t->segment = al->segment->id;
    t->address = al->segment_offset + (offset_pages << 12);
    if (!(prot & PROT_WRITE))
        t->flags |= DXGK_PT_READ_ONLY;
    if (!(prot & PROT_EXECUTE))
        t->flags |= DXGK_PT_NO_EXECUTE;
    if (al->flags & AIF_CACHED)     /* [choice] CacheCoherent = the Cached flag */
        t->flags |= DXGK_PT_CACHE_COHERENT;
    if (al->segment->page_size == PAGE_64K)
        t->flags |= DXGK_PT_ELIGIBLE_64K;
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

void dxgk_vm__va_phase(const vm_alloc *al, uint64_t offset_pages, uint64_t *align,
                       uint64_t *phase)
{
    /* a 64 KB-page allocation keeps the low 16 bits of VA and physical address equal */
    *align = PAGE_4K;
    *phase = 0;
    if (al && al->segment->page_size == PAGE_64K) {
        *align = PAGE_64K;
        *phase = (al->segment_offset + (offset_pages << 12)) & (PAGE_64K - 1);
    }
}

/* docs/behaviour.md 5.4-5.7 for a range r of p whose size, kind, allocation, page offset,
 * protection and DriverProtection are set: its VA (base != 0: exactly there; else the
 * lowest fit in [max(minimum, 64 KB), maximum or the VA limit) with va = phase mod
 * align), then its PTEs through the paging stream. r->va is set on success; a failure
 * takes nothing (r stays the caller's, untagged). Neither counts nor lists r. */
NTSTATUS dxgk_vm__range_place(vm_process *p, vm_range *r, uint64_t base, uint64_t minimum,
                              uint64_t maximum, uint64_t align, uint64_t phase)
{
    const uint64_t limit = p->hdr.adapter->va_limit;
    dxgk_pt_target t;
    dxgk_pg_src src;
    uint64_t start = 0;
    int rc;
    if (base) {
        /* 4. exactly there; the whole range must be free (no mapping, no reservation) */
        start = base;
        rc = dxgk_ra_alloc_fixed(p->va, start, r->size, (uint64_t)(uintptr_t)r);
    } else {
        /* 5. [choice] the lowest fit, never in the first 64 KB, so 0 is never a result */
        const uint64_t lo = minimum > PAGE_64K ? minimum : PAGE_64K;
        const uint64_t hi = maximum ? maximum : limit;
        rc = dxgk_ra_alloc(p->va, r->size, align, phase, lo, hi, 0, (uint64_t)(uintptr_t)r,
                           &start);
    }
    if (rc != DXGK_RA_OK)
        return ra_status(rc);

    /* 6. the PTEs; pagetable.c is atomic, so a failure (no room for a table) leaves
     * the tree as it was and we give the VA back (7). */
    memset(&t, 0, sizeof t);
    if (r->kind == DXGK_VM_RANGE_ZERO)
        t.kind = DXGK_PT_KIND_ZERO;
    else if (r->kind == DXGK_VM_RANGE_NOACCESS)
        t.kind = DXGK_PT_KIND_NOACCESS;
    else
        dxgk_vm__pages_target(r->alloc, r->offset_pages, r->protection, &t);
    dxgk_pg__src(r->alloc, r->driver_protection, &src);
    rc = dxgk_pg__map(p, start, r->size >> 12, &t, &src);
    if (rc != DXGK_PT_OK) {
        dxgk_ra_free(p->va, start);
        return dxgk_vm__pt_status(rc);
    }
    r->va = start;
    return STATUS_SUCCESS;
}

/* docs/behaviour.md 5, under a's lock. The checks run in the priority order of 8.4: handles,
 * parameters, rule 3 (64 KB congruence), overlap, room. */
static NTSTATUS map_locked(vm_adapter *a, const dxgk_vm_map_args *m, uint64_t *out_va)
{
    vm_alloc *al = NULL;
    vm_process *p;
    vm_range *r;
    uint64_t bytes, align, phase;
    const uint64_t prot = m->protection, limit = a->va_limit;
    const int zero = (prot & PROT_ZERO) != 0, noaccess = (prot & PROT_NOACCESS) != 0;
    NTSTATUS st;

    /* 1. handles */
    if (m->allocation) {
        al = dxgk_vm__owned(a, m->allocation, DXGK_VM_T_ALLOCATION);
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

    /* 3. */
    dxgk_vm__va_phase(al, m->offset_pages, &align, &phase);
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

    /* 4-6 */
    st = dxgk_vm__range_place(p, r, m->base, m->minimum, m->maximum, align, phase);
    if (st != STATUS_SUCCESS) {
        free(r);
        return st;
    }
    if (al) {
        list_add_tail(&al->mappings, &r->alloc_link);
        al->mapping_count++;
    }
    p->mappings++;
    *out_va = r->va;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_map(uint64_t h, const dxgk_vm_map_args *m, uint64_t *out_va)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    st = map_locked(a, m, out_va);
    dxgk_vm__release(a);
    return st;
}

/* ---- context allocations (docs/behaviour.md 4, 6) -------------------------------------------- */

/* Places an allocation of c->size bytes (docs/behaviour.md 4): the segment, the offset
 * in it (the range taken, untagged) and the rounded size; STATUS_NO_MEMORY or
 * STATUS_INVALID_PARAMETER (no supported segment) with nothing taken. */
NTSTATUS dxgk_vm__place(vm_adapter *a, const dxgk_vm_create_args *c, vm_segment **out_seg,
                        uint64_t *out_offset, uint64_t *out_size)
{
    uint32_t order[DXGK_VM_MAX_SEGMENTS], n = 0;
    uint64_t offset = 0, rsize = 0;
    vm_segment *seg = NULL;
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
    if (n == 0)     /* [choice] no segment of this adapter is supported */
        return STATUS_INVALID_PARAMETER;
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
    if (!seg)
        return STATUS_NO_MEMORY;
    *out_seg = seg;
    *out_offset = offset;
    *out_size = rsize;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_create_allocation(const dxgk_vm_create_args *c, uint64_t *out_alloc,
                                   uint64_t *out_va)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(c->adapter);
    vm_device *d = NULL;
    vm_context *ctx = NULL;
    vm_process *p;
    vm_alloc *al;
    vm_segment *seg = NULL;
    uint64_t offset = 0, rsize = 0;
    NTSTATUS st = STATUS_NO_MEMORY;

    if (!a)
        return STATUS_INVALID_HANDLE;
    if (c->device) {
        d = dxgk_vm__owned(a, c->device, DXGK_VM_T_DEVICE);
        if (!d) {
            st = STATUS_INVALID_HANDLE;
            goto out;
        }
    }
    if (c->context) {
        ctx = dxgk_vm__owned(a, c->context, DXGK_VM_T_CONTEXT);
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

    st = dxgk_vm__place(a, c, &seg, &offset, &rsize);
    if (st != STATUS_SUCCESS)
        goto out;
    al = dxgk_vm__alloc_new(a, p, d, ctx, seg, offset, rsize, c);
    if (!al) {
        dxgk_ra_free(seg->ra, offset);
        st = STATUS_NO_MEMORY;
        goto out;
    }

    if (c->context_flags & CCA_MAPVA) {
        /* docs/behaviour.md 4.5 [choice]: a map with Base=0, Min=0, Max=0, Write|Execute. */
        dxgk_vm_map_args m;
        memset(&m, 0, sizeof m);
        m.allocation = al->hdr.handle;
        m.size_pages = rsize >> 12;
        m.protection = PROT_WRITE | PROT_EXECUTE;
        st = map_locked(a, &m, &al->create_va);
        if (st != STATUS_SUCCESS) {
            al->flags = 0;      /* never announced resident: no NOTIFY_RESIDENCY on the way out */
            dxgk_vm__alloc_teardown(a, al);
            goto out;
        }
    }
    dxgk_pg__residency(a, al, 1);
    *out_alloc = al->hdr.handle;
    if (out_va)
        *out_va = al->create_va;
    st = STATUS_SUCCESS;
out:
    dxgk_vm__release(a);
    return st;
}

/* What removing mapping r of p does to its page tables: adds to *extra the tables the
 * unmap takes from the tree as it is now -- none, unless those pages return to a ZERO base
 * the tree does not show yet, or the unmap cuts a 64 KB entry: deferred mode, where queued
 * writes of the mapping or of its VAD have not run (docs/behaviour.md 9.7, 9.8) -- and
 * takes from *after the reserve of the queued work it drops first. Nonzero if it cannot
 * be estimated. */
static int unmap_cost(vm_process *p, const vm_range *r, dxgk_pt_cost *extra,
                      dxgk_pt_cost *after)
{
    dxgk_pt_cost cost;
    dxgk_pt_target base;
    const dxgk_pt_target *t = NULL;
    if (r->vad && r->vad->base == DXGK_VM_BASE_ZERO) {
        dxgk_vm__base_target(r->va, r->size, &base);
        t = &base;
    }
    if (dxgk_pt_estimate(p->pt, r->va, r->size >> 12, t, &cost) != DXGK_PT_OK)
        return 1;
    for (unsigned k = 0; k < DXGK_PT_MAX_LEVELS; k++)
        extra->tables[k] += cost.tables[k];
    extra->leaf64k_tables += cost.leaf64k_tables;
    extra->bytes += cost.bytes;
    dxgk_vm__pend_drop_need(p, r->va, r->size, after);
    return 0;
}

/* Whether p's page-table segments have room for `extra` tables once its reserve has
 * shrunk to `after` (the dropped work's tables go back first): the reserve is grown to
 * cover both, kind by kind, and set back, so nothing changes (the adapter lock is held,
 * and the teardown gives tables back before it takes any). */
static int tables_fit(vm_process *p, const dxgk_pt_cost *extra, const dxgk_pt_cost *after)
{
    dxgk_pt_cost want = p->need;
    int rc;
    if (extra->bytes == 0)
        return 1;
    for (unsigned k = 0; k < DXGK_PT_MAX_LEVELS; k++)
        if (after->tables[k] + extra->tables[k] > want.tables[k])
            want.tables[k] = after->tables[k] + extra->tables[k];
    if (after->leaf64k_tables + extra->leaf64k_tables > want.leaf64k_tables)
        want.leaf64k_tables = after->leaf64k_tables + extra->leaf64k_tables;
    rc = dxgk_pt_reserve(p->pt, &want);
    (void)dxgk_pt_reserve(p->pt, &p->need);     /* shrinking never fails */
    return rc == DXGK_PT_OK;
}

NTSTATUS dxgk_vm__teardown_room(vm_adapter *a, vm_alloc *al)
{
    vm_process *p = al->process, *sp = al->sys_range ? a->system : NULL;
    dxgk_pt_cost extra, after = p->need, sys_extra, sys_after;
    memset(&extra, 0, sizeof extra);
    memset(&sys_extra, 0, sizeof sys_extra);
    for (vm_list *it = al->mappings.next; it != &al->mappings; it = it->next)
        if (unmap_cost(p, CONTAINER(it, vm_range, alloc_link), &extra, &after))
            return STATUS_NO_MEMORY;
    if (sp == p) {                  /* its system mapping shares the tree */
        if (unmap_cost(p, al->sys_range, &extra, &after))
            return STATUS_NO_MEMORY;
        sp = NULL;
    }
    if (sp) {
        sys_after = sp->need;
        if (unmap_cost(sp, al->sys_range, &sys_extra, &sys_after) ||
            !tables_fit(sp, &sys_extra, &sys_after))
            return STATUS_NO_MEMORY;
    }
    return tables_fit(p, &extra, &after) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS dxgk_vm_destroy_allocation(uint64_t h, uint64_t allocation)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    vm_alloc *al;
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    al = dxgk_vm__owned(a, allocation, DXGK_VM_T_ALLOCATION);
    if (!al) {
        dxgk_vm__release(a);
        return STATUS_INVALID_HANDLE;
    }
    /* all or nothing: the tables its unmaps take must fit first (docs/behaviour.md 9.8) */
    st = dxgk_vm__teardown_room(a, al);
    if (st != STATUS_SUCCESS) {
        dxgk_vm__release(a);
        return st;
    }
    dxgk_vm__alloc_teardown(a, al);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

/* docs/behaviour.md 6. [choice] Any hDxgkProcess that is not the process of this adapter now being
 * created -- another process, a finished one, a stale or forged value -- is
 * STATUS_INVALID_PARAMETER ("at any other time"); only a bad hAdapter is
 * STATUS_INVALID_HANDLE. */
NTSTATUS dxgk_vm_reserve(uint64_t h, uint64_t process, uint64_t size, uint32_t alignment,
                         uint64_t base, uint32_t flags, uint64_t *out_start)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    vm_process *p;
    vm_range *r;
    uint64_t align, start = 0;
    int rc;
    NTSTATUS st;
    if (!a)
        return STATUS_INVALID_HANDLE;
    p = dxgk_vm__owned(a, process, DXGK_VM_T_PROCESS);
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
    dxgk_vm__release(a);
    return st;
}
