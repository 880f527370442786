/*
 * bench_pt.c -- benchmark drivers for pagetable.c, run entirely inside C so that no
 * Python work is timed (tools/bench_pagetable.py calls them and prints the results).
 *
 * Owns nothing between calls: each driver builds its own tree on the docs/behaviour.md section 3
 * default GpuMmu with the built-in placement, and frees everything before returning,
 * on success and on every failure path. Timings are the best round / pass (least
 * disturbed by other load on the machine); map and memset rounds alternate in the same
 * run, so both see the same machine state.
 */
#include "bench_pt.h"

#include <stdlib.h>
#include <string.h>

#include "bench_clock.h"

#include "pagetable.h"

/* memset through a volatile pointer: the compiler can neither inline nor drop it */
static void *(*volatile bench_memset)(void *, int, size_t) = memset;

static int default_pt(uint64_t capacity, dxgk_pt **out)
{
    DXGK_GPUMMUCAPS caps;
    DXGK_PAGE_TABLE_LEVEL_DESC lv[4];
    dxgk_pt_default_config(&caps, lv);
    return dxgk_pt_create_bounded(&caps, lv, 0, capacity, out, NULL, 0);
}

static uint64_t total_tables(const dxgk_pt *pt)
{
    dxgk_pt_stats s;
    dxgk_pt_get_stats(pt, &s);
    uint64_t n = 0;
    for (int l = 0; l < DXGK_PT_MAX_LEVELS; l++)
        n += s.tables[l];
    return n;
}

int dxgk_ptbench_map(uint64_t pages, uint32_t spread, uint32_t eligible64k, double min_seconds,
                     dxgk_ptbench_map_result *out)
{
    memset(out, 0, sizeof *out);
    if (pages == 0 || pages > (UINT64_C(1) << 24) || (eligible64k && (pages & 15)))
        return DXGK_PT_E_INVAL;
    dxgk_pt *pt;
    int st = default_pt(UINT64_C(1) << 40, &pt);
    if (st)
        return st;
    dxgk_pt_geometry g;
    dxgk_pt_get_geometry(pt, &g);
    const uint64_t leaf_span = UINT64_C(1) << g.shift[1];
    const uint64_t bytes = pages * 4096;
    uint64_t calls = (UINT64_C(4) << 20) / 16 / pages; /* about 4 MiB of PTEs per round */
    if (calls < 1)
        calls = 1;
    if (calls > 4096)
        calls = 4096;
    if (spread && calls > 256) /* one new leaf per call: stay within the host-block cache */
        calls = 256;
    const uint64_t stride = spread ? (bytes + leaf_span - 1) / leaf_span * leaf_span : bytes;
    const uint64_t base = UINT64_C(1) << 32;
    const uint64_t pte_bytes = (eligible64k ? pages / 16 : pages) * 16;
    unsigned char *buf = malloc(calls * pte_bytes);
    if (!buf) {
        dxgk_pt_destroy(pt);
        return DXGK_PT_E_NOMEM;
    }
    dxgk_pt_target t = {DXGK_PT_KIND_PAGES, 1, 0, eligible64k ? DXGK_PT_ELIGIBLE_64K : 0, 0};
    double best_map = 1e300, best_unmap = 1e300, best_memset = 1e300, start = dxgk_bench_now_ns();
    uint64_t rounds = 0;
    for (int warm = 1;; warm = 0) {
        uint64_t before = total_tables(pt);
        double t0 = dxgk_bench_now_ns();
        for (uint64_t k = 0; k < calls; k++) {
            t.address = k * bytes;
            st = dxgk_pt_map(pt, base + k * stride, pages, &t);
            if (st)
                goto done;
        }
        double t1 = dxgk_bench_now_ns();
        if (warm)
            out->tables_per_call_x1000 = (total_tables(pt) - before) * 1000 / calls;
        for (uint64_t k = 0; k < calls; k++) {
            st = dxgk_pt_unmap(pt, base + k * stride, pages);
            if (st)
                goto done;
        }
        double t2 = dxgk_bench_now_ns();
        for (uint64_t k = 0; k < calls; k++)
            bench_memset(buf + k * pte_bytes, (int)(k & 0x7F) | 1, pte_bytes);
        double t3 = dxgk_bench_now_ns();
        if (!warm) {
            rounds++;
            if (t1 - t0 < best_map)
                best_map = t1 - t0;
            if (t2 - t1 < best_unmap)
                best_unmap = t2 - t1;
            if (t3 - t2 < best_memset)
                best_memset = t3 - t2;
            if (rounds >= 3 && (dxgk_bench_now_ns() - start) * 1e-9 >= min_seconds)
                break;
        }
    }
    out->pages = pages;
    out->spread = spread;
    out->eligible64k = eligible64k;
    out->calls = calls;
    out->rounds = rounds;
    out->map_ns = best_map / (double)calls;
    out->unmap_ns = best_unmap / (double)calls;
    out->pte_bytes = (double)pte_bytes;
    out->map_gbps = out->pte_bytes / out->map_ns;
    out->unmap_gbps = out->pte_bytes / out->unmap_ns;
    out->memset_gbps = out->pte_bytes * (double)calls / best_memset;
    out->map_ratio = out->map_gbps / out->memset_gbps;
done:
    free(buf);
    dxgk_pt_destroy(pt);
    return st;
}

int dxgk_ptbench_translate(uint64_t n, uint64_t cold_chunks, uint32_t passes, uint64_t seed,
                           dxgk_ptbench_xlate_result *out)
{
    memset(out, 0, sizeof *out);
    const uint64_t tib = UINT64_C(1) << 40, hot_va = UINT64_C(2) << 40;
    const uint64_t hot_pages = 64, chunk_pages = 16;
    if (n == 0 || passes == 0 || cold_chunks == 0 || cold_chunks > (UINT64_C(1) << 24) ||
        (cold_chunks & (cold_chunks - 1)))
        return DXGK_PT_E_INVAL;
    const uint64_t stride = tib / cold_chunks; /* >= 64 KB */
    uint64_t *hot = malloc(n * sizeof *hot), *cold = malloc(n * sizeof *cold);
    uint64_t *bases = malloc(cold_chunks * sizeof *bases);
    dxgk_pt_xlate *res = malloc(n * sizeof *res);
    dxgk_pt *pt = NULL;
    int st = DXGK_PT_E_NOMEM;
    if (!hot || !cold || !bases || !res)
        goto done;
    memset(res, 0, n * sizeof *res); /* fault the output pages in before any timing */
    st = default_pt(UINT64_C(1) << 40, &pt);
    if (st)
        goto done;
    dxgk_pt_target t = {DXGK_PT_KIND_PAGES, 1, 0, 0, 0};
    st = dxgk_pt_map(pt, hot_va, hot_pages, &t);
    uint64_t s = seed ? seed : 1;
    const uint64_t leaf_pages = 512;
    for (uint64_t c = 0; c < cold_chunks && !st; c++) {
        uint64_t room = stride / 4096 < leaf_pages ? stride / 4096 : leaf_pages;
        bases[c] = c * stride + (dxgk_bench_rng(&s) % (room - chunk_pages + 1)) * 4096;
        t.address = (c + 1) * chunk_pages * 4096;
        st = dxgk_pt_map(pt, bases[c], chunk_pages, &t);
    }
    if (st)
        goto done;
    for (uint64_t i = 0; i < n; i++) {
        hot[i] = hot_va + dxgk_bench_rng(&s) % (hot_pages * 4096);
        cold[i] = bases[dxgk_bench_rng(&s) % cold_chunks] + dxgk_bench_rng(&s) % (chunk_pages * 4096);
    }
    dxgk_pt_stats stats;
    dxgk_pt_get_stats(pt, &stats);
    out->vas = n;
    out->hot_pages = hot_pages;
    out->cold_pages = cold_chunks * chunk_pages;
    out->cold_span = tib;
    out->cold_leaf_tables = stats.tables[0] - 1;
    double best[5] = {1e300, 1e300, 1e300, 1e300, 1e300};
    dxgk_pt_walk_result w;
    for (uint32_t p = 0; p < passes; p++) {
        const uint64_t *sets[2] = {hot, cold};
        for (int k = 0; k < 2; k++) {
            double t0 = dxgk_bench_now_ns();
            dxgk_pt_translate_many(pt, sets[k], n, res);
            double t1 = dxgk_bench_now_ns();
            for (uint64_t i = 0; i < n; i++)
                if (!res[i].valid) { /* every VA of both sets is mapped */
                    st = DXGK_PT_E_INVAL;
                    goto done;
                }
            double t2 = dxgk_bench_now_ns();
            for (uint64_t i = 0; i < n; i++)
                dxgk_pt_translate(pt, sets[k][i], &res[i]);
            double t3 = dxgk_bench_now_ns();
            if (t1 - t0 < best[2 * k])
                best[2 * k] = t1 - t0;
            if (t3 - t2 < best[2 * k + 1])
                best[2 * k + 1] = t3 - t2;
        }
        double t4 = dxgk_bench_now_ns();
        uint64_t sink = 0;
        for (uint64_t i = 0; i < n; i++) {
            dxgk_pt_walk(pt, cold[i], &w);
            sink += w.result.address;
        }
        double t5 = dxgk_bench_now_ns();
        if (!sink) {
            st = DXGK_PT_E_INVAL;
            goto done;
        }
        if (t5 - t4 < best[4])
            best[4] = t5 - t4;
    }
    out->hot_batch_ns = best[0] / (double)n;
    out->hot_single_ns = best[1] / (double)n;
    out->cold_batch_ns = best[2] / (double)n;
    out->cold_single_ns = best[3] / (double)n;
    out->walk_cold_ns = best[4] / (double)n;
done:
    dxgk_pt_destroy(pt);
    free(hot);
    free(cold);
    free(bases);
    free(res);
    return st;
}
