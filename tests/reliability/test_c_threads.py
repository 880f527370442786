"""Concurrency without the GIL: C "drivers" on pthreads calling dxgk only through the
DXGKRNL_INTERFACE tables they were handed (as real KMDs do), all at full speed in parallel.

The Python threads of test_concurrency.py interleave mostly at call boundaries (each
thread holds the GIL between its C calls); here nothing serialises the callers but
dxgk's own locks:

* WORKERS threads on adapter A share one device (one VA space): create, map (lowest fit),
  destroy, round and round. Every mapping is logged with the interval in which it was
  certainly alive (after its map returned, before its destroy was called); afterwards no
  two mappings whose intervals overlap may overlap in VA -- no VA handed out twice.
* one thread on adapter B creates and destroys allocations and publishes each new handle;
* one thread hands those handles -- live in B, dying as it uses them -- to adapter A's
  map, destroy and update: every call must fail (never map, never destroy).

Then validate() holds for both adapters and everything is given back. Under
`make test-asan` this is where a use-after-free in a handle lookup shows.
"""

from __future__ import annotations

import ctypes
import gc
from pathlib import Path

import fuzzkit as F
import numpy as np
import pytest

import dxgk
from dxgk.testing import cbuild

HEADERS = Path(__file__).resolve().parents[2] / "headers"
WORKERS = 4
ITERS = 15000 * (10 if F.LONG else 1)          # per thread

DRIVER_C = r"""
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "dispmprt.h"

typedef struct drv_event { uint64_t va, size, born, dies; } drv_event;

static _Atomic uint64_t g_clock = 1;
static _Atomic uint64_t g_published;      /* latest allocation handle made on adapter B */
static _Atomic int g_stop;

typedef struct worker {
    const DXGKRNL_INTERFACE *iface;
    uint64_t device;
    uint32_t iters, seed, publish;
    drv_event *events;
    uint32_t nevents;
    uint32_t ok_maps, fail_create, fail_map, fail_destroy;
} worker;

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void retire(worker *w, HANDLE *live, uint32_t *ev, uint32_t slot)
{
    if (!live[slot])
        return;
    if (w->events)
        w->events[ev[slot]].dies = atomic_fetch_add(&g_clock, 1);
    if (w->iface->DxgkCbDestroyContextAllocation(w->iface->DeviceHandle, live[slot]))
        w->fail_destroy++;
    live[slot] = 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    HANDLE live[8] = {0};
    uint32_t ev[8] = {0};
    for (uint32_t i = 0; i < w->iters; i++) {
        uint32_t slot = rnd(&w->seed) % 8;
        DXGKARGCB_CREATECONTEXTALLOCATION c;
        DXGKARGCB_MAPCONTEXTALLOCATION m;
        D3DGPU_VIRTUAL_ADDRESS va;
        retire(w, live, ev, slot);
        memset(&c, 0, sizeof c);
        c.hAdapter = w->iface->DeviceHandle;
        c.hDevice = (HANDLE)(uintptr_t)w->device;
        c.Size = 4096u * (1 + rnd(&w->seed) % 32);
        c.SupportedSegmentSet = 1 + rnd(&w->seed) % 3;
        if (w->iface->DxgkCbCreateContextAllocation(&c)) {
            w->fail_create++;
            continue;
        }
        if (w->publish)
            atomic_store(&g_published, (uint64_t)(uintptr_t)c.hAllocation);
        memset(&m, 0, sizeof m);
        m.hAllocation = c.hAllocation;
        m.SizeInPages = c.Size / 4096;
        m.Protection.Write = 1;
        va = w->iface->DxgkCbMapContextAllocation(w->iface->DeviceHandle, &m);
        live[slot] = c.hAllocation;
        if (!va) {
            w->fail_map++;
            retire(w, live, ev, slot);
            continue;
        }
        w->ok_maps++;
        if (w->events) {
            drv_event *e = &w->events[w->nevents];
            e->va = va;
            e->size = m.SizeInPages * 4096;
            e->born = atomic_fetch_add(&g_clock, 1);
            e->dies = UINT64_MAX;
            ev[slot] = w->nevents++;
        }
    }
    for (uint32_t s = 0; s < 8; s++)
        retire(w, live, ev, s);
    return NULL;
}

typedef struct foreign {
    const DXGKRNL_INTERFACE *iface;   /* adapter A's */
    uint64_t tries, wrongly_mapped, wrongly_destroyed, wrongly_updated;
} foreign;

static void *foreign_main(void *arg)
{
    foreign *f = arg;
    DXGKARGCB_MAPCONTEXTALLOCATION m;
    DXGKARGCB_UPDATECONTEXTALLOCATION u;
    memset(&m, 0, sizeof m);
    memset(&u, 0, sizeof u);
    m.SizeInPages = 1;
    m.Protection.Write = 1;
    while (!atomic_load(&g_stop)) {
        HANDLE h = (HANDLE)(uintptr_t)atomic_load(&g_published);
        m.hAllocation = h;
        u.hAllocation = h;
        if (f->iface->DxgkCbMapContextAllocation(f->iface->DeviceHandle, &m))
            f->wrongly_mapped++;
        if (f->iface->DxgkCbDestroyContextAllocation(f->iface->DeviceHandle, h) == 0)
            f->wrongly_destroyed++;
        if (f->iface->DxgkCbUpdateContextAllocation(f->iface->DeviceHandle, &u) == 0)
            f->wrongly_updated++;
        f->tries++;
    }
    return NULL;
}

/* counts[0..]: per worker ok_maps, fail_create, fail_map, fail_destroy, nevents (5 each),
 * then B's worker (5), then foreign: tries, wrongly mapped, destroyed, updated. */
int drv_race(uintptr_t iface_a, uintptr_t iface_b, uint64_t dev_a, uint64_t dev_b,
             uint32_t nworkers, uint32_t iters, drv_event *events, uint64_t *counts)
{
    pthread_t t[16], tb, tf;
    worker w[16], wb;
    foreign f;
    if (nworkers > 16)
        return -1;
    atomic_store(&g_stop, 0);
    atomic_store(&g_published, 0);
    memset(&wb, 0, sizeof wb);
    wb.iface = (const DXGKRNL_INTERFACE *)iface_b;
    wb.device = dev_b;
    wb.iters = 5 * iters;       /* the foreign thread races B for this long */
    wb.seed = 99;
    wb.publish = 1;
    memset(&f, 0, sizeof f);
    f.iface = (const DXGKRNL_INTERFACE *)iface_a;
    if (pthread_create(&tb, NULL, worker_main, &wb) || pthread_create(&tf, NULL, foreign_main, &f))
        return -2;
    for (uint32_t i = 0; i < nworkers; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].iface = (const DXGKRNL_INTERFACE *)iface_a;
        w[i].device = dev_a;
        w[i].iters = iters;
        w[i].seed = 1 + i;
        w[i].events = events + (size_t)i * iters;
        if (pthread_create(&t[i], NULL, worker_main, &w[i]))
            return -3;
    }
    for (uint32_t i = 0; i < nworkers; i++) {
        pthread_join(t[i], NULL);
        counts[5 * i + 0] = w[i].ok_maps;
        counts[5 * i + 1] = w[i].fail_create;
        counts[5 * i + 2] = w[i].fail_map;
        counts[5 * i + 3] = w[i].fail_destroy;
        counts[5 * i + 4] = w[i].nevents;
    }
    pthread_join(tb, NULL);
    atomic_store(&g_stop, 1);
    pthread_join(tf, NULL);
    counts[5 * nworkers + 0] = wb.ok_maps;
    counts[5 * nworkers + 1] = wb.fail_create;
    counts[5 * nworkers + 2] = wb.fail_map;
    counts[5 * nworkers + 3] = wb.fail_destroy;
    counts[5 * nworkers + 4] = wb.nevents;
    counts[5 * nworkers + 5] = f.tries;
    counts[5 * nworkers + 6] = f.wrongly_mapped;
    counts[5 * nworkers + 7] = f.wrongly_destroyed;
    counts[5 * nworkers + 8] = f.wrongly_updated;
    return 0;
}
"""

DRIVER_CDEF = """
typedef struct drv_event { uint64_t va, size, born, dies; } drv_event;
int drv_race(uintptr_t iface_a, uintptr_t iface_b, uint64_t dev_a, uint64_t dev_b,
             uint32_t nworkers, uint32_t iters, drv_event *events, uint64_t *counts);
"""


pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")


@pytest.fixture(scope="module")
def drivers(tmp_path_factory):
    return cbuild.build("_dxgk_test_kmd_threads", DRIVER_C, DRIVER_CDEF,
                        tmp_path_factory.mktemp("kmd_threads"), threads=True, headers=HEADERS)


def test_c_driver_threads_on_two_adapters(drivers):
    ffi, lib = drivers.ffi, drivers.lib
    gc.collect()                 # garbage adapters of earlier tests: not ours to count
    base = dxgk.live_handles()
    a, b = dxgk.Adapter(), dxgk.Adapter()
    pa, pb = a.create_process(), b.create_process()
    da, db = pa.create_device(), pb.create_device()
    ia, ib = a.interface(), b.interface()
    events = ffi.new("drv_event[]", WORKERS * ITERS)
    counts = ffi.new("uint64_t[]", 5 * WORKERS + 9)
    assert lib.drv_race(ctypes.addressof(ia), ctypes.addressof(ib), da.handle, db.handle,
                        WORKERS, ITERS, events, counts) == 0
    c = [int(counts[i]) for i in range(5 * WORKERS + 9)]
    total_ok = 0
    ev = []
    for i in range(WORKERS):
        ok, fail_create, fail_map, fail_destroy, n = c[5 * i:5 * i + 5]
        assert (fail_create, fail_map, fail_destroy) == (0, 0, 0), c[5 * i:5 * i + 5]
        assert ok == n
        total_ok += ok
        ev.append(np.frombuffer(ffi.buffer(events + i * ITERS, n * 32), dtype=np.uint64)
                  .reshape(n, 4))
    b_ok, b_fc, b_fm, b_fd, _ = c[5 * WORKERS:5 * WORKERS + 5]
    assert (b_fc, b_fm, b_fd) == (0, 0, 0)
    tries, mapped, destroyed, updated = c[5 * WORKERS + 5:]
    assert (mapped, destroyed, updated) == (0, 0, 0), \
        "adapter A accepted an allocation handle of adapter B"
    F.EXTRA["C threads: DDI calls"] = F.EXTRA.get("C threads: DDI calls", 0) + \
        3 * (total_ok + b_ok) + 3 * tries

    # no VA handed out twice: sweep the certainly-alive intervals in clock order; a
    # mapping born while another is alive must not overlap it
    allev = np.concatenate(ev)
    va, size, born, dies = (allev[:, k] for k in range(4))
    marks = sorted([(int(t), 1, i) for i, t in enumerate(born)] +
                   [(int(t), 0, i) for i, t in enumerate(dies)])
    active: dict[int, tuple[int, int]] = {}
    for _t, is_birth, i in marks:
        if not is_birth:
            active.pop(i, None)
            continue
        lo, hi = int(va[i]), int(va[i] + size[i])
        for k, (klo, khi) in active.items():
            if lo < khi and klo < hi:
                raise AssertionError(f"VA [{lo:#x}, {hi:#x}) handed out while "
                                     f"[{klo:#x}, {khi:#x}) was alive (events {k}, {i})")
        active[i] = (lo, hi)
    assert (dies != np.iinfo(np.uint64).max).all(), "a mapping was never destroyed"

    for ad in (a, b):
        ad.validate()
        s = ad.stats()
        assert (s.allocations, s.mappings) == (0, 0)
    assert a.stats().paging_records == 0
    for ad in (a, b):
        ad.close()
    assert dxgk.live_handles() == base
