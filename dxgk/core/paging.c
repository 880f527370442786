/*
 * paging.c -- the paging stream (docs/behaviour.md 10.2): every page-table change the
 * model makes, as the DxgkDdiBuildPagingBuffer operations VidMm would issue for it, and
 * the adapter's bounded log of those operations.
 *
 * What it owns: the order and content of UPDATE_PAGE_TABLE, FLUSH_TLB,
 * UPDATE_CONTEXT_ALLOCATION and NOTIFY_RESIDENCY operations (and the log entries of
 * SET_ROOT_PAGE_TABLE calls), the per-model-call flush state of each process, and the log.
 * pagetable.c reports what a commit writes (its change stream, pagetable.h); this file
 * buffers one dxgk_pt_map / dxgk_pt_unmap's events and issues them, in the order
 * docs/behaviour.md 10.2 gives, through pg_open -- the one place every operation
 * passes; each caller then hands a copy to paging_deliver.c (the driver's queue).
 *
 * Invariant (checked by the tests, which replay the log onto shadow tables): applying
 * the logged UPDATE_PAGE_TABLE operations of a process in sequence order, a table
 * entering when it is initialised and leaving when the entry naming it is invalidated,
 * gives exactly the process's tables -- every table reachable from the root, every
 * entry. And no entry that names a table is issued before that table's initialisation;
 * no table is released before the flush that follows its unlinking.
 *
 * The log: a ring of fixed-size slots (the operation's struct in host layout and a few
 * words) plus an arena of 16-byte units holding entries and private data; both grow as
 * the log fills, up to the capacity (the arena to 16 units per operation, or the largest
 * operation seen), then the oldest operations are dropped. A run of consecutive pages of
 * one target is kept as its first entry and the address stride (the reader expands it),
 * so a recording costs one slot write and a copy of at most the entries that differ in
 * more than their address: O(1) for a map of any size. With capacity 0 (and, later, no driver) the
 * page-table trees have no sink: nothing here runs at all.
 */
#include "paging.h"

#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "dxgk_layout_asserts.h"
#include "paging_impl.h"
#include "vidmm_impl.h"

#define UCA_FLAGS_NOTIFY (DXGK_MASK_DXGK_ALLOCATIONINFOFLAGS_ExplicitResidencyNotification | \
                          DXGK_MASK_DXGK_ALLOCATIONINFOFLAGS_AccessedPhysically)
#define ARENA_UNITS_PER_OP 16u

/* vm_process.pg_flags */
enum { PGF_CHANGED = 1,    /* a valid entry became invalid or changed */
       PGF_GREW = 2,       /* an invalid entry became valid */
       PGF_LISTED = 4 };   /* on the adapter's pending list */

/* the stream's state: paging_impl.h */


static const DXGK_PTE zero_pte;

/* ---- the log ------------------------------------------------------------------------- */

static uint64_t pow2ceil(uint64_t x)
{
    uint64_t p = 1;
    while (p < x)
        p <<= 1;
    return p;
}

/* Slots and arena are rings of a power-of-two size that grow (by doubling, keeping the
 * positions) only while they have not wrapped, so an index is a mask. */
static uint64_t slot_index(const pg_log *l, uint64_t seq)
{
    return (seq - l->origin) & (l->nslot - 1);
}

static void drop_oldest(pg_log *l)
{
    l->first++;
}

static uint64_t arena_tail(const pg_log *l)
{
    return l->first < l->next ? l->slot[slot_index(l, l->first)].at : l->ahead;
}

/* Copies n units from src into the arena ring at position pos (cap units). */
static void ring_put(DXGK_PTE *ring, uint64_t cap, uint64_t pos, const DXGK_PTE *src, uint64_t n)
{
    while (n) {
        uint64_t i = pos & (cap - 1), k = cap - i < n ? cap - i : n;
        memcpy(&ring[i], src, (size_t)k * sizeof *src);
        pos += k;
        src += k;
        n -= k;
    }
}

static void ring_take(const DXGK_PTE *ring, uint64_t cap, uint64_t pos, DXGK_PTE *dst, uint64_t n)
{
    while (n) {
        uint64_t i = pos & (cap - 1), k = cap - i < n ? cap - i : n;
        memcpy(dst, &ring[i], (size_t)k * sizeof *dst);
        pos += k;
        dst += k;
        n -= k;
    }
}

/* Room for n more units: grows the arena (within amax, raised to n if one operation
 * needs more) or drops the oldest operations. 0, or -1 for no memory. */
static int arena_room(pg_log *l, uint64_t n)
{
    if (n > l->amax)
        l->amax = pow2ceil(n);
    while (l->ahead - arena_tail(l) + n > l->acap) {
        if (l->acap < l->amax) {
            uint64_t want = l->acap ? l->acap * 2 : 256;
            const uint64_t need = l->ahead - arena_tail(l) + n;
            while (want < need)
                want <<= 1;
            if (want > l->amax)
                want = l->amax;
            DXGK_PTE *g = malloc((size_t)want * sizeof *g);
            if (!g)
                return -1;
            uint64_t tail = arena_tail(l);
            for (uint64_t pos = tail; pos < l->ahead;) {  /* relocate [tail, ahead) */
                uint64_t i = pos & (l->acap - 1), k = l->acap - i;
                if (k > l->ahead - pos)
                    k = l->ahead - pos;
                ring_put(g, want, pos, &l->arena[i], k);
                pos += k;
            }
            free(l->arena);
            l->arena = g;
            l->acap = want;
        } else {
            drop_oldest(l);
        }
    }
    return 0;
}

/* A new slot for the next sequence number (the oldest dropped when full), or NULL. */
static pg_slot *slot_new(pg_log *l)
{
    if (l->next - l->first == l->cap)
        drop_oldest(l);
    uint64_t k = l->next - l->origin;
    if (k >= l->nslot && l->nslot < l->smax) {
        uint64_t want = l->nslot ? l->nslot * 2 : 64;
        if (want > l->smax)
            want = l->smax;
        pg_slot *g = realloc(l->slot, (size_t)want * sizeof *g);
        if (!g)
            return NULL;
        l->slot = g;
        l->nslot = want;
    }
    return &l->slot[slot_index(l, l->next)];
}

/* Appends a copy of slot s (of sequence l->next) and its units (set_capacity). */
static int log_put(pg_log *l, const pg_slot *s, const DXGK_PTE *units)
{
    if (arena_room(l, s->nunits))
        return -1;
    pg_slot *d = slot_new(l);
    if (!d)
        return -1;
    *d = *s;
    d->at = l->ahead;
    ring_put(l->arena, l->acap ? l->acap : 1, l->ahead, units, s->nunits);
    l->ahead += s->nunits;
    l->next++;
    return 0;
}

static void log_free(pg_log *l)
{
    free(l->slot);
    free(l->arena);
    memset(l, 0, sizeof *l);
}

static void log_init(pg_log *l, uint64_t cap)
{
    memset(l, 0, sizeof *l);
    l->cap = cap;
    l->smax = cap ? pow2ceil(cap) : 0;
    l->amax = cap ? pow2ceil(cap * ARENA_UNITS_PER_OP) : 0;   /* cap <= 2^32 (paging.py) */
}

/* ---- issuing ----------------------------------------------------------------------------- */

/* Every operation passes here, in the order it is issued: it takes the next sequence
 * number and a slot -- in the log when it is on, else (or without host memory for the
 * record, when the log starts again after it) the adapter's scratch slot -- with its
 * units (entries or private data) copied; the caller fills the slot's struct in place.
 * Delivery to a driver (docs/behaviour.md 10.2) plugs in after that filling: a
 * DXGKARG_BUILDPAGINGBUFFER with the slot's operation and struct as its union arm, the
 * entries as pPageTableEntries, a zeroed 64 KB DMA buffer, MultipassOffset 0 and
 * the retries its answer asks for; without a driver nothing is submitted (dma 0). */
static pg_slot *pg_open(vm_adapter *a, uint32_t op, const vm_process *p, const DXGK_PTE *units,
                        uint64_t nunits)
{
    dxgk_pg *g = a->pg;
    pg_log *l = &g->log;
    pg_slot *d = &g->scratch;
    uint64_t at = 0;
    const uint64_t seq = g->sequence++;
    if (l->cap) {
        pg_slot *s = arena_room(l, nunits) ? NULL : slot_new(l);
        if (s) {
            d = s;
            at = l->ahead;
            ring_put(l->arena, l->acap ? l->acap : 1, at, units, nunits);
            l->ahead += nunits;
            l->next++;
        } else {
            const uint64_t cap = l->cap;
            log_free(l);
            log_init(l, cap);
            l->origin = l->first = l->next = g->sequence;
        }
    }
    memset(d, 0, sizeof *d);
    d->sequence = seq;
    d->operation = op;
    d->process = p ? p->hdr.handle : 0;
    d->at = at;
    d->nunits = (uint32_t)nunits;
    return d;
}

/* An UPDATE_PAGE_TABLE over one run of one table. */
static void issue_update(vm_adapter *a, vm_process *p, const dxgk_pt_event *e, uint32_t count,
                         int initial, const dxgk_pg_src *src)
{
    const int repeat = initial || e->kind == DXGK_PT_EV_CLEAR || e->repeat;
    const DXGK_PTE *ent = initial || e->kind == DXGK_PT_EV_CLEAR ? &zero_pte : e->entries;
    /* consecutive pages of one target are kept as the first entry and the stride */
    const int linear = !repeat && e->linear && count > 1;
    pg_slot *s = pg_open(a, DXGK_PG_OP_UPDATE_PAGE_TABLE, p, ent,
                         repeat || linear ? 1 : count);
    DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE *u = &s->args.upt;
    u->PageTableLevel = e->level;
    u->PageTableAddress.GpuPhysical.SegmentId = e->segment;
    u->PageTableAddress.GpuPhysical.SegmentOffset = e->offset;
    u->StartIndex = e->start;
    u->NumPageTableEntries = count;
    u->Flags.Repeat = (UINT)repeat;
    u->Flags.InitialUpdate = (UINT)(initial != 0);
    u->Flags.Use64KBPages = e->fmt64k;
    u->UpdateMode = a->caps.PageTableUpdateMode;
    u->FirstPteVirtualAddress = e->va;
    u->hProcess = p->drv_live ? (HANDLE)(uintptr_t)p->drv_handle : NULL;
    /* hProcess: the driver's process handle (0: no driver). Mapped pages of a leaf run
     * carry their allocation; [choice] a conversion fill, upper entries and
     * invalidations name none (hAllocation 0, offset 0, DriverProtection 0). */
    if (src && e->kind == DXGK_PT_EV_WRITE && e->level == 0 && !e->fill) {
        u->hAllocation = (HANDLE)(uintptr_t)src->hallocation;
        u->DriverProtection = src->driver_protection;
        if (ent->Valid && !ent->Zero)
            u->AllocationOffsetInBytes = ent->PageAddress - src->alloc_base;
    }
    s->nentries = repeat ? 1 : count;
    s->stride = linear ? e->stride : 0;
    dxgk_pg__deliver_put(a, s, ent, NULL);
}

static void list_pending(dxgk_pg *g, vm_process *p)
{
    if (!(p->pg_flags & PGF_LISTED)) {
        p->pg_flags |= PGF_LISTED;
        p->pg_next = g->pending;
        g->pending = p;
    }
}

/* The sink of every tree while the stream is on: buffers the event. */
static void on_event(void *ctx, const dxgk_pt_event *e)
{
    vm_process *p = ctx;
    dxgk_pg *g = p->hdr.adapter->pg;
    if (e->kind == DXGK_PT_EV_CLEAR && !e->was_valid)
        return;                 /* invalid entries left invalid: no change */
    if (e->kind == DXGK_PT_EV_CLEAR && e->child && !g->explicit_inval) {
        /* The table e->child is empty and goes: [choice] without
         * ExplicitPageTableInvalidation the entries of a table being released are not
         * invalidated one by one -- drop the runs written into it (they come last, the
         * commit being depth first). */
        while (g->nev && g->ev[g->nev - 1].table == e->child)
            g->nev--;
    }
    if (e->kind != DXGK_PT_EV_INIT) {
        if (e->was_valid)
            p->pg_flags |= PGF_CHANGED;
        else if (e->kind == DXGK_PT_EV_WRITE)
            p->pg_flags |= PGF_GREW;
    }
    if (g->nev == g->capev) {
        size_t cap = g->capev ? g->capev * 2 : 64;
        dxgk_pt_event *n = realloc(g->ev, cap * sizeof *n);
        if (!n) {
            g->lost++;
            return;
        }
        g->ev = n;
        g->capev = cap;
    }
    g->ev[g->nev++] = *e;
}

/* Issues the buffered events of one page-table change, docs/behaviour.md 10.2 order
 * [choice]: new tables initialised in creation order; then the runs level by level from
 * the leaves up to the root, in VA order within a level (the commit's depth-first order),
 * consecutive entries of one table merged into one run. */
static void issue_events(vm_adapter *a, vm_process *p, const dxgk_pg_src *src)
{
    dxgk_pg *g = a->pg;
    const size_t n = g->nev;
    for (size_t i = 0; i < n; i++)
        if (g->ev[i].kind == DXGK_PT_EV_INIT)
            issue_update(a, p, &g->ev[i], g->ev[i].count, 1, src);
    for (uint32_t lvl = 0; lvl < a->level_count; lvl++) {
        const void *filled = NULL;
        for (size_t i = 0; i < n; i++) {
            const dxgk_pt_event *e = &g->ev[i];
            if (e->kind == DXGK_PT_EV_INIT || e->level != lvl)
                continue;
            if (e->fill) {
                filled = e->table;
            } else if (e->table == filled) {
                continue;       /* the fill already carries the table's final content */
            }
            uint32_t count = e->count;
            if (lvl > 0) {      /* upper entries: merge the next ones of the same table */
                size_t j = i + 1;
                for (; j < n; j++) {
                    const dxgk_pt_event *f = &g->ev[j];
                    if (f->kind == DXGK_PT_EV_INIT || f->level != lvl)
                        continue;
                    if (f->table != e->table || f->kind != e->kind || f->start != e->start + count)
                        break;
                    count += f->count;
                }
                issue_update(a, p, e, count, 0, src);
                /* skip what was merged: the events of this level in (i, j) */
                i = j - 1;
                continue;
            }
            issue_update(a, p, e, count, 0, src);
        }
    }
    g->nev = 0;
}

/* ---- the wrappers VidMm writes through ------------------------------------------------- */

void dxgk_pg__src(const vm_alloc *al, uint64_t driver_protection, dxgk_pg_src *out)
{
    out->hallocation = al ? al->driver_allocation : 0;
    out->alloc_base = al ? al->segment_offset : 0;
    out->driver_protection = driver_protection;
}

static void note_range(dxgk_pg *g, vm_process *p, uint64_t va, uint64_t npages)
{
    const uint64_t end = va + (npages << 12);
    if (!(p->pg_flags & PGF_LISTED)) {     /* p's first change in this call */
        p->pg_lo = va;
        p->pg_hi = end;
        list_pending(g, p);
        return;
    }
    if (va < p->pg_lo)
        p->pg_lo = va;
    if (end > p->pg_hi)
        p->pg_hi = end;
}

int dxgk_pg__map(vm_process *p, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                 const dxgk_pg_src *src)
{
    vm_adapter *a = p->hdr.adapter;
    int rc = dxgk_pt_map(p->pt, va, npages, t);
    if (a->pg->nev) {       /* only with the stream on, and only after a commit */
        issue_events(a, p, src);
        note_range(a->pg, p, va, npages);
    }
    return rc;
}

int dxgk_pg__unmap(vm_process *p, uint64_t va, uint64_t npages)
{
    vm_adapter *a = p->hdr.adapter;
    int rc = dxgk_pt_unmap(p->pt, va, npages);
    if (a->pg->nev) {
        issue_events(a, p, NULL);
        note_range(a->pg, p, va, npages);
    }
    return rc;
}

/* ---- flushes, processes ---------------------------------------------------------------- */

static int stream_on(const vm_adapter *a)
{
    return a->pg->log.cap != 0 || a->pg->deliver;
}

static void root_address(const vm_process *p, D3DGPU_PHYSICAL_ADDRESS *out, uint32_t *level,
                         uint32_t *nent)
{
    uint32_t seg;
    uint64_t off;
    dxgk_pt_root(p->pt, level, &seg, &off, nent);
    memset(out, 0, sizeof *out);
    out->SegmentId = seg;
    out->SegmentOffset = off;
}

/* The end of p's part of a model call: the flush (docs/behaviour.md 10.2: after any
 * valid entry went invalid or changed; after invalid -> valid changes too unless
 * InvalidTlbEntriesNotCached), then the tables emptied during the call released. */
static void finish_process(vm_adapter *a, vm_process *p)
{
    const int not_cached =
        (a->caps.Value & DXGK_MASK_DXGK_GPUMMUCAPS_InvalidTlbEntriesNotCached) != 0;
    if ((p->pg_flags & PGF_CHANGED) || ((p->pg_flags & PGF_GREW) && !not_cached)) {
        uint32_t level, nent;
        pg_slot *s = pg_open(a, DXGK_PG_OP_FLUSH_TLB, p, NULL, 0);
        root_address(p, &s->args.flush.RootPageTableAddress, &level, &nent);
        s->args.flush.StartVirtualAddress = p->pg_lo;
        s->args.flush.EndVirtualAddress = p->pg_hi;   /* [choice] exclusive */
        s->args.flush.hProcess = p->drv_live ? (HANDLE)(uintptr_t)p->drv_handle : NULL;
        dxgk_pg__deliver_put(a, s, NULL, NULL);
    }
    dxgk_pt_release_deferred(p->pt);
    p->pg_flags = 0;
    p->pg_lo = p->pg_hi = 0;
}

int dxgk_pg__pending(const vm_adapter *a)
{
    return a->pg && a->pg->pending != NULL;
}

void dxgk_pg__call_end(vm_adapter *a)
{
    dxgk_pg *g = a->pg;
    /* processes in the order they were first changed in this call */
    vm_process *rev = NULL;
    while (g->pending) {
        vm_process *p = g->pending;
        g->pending = p->pg_next;
        p->pg_next = rev;
        rev = p;
    }
    while (rev) {
        vm_process *p = rev;
        rev = p->pg_next;
        p->pg_next = NULL;
        finish_process(a, p);
    }
}

static void set_sink(vm_adapter *a, vm_process *p)
{
    dxgk_pt_set_sink(p->pt, stream_on(a) ? on_event : NULL, p);
}

void dxgk_pg__process_new(vm_adapter *a, vm_process *p)
{
    a->pg->explicit_inval = a->caps.ExplicitPageTableInvalidation;
    set_sink(a, p);
    /* docs/behaviour.md 10.1: with a driver attached, DxgkDdiCreateProcess comes first;
     * driver_objects.c initialises the root once the driver has answered */
    if (!a->drv)
        dxgk_pg__root_init(a, p);
}

void dxgk_pg__root_init(vm_adapter *a, vm_process *p)
{
    if (p->pg_rooted)           /* once per process */
        return;
    p->pg_rooted = 1;
    if (!stream_on(a))
        return;
    /* docs/behaviour.md 10.2: the root is a new table, initialised before anything
     * points into it (hProcess: the driver's handle of the process, 0 without one) */
    dxgk_pt_event e;
    memset(&e, 0, sizeof e);
    uint32_t level, seg, nent;
    uint64_t off;
    dxgk_pt_root(p->pt, &level, &seg, &off, &nent);
    e.kind = DXGK_PT_EV_INIT;
    e.level = level;
    e.count = nent;
    e.segment = seg;
    e.offset = off;
    issue_update(a, p, &e, nent, 1, NULL);
}

void dxgk_pg__process_gone(vm_adapter *a, vm_process *p)
{
    dxgk_pg *g = a->pg;
    if (p->pg_flags & PGF_LISTED) {
        vm_process **pp = &g->pending;
        while (*pp != p)
            pp = &(*pp)->pg_next;
        *pp = p->pg_next;
        p->pg_next = NULL;
        finish_process(a, p);
    }
    dxgk_pt_set_sink(p->pt, NULL, NULL);
}

/* ---- the other operations ---------------------------------------------------------------- */

NTSTATUS dxgk_pg__uca_prepare(vm_adapter *a, const void *data, uint32_t size, DXGK_PTE **units)
{
    const uint64_t nunits = ((uint64_t)size + sizeof(DXGK_PTE) - 1) / sizeof(DXGK_PTE);
    *units = NULL;
    if (a->pg->log.cap && nunits) {
        *units = calloc((size_t)nunits, sizeof **units);
        if (!*units)
            return STATUS_NO_MEMORY;
        memcpy(*units, data, size);
    }
    return STATUS_SUCCESS;
}

void dxgk_pg__update_context_allocation(vm_adapter *a, vm_alloc *al, uint64_t va,
                                        DXGK_PTE *units, const void *data, uint32_t size)
{
    dxgk_pg *g = a->pg;
    const uint64_t nunits = ((uint64_t)size + sizeof(DXGK_PTE) - 1) / sizeof(DXGK_PTE);
    pg_slot *s = pg_open(a, DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION, al->process, units,
                         units ? nunits : 0);
    free(units);
    s->allocation = al->hdr.handle;
    s->ordinal = g->uca++;
    s->data_size = size;
    /* ContextAllocation: the allocation's VA in the system process (vidmm_sysmap.c) */
    s->args.uca.ContextAllocation = va;
    s->args.uca.ContextAllocationSize = al->size;
    s->args.uca.DriverPrivateDataSize = size;
    dxgk_pg__deliver_put(a, s, NULL, data);
}

void dxgk_pg__residency(vm_adapter *a, vm_alloc *al, int resident)
{
    if (al->kmt || (al->flags & UCA_FLAGS_NOTIFY) != UCA_FLAGS_NOTIFY)
        return;
    pg_slot *s = pg_open(a, DXGK_PG_OP_NOTIFY_RESIDENCY, al->process, NULL, 0);
    s->allocation = al->hdr.handle;
    s->args.nr.hAllocation = (HANDLE)(uintptr_t)al->driver_allocation;
    if (resident) {
        s->args.nr.PhysicalAddress.SegmentId = al->segment->id;
        s->args.nr.PhysicalAddress.SegmentOffset = al->segment_offset;
        s->args.nr.Resident = 1;
    }
    dxgk_pg__deliver_put(a, s, NULL, NULL);
}

void dxgk_pg__set_root(vm_adapter *a, vm_process *p, const DXGKARG_SETROOTPAGETABLE *args)
{
    pg_slot *s = pg_open(a, DXGK_PG_OP_SET_ROOT_PAGE_TABLE, p, NULL, 0);
    s->args.root = *args;
}

uint64_t dxgk_pg__uca_count(const vm_adapter *a)
{
    return a->pg->uca;
}

int dxgk_pg__uca_get(const vm_adapter *a, uint64_t index, uint64_t *allocation,
                     uint64_t *sequence, void *data, size_t cap, uint32_t *size)
{
    const pg_log *l = &a->pg->log;
    for (uint64_t q = l->first; q < l->next; q++) {
        const pg_slot *s = &l->slot[slot_index(l, q)];
        if (s->operation != DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION || s->ordinal != index)
            continue;
        *allocation = s->allocation;
        *sequence = s->sequence;
        *size = s->data_size;
        if (data && cap && s->data_size) {
            size_t k = cap < s->data_size ? cap : s->data_size;
            DXGK_PTE *tmp = malloc((size_t)s->nunits * sizeof *tmp);
            if (!tmp)
                return -1;
            ring_take(l->arena, l->acap, s->at, tmp, s->nunits);
            memcpy(data, tmp, k);
            free(tmp);
        }
        return 0;
    }
    return -1;
}

/* ---- lifetime and the public reader ---------------------------------------------------- */

dxgk_pg *dxgk_pg__new(void)
{
    dxgk_pg *g = calloc(1, sizeof *g);
    if (g)
        log_init(&g->log, DXGK_PG_DEFAULT_CAPACITY);
    return g;
}

void dxgk_pg__free(dxgk_pg *g)
{
    if (!g)
        return;
    log_free(&g->log);
    free(g->ev);
    dxgk_pg__delivery_free(g);
    free(g);
}

NTSTATUS dxgk_pg_set_capacity(uint64_t h, uint64_t nops)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    if (!a)
        return STATUS_INVALID_HANDLE;
    if (nops > DXGK_PG_MAX_CAPACITY) {
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    dxgk_pg *g = a->pg;
    pg_log nl;
    log_init(&nl, nops);
    NTSTATUS st = STATUS_SUCCESS;
    const pg_log *l = &g->log;
    /* a log that is on holds the newest operations: those before g->sequence */
    const uint64_t held = l->cap ? l->next - l->first : 0;
    const uint64_t from = g->sequence - (held < nops ? held : nops);
    nl.origin = nl.first = nl.next = from;
    for (uint64_t q = from; q < l->next && st == STATUS_SUCCESS; q++) {
        const pg_slot *s = &l->slot[slot_index(l, q)];
        DXGK_PTE *tmp = s->nunits ? malloc((size_t)s->nunits * sizeof *tmp) : NULL;
        if (s->nunits && !tmp) {
            st = STATUS_NO_MEMORY;
            break;
        }
        ring_take(l->arena, l->acap, s->at, tmp, s->nunits);
        if (log_put(&nl, s, tmp))
            st = STATUS_NO_MEMORY;
        free(tmp);
    }
    if (st == STATUS_SUCCESS) {
        log_free(&g->log);
        g->log = nl;
        g->explicit_inval = a->caps.ExplicitPageTableInvalidation;
        dxgk_drv__dma_follow(a->drv, nops, from);   /* the DMA bytes follow the log */
        for (vm_list *it = a->processes.next; it != &a->processes; it = it->next)
            set_sink(a, CONTAINER(it, vm_process, link));
    } else {
        log_free(&nl);
    }
    dxgk_vm__release(a);
    return st;
}

NTSTATUS dxgk_pg_log_range(uint64_t h, uint64_t *capacity, uint64_t *first, uint64_t *count)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    if (!a)
        return STATUS_INVALID_HANDLE;
    const pg_log *l = &a->pg->log;
    *capacity = l->cap;
    *first = l->first;
    *count = l->next - l->first;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

static uint32_t args_size(uint32_t op)
{
    switch (op) {
    case DXGK_PG_OP_UPDATE_PAGE_TABLE: return sizeof(DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE);
    case DXGK_PG_OP_FLUSH_TLB: return sizeof(DXGK_BUILDPAGINGBUFFER_FLUSHTLB);
    case DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION:
        return sizeof(DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION);
    case DXGK_PG_OP_NOTIFY_RESIDENCY: return sizeof(DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY);
    default: return sizeof(DXGKARG_SETROOTPAGETABLE);
    }
}

NTSTATUS dxgk_pg_log_get(uint64_t h, uint64_t sequence, dxgk_pg_info *info, void *args,
                         size_t args_cap, DXGK_PTE *entries, size_t entries_cap, void *data,
                         size_t data_cap)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    NTSTATUS st = STATUS_SUCCESS;
    if (!a)
        return STATUS_INVALID_HANDLE;
    const pg_log *l = &a->pg->log;
    if (!info || sequence < l->first || sequence >= l->next) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    const pg_slot *s = &l->slot[slot_index(l, sequence)];
    memset(info, 0, sizeof *info);
    info->sequence = s->sequence;
    info->process = s->process;
    info->allocation = s->allocation;
    info->operation = s->operation;
    info->args_size = args_size(s->operation);
    info->nentries = s->operation == DXGK_PG_OP_UPDATE_PAGE_TABLE ? s->nentries : 0;
    info->data_size = s->data_size;
    info->dma_size = dxgk_drv__dma_size(a->drv, sequence);
    if (args && args_cap) {
        /* the copy's pointers are NULL: pPageTableEntries, pDriverPrivateData */
        memcpy(args, &s->args, args_cap < info->args_size ? args_cap : info->args_size);
    }
    if (s->nunits && ((entries && entries_cap) || (data && data_cap))) {
        DXGK_PTE *tmp = malloc((size_t)s->nunits * sizeof *tmp);
        if (!tmp) {
            st = STATUS_NO_MEMORY;
            goto out;
        }
        ring_take(l->arena, l->acap, s->at, tmp, s->nunits);
        const size_t ne = entries_cap < info->nentries ? entries_cap : info->nentries;
        if (entries && ne && s->stride) {
            for (size_t k = 0; k < ne; k++) {
                entries[k] = tmp[0];
                entries[k].PageAddress = tmp[0].PageAddress + k * s->stride;
            }
        } else if (entries && ne) {
            memcpy(entries, tmp, ne * sizeof *tmp);
        }
        if (data && info->data_size)
            memcpy(data, tmp, data_cap < info->data_size ? data_cap : info->data_size);
        free(tmp);
    }
out:
    dxgk_vm__release(a);
    return st;
}
