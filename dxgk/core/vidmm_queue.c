/*
 * vidmm_queue.c -- the deferred execution mode of the paging queues (docs/behaviour.md
 * 9.7): paging work that a Map or a ZERO Reserve queued and that has not run yet.
 *
 * What it owns: per process, the pending page ranges (vm_pend records in p->pend, a range
 * allocator over the VA space, so the records never overlap), each with the PTE target
 * its pages get when it runs, the paging queue and fence value it runs under, and its
 * worst-case page-table need; per queue, the list of its pending records in fence order.
 *
 * The model. A deferred submission does the bookkeeping at once (VADs, sub-ranges,
 * VirtualAddress) and records its PTE change as pending over its range, superseding any
 * pending work there ([choice] the newest submission owns its pages: work queued before
 * it on those pages, on whatever queue, is never written). The GPU-visible page tables
 * change only when the queue executes. Everything else that writes the page tables of a
 * VAD -- Update batches, Free, allocation and VAD teardown -- is immediate in both modes
 * and clears the pending work of the pages it writes first.
 *
 * Invariants (checked by dxgk_vm_validate, vidmm_check.c):
 *   P1 every pending record lies inside one sub-range of a VAD, or inside one gap of a VAD
 *      between sub-ranges, and its target is what that sub-range (or the VAD's base state)
 *      says those pages hold: the bookkeeping is the future of the page tables, so a page
 *      shows its bookkeeping once its pending work has run. (A submission creates the
 *      record and the sub-range over the same pages; every later change cuts both alike.)
 *   P2 a queue's list holds exactly its records, in nondecreasing fence order, each fence
 *      at most the queue's submission count.
 *   P3 execution cannot fail: p->need is the sum of the records' dxgk_pt_bound, and the
 *      page-table tree's reserve (pagetable.h) holds exactly p->need -- so the tables any
 *      execution takes are already out of the page-table segments (and counted there).
 * Cost: a submission or an immediate write touching k pending records is O((k + 1) log n);
 * executing runs each record once.
 */
#include "vidmm_impl.h"

#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "pagetable.h"
#include "range_alloc.h"
#include "vidmm.h"

/* ---- the per-kind table costs --------------------------------------------------------------- */

static void cost_add(dxgk_pt_cost *a, const dxgk_pt_cost *b, int sign)
{
    for (unsigned k = 0; k < DXGK_PT_MAX_LEVELS; k++)
        a->tables[k] += sign > 0 ? b->tables[k] : -b->tables[k];
    a->leaf64k_tables += sign > 0 ? b->leaf64k_tables : -b->leaf64k_tables;
    a->conversions += sign > 0 ? b->conversions : -b->conversions;
    a->bytes += sign > 0 ? b->bytes : -b->bytes;
}

static void cost_max(dxgk_pt_cost *out, const dxgk_pt_cost *a, const dxgk_pt_cost *b)
{
    for (unsigned k = 0; k < DXGK_PT_MAX_LEVELS; k++)
        out->tables[k] = a->tables[k] > b->tables[k] ? a->tables[k] : b->tables[k];
    out->leaf64k_tables = a->leaf64k_tables > b->leaf64k_tables ? a->leaf64k_tables
                                                                : b->leaf64k_tables;
}

/* The target of pages [from, from + size) of pending record r. */
static void part_target(const vm_pend *r, uint64_t from, dxgk_pt_target *t)
{
    *t = r->t;      /* the 64 KB format follows from the part's own alignment (pagetable.c) */
    if (t->kind == DXGK_PT_KIND_PAGES)
        t->address += from - r->va;
}

/* dxgk_pt_bound of pages [from, from + size) of r (a valid sub-range of it). */
static void part_need(const vm_process *p, const vm_pend *r, uint64_t from, uint64_t size,
                      dxgk_pt_cost *out)
{
    dxgk_pt_target t;
    part_target(r, from, &t);
    if (dxgk_pt_bound(p->pt, from, size >> 12, &t, out) != DXGK_PT_OK)
        memset(out, 0, sizeof *out);    /* not reached: the record's own range was valid */
}

int dxgk_vm__deferred(const vm_process *p)
{
    return p->hdr.adapter->paging_mode == DXGK_VM_PAGING_DEFERRED;
}

/* ---- clipping: the pending work of a page range goes ---------------------------------------- */

/* Calls fn(p, r, ctx) for every pending record meeting [va, end), in address order; fn
 * may remove or trim r. */
static void each_overlap(vm_process *p, uint64_t va, uint64_t end,
                         void (*fn)(vm_process *, vm_pend *, uint64_t, uint64_t, void *),
                         void *ctx)
{
    uint64_t start, size, tag, from = va;
    if (!p->pend || !p->npend)
        return;
    if (dxgk_ra_find(p->pend, va, &start, &size, &tag) == DXGK_RA_OK) {
        from = start + size;
        fn(p, (vm_pend *)(uintptr_t)tag, va, end, ctx);
    }
    while (from < end && dxgk_ra_next(p->pend, from, &start, &size, &tag) == DXGK_RA_OK &&
           start < end) {
        from = start + size;
        fn(p, (vm_pend *)(uintptr_t)tag, va, end, ctx);
    }
}

/* What clipping [va, end) does to the need, and whether a record must split. */
typedef struct clip_plan {
    dxgk_pt_cost after;     /* p->need once clipped */
    int split;
} clip_plan;

static void plan_one(vm_process *p, vm_pend *r, uint64_t va, uint64_t end, void *ctx)
{
    clip_plan *c = ctx;
    dxgk_pt_cost part;
    cost_add(&c->after, &r->need, -1);
    if (r->va < va) {
        part_need(p, r, r->va, va - r->va, &part);
        cost_add(&c->after, &part, 1);
    }
    if (r->va + r->size > end) {
        part_need(p, r, end, r->va + r->size - end, &part);
        cost_add(&c->after, &part, 1);
        c->split |= r->va < va;
    }
}

static void pend_free(vm_process *p, vm_pend *r)
{
    dxgk_ra_free(p->pend, r->va);
    list_del(&r->qlink);
    cost_add(&p->need, &r->need, -1);
    p->npend--;
    free(r);
}

/* Keeps only [from, from + size) of r (its need recomputed). */
static void pend_trim(vm_process *p, vm_pend *r, uint64_t from, uint64_t size)
{
    dxgk_pt_target t;
    part_target(r, from, &t);
    dxgk_ra_free(p->pend, r->va);
    cost_add(&p->need, &r->need, -1);
    r->t = t;
    r->va = from;
    r->size = size;
    part_need(p, r, from, size, &r->need);
    cost_add(&p->need, &r->need, 1);
    dxgk_ra_alloc_fixed(p->pend, from, size, (uint64_t)(uintptr_t)r);
}

static void clip_one(vm_process *p, vm_pend *r, uint64_t va, uint64_t end, void *ctx)
{
    vm_pend **spare = ctx;
    const uint64_t r_end = r->va + r->size;
    if (r->va >= va && r_end <= end) {
        pend_free(p, r);
        return;
    }
    if (r->va < va && r_end > end && spare && *spare) {   /* it holds the range: split */
        vm_pend *right = *spare;
        *spare = NULL;
        *right = *r;
        part_target(r, end, &right->t);
        right->va = end;
        right->size = r_end - end;
        part_need(p, right, end, right->size, &right->need);
        pend_trim(p, r, r->va, va - r->va);     /* first: the right part's VA is r's */
        cost_add(&p->need, &right->need, 1);
        /* same queue and fence, right after r in its queue's order */
        right->qlink.prev = &r->qlink;
        right->qlink.next = r->qlink.next;
        r->qlink.next->prev = &right->qlink;
        r->qlink.next = &right->qlink;
        dxgk_ra_alloc_fixed(p->pend, right->va, right->size, (uint64_t)(uintptr_t)right);
        p->npend++;
        return;
    }
    if (r->va < va)
        pend_trim(p, r, r->va, va - r->va);
    else
        pend_trim(p, r, end, r_end - end);
}

/* Sets the reserve to p->need (shrinking never fails). */
static int reserve_sync(vm_process *p)
{
    return dxgk_pt_reserve(p->pt, &p->need);
}

NTSTATUS dxgk_vm__pend_prepare(vm_process *p, uint64_t va, uint64_t size,
                               const dxgk_pt_target *t, vm_pend_op *op)
{
    clip_plan c;
    dxgk_pt_cost want;
    int rc;
    memset(op, 0, sizeof *op);
    if (!t && (!p->pend || !p->npend))
        return STATUS_SUCCESS;              /* nothing pending: an immediate write as ever */
    if (!p->pend && !(p->pend = dxgk_ra_create(0, p->hdr.adapter->va_limit)))
        return STATUS_NO_MEMORY;
    memset(&c, 0, sizeof c);
    c.after = p->need;
    each_overlap(p, va, va + size, plan_one, &c);
    if (c.split && !(op->spare = calloc(1, sizeof *op->spare)))
        return STATUS_NO_MEMORY;
    if (t) {
        const NTSTATUS bad = (op->fresh = calloc(1, sizeof *op->fresh)) == NULL
                                 ? STATUS_NO_MEMORY
                             : dxgk_pt_bound(p->pt, va, size >> 12, t, &op->fresh->need)
                                 ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
        if (bad != STATUS_SUCCESS) {
            free(op->spare);
            free(op->fresh);
            op->spare = op->fresh = NULL;
            return bad;
        }
        op->fresh->va = va;
        op->fresh->size = size;
        op->fresh->t = *t;
        cost_add(&c.after, &op->fresh->need, 1);
    }
    /* the reserve must cover both what is pending now and what will be */
    memset(&want, 0, sizeof want);
    cost_max(&want, &p->need, &c.after);
    rc = dxgk_pt_reserve(p->pt, &want);
    if (rc != DXGK_PT_OK) {
        free(op->spare);
        free(op->fresh);
        op->spare = op->fresh = NULL;
        return dxgk_vm__pt_status(rc);
    }
    op->active = 1;
    return STATUS_SUCCESS;
}

void dxgk_vm__pend_abort(vm_process *p, vm_pend_op *op)
{
    if (!op->active)
        return;
    free(op->spare);
    free(op->fresh);
    op->spare = op->fresh = NULL;
    op->active = 0;
    reserve_sync(p);
}

void dxgk_vm__pend_apply(vm_process *p, vm_pend_op *op, uint64_t va, uint64_t size,
                         vm_pqueue *q, uint64_t *out_fence)
{
    if (!op->active)
        return;
    each_overlap(p, va, va + size, clip_one, &op->spare);
    if (op->fresh) {
        vm_pend *r = op->fresh;
        r->queue = q;
        r->fence = ++q->submitted;
        list_add_tail(&q->pending, &r->qlink);
        dxgk_ra_alloc_fixed(p->pend, va, size, (uint64_t)(uintptr_t)r);
        cost_add(&p->need, &r->need, 1);
        p->npend++;
        *out_fence = r->fence;
        op->fresh = NULL;
    }
    free(op->spare);
    op->spare = NULL;
    op->active = 0;
    reserve_sync(p);
}

/* Pending work inside a page range that goes whole (a VAD, or a sub-range): by P1 no
 * record straddles its edges, so nothing splits and nothing can fail. */
static void drop_one(vm_process *p, vm_pend *r, uint64_t va, uint64_t end, void *ctx)
{
    (void)ctx;
    if (r->va >= va && r->va + r->size <= end)
        pend_free(p, r);
    else if (r->va < va)    /* not reached while P1 holds; kept sound all the same */
        pend_trim(p, r, r->va, va - r->va);
    else
        pend_trim(p, r, end, r->va + r->size - end);
}

void dxgk_vm__pend_drop(vm_process *p, uint64_t va, uint64_t size)
{
    if (!p->pend || !p->npend)
        return;
    each_overlap(p, va, va + size, drop_one, NULL);
    reserve_sync(p);
}

static void drop_need_one(vm_process *p, vm_pend *r, uint64_t va, uint64_t end, void *ctx)
{
    (void)p;
    if (r->va >= va && r->va + r->size <= end)
        cost_add(ctx, &r->need, -1);
}

void dxgk_vm__pend_drop_need(vm_process *p, uint64_t va, uint64_t size, dxgk_pt_cost *need)
{
    each_overlap(p, va, va + size, drop_need_one, need);
}

/* ---- execution ------------------------------------------------------------------------------ */

/* Runs q's pending work with fence <= upto, in order, from the reserve (P3). */
static void run_queue(vm_adapter *a, vm_pqueue *q, uint64_t upto)
{
    vm_process *p = q->device->process;
    dxgk_pt_draw_reserve(p->pt, 1);
    while (!list_empty(&q->pending)) {
        vm_pend *r = CONTAINER(q->pending.next, vm_pend, qlink);
        if (r->fence > upto)
            break;
        /* cannot fail (P3): every table this takes is in the reserve */
        (void)dxgk_pg__map(p, r->va, r->size >> 12, &r->t, &r->src);
        pend_free(p, r);
    }
    dxgk_pt_draw_reserve(p->pt, 0);
    reserve_sync(p);
    if (upto > q->fence->value) {
        dxgk_vm__fence_set(q->fence, upto);
        dxgk_vm__run_waiting(a, q->device);
    }
}

void dxgk_vm__queue_drain(vm_adapter *a, vm_pqueue *q)
{
    if (!list_empty(&q->pending) || q->submitted > q->fence->value)
        run_queue(a, q, q->submitted);
}

NTSTATUS dxgk_vm_queue_execute(uint32_t queue, uint64_t upto, int all, uint64_t *out_value)
{
    vm_adapter *a;
    dxgk_drv_call_begin();
    if (dxgk_drv_removed_kmt(queue))   /* docs/behaviour.md 10.1: a removed adapter */
        return STATUS_DEVICE_REMOVED;
    vm_pqueue *q = dxgk_vm__k_acquire(queue, DXGK_VM_T_PAGING_QUEUE, &a);
    if (!q)
        return STATUS_INVALID_HANDLE;
    if (all)
        upto = q->submitted;
    if (upto > q->submitted) {
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    run_queue(a, q, upto);
    *out_value = q->fence->value;
    dxgk_vm__release(a);
    /* docs/behaviour.md 10.2: a driver fault while the queue's work was delivered */
    return dxgk_drv_call_faulted() ? STATUS_DEVICE_REMOVED : STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_queue_info(uint32_t queue, dxgk_vm_queue_state *out)
{
    vm_adapter *a;
    vm_pqueue *q = dxgk_vm__k_acquire(queue, DXGK_VM_T_PAGING_QUEUE, &a);
    vm_list *it;
    if (!q)
        return STATUS_INVALID_HANDLE;
    memset(out, 0, sizeof *out);
    out->submitted = q->submitted;
    out->fence_value = q->fence->value;
    for (it = q->pending.next; it != &q->pending; it = it->next) {
        const vm_pend *r = CONTAINER(it, vm_pend, qlink);
        out->pending_ranges++;
        out->pending_bytes += r->size;
    }
    out->reserve_bytes = dxgk_pt_reserve_bytes(q->device->process->pt);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

void dxgk_vm__pend_destroy(vm_process *p)
{
    uint64_t start, size, tag;
    while (p->pend && dxgk_ra_next(p->pend, 0, &start, &size, &tag) == DXGK_RA_OK)
        pend_free(p, (vm_pend *)(uintptr_t)tag);
    dxgk_ra_destroy(p->pend);
    p->pend = NULL;
}
