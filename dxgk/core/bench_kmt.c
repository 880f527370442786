/*
 * bench_kmt.c -- the Update benchmark driver (bench_kmt.h), run entirely inside C so
 * that no Python work is timed.
 *
 * Owns nothing between calls: the caller's objects are used as given, the operation
 * arrays are built before the clock starts and freed before returning, on success and
 * on every failure path. The figure is the best run (least disturbed by other load).
 */
#include "bench_kmt.h"

#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"

#include "d3dkmthk.h"
#include "vidmm.h"

#define TILE 65536ull

static void tile_op(dxgk_vm_uop *op, uint32_t allocation, uint64_t va, uint64_t tile)
{
    memset(op, 0, sizeof *op);
    op->type = D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP;
    op->allocation = allocation;
    op->base = va;
    op->size = TILE;
    op->offset = tile * TILE;
}

int dxgk_bench_kmt_update(uint32_t device, uint32_t context, uint32_t fence,
                          uint32_t allocation, uint64_t alloc_tiles, uint64_t base,
                          uint64_t live_tiles, uint32_t batch, uint32_t batches, uint32_t runs,
                          uint64_t seed, dxgk_bench_kmt_result *out)
{
    const uint32_t fill = 1024;
    dxgk_vm_uop *ops;
    uint64_t s = seed | 1;
    double best = 0;
    memset(out, 0, sizeof *out);
    if (!alloc_tiles || !live_tiles || !batch || batch > 2048 || !batches || !runs)
        return -1;
    ops = malloc((size_t)(batch > fill ? batch : fill) * batches * sizeof *ops);
    if (!ops)
        return -2;
    /* the live tiles, 1024 per batch */
    for (uint64_t i = 0; i < live_tiles && !out->status;) {
        uint32_t n = 0;
        for (; n < fill && i < live_tiles; n++, i++)
            tile_op(&ops[n], allocation, base + i * TILE, (i * 7919u) % alloc_tiles);
        out->status = (uint32_t)dxgk_vm_kmt_update(device, context, fence, ops, n, 0, 1);
    }
    for (uint32_t r = 0; r < runs && !out->status; r++) {
        double t0, t;
        for (uint64_t j = 0; j < (uint64_t)batch * batches; j++)
            tile_op(&ops[j], allocation, base + (dxgk_bench_rng(&s) % live_tiles) * TILE,
                    dxgk_bench_rng(&s) % alloc_tiles);
        t0 = dxgk_bench_now_ns();
        for (uint32_t b = 0; b < batches && !out->status; b++)
            out->status = (uint32_t)dxgk_vm_kmt_update(device, context, fence,
                                                       &ops[(size_t)b * batch], batch, 0, 1);
        t = dxgk_bench_now_ns() - t0;
        if (r == 0 || t < best)
            best = t;
    }
    free(ops);
    out->live_tiles = live_tiles;
    out->batch = batch;
    out->ops = (uint64_t)batch * batches;
    out->ns_per_op = best / (double)out->ops;
    out->ns_per_batch = best / (double)batches;
    return out->status ? -3 : 0;
}
