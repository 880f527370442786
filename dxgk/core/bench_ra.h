/*
 * bench_ra.h -- benchmark driver for the range allocator, run entirely in C so that
 * no Python work is timed (tools/bench_alloc.py prints the figures).
 */
#ifndef DXGK_BENCH_RA_H
#define DXGK_BENCH_RA_H

#include <stdint.h>

/* Workloads (each in a 1 TiB space, sizes 4 KB..1 MB log-uniform, a quarter of the
 * allocations 64 KB aligned, the rest 4 KB aligned, fixed seed). */
enum {
    DXGK_BENCH_RA_RANDOM = 0,   /* (a) free a random live range, alloc lowest fit */
    DXGK_BENCH_RA_FIXED = 1,    /* (b) free a random live range, alloc_fixed a slot
                                   taken from a free list of known-free slots */
    DXGK_BENCH_RA_WINDOW = 2,   /* (c) like (a), each alloc in a random 5 % window */
    DXGK_BENCH_RA_ALIGNED = 3,  /* (d) like (a) in a 2^63-byte space, every alloc with one
                                   alignment 2^order (dxgk_bench_ra_run_aligned only) */
    DXGK_BENCH_RA_PHASE = 4,    /* (e) like (a), every alloc 64 KB aligned with a random
                                   phase of 0..15 pages (the map path's 64 KB rule) */
    DXGK_BENCH_RA_MAX_RUNS = 32,
};

typedef struct dxgk_bench_ra_result {
    double ns_per_op[32];       /* per timed run */
    double median_ns;           /* median over the runs */
    double setup_ns;            /* building `live` ranges plus the warm-up */
    uint64_t runs;
    uint64_t ops_per_run;       /* operations (frees + alloc attempts) per run */
    uint64_t live;              /* live ranges at the end */
    uint64_t failures;          /* alloc attempts that found no room (window) */
    uint64_t pool_bytes;        /* allocator memory at the end */
    uint64_t height;            /* tree height at the end */
    uint64_t holes;             /* holes at the end */
    int validate;               /* dxgk_ra_validate at the end (0 = consistent) */
} dxgk_bench_ra_result;

/* Builds `live` ranges with the workload's allocation pattern, runs `live` warm-up
 * pairs, then `runs` timed runs of `pairs` free+alloc pairs each. Returns 0, or a
 * negative DXGK_RA_* code (bad arguments, out of memory, an unexpected failure). */
/* Workloads a-c and e (DXGK_BENCH_RA_ALIGNED has its own entry point). */
int dxgk_bench_ra_run(uint32_t workload, uint64_t live, uint64_t pairs, uint32_t runs,
                      uint64_t seed, dxgk_bench_ra_result *out);

/* The aligned workload (d): as dxgk_bench_ra_run with every allocation aligned to
 * 2^order (order 12..48), or unaligned (order 0) for the figure to compare against.
 * DXGK_RA_EINVAL also when `live` slots of 2^max(order, 20) bytes exceed half of the
 * 2^63-byte space. */
int dxgk_bench_ra_run_aligned(uint32_t order, uint64_t live, uint64_t pairs, uint32_t runs,
                              uint64_t seed, dxgk_bench_ra_result *out);

/* The machine's memory latency for a working set of `bytes` (>= 4 KB): a chain of
 * `loads` dependent loads, each from a random cache line of the set (a single cycle
 * through every line, huge pages where the kernel allows), timed after one warm-up
 * pass. Stores ns per load in *ns_per_load. 0, DXGK_RA_EINVAL or DXGK_RA_ENOMEM.
 * This is what a cold tree node costs: tools/bench_alloc.py prints it at the sizes
 * of the smallest and the largest tree so the 1M/1k ratio can be read against it. */
int dxgk_bench_mem_latency(uint64_t bytes, uint64_t loads, uint64_t seed, double *ns_per_load);

#endif /* DXGK_BENCH_RA_H */
