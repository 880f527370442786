/*
 * bench_ra.c -- the range allocator benchmark driver (issue 3, workloads a-c; issue
 * 18, the aligned workload d and the phase-rule workload e).
 *
 * What it owns: nothing that outlives a call. Each run builds its own allocator over
 * a 1 TiB space (2^63 bytes for the aligned workload, so that 10^5 ranges 2^40
 * aligned fit), fills it to the requested number of live ranges, warms up, times
 * `runs` batches of free+alloc pairs with CLOCK_MONOTONIC and tears everything down.
 * The random stream is a fixed-seed splitmix64, so a given (workload, live, pairs,
 * runs, seed) always performs the same operations. The invariant it keeps: the
 * number of live ranges is the same before and after every pair, so the figures
 * are per operation at that many live ranges.
 */
#include "bench_ra.h"

#include "range_alloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

_Static_assert(DXGK_BENCH_RA_MAX_RUNS == 32, "ns_per_op[] length");

#define B_SPACE (UINT64_C(1) << 40)         /* 1 TiB */
#define B_PAGE UINT64_C(4096)
#define B_ALIGN64K UINT64_C(65536)
#define B_WINDOW (B_SPACE / 20)             /* 5 % */
#define B_MAX_TRIES 1000
#define B_ALIGNED_SPACE (UINT64_C(1) << 63)
#define B_ALIGNED_MAX_ORDER 48u

typedef struct brng {
    uint64_t s;
} brng;

static inline uint64_t rnd_u64(brng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t rnd_below(brng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rnd_u64(r) * n) >> 64);
}

/* 2^f for f in [0, 1), by the series of e^(f ln 2) (no libm needed). */
static double pow2_frac(double f)
{
    double x = f * 0.69314718055994530942, term = 1.0, sum = 1.0;
    for (int k = 1; k < 16; k++) {
        term *= x / k;
        sum += term;
    }
    return sum;
}

/* Sizes log-uniform in [4 KB, 1 MB], rounded down to whole 4 KB pages, as a table
 * of B_SIZES quantiles so that drawing one costs a shift and a load. */
#define B_SIZES 1024
static void size_table(uint64_t *t)
{
    for (int k = 0; k < B_SIZES; k++) {
        double e = (k + 0.5) * 8.0 / B_SIZES;   /* 4 KB * 2^e, e in (0, 8) */
        int i = (int)e;
        double bytes = (double)(B_PAGE << i) * pow2_frac(e - i);
        uint64_t sz = (uint64_t)bytes / B_PAGE * B_PAGE;
        t[k] = sz < B_PAGE ? B_PAGE : sz;
    }
}

static inline uint64_t rnd_size(brng *r, const uint64_t *table)
{
    return table[rnd_u64(r) >> 54];
}

static inline uint64_t rnd_align(brng *r)
{
    return (rnd_u64(r) & 3) == 0 ? B_ALIGN64K : B_PAGE;
}

static inline double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The driver's own arrays are read at random too; huge pages keep their TLB misses
 * out of the allocator's figures. */
static void *bench_array(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    if (bytes < huge)
        return malloc(bytes);
    bytes = (bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p != NULL)
        (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* State of one benchmark instance. */
typedef struct bslot {
    uint64_t start, size;
} bslot;

/* State of one benchmark instance. The victims of the next pair are drawn one pair
 * ahead (from their own random stream) and their entries prefetched, so that the
 * driver's own bookkeeping -- arrays as large as the tree -- costs no cache miss in
 * the timed loop and the figures are the allocator's. */
typedef struct bench {
    dxgk_ra *ra;
    brng rng;                   /* sizes, alignments, windows */
    brng pick;                  /* which live range / free slot the next pair uses */
    uint32_t workload;
    uint64_t live;
    uint64_t space;             /* the allocator manages [0, space) */
    uint64_t align;             /* DXGK_BENCH_RA_ALIGNED: every allocation's alignment */
    uint64_t *starts;           /* RANDOM/WINDOW: start of live range k */
    bslot *slots;               /* FIXED: [0, live) live, [live, 2*live) the free list */
    uint64_t next_k, next_m;
    uint64_t ops, failures;
    uint64_t sizes[B_SIZES];
} bench;

static void bench_draw_next(bench *b)
{
    b->next_k = rnd_below(&b->pick, b->live);
    if (b->workload == DXGK_BENCH_RA_FIXED) {
        b->next_m = b->live + rnd_below(&b->pick, b->live);
        __builtin_prefetch(&b->slots[b->next_k], 1);
        __builtin_prefetch(&b->slots[b->next_m], 1);
    } else {
        __builtin_prefetch(&b->starts[b->next_k], 1);
    }
}

/* One allocation of the workload's pattern; counts attempts in b->ops. */
static int bench_alloc(bench *b, uint64_t *out)
{
    uint64_t size = rnd_size(&b->rng, b->sizes);
    if (b->workload == DXGK_BENCH_RA_ALIGNED) {
        b->ops++;
        return dxgk_ra_alloc(b->ra, size, b->align, 0, 0, b->space, 0, 1, out);
    }
    if (b->workload == DXGK_BENCH_RA_PHASE) {
        b->ops++;
        uint64_t phase = rnd_below(&b->rng, B_ALIGN64K / B_PAGE) * B_PAGE;
        return dxgk_ra_alloc(b->ra, size, B_ALIGN64K, phase, 0, B_SPACE, 0, 1, out);
    }
    uint64_t align = rnd_align(&b->rng);
    if (b->workload == DXGK_BENCH_RA_RANDOM) {
        b->ops++;
        return dxgk_ra_alloc(b->ra, size, align, 0, 0, B_SPACE, 0, 1, out);
    }
    for (int t = 0; t < B_MAX_TRIES; t++) {
        uint64_t min = rnd_below(&b->rng, (B_SPACE - B_WINDOW) / B_PAGE + 1) * B_PAGE;
        b->ops++;
        int rc = dxgk_ra_alloc(b->ra, size, align, 0, min, min + B_WINDOW, 0, 1, out);
        if (rc != DXGK_RA_ENOSPC)
            return rc;
        b->failures++;
    }
    return DXGK_RA_ENOSPC;
}

/* One free + alloc pair, keeping the live count. */
static int bench_pair(bench *b)
{
    uint64_t k = b->next_k, m = b->next_m;
    bench_draw_next(b);
    if (b->workload == DXGK_BENCH_RA_FIXED) {
        bslot gone = b->slots[k], come = b->slots[m];
        int rc = dxgk_ra_free(b->ra, gone.start);
        if (rc != DXGK_RA_OK)
            return rc;
        rc = dxgk_ra_alloc_fixed(b->ra, come.start, come.size, 1);
        if (rc != DXGK_RA_OK)
            return rc;
        b->slots[k] = come;
        b->slots[m] = gone;
        b->ops += 2;
        return DXGK_RA_OK;
    }
    int rc = dxgk_ra_free(b->ra, b->starts[k]);
    if (rc != DXGK_RA_OK)
        return rc;
    b->ops++;
    return bench_alloc(b, &b->starts[k]);
}

/* Fills the allocator with b->live ranges. */
static int bench_fill(bench *b)
{
    if (b->workload != DXGK_BENCH_RA_FIXED) {
        for (uint64_t k = 0; k < b->live; k++) {
            int rc = bench_alloc(b, &b->starts[k]);
            if (rc != DXGK_RA_OK)
                return rc;
        }
        return DXGK_RA_OK;
    }
    /* 2*live slots of workload sizes, laid out in address order with random gaps
     * that spread them over the space; a random half of them becomes live. */
    uint64_t n = 2 * b->live, total = 0;
    for (uint64_t i = 0; i < n; i++) {
        b->slots[i].size = rnd_size(&b->rng, b->sizes);
        total += b->slots[i].size;
    }
    if (total >= B_SPACE)
        return DXGK_RA_ENOSPC;
    uint64_t avg_gap_pages = (B_SPACE - total) / (n + 1) / B_PAGE;
    uint64_t at = 0;
    for (uint64_t i = 0; i < n; i++) {
        at += rnd_below(&b->rng, avg_gap_pages + 1) * B_PAGE;   /* mean gap/2: fits */
        b->slots[i].start = at;
        at += b->slots[i].size;
    }
    for (uint64_t i = n - 1; i > 0; i--) {      /* Fisher-Yates: a random half is live */
        uint64_t j = rnd_below(&b->rng, i + 1);
        bslot t = b->slots[i];
        b->slots[i] = b->slots[j];
        b->slots[j] = t;
    }
    for (uint64_t k = 0; k < b->live; k++) {
        int rc = dxgk_ra_alloc_fixed(b->ra, b->slots[k].start, b->slots[k].size, 1);
        if (rc != DXGK_RA_OK)
            return rc;
    }
    return DXGK_RA_OK;
}

static void bench_free(bench *b)
{
    dxgk_ra_destroy(b->ra);
    free(b->starts);
    free(b->slots);
}

/* Runs one workload at one scale (arguments checked by the callers). */
static int bench_run(uint32_t workload, uint64_t space, uint64_t align, uint64_t live,
                     uint64_t pairs, uint32_t runs, uint64_t seed, dxgk_bench_ra_result *out)
{
    memset(out, 0, sizeof *out);
    bench b;
    memset(&b, 0, sizeof b);
    b.workload = workload;
    b.live = live;
    b.space = space;
    b.align = align;
    b.rng.s = seed ^ (UINT64_C(0x5851F42D4C957F2D) * (workload + 1));
    b.pick.s = ~b.rng.s;
    size_table(b.sizes);
    b.ra = dxgk_ra_create(0, space);
    int rc = DXGK_RA_ENOMEM;
    if (b.ra == NULL)
        goto out;
    if (workload == DXGK_BENCH_RA_FIXED) {
        b.slots = bench_array(2 * live * sizeof *b.slots);
        if (b.slots == NULL)
            goto out;
    } else {
        b.starts = bench_array(live * sizeof *b.starts);
        if (b.starts == NULL)
            goto out;
    }

    double t0 = now_ns();
    rc = bench_fill(&b);
    bench_draw_next(&b);
    for (uint64_t i = 0; rc == DXGK_RA_OK && i < live; i++)    /* warm-up: churn once */
        rc = bench_pair(&b);
    out->setup_ns = now_ns() - t0;
    if (rc != DXGK_RA_OK)
        goto out;

    b.failures = 0;
    for (uint32_t r = 0; r < runs; r++) {
        b.ops = 0;
        double t = now_ns();
        for (uint64_t i = 0; i < pairs; i++) {
            rc = bench_pair(&b);
            if (rc != DXGK_RA_OK)
                goto out;
        }
        out->ns_per_op[r] = (now_ns() - t) / (double)b.ops;
        out->ops_per_run = b.ops;
    }
    double sorted[DXGK_BENCH_RA_MAX_RUNS];
    memcpy(sorted, out->ns_per_op, runs * sizeof sorted[0]);
    qsort(sorted, runs, sizeof sorted[0], cmp_double);
    out->median_ns = runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
    out->runs = runs;
    out->failures = b.failures;

    dxgk_ra_stats st;
    dxgk_ra_get_stats(b.ra, &st);
    out->live = st.live;
    out->pool_bytes = st.pool_bytes;
    out->height = st.height;
    out->holes = st.holes;
    out->validate = dxgk_ra_validate(b.ra);
    rc = DXGK_RA_OK;
out:
    bench_free(&b);
    return rc;
}

/* Runs one of workloads a-c and e at one scale; see bench_ra.h. */
int dxgk_bench_ra_run(uint32_t workload, uint64_t live, uint64_t pairs, uint32_t runs,
                      uint64_t seed, dxgk_bench_ra_result *out)
{
    if (out == NULL || workload > DXGK_BENCH_RA_PHASE || workload == DXGK_BENCH_RA_ALIGNED ||
        live == 0 || live > (1u << 30) ||
        pairs == 0 || runs == 0 || runs > DXGK_BENCH_RA_MAX_RUNS)
        return DXGK_RA_EINVAL;
    return bench_run(workload, B_SPACE, 0, live, pairs, runs, seed, out);
}

/* The aligned workload at one alignment order and scale; see bench_ra.h. Every
 * range takes at most 1 MB of its 2^order slot, so `live` slots of 2^max(order, 20)
 * bytes must fit in half the space for the lowest fits never to run out. */
int dxgk_bench_ra_run_aligned(uint32_t order, uint64_t live, uint64_t pairs, uint32_t runs,
                              uint64_t seed, dxgk_bench_ra_result *out)
{
    if (out == NULL || (order != 0 && (order < 12 || order > B_ALIGNED_MAX_ORDER)) ||
        live == 0 || live > (1u << 30) || pairs == 0 || runs == 0 ||
        runs > DXGK_BENCH_RA_MAX_RUNS)
        return DXGK_RA_EINVAL;
    unsigned slot = order > 20 ? order : 20;
    if (live > (B_ALIGNED_SPACE / 2) >> slot)
        return DXGK_RA_EINVAL;
    return bench_run(DXGK_BENCH_RA_ALIGNED, B_ALIGNED_SPACE, order ? UINT64_C(1) << order : 0,
                     live, pairs, runs, seed, out);
}

/* Dependent-load latency over a working set (see bench_ra.h). The lines of the set,
 * shuffled, are linked in that order and the last back to the first: one cycle
 * through every line, in which each load waits for the previous one and no
 * prefetcher can guess the next line. */
int dxgk_bench_mem_latency(uint64_t bytes, uint64_t loads, uint64_t seed, double *ns_per_load)
{
    const uint64_t line = 64;
    if (ns_per_load == NULL || bytes < 4096 || bytes > (UINT64_C(1) << 34) || loads == 0)
        return DXGK_RA_EINVAL;
    uint64_t n = bytes / line;
    char *set = bench_array((size_t)(n * line));
    uint32_t *order = malloc((size_t)n * sizeof *order);
    if (set == NULL || order == NULL || n > UINT32_MAX) {
        free(set);
        free(order);
        return DXGK_RA_ENOMEM;
    }
    brng r = { seed ^ UINT64_C(0xD1B54A32D192ED03) };
    for (uint64_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (uint64_t i = n - 1; i > 0; i--) {
        uint64_t j = rnd_below(&r, i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint64_t i = 0; i < n; i++)
        *(void **)(set + (uint64_t)order[i] * line) = set + (uint64_t)order[(i + 1) % n] * line;
    free(order);
    void *volatile sink;
    void **p = (void **)set;
    for (uint64_t i = 0; i < n; i++)                    /* warm-up: one full cycle */
        p = *p;
    double t = now_ns();
    for (uint64_t i = 0; i < loads; i++)
        p = *p;
    *ns_per_load = (now_ns() - t) / (double)loads;
    sink = p;
    (void)sink;
    free(set);
    return DXGK_RA_OK;
}
