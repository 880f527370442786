/*
 * bench_pt.h -- benchmark drivers for pagetable.c that run entirely inside C
 * (tools/bench_pagetable.py prints their results). Not used by the model itself.
 */
#ifndef DXGK_BENCH_PT_H
#define DXGK_BENCH_PT_H

#include <stdint.h>

typedef struct dxgk_ptbench_map_result {
    uint64_t pages;        /* 4 KB pages per map call */
    uint32_t spread;       /* 0: consecutive calls share leaf tables; 1: one new leaf per call */
    uint32_t eligible64k;  /* maps are 64 KB-eligible (64 KB leaf format) */
    uint64_t calls;        /* map calls per round (as many unmap calls) */
    uint64_t rounds;
    double map_ns;         /* per map call, best round */
    double unmap_ns;       /* per unmap call, best round */
    double pte_bytes;      /* bytes of leaf DXGK_PTEs one map call writes */
    double map_gbps;       /* pte_bytes / map_ns (GB/s) */
    double unmap_gbps;     /* pte_bytes / unmap_ns: entries invalidated (GB/s) */
    double memset_gbps;    /* memset of the same bytes, same call pattern, same run */
    double map_ratio;      /* map_gbps / memset_gbps */
    uint64_t tables_per_call_x1000; /* new tables per map call, x1000 */
} dxgk_ptbench_map_result;

typedef struct dxgk_ptbench_xlate_result {
    uint64_t vas;              /* VAs translated per pass */
    uint64_t hot_pages;        /* mapped pages of the hot working set */
    uint64_t cold_pages;       /* mapped pages of the cold set */
    uint64_t cold_span;        /* VA bytes the cold set is spread over */
    uint64_t cold_leaf_tables; /* leaf tables of the cold set */
    double hot_batch_ns;       /* per VA, dxgk_pt_translate_many, best pass */
    double hot_single_ns;      /* per VA, dxgk_pt_translate one at a time */
    double cold_batch_ns;
    double cold_single_ns;
    double walk_cold_ns;       /* per VA, dxgk_pt_walk (full per-level report) */
} dxgk_ptbench_xlate_result;

/* Map/unmap `pages` pages per call, on the default GpuMmu (docs/behaviour.md 3.5), for at
 * least min_seconds
 * (and at least 3 rounds). Returns 0, or a DXGK_PT_* status if setup failed. */
int dxgk_ptbench_map(uint64_t pages, uint32_t spread, uint32_t eligible64k, double min_seconds,
                     dxgk_ptbench_map_result *out);

/* Translates n random mapped VAs: hot = 64 pages in one leaf table; cold = cold_chunks
 * runs of 16 pages spread evenly over 1 TiB. Best of `passes` passes. */
int dxgk_ptbench_translate(uint64_t n, uint64_t cold_chunks, uint32_t passes, uint64_t seed,
                           dxgk_ptbench_xlate_result *out);

#endif /* DXGK_BENCH_PT_H */
