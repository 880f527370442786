/*
 * range_alloc.h -- O(log n) range allocator for GPU virtual address spaces and
 * memory segments (dxgk C core).
 *
 * One dxgk_ra manages the addresses [lo, hi) (lo < hi <= 2^64 - 1; the byte at
 * 2^64 - 1 is never allocatable because hi is exclusive). Live ranges never overlap,
 * carry a caller tag, and are found, freed and iterated by address. Every operation
 * is O(log n) in the number of live ranges -- a lowest/highest fit for any
 * power-of-two alignment with phase 0 included; the first request of an alignment
 * order (4 KB .. 2^63) other than 64 KB and 2 MB costs O(n) once per allocator,
 * to start keeping that order's fits. See range_alloc.c for the structure and the
 * exact bound of the aligned searches (nonzero phases included).
 *
 * Thread safety: none inside. One allocator belongs to one address space or segment
 * of one adapter; callers hold that adapter's lock around every call.
 */
#ifndef DXGK_RANGE_ALLOC_H
#define DXGK_RANGE_ALLOC_H

#include <stdint.h>

typedef struct dxgk_ra dxgk_ra;

/* Status codes (errno-like magnitudes). */
enum {
    DXGK_RA_OK = 0,
    DXGK_RA_ENOENT = -2,    /* no live range starts (or lies) there */
    DXGK_RA_ENOMEM = -12,   /* the node pool could not grow; nothing changed */
    DXGK_RA_EBUSY = -16,    /* a fixed range overlaps a live range */
    DXGK_RA_EINVAL = -22,   /* bad argument: size 0, bad align/phase/flags, outside [lo, hi) */
    DXGK_RA_ENOSPC = -28,   /* no free range satisfies the request */
};

/* Flags of dxgk_ra_alloc / dxgk_ra_find_fit. */
enum {
    DXGK_RA_HIGHEST = 1,    /* the highest fitting start instead of the lowest */
};

/* Invariant violations reported by dxgk_ra_validate (0 = consistent). */
enum {
    DXGK_RA_V_NULL = -100,      /* allocator or root pointer is NULL, bad height */
    DXGK_RA_V_FILL = -101,      /* a node holds too few or too many entries */
    DXGK_RA_V_KEYS = -102,      /* separator keys out of order or not bounding a child */
    DXGK_RA_V_ORDER = -103,     /* ranges not in strictly increasing address order */
    DXGK_RA_V_HOLE = -104,      /* a cached hole disagrees with its neighbours (overlap) */
    DXGK_RA_V_SIZE = -105,      /* a live range of size 0, or one crossing hi */
    DXGK_RA_V_SENTINEL = -106,  /* the end marker at hi is missing or misplaced */
    DXGK_RA_V_MAXGAP = -107,    /* a cached largest-hole value is wrong */
    DXGK_RA_V_LINKS = -108,     /* leaf chain (prev/next) broken */
    DXGK_RA_V_COUNT = -109,     /* live / hole / free-byte counters wrong */
    DXGK_RA_V_DEPTH = -110,     /* leaves at different depths */
};

/* Counters, all O(1) except largest_hole (O(fan-out)). */
typedef struct dxgk_ra_stats {
    uint64_t lo, hi;            /* the managed space [lo, hi) */
    uint64_t live;              /* live ranges */
    uint64_t holes;             /* maximal free ranges (nonempty holes) */
    uint64_t free_bytes;        /* total free bytes in [lo, hi) */
    uint64_t largest_hole;      /* size of the largest hole */
    uint64_t height;            /* tree height (0: the root is a leaf) */
    uint64_t pool_bytes;        /* memory held by the node pools */
} dxgk_ra_stats;

/* A new allocator for [lo, hi) with no live ranges; NULL if lo >= hi or out of memory. */
dxgk_ra *dxgk_ra_create(uint64_t lo, uint64_t hi);

/* Frees the allocator and all its memory. NULL is accepted. */
void dxgk_ra_destroy(dxgk_ra *ra);

/* Finds the lowest (DXGK_RA_HIGHEST: highest) start s with s == phase (mod align),
 * min <= s, s + size <= max (max is an exclusive end limit; the window is also
 * clipped to [lo, hi)) and [s, s + size) free, allocates it with `tag` and stores s.
 * align is a power of two up to 2^63 (0 means 1); phase < align; size > 0.
 * DXGK_RA_EINVAL for bad arguments, DXGK_RA_ENOSPC when nothing fits (an empty
 * window such as max == 0 included), DXGK_RA_ENOMEM; on failure nothing changes. */
int dxgk_ra_alloc(dxgk_ra *ra, uint64_t size, uint64_t align, uint64_t phase,
                  uint64_t min, uint64_t max, uint32_t flags, uint64_t tag,
                  uint64_t *out_start);

/* Same search as dxgk_ra_alloc, without allocating: a caller can check other
 * resources for the range at *out_start and then commit it with dxgk_ra_alloc_fixed
 * (under the same lock). Same return codes except DXGK_RA_ENOMEM. Like
 * dxgk_ra_alloc it may start keeping the fits of the request's alignment order,
 * which changes no range and no later answer (hence the lock). */
int dxgk_ra_find_fit(const dxgk_ra *ra, uint64_t size, uint64_t align, uint64_t phase,
                     uint64_t min, uint64_t max, uint32_t flags, uint64_t *out_start);

/* Allocates exactly [start, start + size). DXGK_RA_EINVAL if size is 0, the range
 * wraps past 2^64 or leaves [lo, hi); DXGK_RA_EBUSY if any byte of it is live. */
int dxgk_ra_alloc_fixed(dxgk_ra *ra, uint64_t start, uint64_t size, uint64_t tag);

/* Frees the live range that starts exactly at start, merging the holes on both
 * sides. DXGK_RA_ENOENT (nothing changed) for any other address. */
int dxgk_ra_free(dxgk_ra *ra, uint64_t start);

/* The live range containing addr: 0 and its start/size/tag (any out pointer may be
 * NULL), or DXGK_RA_ENOENT when addr is free or outside [lo, hi). */
int dxgk_ra_find(const dxgk_ra *ra, uint64_t addr, uint64_t *start, uint64_t *size,
                 uint64_t *tag);

/* Where a lookup of one address will land, remembered by dxgk_ra_prefetch: valid only
 * while the allocator's entries have not changed since (checked, not assumed). */
typedef struct dxgk_ra_hint {
    const void *leaf;
    uint64_t stamp;
} dxgk_ra_hint;

/* A hint, for a caller about to look up addr (dxgk_ra_find, dxgk_ra_hint_tag, ...) a few
 * operations from now: asks the cache for the leaf that lookup will read (the inner
 * nodes above it are read on the way), and *hint (may be NULL) remembers that leaf.
 * Changes nothing. Returns 1, or 0 without asking for anything while the tree is small
 * enough to stay in a core's cache (a caller may then skip its own prefetches too; *hint
 * is then empty). */
int dxgk_ra_prefetch(const dxgk_ra *ra, uint64_t addr, dxgk_ra_hint *hint);

/* The tag of the live range containing addr, as dxgk_ra_find gives it: read from the
 * hint's leaf (no descent) when no entry has changed since the hint was taken, else
 * looked up. 0, or DXGK_RA_ENOENT when addr is free or outside [lo, hi). */
int dxgk_ra_hint_tag(const dxgk_ra *ra, const dxgk_ra_hint *hint, uint64_t addr,
                     uint64_t *tag);

/* Iteration in address order: the first live range whose start is >= from
 * (dxgk_ra_next) or the last whose start is < before (dxgk_ra_prev).
 * 0, or DXGK_RA_ENOENT past the end. Out pointers may be NULL. */
int dxgk_ra_next(const dxgk_ra *ra, uint64_t from, uint64_t *start, uint64_t *size,
                 uint64_t *tag);
int dxgk_ra_prev(const dxgk_ra *ra, uint64_t before, uint64_t *start, uint64_t *size,
                 uint64_t *tag);

/* Replaces the tag of the live range starting at start (DXGK_RA_ENOENT otherwise). */
int dxgk_ra_set_tag(dxgk_ra *ra, uint64_t start, uint64_t tag);

/* Copies up to cap live ranges, in address order, into the arrays (any may be
 * NULL); returns the total number of live ranges (which may exceed cap). O(n). */
uint64_t dxgk_ra_dump(const dxgk_ra *ra, uint64_t *starts, uint64_t *sizes,
                      uint64_t *tags, uint64_t cap);

/* The same for the holes (maximal free ranges), in address order. */
uint64_t dxgk_ra_dump_holes(const dxgk_ra *ra, uint64_t *starts, uint64_t *sizes,
                            uint64_t cap);

/* Counters: number of live ranges, of holes, free bytes, size of the largest hole. */
uint64_t dxgk_ra_count(const dxgk_ra *ra);
uint64_t dxgk_ra_hole_count(const dxgk_ra *ra);
uint64_t dxgk_ra_free_bytes(const dxgk_ra *ra);
uint64_t dxgk_ra_largest_hole(const dxgk_ra *ra);
/* How many leaves searches (alloc, find_fit) have visited since creation:
 * statistics for tests that a search walks no near misses. */
uint64_t dxgk_ra_search_leaves(const dxgk_ra *ra);
void dxgk_ra_get_stats(const dxgk_ra *ra, dxgk_ra_stats *out);

/* Walks the whole structure (O(n)) and checks every invariant: ordering, no
 * overlap, holes exactly between neighbours, cached maxima, node fill, leaf chain,
 * counters. 0 if all hold, else the DXGK_RA_V_* code of the first broken one. */
int dxgk_ra_validate(const dxgk_ra *ra);

#endif /* DXGK_RANGE_ALLOC_H */
