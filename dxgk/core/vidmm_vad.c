/*
 * vidmm_vad.c -- the user-mode GPU VA operations of the VidMm model (docs/behaviour.md
 * 9.2-9.5): VADs and their sub-ranges, and the semantics of D3DKMTMapGpuVirtualAddress,
 * D3DKMTReserveGpuVirtualAddress and D3DKMTFreeGpuVirtualAddress. vidmm_update.c builds
 * D3DKMTUpdateGpuVirtualAddress on the piece writer here (dxgk_vm__vad_write), and asks
 * for a write's lines ahead of it through dxgk_vm__vad_prefetch (read-only).
 *
 * What it owns: the VADs of a process -- ranges of p->va of kind VAD_RESERVED or
 * VAD_MAPPED, and kernel reservations made with AllowUserModeMapping -- and their
 * sub-ranges (vm_range records with vad set), kept in a second range allocator per
 * process (p->sub) over the same addresses, so finding, cutting and listing the
 * sub-ranges of a page range is O(log n) per sub-range touched.
 *
 * Invariants (checked by dxgk_vm_validate, vidmm_check.c):
 *   - every sub-range lies inside its VAD, and a VAD's subs / alloc_subs count its
 *     sub-ranges and those that map an allocation; a MAP sub-range is on its
 *     allocation's mapping list;
 *   - the PTEs of a sub-range are its target's (MAP: the allocation's pages, ZERO: Zero,
 *     NOACCESS: invalid); a VAD page outside every sub-range is in the VAD's base state
 *     (invalid, or Zero for a ZERO reservation);
 *   - a failed call changes nothing: each operation validates everything first, takes
 *     its records, then makes one page-table change per piece, each atomic
 *     (pagetable.c), and only then edits the sub-ranges.
 */
#include "vidmm_impl.h"

#include <stdlib.h>
#include <string.h>

#include "range_alloc.h"
#include "vidmm.h"

#define RES_ALLOW_USER 1u   /* DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE.AllowUserModeMapping */

enum { RESERVE_NO_ACCESS = 0, RESERVE_ZERO = 1 };

/* ---- VADs and sub-ranges ------------------------------------------------------------------ */

int dxgk_vm__is_vad(const vm_range *r)
{
    return r->kind == DXGK_VM_RANGE_VAD_RESERVED || r->kind == DXGK_VM_RANGE_VAD_MAPPED ||
           (r->kind == DXGK_VM_RANGE_RESERVATION && (r->flags & RES_ALLOW_USER));
}

/* A VAD user-mode Update and Free may work inside: reserved, by either mode. */
int dxgk_vm__is_reserved_vad(const vm_range *r)
{
    return r->kind == DXGK_VM_RANGE_VAD_RESERVED ||
           (r->kind == DXGK_VM_RANGE_RESERVATION && (r->flags & RES_ALLOW_USER));
}

void dxgk_vm__base_target(uint64_t va, uint64_t size, dxgk_pt_target *t)
{
    memset(t, 0, sizeof *t);
    t->kind = DXGK_PT_KIND_ZERO;
    /* [choice] Zero base pages use the 64 KB leaf format where VA and size allow, so
     * restoring them never splits a 64 KB entry */
    if (!((va | size) & (PAGE_64K - 1)))
        t->flags = DXGK_PT_ELIGIBLE_64K;
}

/* Writes the base state of VAD v over [va, va + size): one atomic page-table change. */
static int write_base(vm_process *p, const vm_range *v, uint64_t va, uint64_t size)
{
    dxgk_pt_target t;
    if (v->base == DXGK_VM_BASE_INVALID)
        return dxgk_pg__unmap(p, va, size >> 12);
    dxgk_vm__base_target(va, size, &t);
    return dxgk_pg__map(p, va, size >> 12, &t, NULL);
}

/* Bookkeeping of one sub-range leaving the tree (its record stays the caller's). */
static void sub_unlink(vm_process *p, vm_range *s)
{
    dxgk_ra_free(p->sub, s->va);
    s->vad->subs--;
    if (s->alloc) {
        s->vad->alloc_subs--;
        list_del(&s->alloc_link);
        s->alloc->mapping_count--;
    }
}

static void sub_link(vm_process *p, vm_range *v, vm_range *s)
{
    s->vad = v;
    dxgk_ra_alloc_fixed(p->sub, s->va, s->size, (uint64_t)(uintptr_t)s);
    v->subs++;
    if (s->alloc) {
        v->alloc_subs++;
        list_add_tail(&s->alloc->mappings, &s->alloc_link);
        s->alloc->mapping_count++;
    }
}

void dxgk_vm__vad_drop_subs(vm_process *p, vm_range *v)
{
    uint64_t start, size, tag;
    while (v->subs && dxgk_ra_next(p->sub, v->va, &start, &size, &tag) == DXGK_RA_OK &&
           start < v->va + v->size) {
        vm_range *s = (vm_range *)(uintptr_t)tag;
        sub_unlink(p, s);
        free(s);
    }
}

void dxgk_vm__sub_drop(vm_process *p, vm_range *s)
{
    vm_range *v = s->vad;
    dxgk_vm__pend_drop(p, s->va, s->size);
    /* its tables fit: dxgk_vm__teardown_room (vidmm_va.c) checked them first */
    (void)write_base(p, v, s->va, s->size);
    sub_unlink(p, s);
    free(s);
    /* docs/behaviour.md 9.8 [choice]: a mapped VAD with no page of an allocation left goes */
    if (v->kind == DXGK_VM_RANGE_VAD_MAPPED && v->alloc_subs == 0)
        dxgk_vm__range_drop(p, v);
}


/* Makes [va, va + size) of VAD v hold pc (sub-ranges cut, trimmed or split; then the
 * new sub-range) after the caller has written the PTEs. spare: a zeroed record for a
 * split, consumed (set to NULL) if used; `fresh`, the new sub-range's record, is always
 * consumed (linked, or freed when an existing sub-range of exactly those pages takes its
 * content). */
static void subs_replace(vm_process *p, vm_range *v, uint64_t va, uint64_t size,
                         vm_range **spare, vm_range *fresh)
{
    const uint64_t end = va + size;
    uint64_t start, ssize, tag;
    const int found = dxgk_ra_find(p->sub, va, &start, &ssize, &tag) == DXGK_RA_OK;
    if (found && fresh && start == va && ssize == size) {
        /* exactly one sub-range's pages (a tile remapped): it takes the new content in
         * place, and the sub-range tree is not touched */
        vm_range *s = (vm_range *)(uintptr_t)tag;
        if (s->alloc != fresh->alloc) {     /* else it stays on its allocation's list */
            if (s->alloc) {
                v->alloc_subs--;
                list_del(&s->alloc_link);
                s->alloc->mapping_count--;
            }
            if (fresh->alloc) {
                v->alloc_subs++;
                list_add_tail(&fresh->alloc->mappings, &s->alloc_link);
                fresh->alloc->mapping_count++;
            }
        }
        s->kind = fresh->kind;
        s->alloc = fresh->alloc;
        s->offset_pages = fresh->offset_pages;
        s->protection = fresh->protection;
        s->driver_protection = fresh->driver_protection;
        free(fresh);
        return;
    }
    /* the sub-range straddling va */
    if (found && start < va) {
        vm_range *s = (vm_range *)(uintptr_t)tag;
        const uint64_t s_end = start + ssize;
        dxgk_ra_free(p->sub, start);
        s->size = va - start;
        dxgk_ra_alloc_fixed(p->sub, start, s->size, tag);
        if (s_end > end) {          /* it covers the whole range: split off its right part */
            vm_range *r = *spare;
            *spare = NULL;
            *r = *s;
            list_init(&r->alloc_link);
            r->va = end;
            r->size = s_end - end;
            if (r->alloc)
                r->offset_pages = s->offset_pages + ((end - start) >> 12);
            sub_link(p, v, r);
        }
    }
    while (dxgk_ra_next(p->sub, va, &start, &ssize, &tag) == DXGK_RA_OK && start < end) {
        vm_range *s = (vm_range *)(uintptr_t)tag;
        if (start + ssize <= end) {
            sub_unlink(p, s);
            free(s);
        } else {                    /* straddles the end: keep its right part */
            const uint64_t cut = end - start;
            dxgk_ra_free(p->sub, start);
            s->va = end;
            s->size = ssize - cut;
            if (s->alloc)
                s->offset_pages += cut >> 12;
            dxgk_ra_alloc_fixed(p->sub, s->va, s->size, tag);
            break;
        }
    }
    if (fresh) {
        fresh->va = va;
        fresh->size = size;
        sub_link(p, v, fresh);
    }
}

/* The PTE target of pc over [va, va + size) of VAD v (NOACCESS: the pages go invalid). */
void dxgk_vm__piece_target(const vm_range *v, uint64_t va, uint64_t size, const vm_piece *pc,
                           dxgk_pt_target *t)
{
    uint32_t kind = pc->kind;
    if (kind == VM_PIECE_BASE)
        kind = v->base == DXGK_VM_BASE_ZERO ? DXGK_VM_RANGE_ZERO : DXGK_VM_RANGE_NOACCESS;
    switch (kind) {
    case DXGK_VM_RANGE_MAP:
        dxgk_vm__pages_target(pc->alloc, pc->offset_pages, pc->protection, t);
        break;
    case DXGK_VM_RANGE_ZERO:
        dxgk_vm__base_target(va, size, t);
        break;
    default:
        memset(t, 0, sizeof *t);
        t->kind = DXGK_PT_KIND_NOACCESS;
    }
}

static int ensure_sub(vm_process *p);

/* Writes pc over [va, va + size) of VAD v: the sub-ranges at once, the PTEs at once too
 * (q NULL) or queued on q (deferred mode, docs/behaviour.md 9.7: *fence is the fence
 * value they run under). Every record and table is taken first, so a failure (no room
 * for a table, no memory) changes nothing. */
static NTSTATUS vad_change(vm_process *p, vm_range *v, uint64_t va, uint64_t size,
                           const vm_piece *pc, vm_pqueue *q, uint64_t *fence)
{
    vm_range *spare = calloc(1, sizeof *spare), *fresh = NULL;
    dxgk_pt_target t;
    dxgk_pg_src src;
    vm_pend_op op;
    NTSTATUS st;
    int rc;
    /* the sub-range tree may not exist yet: a user-mappable kernel reservation is a VAD
     * before any user-mode Map or Reserve of the process made one (an Update or a Free
     * there is the first writer) */
    if (!spare || !ensure_sub(p)) {
        free(spare);
        return STATUS_NO_MEMORY;
    }
    if (pc->kind != VM_PIECE_BASE) {
        fresh = calloc(1, sizeof *fresh);
        if (!fresh) {
            free(spare);
            return STATUS_NO_MEMORY;
        }
        fresh->kind = pc->kind;
        fresh->alloc = pc->alloc;
        fresh->offset_pages = pc->offset_pages;
        fresh->protection = pc->protection;
        fresh->driver_protection = pc->driver_protection;
        list_init(&fresh->alloc_link);
    }
    dxgk_vm__piece_target(v, va, size, pc, &t);
    /* immediate: the range's pending work goes; deferred: it becomes this */
    st = dxgk_vm__pend_prepare(p, va, size, q ? &t : NULL, &op);
    if (st != STATUS_SUCCESS) {
        free(spare);
        free(fresh);
        return st;
    }
    dxgk_pg__src(pc->kind == DXGK_VM_RANGE_MAP ? pc->alloc : NULL, pc->driver_protection, &src);
    if (q && op.fresh)
        op.fresh->src = src;
    if (!q && (rc = dxgk_pg__map(p, va, size >> 12, &t, &src)) != DXGK_PT_OK) {
        dxgk_vm__pend_abort(p, &op);
        free(spare);
        free(fresh);
        return dxgk_vm__pt_status(rc);
    }
    dxgk_vm__pend_apply(p, &op, va, size, q, fence);
    subs_replace(p, v, va, size, &spare, fresh);
    free(spare);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm__vad_write(vm_process *p, vm_range *v, uint64_t va, uint64_t size,
                            const vm_piece *pc)
{
    return vad_change(p, v, va, size, pc, NULL, NULL);
}

int dxgk_vm__vad_prefetch(vm_process *p, uint64_t va, int stage, dxgk_ra_hint *hint)
{
    uint64_t tag;
    if (!p->sub)
        return 0;
    if (stage == 0) {
        if (!dxgk_ra_prefetch(p->sub, va, hint))
            return 0;
        dxgk_pt_prefetch(p->pt, va);
        return 1;
    }
    if (dxgk_ra_hint_tag(p->sub, hint, va, &tag) == DXGK_RA_OK) {
        /* the fields subs_replace reads and writes: alloc .. driver_protection */
        const vm_range *s = (const vm_range *)(uintptr_t)tag;
        __builtin_prefetch(&s->alloc, 1);
        __builtin_prefetch(&s->driver_protection, 1);
    }
    return 1;
}

/* The sub-range pieces of [va, va + size) of VAD v, base gaps included, copied (the
 * COPY snapshot). *out is malloc'ed; returns the count, or -1 for no memory. */
long dxgk_vm__read_pieces(vm_process *p, const vm_range *v, uint64_t va, uint64_t size,
                        vm_piece **out)
{
    const uint64_t end = va + size;
    uint64_t at = va, start, ssize, tag;
    size_t n = 0, cap = 8;
    vm_piece *ps = malloc(cap * sizeof *ps);
    if (!ps)
        return -1;
    /* the sub-range holding va, else the first one after it: a read that starts in a
     * base-state gap must still find the sub-ranges further on */
    if (dxgk_ra_find(p->sub, va, &start, &ssize, &tag) != DXGK_RA_OK &&
        (dxgk_ra_next(p->sub, va, &start, &ssize, &tag) != DXGK_RA_OK || start >= end))
        ssize = 0;
    for (;;) {
        const vm_range *s = ssize ? (const vm_range *)(uintptr_t)tag : NULL;
        const uint64_t s_lo = s ? (start > at ? start : at) : end;
        const uint64_t s_hi = s ? (start + ssize < end ? start + ssize : end) : end;
        if (n + 2 > cap) {
            vm_piece *g = realloc(ps, (cap *= 2) * sizeof *ps);
            if (!g) {
                free(ps);
                return -1;
            }
            ps = g;
        }
        if (s_lo > at) {            /* a gap in the base state */
            memset(&ps[n], 0, sizeof ps[n]);
            ps[n].off = at - va;
            ps[n].size = s_lo - at;
            ps[n].kind = v->base == DXGK_VM_BASE_ZERO ? DXGK_VM_RANGE_ZERO
                                                      : DXGK_VM_RANGE_NOACCESS;
            n++;
        }
        if (!s)
            break;
        ps[n].off = s_lo - va;
        ps[n].size = s_hi - s_lo;
        ps[n].kind = s->kind;
        ps[n].alloc = s->alloc;
        ps[n].offset_pages = s->alloc ? s->offset_pages + ((s_lo - start) >> 12) : 0;
        ps[n].protection = s->protection;
        ps[n].driver_protection = s->driver_protection;
        n++;
        at = s_hi;
        if (at >= end || dxgk_ra_next(p->sub, at, &start, &ssize, &tag) != DXGK_RA_OK ||
            start >= end)
            ssize = 0;
    }
    *out = ps;
    return (long)n;
}

/* The VAD of p->va holding all of [va, va + size), or NULL. */
vm_range *dxgk_vm__vad_holding(vm_process *p, uint64_t va, uint64_t size)
{
    uint64_t start, rsize, tag;
    vm_range *r;
    if (dxgk_ra_find(p->va, va, &start, &rsize, &tag) != DXGK_RA_OK)
        return NULL;
    r = (vm_range *)(uintptr_t)tag;
    if (!dxgk_vm__is_vad(r) || size > start + rsize - va)
        return NULL;
    return r;
}

/* Whether any kernel-owned range of p->va meets [va, va + size). */
static int touches_kernel(vm_process *p, uint64_t va, uint64_t size)
{
    uint64_t start, rsize, tag, from = va;
    if (dxgk_ra_find(p->va, va, &start, &rsize, &tag) == DXGK_RA_OK) {
        if (!dxgk_vm__is_vad((vm_range *)(uintptr_t)tag))
            return 1;
        from = start + rsize;
    }
    while (from < va + size && dxgk_ra_next(p->va, from, &start, &rsize, &tag) == DXGK_RA_OK &&
           start < va + size) {
        if (!dxgk_vm__is_vad((vm_range *)(uintptr_t)tag))
            return 1;
        from = start + rsize;
    }
    return 0;
}

static int ensure_sub(vm_process *p)
{
    if (!p->sub)
        p->sub = dxgk_ra_create(0, p->hdr.adapter->va_limit);
    return p->sub != NULL;
}

/* A new VAD record (not yet in p->va). */
static vm_range *vad_new(uint32_t kind, uint32_t base)
{
    vm_range *v = calloc(1, sizeof *v);
    if (v) {
        v->kind = kind;
        v->base = base;
        list_init(&v->alloc_link);
    }
    return v;
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

/* ---- D3DKMTMapGpuVirtualAddress (docs/behaviour.md 9.3) ---------------------------------- */

NTSTATUS dxgk_vm_kmt_map(const dxgk_vm_umap_args *m, uint64_t *out_va, uint64_t *out_fence)
{
    vm_adapter *a;
    vm_pqueue *q = dxgk_vm__k_acquire(m->queue, DXGK_VM_T_PAGING_QUEUE, &a);
    vm_alloc *al = NULL;
    vm_process *p;
    vm_range *v = NULL, *fresh_vad = NULL;
    vm_piece pc;
    uint64_t bytes, align = PAGE_4K, phase = 0, start = 0, limit, fence = 0;
    const uint64_t prot = m->protection;
    const int zero = (prot & PROT_ZERO) != 0, noaccess = (prot & PROT_NOACCESS) != 0;
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    int rc;

    if (!q)
        return STATUS_INVALID_HANDLE;
    p = q->device->process;
    limit = a->va_limit;
    /* 1. handles */
    if (m->allocation) {
        al = dxgk_vm__k_owned(a, m->allocation, DXGK_VM_T_ALLOCATION);
        if (!al || al->process != p) {
            st = STATUS_INVALID_HANDLE;
            goto out;
        }
        if (al->device != q->device)    /* another device of the same process */
            goto out;
    }
    /* 1. parameters (docs/behaviour.md 5.1, plus SystemUseOnly) */
    if (m->size_pages == 0 || m->size_pages > (limit >> 12))
        goto out;
    bytes = m->size_pages << 12;
    if (al) {
        const uint64_t pages = al->size >> 12;
        if (m->offset_pages > pages || m->size_pages > pages - m->offset_pages)
            goto out;
    }
    if ((m->base | m->minimum | m->maximum) & (PAGE_4K - 1))
        goto out;
    if ((prot & ~PROT_DEFINED) || (prot & PROT_SYSTEM_ONLY) || (zero && noaccess) ||
        ((zero || noaccess) != (al == NULL)) || (zero && !a->caps.ZeroInPteSupported))
        goto out;
    if ((m->maximum != 0 && m->minimum >= m->maximum) || m->maximum > limit ||
        m->minimum >= limit)
        goto out;
    if (m->base && (m->base >= limit || bytes > limit - m->base))
        goto out;
    /* 4. the 64 KB congruence */
    if (al && al->segment->page_size == PAGE_64K) {
        align = PAGE_64K;
        phase = (al->segment_offset + (m->offset_pages << 12)) & (PAGE_64K - 1);
    }
    if (m->base && (m->base & (align - 1)) != phase)
        goto out;
    if (!ensure_sub(p)) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    memset(&pc, 0, sizeof pc);
    pc.kind = zero ? DXGK_VM_RANGE_ZERO : noaccess ? DXGK_VM_RANGE_NOACCESS
                                                   : DXGK_VM_RANGE_MAP;
    pc.alloc = al;
    pc.offset_pages = al ? m->offset_pages : 0;
    pc.protection = prot;
    pc.driver_protection = m->driver_protection;

    if (m->base) {
        /* 3. entirely free, or entirely inside one VAD */
        v = dxgk_vm__vad_holding(p, m->base, bytes);
        if (v) {
            if (v->kind == DXGK_VM_RANGE_VAD_MAPPED && (zero || noaccess))
                goto out;
        } else if (touches_kernel(p, m->base, bytes)) {
            st = STATUS_CONFLICTING_ADDRESSES;
            goto out;
        } else {
            uint64_t s, z, t;
            if (dxgk_ra_find(p->va, m->base, &s, &z, &t) == DXGK_RA_OK ||
                (dxgk_ra_next(p->va, m->base, &s, &z, &t) == DXGK_RA_OK &&
                 s < m->base + bytes)) {
                st = STATUS_CONFLICTING_ADDRESSES;  /* partly free, or two VADs */
                goto out;
            }
            start = m->base;
        }
    } else {
        /* 2. the lowest fit as for a kernel map: a new mapped VAD */
        const uint64_t lo = m->minimum > PAGE_64K ? m->minimum : PAGE_64K;
        const uint64_t hi = m->maximum ? m->maximum : limit;
        rc = dxgk_ra_find_fit(p->va, bytes, align, phase, lo, hi, 0, &start);
        if (rc != DXGK_RA_OK) {
            st = ra_status(rc);
            goto out;
        }
    }
    if (!v) {
        /* a Zero or NoAccess map on free VA holds no allocation: [choice] it is still a
         * mapped VAD, released by Free (9.8's rule is about allocations going away) */
        fresh_vad = vad_new(DXGK_VM_RANGE_VAD_MAPPED, DXGK_VM_BASE_INVALID);
        if (!fresh_vad) {
            st = STATUS_NO_MEMORY;
            goto out;
        }
        fresh_vad->va = start;
        fresh_vad->size = bytes;
        rc = dxgk_ra_alloc_fixed(p->va, start, bytes, (uint64_t)(uintptr_t)fresh_vad);
        if (rc != DXGK_RA_OK) {
            free(fresh_vad);
            st = ra_status(rc);
            goto out;
        }
        v = fresh_vad;
        p->vads++;
    }
    if (dxgk_vm__deferred(p)) {
        /* docs/behaviour.md 9.7: the bookkeeping now, the PTEs when the queue runs */
        st = vad_change(p, v, m->base ? m->base : start, bytes, &pc, q, &fence);
        if (st == STATUS_SUCCESS)
            st = STATUS_PENDING;
    } else {
        st = dxgk_vm__vad_write(p, v, m->base ? m->base : start, bytes, &pc);
    }
    if (st != STATUS_SUCCESS && st != STATUS_PENDING) {
        if (fresh_vad) {
            dxgk_ra_free(p->va, start);
            p->vads--;
            free(fresh_vad);
        }
        goto out;
    }
    *out_va = m->base ? m->base : start;
    *out_fence = fence;
out:
    dxgk_vm__release(a);
    return st;
}

/* ---- D3DKMTReserveGpuVirtualAddress (docs/behaviour.md 9.4) ------------------------------- */

NTSTATUS dxgk_vm_kmt_reserve(const dxgk_vm_ureserve_args *r, uint64_t *out_va,
                             uint64_t *out_fence)
{
    vm_adapter *a;
    vm_process *p;
    vm_range *v;
    uint32_t type = 0;
    uint64_t h = dxgk_vm_kmt_object(r->handle, &type), start = 0, limit, fence = 0;
    void *o;
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    int rc;

    /* 1. a paging queue or the process's adapter handle, told by the handle's type */
    if (!h || (type != DXGK_VM_T_PAGING_QUEUE && type != DXGK_VM_T_PROCESS))
        return STATUS_INVALID_HANDLE;
    o = dxgk_vm__acquire(h, type, &a);
    if (!o)
        return STATUS_INVALID_HANDLE;
    p = type == DXGK_VM_T_PROCESS ? o : ((vm_pqueue *)o)->device->process;
    limit = a->va_limit;
    /* 2. parameters */
    if ((r->base | r->minimum | r->maximum | r->size) & (PAGE_64K - 1) || r->size == 0 ||
        (r->maximum != 0 && r->minimum >= r->maximum) || r->maximum > limit ||
        r->minimum >= limit || r->size > limit ||
        (r->base && (r->base >= limit || r->size > limit - r->base)))
        goto out;
    /* 3. the reservation type */
    if (r->type != RESERVE_NO_ACCESS &&
        !(r->type == RESERVE_ZERO && a->caps.ZeroInPteSupported))
        goto out;
    if (!ensure_sub(p)) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    v = vad_new(DXGK_VM_RANGE_VAD_RESERVED,
                r->type == RESERVE_ZERO ? DXGK_VM_BASE_ZERO : DXGK_VM_BASE_INVALID);
    if (!v) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    v->driver_protection = r->driver_protection;
    /* 4. exactly there, or the lowest 64 KB-aligned fit at or above max(Min, 64 KB) */
    if (r->base) {
        start = r->base;
        rc = dxgk_ra_alloc_fixed(p->va, start, r->size, (uint64_t)(uintptr_t)v);
    } else {
        const uint64_t lo = r->minimum > PAGE_64K ? r->minimum : PAGE_64K;
        rc = dxgk_ra_alloc(p->va, r->size, PAGE_64K, 0, lo, r->maximum ? r->maximum : limit, 0,
                           (uint64_t)(uintptr_t)v, &start);
    }
    if (rc != DXGK_RA_OK) {
        free(v);
        st = ra_status(rc);
        goto out;
    }
    v->va = start;
    v->size = r->size;
    st = STATUS_SUCCESS;
    if (v->base == DXGK_VM_BASE_ZERO && type == DXGK_VM_T_PAGING_QUEUE &&
        dxgk_vm__deferred(p)) {
        /* docs/behaviour.md 9.7: a ZERO reserve through a queue queues its Zero PTEs */
        dxgk_pt_target t;
        vm_pend_op op;
        dxgk_vm__base_target(start, r->size, &t);
        st = dxgk_vm__pend_prepare(p, start, r->size, &t, &op);
        if (st == STATUS_SUCCESS) {
            dxgk_vm__pend_apply(p, &op, start, r->size, o, &fence);
            st = STATUS_PENDING;
        }
    } else if (v->base == DXGK_VM_BASE_ZERO) {
        rc = write_base(p, v, start, r->size);
        st = rc == DXGK_PT_OK ? STATUS_SUCCESS : dxgk_vm__pt_status(rc);
    }
    if (st != STATUS_SUCCESS && st != STATUS_PENDING) {
        dxgk_ra_free(p->va, start);
        free(v);
        goto out;
    }
    p->vads++;
    *out_va = start;
    *out_fence = fence;
out:
    dxgk_vm__release(a);
    return st;
}

/* ---- D3DKMTFreeGpuVirtualAddress (docs/behaviour.md 9.5) ---------------------------------- */

NTSTATUS dxgk_vm_kmt_free(uint32_t adapter, uint64_t base, uint64_t size)
{
    vm_adapter *a;
    vm_process *p = dxgk_vm__k_acquire(adapter, DXGK_VM_T_PROCESS, &a);
    vm_range *v;
    uint64_t start, rsize, tag;
    NTSTATUS st = STATUS_INVALID_PARAMETER;
    vm_piece pc;
    if (!p)
        return STATUS_INVALID_HANDLE;
    /* 1. */
    if ((base | size) & (PAGE_4K - 1) || size == 0 || base >= a->va_limit ||
        size > a->va_limit - base)
        goto out;
    if (touches_kernel(p, base, size)) {
        st = STATUS_CONFLICTING_ADDRESSES;
        goto out;
    }
    if (dxgk_ra_find(p->va, base, &start, &rsize, &tag) != DXGK_RA_OK)
        goto out;
    v = (vm_range *)(uintptr_t)tag;
    if (start == base && rsize == size && v->kind != DXGK_VM_RANGE_RESERVATION) {
        /* 2. exactly one VAD: it goes, with everything inside it (the PTEs of the
         * whole range at once: no valid 64 KB entry crosses a VAD's edge) */
        dxgk_vm__range_drop(p, v);
        st = STATUS_SUCCESS;
        goto out;
    }
    /* 3. a part of one reserved VAD ([choice] all of a kernel reservation made with
     * AllowUserModeMapping too: it stays the driver's, its pages go back to invalid) */
    if (!dxgk_vm__is_reserved_vad(v) || size > start + rsize - base)
        goto out;
    memset(&pc, 0, sizeof pc);
    pc.kind = VM_PIECE_BASE;
    st = dxgk_vm__vad_write(p, v, base, size, &pc);
out:
    dxgk_vm__release(a);
    return st;
}
