/*
 * paging_deliver.c -- the paging stream handed to an attached driver (docs/behaviour.md
 * 10.2) and the page tables' own memory in CPU_VIRTUAL update mode (10.4).
 *
 * What it owns: the queue of operations a model call issued for the driver (filled
 * under the adapter lock by paging.c's callers, taken by dxgk_vm__release, delivered by
 * driver_objects.c with no lock held), and the memory of each table at {segment,
 * offset} (an open-addressing map; made zeroed at the table's initialisation, kept until
 * the adapter goes).
 *
 * Invariant: a queued item owns its data and its entries in the queue's one array, and an UPDATE_PAGE_TABLE item of
 * a CPU_VIRTUAL adapter names memory of exactly the table's size; an operation the queue
 * cannot take (no host memory) is counted, never half queued.
 */
#include "paging_impl.h"

#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "vidmm_impl.h"

static uint64_t tmem_hash(uint32_t segment, uint64_t offset)
{
    uint64_t h = (offset >> 6) * UINT64_C(0x9E3779B97F4A7C15) ^ segment;
    return h ^ (h >> 29);
}

/* The memory of the table at {segment, offset}: found, or made (zeroed) when `make`;
 * NULL when absent or out of memory. An initialisation zeroes it again. */
static void *tmem_get(dxgk_pg *g, uint32_t segment, uint64_t offset, uint64_t size, int make)
{
    if (g->captmem == 0 || (make && 2 * (g->ntmem + 1) > g->captmem)) {
        if (!make)
            return NULL;
        size_t cap = g->captmem ? 2 * g->captmem : 64;
        pg_tmem *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < g->captmem; i++)
            if (g->tmem[i].used) {
                size_t j = tmem_hash(g->tmem[i].segment, g->tmem[i].offset) & (cap - 1);
                while (t[j].used)
                    j = (j + 1) & (cap - 1);
                t[j] = g->tmem[i];
            }
        free(g->tmem);
        g->tmem = t;
        g->captmem = cap;
    }
    size_t j = tmem_hash(segment, offset) & (g->captmem - 1);
    while (g->tmem[j].used) {
        pg_tmem *e = &g->tmem[j];
        if (e->segment == segment && e->offset == offset) {
            if (make && e->size < size) {       /* (a table of another format there now) */
                void *m = realloc(e->mem, (size_t)size);
                if (!m)
                    return NULL;
                e->mem = m;
                e->size = size;
            }
            if (make)
                memset(e->mem, 0, (size_t)e->size);
            return e->mem;
        }
        j = (j + 1) & (g->captmem - 1);
    }
    if (!make)
        return NULL;
    void *m = calloc(1, (size_t)size);
    if (!m)
        return NULL;
    g->tmem[j] = (pg_tmem){offset, segment, 1, size, m};
    g->ntmem++;
    return m;
}

void *dxgk_pg__grow(void *buf, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return buf;
    size_t c = *cap ? 2 * *cap : first;
    while (c < need)
        c *= 2;
    void *m = realloc(buf, c * size);
    if (m)
        *cap = c;
    return m;
}

/* Queues a copy of operation `s` for the driver: `ent` its entries (UPDATE_PAGE_TABLE:
 * the first one of a linear run, expanded here), `data` its private data. */
void dxgk_pg__deliver_put(vm_adapter *a, const pg_slot *s, const DXGK_PTE *ent,
                          const void *data)
{
    dxgk_pg *g = a->pg;
    if (!g->deliver || s->operation == DXGK_PG_OP_SET_ROOT_PAGE_TABLE)
        return;
    dxgk_pg_item *o = dxgk_pg__grow(g->out, &g->capout, g->nout + 1, sizeof *o, 16);
    if (!o) {
        g->out_lost++;
        return;
    }
    g->out = o;
    dxgk_pg_item *it = &g->out[g->nout];
    memset(it, 0, sizeof *it);
    it->sequence = s->sequence;
    it->process = s->process;
    it->operation = s->operation;
    switch (s->operation) {
    case DXGK_PG_OP_UPDATE_PAGE_TABLE: {
        const DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE *u = &s->args.upt;
        /* a linear run is queued as its first entry (expanded at delivery) */
        const uint32_t n = (u->Flags.Repeat || s->stride) ? 1 : u->NumPageTableEntries;
        it->args.upt = *u;
        it->stride = u->Flags.Repeat ? 0 : s->stride;
        DXGK_PTE *e = dxgk_pg__grow(g->ents, &g->capents, g->nents + n, sizeof *e, 64);
        if (!e) {
            g->out_lost++;
            return;
        }
        g->ents = e;
        memcpy(g->ents + g->nents, ent, (size_t)n * sizeof *ent);
        it->ent_at = g->nents;
        if (u->UpdateMode == DXGK_PAGETABLEUPDATE_CPU_VIRTUAL) {
            /* docs/behaviour.md 10.4: the table's own memory, which the driver writes */
            const uint32_t seg = u->PageTableAddress.GpuPhysical.SegmentId;
            const uint64_t off = u->PageTableAddress.GpuPhysical.SegmentOffset;
            const uint64_t size = (u->PageTableLevel == 0 && u->Flags.Use64KBPages)
                ? a->caps.LeafPageTableSizeFor64KPagesInBytes
                : a->levels[u->PageTableLevel].PageTableSizeInBytes;
            void *m = tmem_get(g, seg, off, size, u->Flags.InitialUpdate);
            if (!m) {
                g->out_lost++;
                return;
            }
            it->args.upt.PageTableAddress.CpuVirtual = m;
        }
        g->nents += n;
        break;
    }
    case DXGK_PG_OP_FLUSH_TLB:
        it->args.flush = s->args.flush;
        break;
    case DXGK_PG_OP_UPDATE_CONTEXT_ALLOCATION:
        it->args.uca = s->args.uca;
        it->data_size = s->data_size;
        if (s->data_size) {
            it->data = malloc(s->data_size);
            if (!it->data) {
                g->out_lost++;
                return;
            }
            memcpy(it->data, data, s->data_size);
        }
        it->args.uca.pDriverPrivateData = it->data;
        break;
    case DXGK_PG_OP_NOTIFY_RESIDENCY:
        it->args.nr = s->args.nr;
        break;
    default:
        return;
    }
    g->nout++;
}

void dxgk_pg__set_delivery(vm_adapter *a, int on)
{
    a->pg->deliver = on != 0;
}

void dxgk_pg__take(vm_adapter *a, dxgk_pg_out *out)
{
    dxgk_pg *g = a->pg;
    if (dxgk_pg__pending(a))
        dxgk_pg__call_end(a);
    out->n = g->nout;
    out->lost = g->out_lost;
    out->drv = (g->nout || g->out_lost) ? dxgk_drv__hold(a->drv) : NULL;
    g->out_lost = 0;
    if (g->nout <= DXGK_PG_OUT_ITEMS && g->nents <= DXGK_PG_OUT_ENTS) {
        /* copied: the queue keeps its arrays for the next model call */
        out->owned = 0;
        out->items = out->inl_items;
        out->ents = out->inl_ents;
        if (g->nout)
            memcpy(out->inl_items, g->out, g->nout * sizeof *g->out);
        if (g->nents)
            memcpy(out->inl_ents, g->ents, g->nents * sizeof *g->ents);
        g->nout = g->nents = 0;
        return;
    }
    out->owned = 1;
    out->items = g->out;
    out->ents = g->ents;
    g->out = NULL;
    g->nout = g->capout = 0;
    g->ents = NULL;
    g->nents = g->capents = 0;
}

void dxgk_pg__deliver(dxgk_pg_out *out)
{
    if (out->drv) {
        for (size_t i = 0; i < out->n; i++)
            if (out->items[i].operation == DXGK_PG_OP_UPDATE_PAGE_TABLE)
                out->items[i].args.upt.pPageTableEntries = out->ents + out->items[i].ent_at;
        dxgk_drv__paging(out->drv, out->items, out->n, out->lost);
        dxgk_drv__unref(out->drv);
    }
    if (out->owned) {
        dxgk_pg__items_free(out->items, out->n, out->ents);
    } else {
        for (size_t i = 0; i < out->n; i++)
            free(out->items[i].data);
    }
}

const DXGK_PTE *dxgk_pg__expand(const dxgk_pg_item *it, DXGK_PTE **scratch, size_t *cap)
{
    const DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE *u = &it->args.upt;
    if (!it->stride)
        return u->pPageTableEntries;
    const uint32_t n = u->NumPageTableEntries;
    DXGK_PTE *to = dxgk_pg__grow(*scratch, cap, n, sizeof *to, 512);
    if (!to)
        return NULL;
    *scratch = to;
    const DXGK_PTE first = u->pPageTableEntries[0];
    for (uint32_t k = 0; k < n; k++) {
        to[k].Flags = first.Flags;
        to[k].PageAddress = first.PageAddress + (uint64_t)k * it->stride;
    }
    return to;
}

void dxgk_pg__items_free(dxgk_pg_item *items, size_t n, DXGK_PTE *ents)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].data);
    free(items);
    free(ents);
}

void *dxgk_pg__tmem_find(dxgk_pg *g, uint32_t segment, uint64_t offset, uint64_t *out_size)
{
    if (g->captmem) {
        size_t j = tmem_hash(segment, offset) & (g->captmem - 1);
        while (g->tmem[j].used) {
            if (g->tmem[j].segment == segment && g->tmem[j].offset == offset) {
                *out_size = g->tmem[j].size;
                return g->tmem[j].mem;
            }
            j = (j + 1) & (g->captmem - 1);
        }
    }
    return NULL;
}

NTSTATUS dxgk_pg_table_memory(uint64_t adapter, uint32_t segment, uint64_t offset, void **out,
                              uint64_t *out_size)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(adapter);
    if (!a)
        return STATUS_INVALID_HANDLE;
    uint64_t size = 0;
    void *m = dxgk_pg__tmem_find(a->pg, segment, offset, &size);
    dxgk_vm__release(a);
    if (!m)
        return STATUS_INVALID_PARAMETER;
    *out = m;
    *out_size = size;
    return STATUS_SUCCESS;
}

void dxgk_pg__delivery_free(dxgk_pg *g)
{
    dxgk_pg__items_free(g->out, g->nout, g->ents);
    for (size_t i = 0; i < g->captmem; i++)
        if (g->tmem[i].used)
            free(g->tmem[i].mem);
    free(g->tmem);
}
