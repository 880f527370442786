/*
 * vidmm_update.c -- D3DKMTUpdateGpuVirtualAddress in the VidMm model (docs/behaviour.md
 * 9.6): checking a batch of MAP / MAP_PROTECT / UNMAP / COPY operations, running it, and
 * the batches that wait for a fence, queued per context.
 *
 * What it owns: the Update semantics and the waiting batches (vm_batch on each context's
 * waiting list). The pieces it writes are vidmm_vad.c's (dxgk_vm__vad_write); fences and
 * their values are vidmm_kmt.c's.
 *
 * Invariants:
 *   - all or nothing at submission: every operation is checked before any runs, and an
 *     immediate batch runs only after the page-table segments are known to hold every
 *     table it might create (its worst case, docs/behaviour.md 9.6 [choice]), so none of
 *     its pieces can fail for room;
 *   - a batch's operations run in order, each against the ranges the earlier ones left;
 *     the lookahead hints issued while it runs (dxgk_vm__vad_prefetch, a few operations
 *     ahead) only ask the cache for lines and change nothing, so a batch leaves the
 *     ranges and PTEs its operations leave when run one call each;
 *   - a context's batches run in submission order: a batch waits while an earlier one of
 *     its context waits; a batch that has run signals its fence to FenceValue + 1, and
 *     never lowers it.
 */
#include "vidmm_impl.h"

#include <stdlib.h>
#include <string.h>

#include "range_alloc.h"
#include "vidmm.h"

#define MAX_UPDATE_OPS 2048u

enum { UOP_MAP = 0, UOP_UNMAP = 1, UOP_COPY = 2, UOP_MAP_PROTECT = 3 };

/* The reserved VAD holding all of [va, va + size), or NULL. */
static vm_range *reserved_holding(vm_process *p, uint64_t va, uint64_t size)
{
    vm_range *v = dxgk_vm__vad_holding(p, va, size);
    return v && dxgk_vm__is_reserved_vad(v) ? v : NULL;
}

/* What one operation resolves to against the current ranges. */
typedef struct uop_plan {
    vm_range *dst, *src;
    vm_alloc *alloc;
    uint64_t slice;         /* MAP: the bytes of one repetition */
} uop_plan;

/* docs/behaviour.md 9.6.3-9.6.6: STATUS_SUCCESS and the plan, or the operation's status. */
static NTSTATUS uop_check(vm_adapter *a, vm_device *d, const dxgk_vm_uop *op, uop_plan *pl)
{
    vm_process *p = d->process;
    const uint64_t limit = a->va_limit;
    memset(pl, 0, sizeof *pl);
    if (op->type > UOP_MAP_PROTECT)
        return STATUS_INVALID_PARAMETER;
    if (op->size == 0 || ((op->base | op->size) & (PAGE_4K - 1)) || op->base >= limit ||
        op->size > limit - op->base)
        return STATUS_INVALID_PARAMETER;
    pl->dst = reserved_holding(p, op->base, op->size);
    if (!pl->dst)
        return STATUS_INVALID_PARAMETER;
    switch (op->type) {
    case UOP_MAP:
    case UOP_MAP_PROTECT: {
        vm_alloc *al = dxgk_vm__k_owned(a, op->allocation, DXGK_VM_T_ALLOCATION);
        uint64_t reps;
        if (!al || al->process != p)
            return STATUS_INVALID_HANDLE;
        if (al->device != d)
            return STATUS_INVALID_PARAMETER;
        if (op->type == UOP_MAP_PROTECT &&
            (op->protection & (PROT_ZERO | PROT_NOACCESS | PROT_SYSTEM_ONLY | ~PROT_DEFINED)))
            return STATUS_INVALID_PARAMETER;
        pl->slice = op->alloc_size ? op->alloc_size : op->size;
        if ((op->offset | pl->slice) & (PAGE_4K - 1) || op->size % pl->slice ||
            op->offset > al->size || pl->slice > al->size - op->offset)
            return STATUS_INVALID_PARAMETER;
        reps = op->size / pl->slice;
        if (al->segment->page_size == PAGE_64K) {
            /* every repetition keeps the 64 KB congruence: the first does, and the
             * step between two is a multiple of 64 KB */
            const uint64_t phase = (al->segment_offset + op->offset) & (PAGE_64K - 1);
            if ((op->base & (PAGE_64K - 1)) != phase ||
                (reps > 1 && (pl->slice & (PAGE_64K - 1))))
                return STATUS_INVALID_PARAMETER;
        }
        pl->alloc = al;
        return STATUS_SUCCESS;
    }
    case UOP_UNMAP: {
        const uint64_t prot = op->protection;
        if ((prot & ~PROT_DEFINED) || ((prot & PROT_ZERO) && (prot & PROT_NOACCESS)) ||
            ((prot & PROT_ZERO) && !a->caps.ZeroInPteSupported))
            return STATUS_INVALID_PARAMETER;
        return STATUS_SUCCESS;
    }
    default:    /* COPY: base is the destination */
        if ((op->source & (PAGE_4K - 1)) || op->source >= limit ||
            op->size > limit - op->source)
            return STATUS_INVALID_PARAMETER;
        pl->src = reserved_holding(p, op->source, op->size);
        return pl->src ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    }
}

/* A piece read from a VAD, as it lands in VAD dst: a page in the destination's own
 * base state becomes the base state there. */
static void land(vm_piece *pc, const vm_range *dst)
{
    if ((pc->kind == DXGK_VM_RANGE_ZERO && dst->base == DXGK_VM_BASE_ZERO) ||
        (pc->kind == DXGK_VM_RANGE_NOACCESS && dst->base == DXGK_VM_BASE_INVALID))
        pc->kind = VM_PIECE_BASE;
}

/* Runs one checked operation. A piece that cannot be written (no memory) is dropped;
 * with the batch's room check done first, none fails for lack of table room. */
static void uop_run(vm_process *p, const dxgk_vm_uop *op, const uop_plan *pl)
{
    vm_piece pc;
    memset(&pc, 0, sizeof pc);
    switch (op->type) {
    case UOP_MAP:
    case UOP_MAP_PROTECT:
        pc.kind = DXGK_VM_RANGE_MAP;
        pc.alloc = pl->alloc;
        pc.offset_pages = op->offset >> 12;
        /* MAP: [choice] Write (read implied), no Execute, DriverProtection 0 */
        pc.protection = op->type == UOP_MAP ? PROT_WRITE : op->protection;
        pc.driver_protection = op->type == UOP_MAP ? 0 : op->driver_protection;
        for (uint64_t at = 0; at < op->size; at += pl->slice)
            dxgk_vm__vad_write(p, pl->dst, op->base + at, pl->slice, &pc);
        return;
    case UOP_UNMAP:
        pc.kind = (op->protection & PROT_ZERO) ? DXGK_VM_RANGE_ZERO : DXGK_VM_RANGE_NOACCESS;
        pc.protection = op->protection;
        land(&pc, pl->dst);
        dxgk_vm__vad_write(p, pl->dst, op->base, op->size, &pc);
        return;
    default: {  /* COPY: [choice] as if the source were read in full first */
        vm_piece *ps = NULL;
        const long n = dxgk_vm__read_pieces(p, pl->src, op->source, op->size, &ps);
        for (long i = 0; i < n; i++) {
            land(&ps[i], pl->dst);
            dxgk_vm__vad_write(p, pl->dst, op->base + ps[i].off, ps[i].size, &ps[i]);
        }
        free(ps);
        return;
    }
    }
}

/* Whether every table segment could hold every table the operations might create: one
 * table per level below the root for each table-sized stretch each destination touches
 * (an upper bound however the operations interleave), each taking at most
 * max(size, alignment) bytes of the segment's largest hole. [choice] A batch that might
 * not fit is refused whole (STATUS_NO_MEMORY) rather than run in part. */
static int batch_room(vm_adapter *a, const dxgk_vm_uop *ops, uint32_t n)
{
    uint64_t need[DXGK_VM_MAX_SEGMENTS] = {0}, block[DXGK_VM_MAX_SEGMENTS] = {0};
    uint32_t shift[DXGK_PT_MAX_LEVELS];
    uint32_t bits = 12;
    for (uint32_t l = 0; l + 1 < a->level_count; l++) {
        const DXGK_PAGE_TABLE_LEVEL_DESC *d = &a->levels[l];
        const uint32_t sid = d->PageTableSegmentId - 1;
        const uint64_t align = d->PageTableAlignmentInBytes ? d->PageTableAlignmentInBytes
                                                            : PAGE_4K;
        const uint64_t size = d->PageTableSizeInBytes;
        bits += d->PageTableIndexBitCount;
        shift[l] = bits;            /* VA bits one table of level l covers */
        if (block[sid] < size)
            block[sid] = size;
        if (block[sid] < align)
            block[sid] = align;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint64_t lo = ops[i].base, hi = ops[i].base + ops[i].size - 1;
        for (uint32_t l = 0; l + 1 < a->level_count; l++)
            need[a->levels[l].PageTableSegmentId - 1] += (hi >> shift[l]) - (lo >> shift[l]) + 1;
    }
    for (uint32_t s = 0; s < a->nseg; s++) {
        if (need[s] && (need[s] + 1 > dxgk_ra_largest_hole(a->seg[s].ra) / block[s]))
            return 0;
    }
    return 1;
}

/* Runs a validated batch now: every operation against the ranges as they are, then the
 * fence to FenceValue + 1 (never backwards). A queued batch runs here too; an operation
 * whose range was freed (or allocation destroyed) since it was checked is dropped. */
static void batch_run(vm_adapter *a, vm_device *d, const dxgk_vm_uop *ops, uint32_t n,
                      vm_fence *f, uint64_t fence_value)
{
    vm_process *p = d->process;
    /* lookahead hints (dxgk_vm__vad_prefetch): while operation i runs, the leaves for
     * operation i + PF_LEAF and the sub-range record for i + PF_REC are asked for, so
     * their cache misses overlap operation i's work; hint[k % PF_RING] carries
     * operation k's leaf from the first stage to the second. Off for the batch while
     * the trees are small. Hints change nothing: the operations run as without them. */
    enum { PF_LEAF = 8, PF_REC = 4, PF_RING = 8 };
    _Static_assert(PF_REC < PF_LEAF && PF_LEAF - PF_REC < PF_RING, "the stages' distances");
    dxgk_ra_hint hint[PF_RING];
    int pf = n > PF_REC;
    for (uint32_t i = 0; pf && i < PF_LEAF && i < n; i++)
        pf = dxgk_vm__vad_prefetch(p, ops[i].base, 0, &hint[i % PF_RING]);
    for (uint32_t i = 0; i < n; i++) {
        uop_plan pl;
        if (pf && i + PF_LEAF < n)
            dxgk_vm__vad_prefetch(p, ops[i + PF_LEAF].base, 0, &hint[(i + PF_LEAF) % PF_RING]);
        if (pf && i + PF_REC < n)
            dxgk_vm__vad_prefetch(p, ops[i + PF_REC].base, 1, &hint[(i + PF_REC) % PF_RING]);
        if (uop_check(a, d, &ops[i], &pl) == STATUS_SUCCESS)
            uop_run(p, &ops[i], &pl);
    }
    if (fence_value + 1 > f->value)
        dxgk_vm__fence_set(f, fence_value + 1);
}

void dxgk_vm__run_waiting(vm_adapter *a, vm_device *d)
{
    int progress = 1;
    while (progress) {
        vm_list *it;
        progress = 0;
        for (it = d->contexts.next; it != &d->contexts; it = it->next) {
            vm_context *c = CONTAINER(it, vm_context, link);
            while (!list_empty(&c->waiting)) {
                vm_batch *b = CONTAINER(c->waiting.next, vm_batch, link);
                if (!b->do_not_wait && b->fence->value < b->fence_value)
                    break;
                list_del(&b->link);
                list_init(&b->link);
                batch_run(a, d, b->ops, b->nops, b->fence, b->fence_value);
                dxgk_vm__batch_free(b);
                progress = 1;
            }
        }
    }
}

NTSTATUS dxgk_vm_kmt_update(uint32_t device, uint32_t context, uint32_t fence,
                            const dxgk_vm_uop *ops, uint32_t nops, uint64_t fence_value,
                            int do_not_wait)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__k_acquire(device, DXGK_VM_T_DEVICE, &a);
    vm_context *c;
    vm_fence *f;
    NTSTATUS st = STATUS_INVALID_HANDLE;
    if (!d)
        return STATUS_INVALID_HANDLE;
    /* 1. handles, then the count */
    c = dxgk_vm__k_owned(a, context, DXGK_VM_T_CONTEXT);
    f = dxgk_vm__k_owned(a, fence, DXGK_VM_T_FENCE);
    if (!c || c->device != d || !f || f->device != d)
        goto out;
    st = STATUS_INVALID_PARAMETER;
    if (nops == 0 || nops > MAX_UPDATE_OPS || !ops)
        goto out;
    /* 2. all or nothing: the first invalid operation decides */
    for (uint32_t i = 0; i < nops; i++) {
        uop_plan pl;
        st = uop_check(a, d, &ops[i], &pl);
        if (st != STATUS_SUCCESS)
            goto out;
    }
    /* 8. wait behind the context's earlier batches, or for the fence */
    if (!list_empty(&c->waiting) || (!do_not_wait && f->value < fence_value)) {
        vm_batch *b = calloc(1, sizeof *b);
        if (b)
            b->ops = malloc(nops * sizeof *ops);
        if (!b || !b->ops) {
            free(b);
            st = STATUS_NO_MEMORY;
            goto out;
        }
        memcpy(b->ops, ops, nops * sizeof *ops);
        b->nops = nops;
        b->fence = f;
        b->fence_value = fence_value;
        b->do_not_wait = do_not_wait;
        list_add_tail(&c->waiting, &b->link);
        st = STATUS_SUCCESS;
        goto out;
    }
    if (!batch_room(a, ops, nops)) {
        st = STATUS_NO_MEMORY;
        goto out;
    }
    batch_run(a, d, ops, nops, f, fence_value);
    dxgk_vm__run_waiting(a, d);     /* the new fence value may release other batches */
    st = STATUS_SUCCESS;
out:
    dxgk_vm__release(a);
    return st;
}
