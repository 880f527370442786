/*
 * driver_dma.c -- the DMA bytes a driver submitted for each paging operation
 * (docs/behaviour.md 10.2): what DxgkDdiBuildPagingBuffer wrote before where it left
 * pDmaBuffer, on every ask it answered STATUS_SUCCESS or
 * STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER, kept per operation (the passes of a multipass
 * operation concatenated in order, with their lengths) for the paging log's reader.
 *
 * What it owns: the store of the driver record (driver_impl.h: dma_store, dma_keep),
 * under the record's leaf lock: an array ring of per-operation records in sequence order
 * (a delivery appends at the end; one on another thread may insert a little before it),
 * each holding its bytes inline when they are few (a FLUSH command) or on the heap.
 *
 * Invariants kept: records are in strictly increasing sequence order, all at or after
 * `floor`, and nothing before `floor` is ever recorded again (an operation is kept whole
 * from its first pass or not at all); `cost` is the sum of cost_of() over the records and
 * stays within DXGK_DRV_DMA_MAX after every put; each record's kept bytes plus its pass
 * lengths stay within DXGK_DRV_DMA_OP_MAX, and its lengths (one per non-empty pass) sum
 * to its kept bytes. dxgk_drv_dma_check() checks them (the tests call it).
 */
#include "driver_impl.h"

#include <stdlib.h>
#include <string.h>

#include "vidmm.h"

#define DMA_INLINE 48u              /* bytes held in the record itself (a FLUSH fits) */
#define DMA_RING_FIRST 64u
#define DMA_LEN_BYTES 4u            /* what a pass length costs */

typedef struct dma_op {
    uint64_t sequence;
    uint64_t size;                  /* bytes submitted, every pass */
    uint32_t kept, passes;          /* bytes held (the first ones); lengths held */
    uint32_t cap, lcap;             /* heap capacity of bytes (0: inline) and of lens */
    uint8_t *heap;                  /* the bytes when cap > 0 */
    uint32_t *lens;                 /* every pass's length once there are two; else NULL */
    uint8_t inl[DMA_INLINE];
} dma_op;

_Static_assert(sizeof(dma_op) <= DXGK_DRV_DMA_OP_COST, "a record costs what it is counted as");

struct drv_dma {
    dma_op *ring;
    size_t cap, head, n;            /* cap: a power of two */
    uint64_t cost;
    uint64_t floor;                 /* operations before it are not (or no longer) held */
};

static dma_op *at(const struct drv_dma *s, size_t i)
{
    return &s->ring[(s->head + i) & (s->cap - 1)];
}

static uint64_t cost_of(const dma_op *op)
{
    return DXGK_DRV_DMA_OP_COST + op->kept + (uint64_t)op->passes * DMA_LEN_BYTES;
}

static const uint8_t *bytes_of(const dma_op *op)
{
    return op->cap ? op->heap : op->inl;
}

/* 0 when the invariants above hold, else -1 (under the lock; O(records + lengths)). */
static int drv_dma_check(const struct drv_dma *s)
{
    uint64_t cost = 0;
    for (size_t i = 0; s && i < s->n; i++) {
        const dma_op *op = at(s, i);
        uint64_t sum = op->passes == 1 ? op->kept : 0;
        for (uint32_t k = 0; op->passes > 1 && k < op->passes; k++)
            sum += op->lens[k];
        if (op->sequence < s->floor || (i && op->sequence <= at(s, i - 1)->sequence) ||
            sum != op->kept || op->kept > op->size ||
            op->kept + (uint64_t)op->passes * DMA_LEN_BYTES > DXGK_DRV_DMA_OP_MAX ||
            (op->cap ? op->kept > op->cap : op->kept > DMA_INLINE))
            return -1;
        cost += cost_of(op);
    }
    return s && (cost != s->cost || cost > DXGK_DRV_DMA_MAX) ? -1 : 0;
}

static void op_free(dma_op *op)
{
    free(op->heap);
    free(op->lens);
}

/* Drops the oldest records while they are before `floor` or the store is over its bound;
 * a record dropped for the bound moves `floor` past it. */
static void evict(struct drv_dma *s)
{
    while (s->n) {
        dma_op *op = at(s, 0);
        if (op->sequence >= s->floor && s->cost <= DXGK_DRV_DMA_MAX)
            break;
        if (op->sequence >= s->floor)
            s->floor = op->sequence + 1;
        s->cost -= cost_of(op);
        op_free(op);
        s->head = (s->head + 1) & (s->cap - 1);
        s->n--;
    }
}

/* The record of `sequence`, made (in order) when there is none; NULL: no host memory. */
static dma_op *op_of(struct drv_dma *s, uint64_t sequence)
{
    size_t i = s->n;
    while (i && at(s, i - 1)->sequence > sequence)      /* almost always no step */
        i--;
    if (i && at(s, i - 1)->sequence == sequence)
        return at(s, i - 1);
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : DMA_RING_FIRST;
        dma_op *r = malloc(ncap * sizeof *r);
        if (!r)
            return NULL;
        for (size_t k = 0; k < s->n; k++)
            r[k] = *at(s, k);
        free(s->ring);
        s->ring = r;
        s->cap = ncap;
        s->head = 0;
    }
    for (size_t k = s->n; k > i; k--)
        *at(s, k) = *at(s, k - 1);
    s->n++;
    dma_op *op = at(s, i);
    memset(op, 0, sizeof *op);
    op->sequence = sequence;
    s->cost += cost_of(op);
    return op;
}

/* Appends one pass of n bytes to op: all of them counted, as many held as its bound lets
 * (none when there is no host memory for them -- kept < size says so). */
static void op_append(struct drv_dma *s, dma_op *op, const void *bytes, size_t n)
{
    const uint64_t used = op->kept + (uint64_t)op->passes * DMA_LEN_BYTES;
    op->size += n;
    if (used + DMA_LEN_BYTES >= DXGK_DRV_DMA_OP_MAX)
        return;
    const uint32_t k = (uint32_t)(n < DXGK_DRV_DMA_OP_MAX - used - DMA_LEN_BYTES
                                      ? n : DXGK_DRV_DMA_OP_MAX - used - DMA_LEN_BYTES);
    const uint32_t need = op->kept + k;
    if (op->passes && op->passes + 1 > op->lcap) {        /* a second pass: lengths */
        uint32_t nl = op->lcap ? op->lcap * 2 : 4;
        uint32_t *l = realloc(op->lens, nl * sizeof *l);
        if (!l)
            return;
        if (!op->lens)
            l[0] = op->kept;
        op->lens = l;
        op->lcap = nl;
    }
    if (need > (op->cap ? op->cap : DMA_INLINE)) {
        uint32_t nc = op->cap > DMA_INLINE ? op->cap : 256u;
        while (nc < need)
            nc = nc * 2 < DXGK_DRV_DMA_OP_MAX ? nc * 2 : DXGK_DRV_DMA_OP_MAX;
        uint8_t *h = realloc(op->heap, nc);
        if (!h)
            return;
        if (!op->cap)
            memcpy(h, op->inl, op->kept);
        op->heap = h;
        op->cap = nc;
    }
    memcpy((op->cap ? op->heap : op->inl) + op->kept, bytes, k);
    op->kept = need;
    if (op->lens)
        op->lens[op->passes] = k;
    op->passes++;
    s->cost += (uint64_t)k + DMA_LEN_BYTES;
}

void dxgk_drv__dma_put(dxgk_drv *d, uint64_t sequence, const void *bytes, size_t n)
{
    pthread_mutex_lock(&d->lock);
    const uint64_t keep = d->dma_keep;
    struct drv_dma *s = d->dma_store;
    if (keep && !s)
        s = d->dma_store = calloc(1, sizeof *s);
    if (!keep || !s)
        goto out;
    /* the log holds nothing older than its newest `keep` operations */
    if (sequence + 1 > keep && sequence + 1 - keep > s->floor)
        s->floor = sequence + 1 - keep;
    if (sequence >= s->floor) {
        dma_op *op = op_of(s, sequence);
        if (op)
            op_append(s, op, bytes, n);
        evict(s);
    }
out:
    pthread_mutex_unlock(&d->lock);
}

void dxgk_drv__dma_follow(dxgk_drv *d, uint64_t capacity, uint64_t first)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    __atomic_store_n(&d->dma_keep, capacity, __ATOMIC_RELAXED);
    if (d->dma_store) {
        struct drv_dma *s = d->dma_store;
        if (first > s->floor)
            s->floor = first;
        evict(s);
    }
    pthread_mutex_unlock(&d->lock);
}

void dxgk_drv__dma_free(dxgk_drv *d)
{
    struct drv_dma *s = d->dma_store;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        op_free(at(s, i));
    free(s->ring);
    free(s);
    d->dma_store = NULL;
}

/* The record of `sequence`, or NULL (under the lock). */
static const dma_op *find(const struct drv_dma *s, uint64_t sequence)
{
    size_t lo = 0, hi = s ? s->n : 0;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const dma_op *op = at(s, mid);
        if (op->sequence == sequence)
            return op;
        if (op->sequence < sequence)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

uint64_t dxgk_drv__dma_size(dxgk_drv *d, uint64_t sequence)
{
    uint64_t size = 0;
    if (!d)
        return 0;
    pthread_mutex_lock(&d->lock);
    const dma_op *op = find(d->dma_store, sequence);
    if (op)
        size = op->size;
    pthread_mutex_unlock(&d->lock);
    return size;
}

NTSTATUS dxgk_drv_dma_get(uint64_t adapter, uint64_t sequence, dxgk_drv_dma_info *info,
                          void *bytes, size_t cap, uint32_t *lens, size_t lens_cap)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (!info) {
        dxgk_drv__put(d);
        return STATUS_INVALID_PARAMETER;
    }
    memset(info, 0, sizeof *info);
    pthread_mutex_lock(&d->lock);
    const struct drv_dma *s = d->dma_store;
    const dma_op *op = find(s, sequence);
    info->dropped = s && sequence < s->floor;
    if (op) {
        info->size = op->size;
        info->kept = op->kept;
        info->passes = op->passes;
        if (bytes && cap)
            memcpy(bytes, bytes_of(op), cap < op->kept ? cap : op->kept);
        if (lens && lens_cap && op->passes == 1)
            lens[0] = op->kept;
        else if (lens && lens_cap && op->passes)
            memcpy(lens, op->lens, (lens_cap < op->passes ? lens_cap : op->passes) *
                                       sizeof *lens);
    }
    pthread_mutex_unlock(&d->lock);
    dxgk_drv__put(d);
    return STATUS_SUCCESS;
}

int dxgk_drv_dma_check(uint64_t adapter)
{
    dxgk_drv *d = dxgk_drv__of(adapter, DXGK_VM_T_ADAPTER);
    if (!d)
        return 0;
    pthread_mutex_lock(&d->lock);
    const int bad = drv_dma_check(d->dma_store);
    pthread_mutex_unlock(&d->lock);
    dxgk_drv__put(d);
    return bad;
}
