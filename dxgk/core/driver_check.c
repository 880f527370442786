/*
 * driver_check.c -- the driver's own page tables checked against the model's
 * (docs/behaviour.md 10.4): with CPU_VIRTUAL table memory and a decoder the driver gave
 * at attach, every hardware entry the driver wrote is read back as the DXGK_PTE it means
 * and compared with the model's entry, page by page.
 *
 * What it owns: the decoder of an adapter's driver record (set once, read atomically)
 * and the check. The check copies, under the adapter lock, every table of every process
 * -- the model's entries and the bytes of the table's memory -- and decodes the copy
 * after the lock is released: a decoder may be a Python method, which may call anything.
 *
 * Invariant kept: nothing here writes model or driver state; the decoder is never called
 * with a lock held, and only on a copy (it cannot see or change the live tables).
 */
#include "driver_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagetable.h"
#include "paging_impl.h"
#include "vidmm.h"
#include "vidmm_impl.h"

/* One table of the copy: where it is, and its two images in `bytes`. */
typedef struct ck_table {
    uint64_t process, kmd_process;
    uint32_t level, segment, nent, shift;
    uint64_t offset, va;
    uint64_t hw_size;              /* bytes of the table's memory; 0 when it has none */
    size_t model_at, hw_at;        /* offsets in ck.bytes */
} ck_table;

typedef struct ck {
    ck_table *t;
    size_t nt, capt;
    unsigned char *bytes;
    size_t nbytes, capbytes;
    const vm_adapter *a;
    dxgk_pg *pg;
    const vm_process *p;
    int nomem;
} ck;

static size_t ck_put(ck *c, const void *src, size_t n)
{
    unsigned char *b = dxgk_pg__grow(c->bytes, &c->capbytes, c->nbytes + n, 1, 1 << 16);
    if (!b) {
        c->nomem = 1;
        return 0;
    }
    c->bytes = b;
    memcpy(c->bytes + c->nbytes, src, n);
    c->nbytes += n;
    return c->nbytes - n;
}

static int ck_table_cb(void *ctx, const dxgk_pt_table_info *ti)
{
    ck *c = ctx;
    ck_table *tables = dxgk_pg__grow(c->t, &c->capt, c->nt + 1, sizeof *tables, 64);
    if (!tables) {
        c->nomem = 1;
        return 1;
    }
    c->t = tables;
    ck_table *t = &c->t[c->nt];
    uint64_t size = 0;
    const void *mem = dxgk_pg__tmem_find(c->pg, ti->segment, ti->offset, &size);
    /* the table's own size (its memory may be larger: kept from a bigger table that
     * was at this offset before) */
    const uint64_t tsize = ti->fmt64k ? c->a->caps.LeafPageTableSizeFor64KPagesInBytes
                                      : c->a->levels[ti->level].PageTableSizeInBytes;
    if (size > tsize)
        size = tsize;
    *t = (ck_table){c->p->hdr.handle, c->p->drv_live ? c->p->drv_handle : 0, ti->level,
                    ti->segment, ti->nent, ti->shift, ti->offset, ti->va, mem ? size : 0,
                    0, 0};
    t->model_at = ck_put(c, ti->entries, (size_t)ti->nent * sizeof(DXGK_PTE));
    if (mem)
        t->hw_at = ck_put(c, mem, (size_t)size);
    if (c->nomem)
        return 1;
    c->nt++;
    return 0;
}

NTSTATUS dxgk_drv_set_decoder(uint64_t adapter, dxgk_drv_decode_pte_fn fn)
{
    vm_adapter *a = dxgk_vm__adapter_acquire_any(adapter);
    NTSTATUS st = STATUS_SUCCESS;
    if (!a)
        return STATUS_INVALID_HANDLE;
    if (!a->drv)
        st = STATUS_INVALID_HANDLE;
    else if (fn && (!a->pg->deliver ||
                    a->caps.PageTableUpdateMode != DXGK_PAGETABLEUPDATE_CPU_VIRTUAL))
        st = STATUS_NOT_SUPPORTED;     /* no table memory to decode */
    else
        __atomic_store_n(&a->drv->decode, fn, __ATOMIC_RELEASE);
    dxgk_vm__release(a);
    return st;
}

static void pte_text(char *out, size_t size, const DXGK_PTE *e)
{
    snprintf(out, size, "{Flags %#" PRIx64 ", address %#" PRIx64 "}", (uint64_t)e->Flags,
             (uint64_t)e->PageAddress);
}

/* The first entry of table t whose decoded hardware entry differs from the model's. */
static NTSTATUS ck_compare(dxgk_drv_decode_pte_fn fn, const ck *c, const ck_table *t,
                           char *msg, size_t msg_size)
{
    const DXGK_PTE *model = (const DXGK_PTE *)(c->bytes + t->model_at);
    char where[200], got_s[80], want_s[80];
    snprintf(where, sizeof where,
             "process %#" PRIx64 " (hKmdProcess %#" PRIx64 "), level %u, table %u:%#" PRIx64
             " (VA %#" PRIx64 ")", t->process, t->kmd_process, t->level, t->segment, t->offset,
             t->va);
    if (!t->hw_size) {
        dxgk_vm__set_msg(msg, msg_size, "driver's page tables: %s has no table memory "
                         "(docs/behaviour.md 10.4)", where);
        return STATUS_INVALID_PARAMETER;
    }
    const uint64_t esize = t->hw_size / t->nent;
    if (!esize) {
        dxgk_vm__set_msg(msg, msg_size, "driver's page tables: %s: %" PRIu64 " bytes of "
                         "memory for %u entries", where, t->hw_size, t->nent);
        return STATUS_INVALID_PARAMETER;
    }
    const unsigned char *hw = c->bytes + t->hw_at;
    for (uint32_t i = 0; i < t->nent; i++) {
        DXGK_PTE got;
        memset(&got, 0, sizeof got);
        NTSTATUS st = fn(t->level, hw + (size_t)i * esize, (SIZE_T)esize, &got);
        if (st != STATUS_SUCCESS) {
            dxgk_vm__set_msg(msg, msg_size, "driver's page tables: %s, index %u: the "
                             "decoder answered %#x", where, i, (unsigned)st);
            return STATUS_INVALID_PARAMETER;
        }
        const DXGK_PTE *want = &model[i];
        /* docs/behaviour.md 10.4 [choice]: an invalid entry only has to decode as
         * invalid; a valid one must decode to the model's 16 bytes exactly */
        if (want->Valid ? memcmp(&got, want, sizeof got) != 0 : got.Valid != 0) {
            pte_text(got_s, sizeof got_s, &got);
            pte_text(want_s, sizeof want_s, want);
            dxgk_vm__set_msg(msg, msg_size, "driver's page tables differ from the model's at "
                             "%s, index %u (VA %#" PRIx64 "): the driver's entry decodes "
                             "as %s, the model's is %s (docs/behaviour.md 10.4)", where, i,
                             t->va + ((uint64_t)i << t->shift),
                             got.Valid ? got_s : "invalid", want->Valid ? want_s : "invalid");
            return STATUS_INVALID_PARAMETER;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_drv_check_tables(uint64_t adapter, char *msg, size_t msg_size)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(adapter);
    ck c;
    NTSTATUS st = STATUS_SUCCESS;
    if (!a)
        return STATUS_INVALID_HANDLE;
    dxgk_drv_decode_pte_fn fn = a->drv ? __atomic_load_n(&a->drv->decode, __ATOMIC_ACQUIRE)
                                       : NULL;
    if (!fn) {
        dxgk_vm__release(a);
        return STATUS_SUCCESS;
    }
    memset(&c, 0, sizeof c);
    c.a = a;
    c.pg = a->pg;
    for (vm_list *it = a->processes.next; it != &a->processes && !c.nomem; it = it->next) {
        c.p = CONTAINER(it, vm_process, link);
        if (c.p->pt)
            dxgk_pt_foreach_table(c.p->pt, ck_table_cb, &c);
    }
    dxgk_vm__release(a);
    if (c.nomem) {
        st = STATUS_NO_MEMORY;
        dxgk_vm__set_msg(msg, msg_size, "out of memory copying the page tables");
    }
    for (size_t i = 0; i < c.nt && st == STATUS_SUCCESS; i++)
        st = ck_compare(fn, &c, &c.t[i], msg, msg_size);
    free(c.t);
    free(c.bytes);
    return st;
}
