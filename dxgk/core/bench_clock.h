/*
 * bench_clock.h -- what the C benchmark drivers share: the monotonic clock they time
 * with and the xorshift64* generator their random workloads draw from (deterministic
 * for a seed). Static inline: each driver gets its own copy, no symbol is exported.
 */
#ifndef DXGK_BENCH_CLOCK_H
#define DXGK_BENCH_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double dxgk_bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline uint64_t dxgk_bench_rng(uint64_t *s) /* xorshift64*; *s must not be 0 */
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

#endif /* DXGK_BENCH_CLOCK_H */
