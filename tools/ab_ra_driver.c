/*
 * ab_ra_driver.c -- command-line driver of the range-allocator benchmark for
 * tools/ab_alloc.py, which links it once with the working tree's range_alloc.c and
 * once with another revision's, so that both builds run the same bench_ra.c.
 *
 * What it owns: nothing; each invocation runs one point and prints one line
 * "median_ns min_ns pool_bytes live height validate" (median and fastest of the
 * timed runs, ns per operation), or one line on stderr and exit 2 for
 * bad arguments. The invariant: the figures are exactly dxgk_bench_ra_run's (or
 * dxgk_bench_ra_run_aligned's) for the arguments given.
 *
 * usage: ab_ra_driver WORKLOAD LIVE PAIRS RUNS SEED
 *        WORKLOAD is random, fixed, window, phase, or aligned:ORDER (ORDER 0 or 12..48)
 */
#include "bench_ra.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t live, pairs, runs, seed, order = 0;
    if (argc != 6 || parse_u64(argv[2], &live) || parse_u64(argv[3], &pairs) ||
        parse_u64(argv[4], &runs) || parse_u64(argv[5], &seed) || runs > 32) {
        fprintf(stderr, "usage: %s random|fixed|window|phase|aligned:ORDER LIVE PAIRS RUNS SEED\n",
                argv[0]);
        return 2;
    }
    int workload = -1;
    if (strcmp(argv[1], "random") == 0)
        workload = DXGK_BENCH_RA_RANDOM;
    else if (strcmp(argv[1], "fixed") == 0)
        workload = DXGK_BENCH_RA_FIXED;
    else if (strcmp(argv[1], "window") == 0)
        workload = DXGK_BENCH_RA_WINDOW;
    else if (strcmp(argv[1], "phase") == 0)
        workload = DXGK_BENCH_RA_PHASE;
    else if (strncmp(argv[1], "aligned:", 8) == 0 && parse_u64(argv[1] + 8, &order) == 0 &&
             order <= 63)
        workload = DXGK_BENCH_RA_ALIGNED;
    if (workload < 0) {
        fprintf(stderr, "%s: unknown workload %s\n", argv[0], argv[1]);
        return 2;
    }
    dxgk_bench_ra_result r;
    int rc = workload == DXGK_BENCH_RA_ALIGNED
        ? dxgk_bench_ra_run_aligned((uint32_t)order, live, pairs, (uint32_t)runs, seed, &r)
        : dxgk_bench_ra_run((uint32_t)workload, live, pairs, (uint32_t)runs, seed, &r);
    if (rc != 0) {
        fprintf(stderr, "%s: the benchmark failed (%d)\n", argv[0], rc);
        return 1;
    }
    double fastest = r.ns_per_op[0];
    for (uint64_t i = 1; i < r.runs; i++)
        fastest = r.ns_per_op[i] < fastest ? r.ns_per_op[i] : fastest;
    printf("%.1f %.1f %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n", r.median_ns, fastest,
           r.pool_bytes, r.live, r.height, r.validate);
    return 0;
}
