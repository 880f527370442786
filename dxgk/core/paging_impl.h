/*
 * paging_impl.h -- the paging stream's state, shared by paging.c (the order of the
 * operations and the log) and paging_deliver.c (their delivery to an attached driver
 * and the tables' own memory). Not an interface: no .cdef names anything here; like
 * every header of dxgk/core it compiles on its own and defines nothing with external
 * linkage.
 */
#ifndef DXGK_PAGING_IMPL_H
#define DXGK_PAGING_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "paging.h"

struct vm_process;

typedef struct pg_slot {
    uint64_t sequence, process, allocation;
    uint64_t at;            /* arena position of its units */
    uint64_t ordinal;       /* UPDATE_CONTEXT_ALLOCATION: its index among them */
    uint64_t stride;        /* linear entries: entry k = unit 0, PageAddress + k * stride */
    uint32_t operation, nentries, data_size, nunits;
    union {
        DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE upt;
        DXGK_BUILDPAGINGBUFFER_FLUSHTLB flush;
        DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION uca;
        DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY nr;
        DXGKARG_SETROOTPAGETABLE root;
    } args;
} pg_slot;

typedef struct pg_log {
    uint64_t cap;               /* operations kept; 0 = off */
    pg_slot *slot;
    uint64_t nslot, smax;       /* slots allocated, a power of two up to smax >= cap */
    uint64_t origin;            /* sequence of slot index 0 */
    uint64_t first, next;       /* held: [first, next) */
    DXGK_PTE *arena;
    uint64_t acap, amax;        /* units allocated, a power of two up to amax */
    uint64_t ahead;             /* arena position of the next unit */
} pg_log;

struct dxgk_pg {
    pg_log log;
    uint64_t sequence;          /* operations issued so far (recorded or not) */
    uint64_t uca;               /* UPDATE_CONTEXT_ALLOCATION operations so far */
    /* the events of the page-table change in progress (one dxgk_pt_map / unmap) */
    dxgk_pt_event *ev;
    size_t nev, capev;
    uint64_t lost;              /* events dropped for lack of host memory */
    struct vm_process *pending; /* processes with a flush / releases due (pg_next) */
    pg_slot scratch;            /* the slot of an operation the log does not keep */
    int explicit_inval;         /* caps.ExplicitPageTableInvalidation */
    /* delivery to the attached driver (docs/behaviour.md 10.2) */
    int deliver;
    dxgk_pg_item *out;
    size_t nout, capout;
    DXGK_PTE *ents;             /* the queued items' entries, expanded */
    size_t nents, capents;
    uint64_t out_lost;          /* operations the queue could not take */
    /* table memory for CPU_VIRTUAL updates (docs/behaviour.md 10.4): open addressing */
    struct pg_tmem *tmem;
    size_t ntmem, captmem;
};

typedef struct pg_tmem {
    uint64_t offset;
    uint32_t segment, used;     /* used: the slot holds a table's memory */
    uint64_t size;
    void *mem;
} pg_tmem;

/* paging_deliver.c: queues a copy of the filled operation `s` for the driver (`ent`:
 * its entries -- the first of a linear run, expanded there -- `data`: its private
 * data); nothing unless delivery is on. */
void dxgk_pg__deliver_put(struct vm_adapter *a, const pg_slot *s, const DXGK_PTE *ent,
                          const void *data);
/* buf (capacity *cap elements of `size` bytes, doubled from `first`) with room for
 * `need`: buf itself, or moved; NULL for no memory (buf and *cap as they were). */
void *dxgk_pg__grow(void *buf, size_t *cap, size_t need, size_t size, size_t first);
/* The memory of the table at {segment, offset} and its size, or NULL (under the lock;
 * the memory lives until the adapter goes). */
void *dxgk_pg__tmem_find(struct dxgk_pg *g, uint32_t segment, uint64_t offset,
                         uint64_t *out_size);
/* Frees the queue and the tables' memory of g. */
void dxgk_pg__delivery_free(struct dxgk_pg *g);

#endif /* DXGK_PAGING_IMPL_H */
