/*
 * bench_kmt.h -- the benchmark driver of the user-mode services (docs/behaviour.md 9.6):
 * D3DKMTUpdateGpuVirtualAddress batches of 64 KB tile MAP operations into a reservation
 * that holds a given number of live tiles, timed entirely inside C (python -m dxgk bench
 * prints the results). Not used by the model itself.
 */
#ifndef DXGK_BENCH_KMT_H
#define DXGK_BENCH_KMT_H

#include <stdint.h>

typedef struct dxgk_bench_kmt_result {
    uint64_t live_tiles;   /* tiles mapped in the reservation while the batches run */
    uint64_t ops;          /* MAP operations timed (batches x batch) */
    uint32_t batch;        /* operations per Update batch */
    uint32_t status;       /* the first failing NTSTATUS, 0 if every call succeeded */
    double ns_per_op;      /* per MAP operation, best of the runs */
    double ns_per_batch;   /* per Update call */
} dxgk_bench_kmt_result;

/* Fills [base, base + live_tiles * 64 KB) -- inside a reserved VAD of the device's process
 * -- with live_tiles 64 KB tiles of `allocation` (alloc_tiles tiles long), then times
 * `batches` Update calls of `batch` MAP operations, each remapping a random live tile to
 * a random tile of the allocation (the live count stays), `runs` times. Leaves the tiles
 * mapped. */
int dxgk_bench_kmt_update(uint32_t device, uint32_t context, uint32_t fence,
                          uint32_t allocation, uint64_t alloc_tiles, uint64_t base,
                          uint64_t live_tiles, uint32_t batch, uint32_t batches, uint32_t runs,
                          uint64_t seed, dxgk_bench_kmt_result *out);

#endif /* DXGK_BENCH_KMT_H */
