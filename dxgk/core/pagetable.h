/*
 * pagetable.h -- GpuMmu multi-level page tables (docs/behaviour.md section 7).
 *
 * One dxgk_pt is the page-table tree of one GPU VA space: 2..6 levels configured from
 * DXGK_GPUMMUCAPS and DXGK_PAGE_TABLE_LEVEL_DESC, entries are the header's DXGK_PTE.
 * The module writes and walks tables; it knows nothing of handles, allocations or the
 * VA bookkeeping of VidMm (vidmm.c applies the rules of docs/behaviour.md and calls in here).
 *
 * Table memory: every table occupies PageTableSizeInBytes (LeafPageTableSizeFor64K-
 * PagesInBytes for a 64 KB leaf) of its level's PageTableSegmentId, obtained through a
 * caller-supplied dxgk_pt_mem; the segment offset is what the parent entry records in
 * PageTableAddress. The entries themselves live in host memory as DXGK_PTE arrays.
 *
 * Not thread-safe: the caller serialises every call on one dxgk_pt (VidMm holds the
 * adapter lock); walk/translate only read and may run concurrently with each other.
 */
#ifndef DXGK_PAGETABLE_H
#define DXGK_PAGETABLE_H

#include <stddef.h>
#include <stdint.h>

#include "d3dkmddi.h"

#define DXGK_PT_MAX_LEVELS 6

/* Status codes of this module (not NTSTATUS; vidmm.c translates them). */
enum {
    DXGK_PT_OK = 0,
    DXGK_PT_E_CONFIG = 1,   /* caps / level descriptions rejected (message available) */
    DXGK_PT_E_INVAL = 2,    /* bad argument: range, alignment, kind, flags, segment */
    DXGK_PT_E_NOSPACE = 3,  /* the page-table segment has no room for a needed table */
    DXGK_PT_E_NOMEM = 4     /* host memory exhausted */
};

/* dxgk_pt_target.kind */
enum {
    DXGK_PT_KIND_PAGES = 0,     /* consecutive 4 KB pages of a segment */
    DXGK_PT_KIND_ZERO = 1,      /* Valid=1, Zero=1, no address */
    DXGK_PT_KIND_NOACCESS = 2   /* Valid=0: the range ends up unmapped */
};

/* dxgk_pt_target.flags */
enum {
    DXGK_PT_READ_ONLY = 1,       /* written to PTE.ReadOnly when the caps support it */
    DXGK_PT_NO_EXECUTE = 2,      /* written to PTE.NoExecute when supported */
    DXGK_PT_CACHE_COHERENT = 4,  /* written to PTE.CacheCoherent when supported */
    DXGK_PT_ELIGIBLE_64K = 8     /* the pages come from a 64 KB-page segment (caller knows) */
};

/* Capability bits of dxgk_pt_caps_init / dxgk_pt_geometry.caps (this module's names for
 * the DXGK_GPUMMUCAPS flags it reads). */
enum {
    DXGK_PT_CAP_READ_ONLY = 1,
    DXGK_PT_CAP_NO_EXECUTE = 2,
    DXGK_PT_CAP_ZERO = 4,
    DXGK_PT_CAP_CACHE_COHERENT = 8,
    DXGK_PT_CAP_EXPLICIT_INVALIDATION = 16,
    DXGK_PT_CAP_LARGE_PAGE = 32,
    DXGK_PT_CAP_DUAL_PTE = 64
};

/* Placement of table memory in page-table segments. alloc returns 0 and the segment
 * byte offset on success, non-zero when the segment has no room; free gives back
 * exactly what one alloc returned. */
typedef struct dxgk_pt_mem {
    void *ctx;
    int (*alloc)(void *ctx, uint32_t segment_id, uint64_t size, uint64_t align,
                 uint64_t *out_offset);
    void (*free)(void *ctx, uint32_t segment_id, uint64_t offset, uint64_t size);
} dxgk_pt_mem;

/* What a range of VA maps to. */
typedef struct dxgk_pt_target {
    uint32_t kind;      /* DXGK_PT_KIND_* */
    uint32_t segment;   /* PTE.Segment for PAGES (0..31; 0 = system memory) */
    uint64_t address;   /* byte address of the first page in that segment, 4 KB aligned */
    uint32_t flags;     /* DXGK_PT_READ_ONLY | ... */
    uint32_t reserved;  /* must be 0 */
} dxgk_pt_target;

/* One translated VA: the record layout numpy sees (itemsize 24, see dxgk/records.py xlate_dtype). */
typedef struct dxgk_pt_xlate {
    uint8_t valid;
    uint8_t zero;
    uint8_t read_only;
    uint8_t no_execute;
    uint8_t segment;
    uint8_t pad0[3];
    uint32_t page_size;  /* 4096 or 65536; 0 when invalid */
    uint32_t pad1;
    uint64_t address;    /* byte address of the VA's byte in the segment; 0 if not valid/zero */
} dxgk_pt_xlate;

/* One level of a walk, root first. */
typedef struct dxgk_pt_walk_level {
    uint32_t level;          /* 0 = leaf ... level count - 1 = root */
    uint32_t index;          /* entry index in the table (64 KB entries in a 64 KB leaf) */
    uint32_t table_segment;  /* segment holding the table */
    uint32_t table_page_size;/* leaf: 4096 or 65536 per entry; upper levels: 0 */
    uint64_t table_address;  /* segment byte offset of the table */
    uint64_t entry_flags;    /* DXGK_PTE.Flags */
    uint64_t entry_address;  /* DXGK_PTE.PageAddress / PageTableAddress */
} dxgk_pt_walk_level;

typedef struct dxgk_pt_walk_result {
    uint32_t depth;          /* levels[0..depth) were read; a walk stops at an invalid entry */
    uint32_t reserved;
    dxgk_pt_walk_level levels[DXGK_PT_MAX_LEVELS];
    dxgk_pt_xlate result;
} dxgk_pt_walk_result;

typedef struct dxgk_pt_stats {
    uint64_t tables[DXGK_PT_MAX_LEVELS]; /* live tables per level (leaf: both formats) */
    uint64_t leaf64k_tables;             /* of tables[0], those in the 64 KB format */
    uint64_t table_bytes;                /* segment bytes held by live tables */
    uint64_t valid_leaf_entries;         /* valid entries in leaf tables */
    uint64_t mapped_pages;               /* the same in 4 KB pages (a 64 KB entry = 16) */
    uint64_t conversions;                /* 64 KB -> 4 KB leaf conversions so far */
} dxgk_pt_stats;

/* Table memory a map/unmap would have to take (dry run; see dxgk_pt_estimate). */
typedef struct dxgk_pt_cost {
    uint64_t tables[DXGK_PT_MAX_LEVELS]; /* new 4 KB-format tables per level (conversions incl.) */
    uint64_t leaf64k_tables;             /* new 64 KB-format leaf tables */
    uint64_t conversions;                /* 64 KB leaves that would be converted */
    uint64_t bytes;                      /* segment bytes of all new tables */
} dxgk_pt_cost;

typedef struct dxgk_pt_geometry {
    uint32_t level_count;
    uint32_t va_bits;
    uint32_t index_bits[DXGK_PT_MAX_LEVELS];
    uint32_t shift[DXGK_PT_MAX_LEVELS];       /* lowest VA bit indexing level l */
    uint32_t table_size[DXGK_PT_MAX_LEVELS];
    uint32_t table_align[DXGK_PT_MAX_LEVELS]; /* 0 in the description = 4096 */
    uint32_t table_segment[DXGK_PT_MAX_LEVELS];
    uint32_t leaf64k_size;                    /* 0: the 64 KB leaf format is off */
    uint32_t caps;                            /* DXGK_PT_CAP_* */
} dxgk_pt_geometry;

typedef struct dxgk_pt dxgk_pt;

/* Checks caps + levels[PageTableLevelCount] against docs/behaviour.md 3.6 and the sanity rules
 * documented in pagetable.c. Returns DXGK_PT_OK or DXGK_PT_E_CONFIG; on error writes a
 * NUL-terminated message into msg (if msg_size > 0). */
int dxgk_pt_config_check(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                         char *msg, size_t msg_size);

/* Fills caps and levels[0..3] with the default GpuMmu of docs/behaviour.md 3.5 (4 x 9
 * bits, 48-bit VA, 4096-byte tables in segment 1, 256-byte 64 KB leaves, RO/NX/Zero/CacheCoherent). */
void dxgk_pt_default_config(DXGK_GPUMMUCAPS *caps, DXGK_PAGE_TABLE_LEVEL_DESC *levels);

/* Writes the fields this module reads into a DXGK_GPUMMUCAPS (other fields zeroed). */
void dxgk_pt_caps_init(DXGK_GPUMMUCAPS *caps, uint32_t cap_flags, uint32_t va_bits,
                       uint32_t leaf64k_size, uint32_t level_count);

/* Writes one DXGK_PAGE_TABLE_LEVEL_DESC (levels[level]). */
void dxgk_pt_level_init(DXGK_PAGE_TABLE_LEVEL_DESC *levels, uint32_t level, uint32_t index_bits,
                        uint32_t segment_id, uint32_t size_bytes, uint32_t align_bytes);

size_t dxgk_pt_caps_size(void);        /* sizeof(DXGK_GPUMMUCAPS) */
uint32_t dxgk_pt_caps_level_count(const DXGK_GPUMMUCAPS *caps); /* its PageTableLevelCount */
size_t dxgk_pt_level_desc_size(void);  /* sizeof(DXGK_PAGE_TABLE_LEVEL_DESC) */

/* Creates a tree (with its root table, placed through mem; mem is copied). On failure
 * returns a status, *out = NULL, nothing held; DXGK_PT_E_CONFIG writes msg. */
int dxgk_pt_create(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                   const dxgk_pt_mem *mem, dxgk_pt **out, char *msg, size_t msg_size);

/* Same, with built-in placement: one range allocator (range_alloc.h, lowest fit) over
 * [base, base + capacity) shared by all levels whatever their segment id (tests, tools
 * and benchmarks). */
int dxgk_pt_create_bounded(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                           uint64_t base, uint64_t capacity, dxgk_pt **out, char *msg,
                           size_t msg_size);

/* Frees every table (through mem) and the tree. NULL is a no-op. */
void dxgk_pt_destroy(dxgk_pt *pt);

/* Maps [va, va + npages*4096) to t (docs/behaviour.md section 7). Atomic: on any error the tree,
 * its counters and the table memory are exactly as before. NOACCESS leaves the range
 * invalid (same as dxgk_pt_unmap). Existing entries in the range are replaced. */
int dxgk_pt_map(dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t);

/* Invalidates [va, va + npages*4096); frees every table whose last valid entry goes.
 * Can only fail (atomically) when it must split a valid 64 KB entry, which converts
 * the leaf to 4 KB entries and needs a new table. */
int dxgk_pt_unmap(dxgk_pt *pt, uint64_t va, uint64_t npages);

/* Dry run: what dxgk_pt_map(va, npages, t) -- or dxgk_pt_unmap when t is NULL -- would
 * have to allocate. Same argument checks, changes nothing. */
int dxgk_pt_estimate(const dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                     dxgk_pt_cost *out);

/* The reserve (docs/behaviour.md 9.7): tables taken from the segments ahead of a write
 * that must not fail later. dxgk_pt_bound gives what a map (t) or unmap (t NULL) of
 * [va, va + npages*4096) could take at most, whatever the tree then holds; a tree
 * keeps a stock of unattached tables per kind, dxgk_pt_reserve makes that stock exactly
 * `want` (tables[] per level, leaf64k_tables; atomic: on failure it is as before), and
 * while dxgk_pt_draw_reserve(pt, 1) is in force map and unmap take their new tables from
 * the stock first. The stock's segment bytes are dxgk_pt_reserve_bytes, not in st. */
int dxgk_pt_bound(const dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                  dxgk_pt_cost *out);
int dxgk_pt_reserve(dxgk_pt *pt, const dxgk_pt_cost *want);
void dxgk_pt_draw_reserve(dxgk_pt *pt, int on);
uint64_t dxgk_pt_reserve_bytes(const dxgk_pt *pt);

/* Walks one VA from the root. DXGK_PT_E_INVAL when va >= 2^VirtualAddressBitCount. */
int dxgk_pt_walk(const dxgk_pt *pt, uint64_t va, dxgk_pt_walk_result *out);

/* Translates one VA (out of range -> invalid). */
void dxgk_pt_translate(const dxgk_pt *pt, uint64_t va, dxgk_pt_xlate *out);

/* Translates vas[0..n) into out[0..n) (array of dxgk_pt_xlate records). */
void dxgk_pt_translate_many(const dxgk_pt *pt, const uint64_t *vas, size_t n, dxgk_pt_xlate *out);

/* A hint, for a caller about to map or unmap va a few operations from now: asks the
 * cache for the leaf table lines that will be written (the upper levels are walked, as
 * by dxgk_pt_translate). Changes nothing; any va is accepted. */
void dxgk_pt_prefetch(const dxgk_pt *pt, uint64_t va);

/* Copies the counters (kept up to date by every operation: O(1)). */
void dxgk_pt_get_stats(const dxgk_pt *pt, dxgk_pt_stats *out);

/* The configuration the tree was built with (levels, shifts, sizes, caps). */
void dxgk_pt_get_geometry(const dxgk_pt *pt, dxgk_pt_geometry *out);

/* Every live table, root first and then depth first in index order (the tree's own
 * order): fn gets each one's level, segment, entry count, format, the VA bytes an
 * entry maps (log2), segment offset, the VA its entry 0 maps and its entries (valid during the call); a non-zero return stops the
 * visit and is returned. Changes nothing. */
typedef struct dxgk_pt_table_info {
    uint32_t level, segment, nent;
    uint32_t fmt64k;          /* a 64 KB-format leaf */
    uint32_t shift;           /* log2 of the VA bytes one entry maps */
    uint32_t reserved;
    uint64_t offset;          /* the table's segment offset */
    uint64_t va;              /* the VA entry 0 maps */
    const DXGK_PTE *entries;
} dxgk_pt_table_info;
typedef int (*dxgk_pt_table_fn)(void *ctx, const dxgk_pt_table_info *t);
int dxgk_pt_foreach_table(const dxgk_pt *pt, dxgk_pt_table_fn fn, void *ctx);

/* The change stream (paging.c turns it into paging operations, docs/behaviour.md 10.2).
 * With a sink set, every commit reports what it writes, one event per run of entries of
 * one table, in the order it writes them (depth first, VA order), and tables it empties
 * are not released at once but kept until dxgk_pt_release_deferred -- so the stream can
 * be delivered (and a TLB flush issued) before their memory is reused. Events:
 *   INIT   a new table (taken from the pool): all its entries, all invalid;
 *   WRITE  entries [start, start + count) set valid (a leaf run, an upper entry naming
 *          a new or converted child, or -- fill = 1 -- the whole content of a 4 KB leaf
 *          made by a 64 KB -> 4 KB conversion);
 *   CLEAR  entries [start, start + count) made invalid (child: the table an upper entry
 *          named, which is now empty and released at the end).
 * `entries` points into the table itself: the final content of the run once the commit
 * returns, readable until dxgk_pt_release_deferred. Without a sink nothing is reported
 * and tables are released at once (no cost). */
enum { DXGK_PT_EV_INIT = 0, DXGK_PT_EV_WRITE = 1, DXGK_PT_EV_CLEAR = 2 };

typedef struct dxgk_pt_event {
    uint32_t kind;            /* DXGK_PT_EV_* */
    uint32_t level;           /* of the table written */
    uint32_t start, count;    /* the run; INIT: 0 and every entry of the table */
    uint32_t segment;         /* the table's PageTableSegmentId */
    uint8_t fmt64k;           /* the table is a 64 KB-format leaf */
    uint8_t repeat;           /* every entry of the run equals entries[0] */
    uint8_t was_valid;        /* some entry of the run was valid before */
    uint8_t fill;             /* WRITE: the conversion fill of a new 4 KB leaf */
    uint8_t linear;           /* entry k = entries[0] with PageAddress + k * stride */
    uint64_t stride;          /* linear: bytes between the entries' page addresses */
    uint64_t offset;          /* the table's segment offset */
    uint64_t va;              /* the VA entry `start` maps */
    const DXGK_PTE *entries;  /* &table[start] */
    const void *table;        /* identity of the table written */
    const void *child;        /* CLEAR of an upper entry: the table it named */
} dxgk_pt_event;

typedef void (*dxgk_pt_sink_fn)(void *ctx, const dxgk_pt_event *ev);

/* Sets (fn non-NULL) or removes the sink. Removing it releases the deferred tables. */
void dxgk_pt_set_sink(dxgk_pt *pt, dxgk_pt_sink_fn fn, void *ctx);
/* Releases the tables emptied since the last call (their segment ranges and blocks). */
void dxgk_pt_release_deferred(dxgk_pt *pt);
/* The root table: its level, segment id, segment offset and entry count. */
void dxgk_pt_root(const dxgk_pt *pt, uint32_t *level, uint32_t *segment, uint64_t *offset,
                  uint32_t *nent);

/* Checks every invariant (see pagetable.c). DXGK_PT_OK, or DXGK_PT_E_INVAL with the
 * first violation described in msg. O(table memory). */
int dxgk_pt_validate(const dxgk_pt *pt, char *msg, size_t msg_size);

/* A short English name for a DXGK_PT_* status. */
const char *dxgk_pt_strerror(int status);

#endif /* DXGK_PAGETABLE_H */
