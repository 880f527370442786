/*
 * pagetable.c -- GpuMmu page-table trees (docs/behaviour.md section 7).
 *
 * Owns the tables of one GPU VA space: levels 0 (leaf) .. n-1 (root); VA bits 0..11 are
 * the byte offset, level l is indexed by the PageTableIndexBitCount(l) bits above those
 * of level l-1. Each table is one host block: a 64-byte header, its DXGK_PTE entries,
 * and (upper levels) one child pointer per entry -- the host-side image of the entry's
 * PageTableAddress, so a walk needs no lookup from segment offsets to tables. A child
 * pointer at level 1 carries the 64 KB-leaf format in bit 0 (tables are 64-aligned), so
 * translation reads no leaf header.
 *
 * Invariants (all checked by dxgk_pt_validate):
 *  I1 a table's nvalid is the number of its entries with Valid=1; an invalid entry is
 *     16 zero bytes.
 *  I2 an upper-level entry is valid iff its child pointer is set, and then it holds
 *     exactly: Valid=1, Segment = the child's PageTableSegmentId, PageTablePageSize =
 *     64KB iff the child is a 64 KB-format leaf, PageTableAddress = the child's segment
 *     offset. Nothing else is set.
 *  I3 every table but the root has nvalid > 0: a table is freed (segment range and host
 *     block) when its last valid entry goes. The root lives as long as the tree.
 *  I4 a valid leaf entry has Valid, optionally Zero/ReadOnly/NoExecute/CacheCoherent
 *     (only those the caps support), Segment; PageAddress 4 KB aligned (64 KB aligned in
 *     a 64 KB leaf); a Zero entry has Segment 0 and PageAddress 0.
 *  I5 the counters equal a recount; no two tables' segment ranges overlap; with the
 *     built-in placement, the range allocator's live ranges are exactly the tables and
 *     its free bytes + table bytes = capacity.
 *
 * dxgk_pt_prefetch is a read-only hint: the walk of dxgk_pt_translate, then a prefetch of
 * the leaf header and entry a later map or unmap of that VA writes.
 *
 * Atomicity: map/unmap first *plan* (walk the existing tree, count every table to
 * create -- new tables and 64 KB->4 KB conversions), then take all of them (segment
 * space and host memory) into a pool, and only then *commit* (write entries, taking
 * tables from the pool). The commit cannot fail, so a failure can only happen before
 * anything was written, and releases what the pool took: the tree is exactly as before.
 *
 * 64 KB leaves (single-PTE mode; docs/behaviour.md section 7, [choice]s of this file):
 *  - a map is 64 KB-eligible when the caller flags its pages as living in a 64 KB-page
 *    segment (DXGK_PT_ELIGIBLE_64K) and VA, page address (unless Zero) and size are all
 *    64 KB aligned, and the caps give LeafPageTableSizeFor64KPagesInBytes != 0;
 *  - a leaf table is created by the first map that writes into its VA range: in 64 KB
 *    format if that map is eligible, in 4 KB format otherwise;
 *  - an eligible map into an existing 64 KB leaf writes 64 KB entries; a non-eligible
 *    map into it first converts it to a 4 KB leaf (a new table of PageTableSizeInBytes:
 *    sixteen entries per 64 KB entry, same targets); a 4 KB leaf never converts back
 *    (eligible maps into it write sixteen 4 KB entries per 64 KB page);
 *  - an unmap (or NoAccess map) that covers only part of a *valid* 64 KB entry converts
 *    the leaf too (the rest of that entry stays mapped, which the 64 KB format cannot
 *    say), so such an unmap needs a table and can fail for lack of room;
 *  - once a leaf table is freed (its last valid entry went), the next map into its range
 *    creates a fresh table and chooses the format again.
 * DualPteSupported and LargePageSupported are accepted but never used: this model writes
 * 4 KB and 64 KB leaf entries only, in single-PTE mode (a KMD's support for those modes
 * does not oblige VidMm to use them).
 *
 * PagingProcessPageTableSegmentId is checked (it must fit DXGK_PTE.Segment) but unused:
 * this model has no paging process.
 *
 * ExplicitPageTableInvalidation: when set, a leaf table that an unmap empties completely
 * is cleared entry by entry before it is freed; otherwise it is freed as is (the docs
 * allow VidMm to free tables that held valid entries).
 *
 * The change stream (pagetable.h; paging.c is its reader, docs/behaviour.md 10.2): with a
 * sink set, the commit reports every run it writes -- INIT when it takes a new table,
 * WRITE / CLEAR per run of entries of one table -- at the place it writes it, and tables
 * it empties go on a deferred-release list instead of back to their segment, so the
 * operations describing their removal (and the TLB flush) can be issued before their
 * memory is reused. The commit still cannot fail: an event is a call on the stack, the
 * list is linked through the tables themselves. Without a sink each hook is one
 * predictable branch.
 *
 * Size: this file passes the project's ~800-line budget (about 1,580 lines) because
 * it is one data structure: plan, commit, walk, convert and validate all read the
 * same private table header and child-pointer encoding, and the plan/commit split
 * that makes a map atomic only holds while both halves see that representation.
 * Splitting it would publish the table layout to a second file for no new reader.
 */
#include "pagetable.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "range_alloc.h"

_Static_assert(sizeof(DXGK_PTE) == 16, "DXGK_PTE must be 16 bytes");
_Static_assert(sizeof(((DXGK_PTE *)0)->Flags) == 8, "DXGK_PTE.Flags must be 64-bit");
_Static_assert(sizeof(dxgk_pt_xlate) == 24, "dxgk_pt_xlate is a 24-byte numpy record");

#define PT_HDR 64u           /* host header size; entries follow at this offset */
#define PT_KIND64 6u         /* pool/cost kind index of a 64 KB-format leaf */
#define PT_NKINDS 7u
/* docs/behaviour.md 7.2: PageTableAlignmentInBytes 0 means 4096 */
#define PT_DEFAULT_ALIGN 4096u
#define PT_MAX_INDEX_BITS 24u  /* [choice] bounds one table's host memory to 256 MiB */
#define PT_MIN_HW_PTE 8u       /* [choice] a hardware PTE is at least 8 bytes */
#define PT_CACHE_BYTES (4u << 20) /* host blocks of freed tables kept per tree */

typedef struct pt_table {
    DXGK_PTE *e;        /* nent entries, at (char *)this + PT_HDR */
    uintptr_t *child;   /* upper levels: nent tagged child pointers; leaf: NULL */
    uint64_t offset;    /* segment byte offset (the parent entry's PageTableAddress) */
    uint32_t nvalid;    /* I1 */
    uint32_t nent;
    uint8_t level;
    uint8_t fmt64k;     /* leaf in 64 KB format */
    uint8_t fresh;      /* leaf taken in this operation: entries not yet initialised */
    struct pt_table *dead_next; /* emptied while a sink is set: the deferred-release list */
} pt_table;
_Static_assert(sizeof(pt_table) <= PT_HDR, "table header must fit in PT_HDR bytes");

/* Built-in placement (tests, tools, benchmarks): one range allocator over
 * [base, base + capacity), shared by every level whatever its segment id. */
typedef struct pt_bounded {
    dxgk_ra *ra;
    uint64_t base, cap;
} pt_bounded;

struct dxgk_pt {
    uint32_t nlev, va_bits;
    uint32_t bits[DXGK_PT_MAX_LEVELS];
    uint32_t shift[DXGK_PT_MAX_LEVELS + 1]; /* shift[nlev] = va_bits */
    uint64_t mask[DXGK_PT_MAX_LEVELS];
    uint32_t child_off[DXGK_PT_MAX_LEVELS]; /* byte offset of child[] in a host block */
    uint32_t tsize[DXGK_PT_MAX_LEVELS], talign[DXGK_PT_MAX_LEVELS], tseg[DXGK_PT_MAX_LEVELS];
    uint32_t leaf64_size;
    uint64_t mask64;                        /* index mask of a 64 KB leaf */
    uint32_t caps;                          /* DXGK_PT_CAP_* */
    uint64_t leaf_flag_ok;                  /* PTE flag bits a leaf entry may carry */
    dxgk_pt_mem mem;
    pt_bounded *own;
    pt_table *root;
    dxgk_pt_stats st;
    /* Host blocks of freed tables kept for reuse (per kind, up to PT_CACHE_BYTES in
     * all), so map/unmap cycles do not churn the C heap; the first 8 bytes link them. */
    size_t block_bytes[PT_NKINDS];
    void *cache[PT_NKINDS];
    size_t cache_bytes;
    /* The reserve (dxgk_pt_reserve): whole tables -- segment range and host block --
     * taken ahead of time, unattached, counted in reserve_bytes and not in st; map and
     * unmap take new tables from it first while draw_reserve is set. */
    pt_table **stock[PT_NKINDS];
    size_t nstock[PT_NKINDS], capstock[PT_NKINDS];
    uint64_t reserve_bytes;
    int draw_reserve;
    /* The change stream (pagetable.h): the sink, and the tables emptied since the last
     * dxgk_pt_release_deferred (linked through dead_next). */
    dxgk_pt_sink_fn sink;
    void *sink_ctx;
    pt_table *dead;
};

typedef struct pt_pool {
    pt_table **buf;
    pt_table *inl[16];
    size_t first[PT_NKINDS], n[PT_NKINDS], used[PT_NKINDS];
    size_t total;
} pt_pool;

typedef struct map_op {
    uint64_t flags;  /* Flags word of every leaf entry written */
    uint64_t va0;
    uint64_t addr0;
    int pages;       /* 1: PageAddress advances with the VA; 0: Zero (address 0) */
    int e64;         /* 64 KB-eligible */
} map_op;

static void set_msg(char *msg, size_t n, const char *fmt, ...)
{
    if (!msg || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
}

static inline uint64_t next_boundary(uint64_t a, unsigned sh)
{
    return (a | ((UINT64_C(1) << sh) - 1)) + 1; /* a < 2^63: never wraps */
}

static inline pt_table *untag(uintptr_t p) { return (pt_table *)(p & ~(uintptr_t)1); }

static inline uint64_t table_seg_size(const dxgk_pt *pt, const pt_table *t)
{
    return t->fmt64k ? pt->leaf64_size : pt->tsize[t->level];
}

/* One event of the change stream (callers test pt->sink first: no sink, no cost). */
static void emit(dxgk_pt *pt, uint32_t kind, const pt_table *t, uint32_t start, uint32_t count,
                 uint64_t va, int repeat, int was_valid, int fill, const pt_table *child,
                 uint64_t stride)
{
    dxgk_pt_event e;
    e.kind = kind;
    e.level = t->level;
    e.start = start;
    e.count = count;
    e.segment = pt->tseg[t->level];
    e.fmt64k = t->fmt64k;
    e.repeat = (uint8_t)(repeat != 0);
    e.was_valid = (uint8_t)(was_valid != 0);
    e.fill = (uint8_t)(fill != 0);
    e.linear = (uint8_t)(stride != 0);
    e.stride = stride;
    e.offset = t->offset;
    e.va = va;
    e.entries = kind == DXGK_PT_EV_CLEAR ? NULL : t->e + start;
    e.table = t;
    e.child = child;
    pt->sink(pt->sink_ctx, &e);
}

/* VA of the first byte entry i of a table of level lvl maps, for VA a inside it. */
static inline uint64_t entry_base(const dxgk_pt *pt, unsigned lvl, uint64_t a)
{
    return a & ~((UINT64_C(1) << pt->shift[lvl]) - 1);
}

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                        */

const char *dxgk_pt_strerror(int status)
{
    switch (status) {
    case DXGK_PT_OK: return "success";
    case DXGK_PT_E_CONFIG: return "invalid GpuMmu configuration";
    case DXGK_PT_E_INVAL: return "invalid argument";
    case DXGK_PT_E_NOSPACE: return "page-table segment full";
    case DXGK_PT_E_NOMEM: return "out of host memory";
    default: return "unknown status";
    }
}

size_t dxgk_pt_caps_size(void) { return sizeof(DXGK_GPUMMUCAPS); }
size_t dxgk_pt_level_desc_size(void) { return sizeof(DXGK_PAGE_TABLE_LEVEL_DESC); }
uint32_t dxgk_pt_caps_level_count(const DXGK_GPUMMUCAPS *caps) { return caps->PageTableLevelCount; }

void dxgk_pt_caps_init(DXGK_GPUMMUCAPS *caps, uint32_t f, uint32_t va_bits,
                       uint32_t leaf64k_size, uint32_t level_count)
{
    memset(caps, 0, sizeof *caps);
    caps->ReadOnlyMemorySupported = !!(f & DXGK_PT_CAP_READ_ONLY);
    caps->NoExecuteMemorySupported = !!(f & DXGK_PT_CAP_NO_EXECUTE);
    caps->ZeroInPteSupported = !!(f & DXGK_PT_CAP_ZERO);
    caps->CacheCoherentMemorySupported = !!(f & DXGK_PT_CAP_CACHE_COHERENT);
    caps->ExplicitPageTableInvalidation = !!(f & DXGK_PT_CAP_EXPLICIT_INVALIDATION);
    caps->LargePageSupported = !!(f & DXGK_PT_CAP_LARGE_PAGE);
    caps->DualPteSupported = !!(f & DXGK_PT_CAP_DUAL_PTE);
    caps->VirtualAddressBitCount = va_bits;
    caps->LeafPageTableSizeFor64KPagesInBytes = leaf64k_size;
    caps->PageTableLevelCount = level_count;
}

void dxgk_pt_level_init(DXGK_PAGE_TABLE_LEVEL_DESC *levels, uint32_t level, uint32_t index_bits,
                        uint32_t segment_id, uint32_t size_bytes, uint32_t align_bytes)
{
    DXGK_PAGE_TABLE_LEVEL_DESC *d = &levels[level];
    memset(d, 0, sizeof *d);
    d->PageTableIndexBitCount = index_bits;
    d->PageTableSegmentId = segment_id;
    d->PagingProcessPageTableSegmentId = segment_id;
    d->PageTableSizeInBytes = size_bytes;
    d->PageTableAlignmentInBytes = align_bytes;
}

void dxgk_pt_default_config(DXGK_GPUMMUCAPS *caps, DXGK_PAGE_TABLE_LEVEL_DESC *levels)
{
    /* docs/behaviour.md section 3, default GpuMmu [choice]. */
    dxgk_pt_caps_init(caps, DXGK_PT_CAP_READ_ONLY | DXGK_PT_CAP_NO_EXECUTE | DXGK_PT_CAP_ZERO |
                                DXGK_PT_CAP_CACHE_COHERENT,
                      48, 256, 4);
    for (uint32_t l = 0; l < 4; l++)
        dxgk_pt_level_init(levels, l, 9, 1, 4096, 4096);
}

static uint32_t caps_bits(const DXGK_GPUMMUCAPS *c)
{
    return (c->ReadOnlyMemorySupported ? DXGK_PT_CAP_READ_ONLY : 0u) |
           (c->NoExecuteMemorySupported ? DXGK_PT_CAP_NO_EXECUTE : 0u) |
           (c->ZeroInPteSupported ? DXGK_PT_CAP_ZERO : 0u) |
           (c->CacheCoherentMemorySupported ? DXGK_PT_CAP_CACHE_COHERENT : 0u) |
           (c->ExplicitPageTableInvalidation ? DXGK_PT_CAP_EXPLICIT_INVALIDATION : 0u) |
           (c->LargePageSupported ? DXGK_PT_CAP_LARGE_PAGE : 0u) |
           (c->DualPteSupported ? DXGK_PT_CAP_DUAL_PTE : 0u);
}

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

/*
 * docs/behaviour.md section 3 rules: level count in 2..6, 12 + sum(bits) == VirtualAddressBitCount,
 * VirtualAddressBitCount <= 63. Sanity rules of this module ([choice] where marked):
 *  - every PageTableIndexBitCount in 1..24 (no resizable root; bounded host memory);
 *  - PageTableSizeInBytes a non-zero multiple of 4096 (docs: a multiple of the CPU page
 *    size) and >= 8 << bits: room for 2^bits hardware entries of at least 8 bytes
 *    [choice] -- the hardware PTE is the driver's format; DXGK_PTE (16 bytes) is only
 *    the OS-side description, so the default of 4096 bytes for 512 entries is valid;
 *  - segment ids fit DXGK_PTE.Segment (<= 31); tables in system memory (segment 0) are
 *    at most 4096 bytes (docs);
 *  - PageTableAlignmentInBytes 0 (= 4096, docs/behaviour.md section 7) or a power of two;
 *  - LeafPageTableSizeFor64KPagesInBytes 0 (64 KB leaves off) or >= 8 << (bits(0) - 4)
 *    with bits(0) >= 4;
 *  - PageTableUpdateMode one of CPU_VIRTUAL, GPU_VIRTUAL, GPU_PHYSICAL.
 */
int dxgk_pt_config_check(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                         char *msg, size_t msg_size)
{
    if (msg && msg_size)
        msg[0] = '\0';
    if (!caps || !levels) {
        set_msg(msg, msg_size, "caps and level descriptions are required");
        return DXGK_PT_E_CONFIG;
    }
    uint32_t n = caps->PageTableLevelCount;
    if (n < 2 || n > DXGK_PT_MAX_LEVELS) {
        set_msg(msg, msg_size, "PageTableLevelCount %u is outside 2..6", n);
        return DXGK_PT_E_CONFIG;
    }
    if (caps->VirtualAddressBitCount > 63) {
        set_msg(msg, msg_size, "VirtualAddressBitCount %u exceeds 63",
                caps->VirtualAddressBitCount);
        return DXGK_PT_E_CONFIG;
    }
    if ((uint32_t)caps->PageTableUpdateMode > 2) {
        set_msg(msg, msg_size, "PageTableUpdateMode %u is not a DXGK_PAGETABLEUPDATEMODE",
                (uint32_t)caps->PageTableUpdateMode);
        return DXGK_PT_E_CONFIG;
    }
    uint32_t sum = 0;
    for (uint32_t l = 0; l < n; l++) {
        uint32_t b = levels[l].PageTableIndexBitCount;
        if (b < 1 || b > PT_MAX_INDEX_BITS) {
            set_msg(msg, msg_size, "level %u: PageTableIndexBitCount %u is outside 1..%u", l, b,
                    PT_MAX_INDEX_BITS);
            return DXGK_PT_E_CONFIG;
        }
        sum += b;
    }
    if (12 + sum != caps->VirtualAddressBitCount) {
        set_msg(msg, msg_size,
                "12 + sum of PageTableIndexBitCount (%u) != VirtualAddressBitCount (%u)",
                12 + sum, caps->VirtualAddressBitCount);
        return DXGK_PT_E_CONFIG;
    }
    for (uint32_t l = 0; l < n; l++) {
        const DXGK_PAGE_TABLE_LEVEL_DESC *d = &levels[l];
        uint32_t b = d->PageTableIndexBitCount;
        if (d->PageTableSegmentId > 31 || d->PagingProcessPageTableSegmentId > 31) {
            set_msg(msg, msg_size,
                    "level %u: segment id %u/%u does not fit DXGK_PTE.Segment (0..31)", l,
                    d->PageTableSegmentId, d->PagingProcessPageTableSegmentId);
            return DXGK_PT_E_CONFIG;
        }
        if (d->PageTableSizeInBytes == 0 || d->PageTableSizeInBytes % 4096) {
            set_msg(msg, msg_size,
                    "level %u: PageTableSizeInBytes %u is not a non-zero multiple of 4096", l,
                    d->PageTableSizeInBytes);
            return DXGK_PT_E_CONFIG;
        }
        if ((uint64_t)d->PageTableSizeInBytes < ((uint64_t)PT_MIN_HW_PTE << b)) {
            set_msg(msg, msg_size,
                    "level %u: PageTableSizeInBytes %u cannot hold 2^%u entries of 8 bytes", l,
                    d->PageTableSizeInBytes, b);
            return DXGK_PT_E_CONFIG;
        }
        if (d->PageTableSegmentId == 0 && d->PageTableSizeInBytes > 4096) {
            set_msg(msg, msg_size,
                    "level %u: a page table in system memory (segment 0) is at most 4096 bytes,"
                    " not %u", l, d->PageTableSizeInBytes);
            return DXGK_PT_E_CONFIG;
        }
        if (d->PageTableAlignmentInBytes && !is_pow2(d->PageTableAlignmentInBytes)) {
            set_msg(msg, msg_size, "level %u: PageTableAlignmentInBytes %u is not a power of two",
                    l, d->PageTableAlignmentInBytes);
            return DXGK_PT_E_CONFIG;
        }
    }
    uint32_t l64 = caps->LeafPageTableSizeFor64KPagesInBytes;
    if (l64) {
        uint32_t b0 = levels[0].PageTableIndexBitCount;
        if (b0 < 4) {
            set_msg(msg, msg_size,
                    "64 KB leaf tables need PageTableIndexBitCount(0) >= 4, not %u", b0);
            return DXGK_PT_E_CONFIG;
        }
        if ((uint64_t)l64 < ((uint64_t)PT_MIN_HW_PTE << (b0 - 4))) {
            set_msg(msg, msg_size,
                    "LeafPageTableSizeFor64KPagesInBytes %u cannot hold 2^%u entries of 8 bytes",
                    l64, b0 - 4);
            return DXGK_PT_E_CONFIG;
        }
    }
    return DXGK_PT_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Built-in placement                                                                   */

static int bounded_alloc(void *ctx, uint32_t seg, uint64_t size, uint64_t align, uint64_t *out)
{
    const pt_bounded *b = ctx;
    return dxgk_ra_alloc(b->ra, size, align, 0, 0, UINT64_MAX, 0, seg, out) != DXGK_RA_OK;
}

static void bounded_free(void *ctx, uint32_t seg, uint64_t off, uint64_t size)
{
    (void)seg;
    (void)size;
    const pt_bounded *b = ctx;
    dxgk_ra_free(b->ra, off);
}

static void bounded_destroy(pt_bounded *b)
{
    if (b) {
        dxgk_ra_destroy(b->ra);
        free(b);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Tables                                                                               */

static void host_block_free(dxgk_pt *pt, unsigned kind, void *block)
{
    if (pt->cache_bytes + pt->block_bytes[kind] <= PT_CACHE_BYTES) {
        *(void **)block = pt->cache[kind];
        pt->cache[kind] = block;
        pt->cache_bytes += pt->block_bytes[kind];
    } else {
        free(block);
    }
}

/* A new, unattached table with its segment range. Upper-level tables start all-invalid;
 * a leaf is marked fresh and initialised by its first (and, in this operation, only)
 * leaf_write. */
static int table_new(dxgk_pt *pt, unsigned level, int fmt64k, pt_table **out)
{
    uint32_t nent = fmt64k ? (1u << (pt->bits[0] - 4)) : (1u << pt->bits[level]);
    unsigned kind = fmt64k ? PT_KIND64 : level;
    uint64_t size = fmt64k ? pt->leaf64_size : pt->tsize[level];
    pt_table *t = pt->cache[kind];
    if (pt->draw_reserve && pt->nstock[kind]) {
        /* a table of the reserve: its segment range and host block are already taken */
        t = pt->stock[kind][--pt->nstock[kind]];
        pt->reserve_bytes -= size;
        t->nvalid = 0;
        t->fresh = level == 0;
        if (level) {
            memset(t->e, 0, (size_t)nent * sizeof(DXGK_PTE));
            memset(t->child, 0, (size_t)nent * sizeof(uintptr_t));
        }
        *out = t;
        return DXGK_PT_OK;
    }
    if (t) {
        pt->cache[kind] = *(void **)t;
        pt->cache_bytes -= pt->block_bytes[kind];
    } else if (!(t = aligned_alloc(64, pt->block_bytes[kind]))) {
        return DXGK_PT_E_NOMEM;
    }
    t->e = (DXGK_PTE *)((char *)t + PT_HDR);
    t->child = level ? (uintptr_t *)((char *)t + pt->child_off[level]) : NULL;
    t->nvalid = 0;
    t->nent = nent;
    t->level = (uint8_t)level;
    t->fmt64k = (uint8_t)(fmt64k != 0);
    t->fresh = level == 0;
    if (pt->mem.alloc(pt->mem.ctx, pt->tseg[level], size, pt->talign[level], &t->offset)) {
        host_block_free(pt, kind, t);
        return DXGK_PT_E_NOSPACE;
    }
    if (level) {
        memset(t->e, 0, (size_t)nent * sizeof(DXGK_PTE));
        memset(t->child, 0, (size_t)nent * sizeof(uintptr_t));
    }
    *out = t;
    return DXGK_PT_OK;
}

static void table_release(dxgk_pt *pt, pt_table *t)
{
    pt->mem.free(pt->mem.ctx, pt->tseg[t->level], t->offset, table_seg_size(pt, t));
    host_block_free(pt, t->fmt64k ? PT_KIND64 : t->level, t);
}

/* A table that left the tree: released now, or (a sink is set) at dxgk_pt_release_deferred,
 * after the stream reporting its removal has been delivered. */
static void retire(dxgk_pt *pt, pt_table *t)
{
    if (pt->sink) {
        t->dead_next = pt->dead;
        pt->dead = t;
    } else {
        table_release(pt, t);
    }
}

static DXGK_PTE upper_entry(const dxgk_pt *pt, const pt_table *child)
{
    DXGK_PTE x;
    memset(&x, 0, sizeof x);
    x.Valid = 1;
    x.Segment = pt->tseg[child->level];
    x.PageTablePageSize = child->fmt64k ? DXGK_PTE_PAGE_TABLE_PAGE_64KB
                                        : DXGK_PTE_PAGE_TABLE_PAGE_4KB;
    x.PageTableAddress = child->offset;
    return x;
}

static void count_add(dxgk_pt *pt, const pt_table *t)
{
    pt->st.tables[t->level]++;
    pt->st.leaf64k_tables += t->fmt64k;
    pt->st.table_bytes += table_seg_size(pt, t);
}

static void count_sub(dxgk_pt *pt, const pt_table *t)
{
    pt->st.tables[t->level]--;
    pt->st.leaf64k_tables -= t->fmt64k;
    pt->st.table_bytes -= table_seg_size(pt, t);
}

/* Links new table `child` (covering VA from base) at parent entry i. */
static void attach(dxgk_pt *pt, pt_table *parent, uint32_t i, pt_table *child, uint64_t base)
{
    parent->e[i] = upper_entry(pt, child);
    parent->child[i] = (uintptr_t)child | child->fmt64k;
    parent->nvalid++;
    count_add(pt, child);
    if (pt->sink) {
        emit(pt, DXGK_PT_EV_INIT, child, 0, child->nent, base, 1, 0, 0, NULL, 0);
        emit(pt, DXGK_PT_EV_WRITE, parent, i, 1, base, 0, 0, 0, child, 0);
    }
}

static void detach_release(dxgk_pt *pt, pt_table *parent, uint32_t i, pt_table *child,
                           uint64_t base)
{
    memset(&parent->e[i], 0, sizeof(DXGK_PTE));
    parent->child[i] = 0;
    parent->nvalid--;
    count_sub(pt, child);
    if (pt->sink)
        emit(pt, DXGK_PT_EV_CLEAR, parent, i, 1, base, 1, 1, 0, child, 0);
    retire(pt, child);
}

/* Replaces 64 KB leaf `old` (parent->child[i], covering VA from base) by 4 KB leaf `nw`
 * with the same targets. */
static pt_table *convert64(dxgk_pt *pt, pt_table *parent, uint32_t i, pt_table *old, pt_table *nw,
                           uint64_t base)
{
    DXGK_PTE *d = nw->e;
    for (uint32_t j = 0; j < old->nent; j++, d += 16) {
        const DXGK_PTE s = old->e[j];
        uint64_t step = (s.Valid && !s.Zero) ? 4096 : 0;
        uint64_t a = s.PageAddress;
        for (unsigned k = 0; k < 16; k++, a += step) {
            d[k].Flags = s.Flags;
            d[k].PageAddress = a;
        }
    }
    nw->fresh = 0;
    nw->nvalid = old->nvalid * 16;
    pt->st.valid_leaf_entries += (uint64_t)old->nvalid * 15;
    pt->st.conversions++;
    count_sub(pt, old);
    parent->e[i] = upper_entry(pt, nw);
    parent->child[i] = (uintptr_t)nw;
    count_add(pt, nw);
    if (pt->sink) {
        /* new leaf initialised and filled, then the level-1 entry rewritten (10.2) */
        emit(pt, DXGK_PT_EV_INIT, nw, 0, nw->nent, base, 1, 0, 0, NULL, 0);
        emit(pt, DXGK_PT_EV_WRITE, nw, 0, nw->nent, base, 0, 0, 1, NULL, 0);
        emit(pt, DXGK_PT_EV_WRITE, parent, i, 1, base, 0, 1, 0, nw, 0);
    }
    retire(pt, old);
    return nw;
}

/* ------------------------------------------------------------------------------------ */
/* Pool of tables taken before a commit                                                 */

static size_t cost_kind(const dxgk_pt_cost *c, unsigned k)
{
    return k == PT_KIND64 ? c->leaf64k_tables : c->tables[k];
}

static void pool_release(dxgk_pt *pt, pt_pool *p)
{
    for (unsigned k = 0; k < PT_NKINDS; k++)
        for (size_t j = p->used[k]; j < p->n[k]; j++)
            table_release(pt, p->buf[p->first[k] + j]);
    if (p->buf != p->inl)
        free(p->buf);
    p->buf = NULL;
}

static int pool_fill(dxgk_pt *pt, const dxgk_pt_cost *c, pt_pool *p)
{
    size_t total = 0;
    for (unsigned k = 0; k < PT_NKINDS; k++) {
        uint64_t n = cost_kind(c, k);
        if (n > SIZE_MAX / sizeof(pt_table *) - total)
            return DXGK_PT_E_NOMEM;
        p->first[k] = total;
        p->n[k] = 0;
        p->used[k] = 0;
        total += (size_t)n;
    }
    p->total = total;
    p->buf = total <= sizeof p->inl / sizeof p->inl[0] ? p->inl : malloc(total * sizeof(pt_table *));
    if (!p->buf)
        return DXGK_PT_E_NOMEM;
    for (unsigned k = 0; k < PT_NKINDS; k++) {
        size_t want = cost_kind(c, k);
        unsigned level = k == PT_KIND64 ? 0 : k;
        for (size_t j = 0; j < want; j++) {
            int st = table_new(pt, level, k == PT_KIND64, &p->buf[p->first[k] + j]);
            if (st) {
                pool_release(pt, p);
                return st;
            }
            p->n[k]++;
        }
    }
    return DXGK_PT_OK;
}

static inline pt_table *pool_take(pt_pool *p, unsigned kind)
{
    if (p->used[kind] >= p->n[kind])
        abort(); /* plan and commit disagree: a bug, never a half-written tree */
    return p->buf[p->first[kind] + p->used[kind]++];
}

/* ------------------------------------------------------------------------------------ */
/* Planning                                                                             */

/* A new table at level lvl will cover [lo, hi): count every table below it (all new). */
static void plan_new_subtree(const dxgk_pt *pt, unsigned lvl, uint64_t lo, uint64_t hi, int e64,
                             dxgk_pt_cost *c)
{
    for (unsigned k = lvl; k-- > 0;) {
        unsigned s = pt->shift[k + 1];
        uint64_t n = ((hi - 1) >> s) - (lo >> s) + 1;
        if (k == 0 && e64)
            c->leaf64k_tables += n;
        else
            c->tables[k] += n;
    }
}

static void plan_map(const dxgk_pt *pt, const pt_table *t, uint64_t lo, uint64_t hi, int e64,
                     dxgk_pt_cost *c)
{
    unsigned lvl = t->level, sh = pt->shift[lvl];
    for (uint64_t a = lo, b; a < hi; a = b) {
        b = next_boundary(a, sh);
        if (b > hi)
            b = hi;
        uintptr_t ch = t->child[(a >> sh) & pt->mask[lvl]];
        if (lvl == 1) {
            if (!ch) {
                if (e64)
                    c->leaf64k_tables++;
                else
                    c->tables[0]++;
            } else if ((ch & 1) && !e64) {
                c->tables[0]++;
                c->conversions++;
            }
        } else if (!ch) {
            c->tables[lvl - 1]++;
            plan_new_subtree(pt, lvl - 1, a, b, e64, c);
        } else {
            plan_map(pt, untag(ch), a, b, e64, c);
        }
    }
}

/* Does clearing [a, b) in 64 KB leaf l cut a valid 64 KB entry in two? */
static int leaf64_splits(const dxgk_pt *pt, const pt_table *l, uint64_t a, uint64_t b)
{
    if ((a & 0xFFFF) && l->e[(a >> 16) & pt->mask64].Valid)
        return 1;
    if ((b & 0xFFFF) && l->e[(b >> 16) & pt->mask64].Valid)
        return 1;
    return 0;
}

static void plan_unmap(const dxgk_pt *pt, const pt_table *t, uint64_t lo, uint64_t hi,
                       dxgk_pt_cost *c)
{
    unsigned lvl = t->level, sh = pt->shift[lvl];
    for (uint64_t a = lo, b; a < hi; a = b) {
        b = next_boundary(a, sh);
        if (b > hi)
            b = hi;
        uintptr_t ch = t->child[(a >> sh) & pt->mask[lvl]];
        if (!ch)
            continue;
        if (lvl == 1) {
            if ((ch & 1) && leaf64_splits(pt, untag(ch), a, b)) {
                c->tables[0]++;
                c->conversions++;
            }
        } else {
            plan_unmap(pt, untag(ch), a, b, c);
        }
    }
}

/* ------------------------------------------------------------------------------------ */
/* Commit                                                                               */

/* The one hot loop: n entries, one flags word, address advancing by stride. */
static void pte_fill(DXGK_PTE *restrict e, uint32_t n, uint64_t flags, uint64_t addr,
                     uint64_t stride)
{
    for (uint32_t k = 0; k < n; k++) {
        e[k].Flags = flags;
        e[k].PageAddress = addr;
        addr += stride;
    }
}

static void leaf_write(dxgk_pt *pt, pt_table *l, uint64_t a, uint64_t b, const map_op *op)
{
    uint64_t addr = op->pages ? op->addr0 + (a - op->va0) : 0;
    uint32_t i0, n;
    uint64_t stride;
    if (l->fmt64k) {
        i0 = (uint32_t)((a >> 16) & pt->mask64);
        n = (uint32_t)((b - a) >> 16);
        stride = op->pages ? 65536 : 0;
    } else {
        i0 = (uint32_t)((a >> 12) & pt->mask[0]);
        n = (uint32_t)((b - a) >> 12);
        stride = op->pages ? 4096 : 0;
    }
    DXGK_PTE *e = l->e + i0;
    uint32_t old = 0;
    if (l->fresh) {
        /* write every byte of a new leaf once: invalid around the range, PTEs in it */
        memset(l->e, 0, (size_t)i0 * sizeof(DXGK_PTE));
        memset(e + n, 0, (size_t)(l->nent - i0 - n) * sizeof(DXGK_PTE));
        l->fresh = 0;
    } else if (l->nvalid == l->nent) {
        old = n;
    } else if (l->nvalid) {
        for (uint32_t k = 0; k < n; k++)
            old += (uint32_t)e[k].Valid;
    }
    pte_fill(e, n, op->flags, addr, stride);
    if (pt->sink)
        emit(pt, DXGK_PT_EV_WRITE, l, i0, n, a, !op->pages, old != 0, 0, NULL, stride);
    l->nvalid += n - old;
    pt->st.valid_leaf_entries += n - old;
    pt->st.mapped_pages += (uint64_t)(n - old) << (l->fmt64k ? 4 : 0);
}

static void commit_map(dxgk_pt *pt, pt_table *t, uint64_t lo, uint64_t hi, const map_op *op,
                       pt_pool *pool)
{
    unsigned lvl = t->level, sh = pt->shift[lvl];
    for (uint64_t a = lo, b; a < hi; a = b) {
        b = next_boundary(a, sh);
        if (b > hi)
            b = hi;
        uint32_t i = (uint32_t)((a >> sh) & pt->mask[lvl]);
        uintptr_t tagged = t->child[i];
        pt_table *ch = untag(tagged);
        if (lvl == 1) {
            if (!ch) {
                ch = pool_take(pool, op->e64 ? PT_KIND64 : 0);
                attach(pt, t, i, ch, entry_base(pt, lvl, a));
            } else if ((tagged & 1) && !op->e64) {
                ch = convert64(pt, t, i, ch, pool_take(pool, 0), entry_base(pt, lvl, a));
            }
            leaf_write(pt, ch, a, b, op);
        } else {
            if (!ch) {
                ch = pool_take(pool, lvl - 1);
                attach(pt, t, i, ch, entry_base(pt, lvl, a));
            }
            commit_map(pt, ch, a, b, op, pool);
        }
    }
}

static void leaf_clear(dxgk_pt *pt, pt_table *l, uint64_t a, uint64_t b)
{
    uint32_t i0, n;
    uint64_t va = a;
    if (l->fmt64k) { /* partly covered end entries are invalid here (else converted) */
        i0 = (uint32_t)((a >> 16) & pt->mask64);
        n = (uint32_t)(((b - 1) >> 16) - (a >> 16) + 1);
        va = a & ~(uint64_t)0xFFFF;
    } else {
        i0 = (uint32_t)((a >> 12) & pt->mask[0]);
        n = (uint32_t)((b - a) >> 12);
    }
    uint32_t removed = 0;
    if (n == l->nent) {
        /* the whole leaf goes: it is freed by the caller */
        removed = l->nvalid;
        if (pt->caps & DXGK_PT_CAP_EXPLICIT_INVALIDATION)
            memset(l->e, 0, (size_t)n * sizeof(DXGK_PTE));
    } else {
        DXGK_PTE *e = l->e + i0;
        for (uint32_t k = 0; k < n; k++)
            removed += (uint32_t)e[k].Valid;
        memset(e, 0, (size_t)n * sizeof(DXGK_PTE));
    }
    if (pt->sink)
        emit(pt, DXGK_PT_EV_CLEAR, l, i0, n, va, 1, removed != 0, 0, NULL, 0);
    l->nvalid -= removed;
    pt->st.valid_leaf_entries -= removed;
    pt->st.mapped_pages -= (uint64_t)removed << (l->fmt64k ? 4 : 0);
}

static void commit_unmap(dxgk_pt *pt, pt_table *t, uint64_t lo, uint64_t hi, pt_pool *pool)
{
    unsigned lvl = t->level, sh = pt->shift[lvl];
    for (uint64_t a = lo, b; a < hi; a = b) {
        b = next_boundary(a, sh);
        if (b > hi)
            b = hi;
        uint32_t i = (uint32_t)((a >> sh) & pt->mask[lvl]);
        uintptr_t tagged = t->child[i];
        pt_table *ch = untag(tagged);
        if (!ch)
            continue;
        if (lvl == 1) {
            if ((tagged & 1) && leaf64_splits(pt, ch, a, b))
                ch = convert64(pt, t, i, ch, pool_take(pool, 0), entry_base(pt, lvl, a));
            leaf_clear(pt, ch, a, b);
        } else {
            commit_unmap(pt, ch, a, b, pool);
        }
        if (ch->nvalid == 0)
            detach_release(pt, t, i, ch, entry_base(pt, lvl, a));
    }
}

/* ------------------------------------------------------------------------------------ */
/* Public operations                                                                    */

static int check_range(const dxgk_pt *pt, uint64_t va, uint64_t npages)
{
    uint64_t limit = UINT64_C(1) << pt->va_bits;
    if (npages == 0 || (va & 0xFFF) || va >= limit || npages > ((limit - va) >> 12))
        return DXGK_PT_E_INVAL;
    return DXGK_PT_OK;
}

static int prepare_map(const dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                       map_op *op)
{
    int st = check_range(pt, va, npages);
    if (st)
        return st;
    if (!t || t->reserved || (t->flags & ~(uint32_t)0xF) || t->kind > DXGK_PT_KIND_NOACCESS)
        return DXGK_PT_E_INVAL;
    memset(op, 0, sizeof *op);
    if (t->kind == DXGK_PT_KIND_NOACCESS)
        return (t->segment || t->address) ? DXGK_PT_E_INVAL : DXGK_PT_OK;
    DXGK_PTE x;
    memset(&x, 0, sizeof x);
    x.Valid = 1;
    if (t->kind == DXGK_PT_KIND_ZERO) {
        /* docs/behaviour.md section 7: Zero mapping: Valid=1, Zero=1, no address */
        if (!(pt->caps & DXGK_PT_CAP_ZERO) || t->segment || t->address)
            return DXGK_PT_E_INVAL;
        x.Zero = 1;
    } else {
        if (t->segment > 31 || (t->address & 0xFFF) ||
            t->address > UINT64_MAX - ((npages - 1) << 12) - 4095)
            return DXGK_PT_E_INVAL;
        x.Segment = t->segment;
        op->pages = 1;
    }
    /* docs/behaviour.md 7.4: ReadOnly / NoExecute / CacheCoherent only when the caps
       support them */
    x.ReadOnly = (t->flags & DXGK_PT_READ_ONLY) && (pt->caps & DXGK_PT_CAP_READ_ONLY);
    x.NoExecute = (t->flags & DXGK_PT_NO_EXECUTE) && (pt->caps & DXGK_PT_CAP_NO_EXECUTE);
    x.CacheCoherent = (t->flags & DXGK_PT_CACHE_COHERENT) &&
                      (pt->caps & DXGK_PT_CAP_CACHE_COHERENT);
    op->flags = x.Flags;
    op->va0 = va;
    op->addr0 = t->address;
    op->e64 = (t->flags & DXGK_PT_ELIGIBLE_64K) && pt->leaf64_size && !(va & 0xFFFF) &&
              !(npages & 15) && (!op->pages || !(t->address & 0xFFFF));
    return DXGK_PT_OK;
}

static void cost_bytes(const dxgk_pt *pt, dxgk_pt_cost *c)
{
    c->bytes = c->leaf64k_tables * pt->leaf64_size;
    for (unsigned k = 0; k < pt->nlev; k++)
        c->bytes += c->tables[k] * pt->tsize[k];
}

int dxgk_pt_estimate(const dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                     dxgk_pt_cost *out)
{
    memset(out, 0, sizeof *out);
    map_op op;
    int st = t ? prepare_map(pt, va, npages, t, &op) : check_range(pt, va, npages);
    if (st)
        return st;
    uint64_t hi = va + (npages << 12);
    if (!t || t->kind == DXGK_PT_KIND_NOACCESS)
        plan_unmap(pt, pt->root, va, hi, out);
    else
        plan_map(pt, pt->root, va, hi, op.e64, out);
    cost_bytes(pt, out);
    return DXGK_PT_OK;
}

/* ------------------------------------------------------------------------------------ */
/* The reserve: tables taken ahead of a deferred write                                  */

int dxgk_pt_bound(const dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t,
                  dxgk_pt_cost *out)
{
    memset(out, 0, sizeof *out);
    map_op op;
    int st = t ? prepare_map(pt, va, npages, t, &op) : check_range(pt, va, npages);
    if (st)
        return st;
    const uint64_t hi = va + (npages << 12);
    if (!t || t->kind == DXGK_PT_KIND_NOACCESS) {
        /* an unmap takes a table only to convert a 64 KB leaf whose valid 64 KB entry it
         * cuts, which can happen at its two ends and nowhere else */
        if (pt->leaf64_size)
            out->tables[0] = out->conversions = (uint64_t)((va & 0xFFFF) != 0) +
                                                ((hi & 0xFFFF) != 0);
    } else {
        /* plan_map takes, per level below the root, at most one table per span that one
         * table of that level covers (a new table, or a conversion at the leaf level) */
        for (unsigned k = pt->nlev - 1; k-- > 0;) {
            const unsigned s = pt->shift[k + 1];
            const uint64_t n = ((hi - 1) >> s) - (va >> s) + 1;
            if (k == 0 && op.e64)
                out->leaf64k_tables = n;
            else
                out->tables[k] = n;
        }
    }
    cost_bytes(pt, out);
    return DXGK_PT_OK;
}

static void stock_pop_release(dxgk_pt *pt, unsigned k)
{
    pt_table *t = pt->stock[k][--pt->nstock[k]];
    pt->reserve_bytes -= table_seg_size(pt, t);
    table_release(pt, t);
}

int dxgk_pt_reserve(dxgk_pt *pt, const dxgk_pt_cost *want)
{
    size_t before[PT_NKINDS];
    const int draw = pt->draw_reserve;
    int st = DXGK_PT_OK;
    pt->draw_reserve = 0;           /* the reserve grows from the segment, never from itself */
    for (unsigned k = 0; k < PT_NKINDS; k++)
        before[k] = pt->nstock[k];
    for (unsigned k = 0; k < PT_NKINDS && st == DXGK_PT_OK; k++) {
        const uint64_t w = cost_kind(want, k);
        if (w > pt->capstock[k]) {
            pt_table **g = w > SIZE_MAX / sizeof *g ? NULL
                                                    : realloc(pt->stock[k], (size_t)w * sizeof *g);
            if (!g) {
                st = DXGK_PT_E_NOMEM;
                break;
            }
            pt->stock[k] = g;
            pt->capstock[k] = (size_t)w;
        }
        while (pt->nstock[k] < w) {
            pt_table *t;
            st = table_new(pt, k == PT_KIND64 ? 0 : k, k == PT_KIND64, &t);
            if (st)
                break;
            pt->stock[k][pt->nstock[k]++] = t;
            pt->reserve_bytes += table_seg_size(pt, t);
        }
    }
    for (unsigned k = 0; k < PT_NKINDS; k++) {
        const uint64_t w = st == DXGK_PT_OK ? cost_kind(want, k) : before[k];
        while (pt->nstock[k] > w)
            stock_pop_release(pt, k);
    }
    pt->draw_reserve = draw;
    return st;
}

void dxgk_pt_draw_reserve(dxgk_pt *pt, int on) { pt->draw_reserve = on != 0; }

uint64_t dxgk_pt_reserve_bytes(const dxgk_pt *pt) { return pt->reserve_bytes; }

int dxgk_pt_unmap(dxgk_pt *pt, uint64_t va, uint64_t npages)
{
    int st = check_range(pt, va, npages);
    if (st)
        return st;
    uint64_t hi = va + (npages << 12);
    dxgk_pt_cost plan;
    memset(&plan, 0, sizeof plan);
    plan_unmap(pt, pt->root, va, hi, &plan);
    pt_pool pool;
    st = pool_fill(pt, &plan, &pool);
    if (st)
        return st;
    commit_unmap(pt, pt->root, va, hi, &pool);
    pool_release(pt, &pool); /* all taken: only frees the pool's own buffer */
    return DXGK_PT_OK;
}

int dxgk_pt_map(dxgk_pt *pt, uint64_t va, uint64_t npages, const dxgk_pt_target *t)
{
    map_op op;
    int st = prepare_map(pt, va, npages, t, &op);
    if (st)
        return st;
    if (t->kind == DXGK_PT_KIND_NOACCESS) /* docs/behaviour.md section 7: NoAccess writes Valid=0 */
        return dxgk_pt_unmap(pt, va, npages);
    uint64_t hi = va + (npages << 12);
    dxgk_pt_cost plan;
    memset(&plan, 0, sizeof plan);
    plan_map(pt, pt->root, va, hi, op.e64, &plan);
    pt_pool pool;
    st = pool_fill(pt, &plan, &pool);
    if (st)
        return st;
    commit_map(pt, pt->root, va, hi, &op, &pool);
    pool_release(pt, &pool);
    return DXGK_PT_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Walk and translate                                                                   */

/* Fills one dxgk_pt_xlate from a leaf entry. The record is composed in three 64-bit
 * registers and stored word by word: narrow stores followed by a wide copy would stall
 * store-to-load forwarding on every translation. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "dxgk_pt_xlate words assume LE");
_Static_assert(offsetof(dxgk_pt_xlate, segment) == 4 && offsetof(dxgk_pt_xlate, page_size) == 8 &&
                   offsetof(dxgk_pt_xlate, address) == 16,
               "dxgk_pt_xlate word layout");
static inline void xlate_entry(const DXGK_PTE *e, uint64_t va, uint32_t psz, dxgk_pt_xlate *r)
{
    uint64_t w0 = 0, w1 = 0, w2 = 0;
    const DXGK_PTE x = *e;
    if (x.Valid) {
        w0 = 1u | (uint64_t)x.Zero << 8 | (uint64_t)x.ReadOnly << 16 |
             (uint64_t)x.NoExecute << 24 | (uint64_t)x.Segment << 32;
        w1 = psz;
        w2 = x.Zero ? 0 : x.PageAddress + (va & (psz - 1));
    }
    memcpy((char *)r, &w0, 8); /* three register stores, no stack copy */
    memcpy((char *)r + 8, &w1, 8);
    memcpy((char *)r + 16, &w2, 8);
}

/* leaf: tagged pointer from a level-1 child slot (0 = no table) -> its entry for va */
static inline const DXGK_PTE *leaf_entry(const dxgk_pt *pt, uintptr_t leaf, uint64_t va,
                                         uint32_t *psz)
{
    const DXGK_PTE *e = (const DXGK_PTE *)((leaf & ~(uintptr_t)1) + PT_HDR);
    if (leaf & 1) {
        *psz = 65536;
        return e + ((va >> 16) & pt->mask64);
    }
    *psz = 4096;
    return e + ((va >> 12) & pt->mask[0]);
}

static inline const uintptr_t *child_slot(const dxgk_pt *pt, uintptr_t t, unsigned lvl,
                                          uint64_t va)
{
    const uintptr_t *c = (const uintptr_t *)((t & ~(uintptr_t)1) + pt->child_off[lvl]);
    return c + ((va >> pt->shift[lvl]) & pt->mask[lvl]);
}

void dxgk_pt_translate(const dxgk_pt *pt, uint64_t va, dxgk_pt_xlate *out)
{
    uintptr_t t = (va >> pt->va_bits) ? 0 : (uintptr_t)pt->root;
    for (unsigned l = pt->nlev - 1; l >= 1 && t; l--)
        t = *child_slot(pt, t, l, va);
    if (!t) {
        memset(out, 0, sizeof *out);
        return;
    }
    uint32_t psz;
    const DXGK_PTE *e = leaf_entry(pt, t, va, &psz);
    xlate_entry(e, va, psz, out);
}

/* The walk of dxgk_pt_translate, then a prefetch (for writing) of the leaf's header and
 * of va's entry: the two lines a map or unmap of va reads and writes at the bottom. */
void dxgk_pt_prefetch(const dxgk_pt *pt, uint64_t va)
{
    uintptr_t t = (va >> pt->va_bits) ? 0 : (uintptr_t)pt->root;
    for (unsigned l = pt->nlev - 1; l >= 1 && t; l--)
        t = *child_slot(pt, t, l, va);
    if (t) {
        uint32_t psz;
        __builtin_prefetch((const void *)(t & ~(uintptr_t)1), 1);
        __builtin_prefetch(leaf_entry(pt, t, va, &psz), 1);
    }
}

/* Walks XB VAs level by level: the loads of one level are independent and prefetched
 * together, so their cache misses overlap instead of queueing. A one-entry walk cache
 * (the leaf of the last walked VA, local to the call -- the tree cannot change during
 * it) lets VAs that fall in the same leaf range skip the upper levels. */
#define XB 16
static const uintptr_t no_table = 0;
static const DXGK_PTE no_entry;

void dxgk_pt_translate_many(const dxgk_pt *pt, const uint64_t *vas, size_t n, dxgk_pt_xlate *out)
{
    const uintptr_t root = (uintptr_t)pt->root;
    const unsigned s1 = pt->shift[1], top = pt->nlev - 1;
    uint64_t ckey = UINT64_MAX; /* va >> s1 of the cached leaf range (never a real key) */
    uintptr_t cleaf = 0;
    size_t i = 0;
    for (; i + XB <= n; i += XB) {
        const uint64_t *v = vas + i;
        uintptr_t t[XB];
        unsigned todo[XB], nt = 0;
        for (unsigned j = 0; j < XB; j++) {
            if (v[j] >> pt->va_bits) {
                t[j] = 0;
            } else if ((v[j] >> s1) == ckey) {
                t[j] = cleaf;
            } else {
                t[j] = root;
                todo[nt++] = j;
            }
        }
        if (nt) {
            for (unsigned l = top; l >= 1; l--) {
                const uintptr_t *slot[XB];
                for (unsigned k = 0; k < nt; k++) {
                    unsigned j = todo[k];
                    slot[k] = t[j] ? child_slot(pt, t[j], l, v[j]) : &no_table;
                    __builtin_prefetch(slot[k]);
                }
                for (unsigned k = 0; k < nt; k++)
                    t[todo[k]] = *slot[k];
            }
            ckey = v[todo[nt - 1]] >> s1;
            cleaf = t[todo[nt - 1]];
        }
        const DXGK_PTE *e[XB];
        uint32_t psz[XB];
        for (unsigned j = 0; j < XB; j++) {
            psz[j] = 0;
            e[j] = t[j] ? leaf_entry(pt, t[j], v[j], &psz[j]) : &no_entry;
            __builtin_prefetch(e[j]);
        }
        for (unsigned j = 0; j < XB; j++)
            xlate_entry(e[j], v[j], psz[j], &out[i + j]);
    }
    for (; i < n; i++)
        dxgk_pt_translate(pt, vas[i], &out[i]);
}

int dxgk_pt_walk(const dxgk_pt *pt, uint64_t va, dxgk_pt_walk_result *out)
{
    memset(out, 0, sizeof *out);
    if (va >> pt->va_bits)
        return DXGK_PT_E_INVAL;
    const pt_table *t = pt->root;
    for (unsigned l = pt->nlev - 1;; l--) {
        dxgk_pt_walk_level *w = &out->levels[out->depth++];
        uint32_t idx, psz = 0;
        if (l == 0) {
            psz = t->fmt64k ? 65536 : 4096;
            idx = (uint32_t)(t->fmt64k ? (va >> 16) & pt->mask64 : (va >> 12) & pt->mask[0]);
        } else {
            idx = (uint32_t)((va >> pt->shift[l]) & pt->mask[l]);
        }
        const DXGK_PTE *e = &t->e[idx];
        w->level = l;
        w->index = idx;
        w->table_segment = pt->tseg[l];
        w->table_page_size = psz;
        w->table_address = t->offset;
        w->entry_flags = e->Flags;
        w->entry_address = e->PageAddress;
        if (l == 0) {
            xlate_entry(e, va, psz, &out->result);
            return DXGK_PT_OK;
        }
        if (!e->Valid)
            return DXGK_PT_OK;
        t = untag(t->child[idx]);
    }
}

void dxgk_pt_get_stats(const dxgk_pt *pt, dxgk_pt_stats *out) { *out = pt->st; }

void dxgk_pt_release_deferred(dxgk_pt *pt)
{
    while (pt->dead) {
        pt_table *t = pt->dead;
        pt->dead = t->dead_next;
        table_release(pt, t);
    }
}

void dxgk_pt_set_sink(dxgk_pt *pt, dxgk_pt_sink_fn fn, void *ctx)
{
    if (!fn)
        dxgk_pt_release_deferred(pt);
    pt->sink = fn;
    pt->sink_ctx = fn ? ctx : NULL;
}

void dxgk_pt_root(const dxgk_pt *pt, uint32_t *level, uint32_t *segment, uint64_t *offset,
                  uint32_t *nent)
{
    *level = pt->root->level;
    *segment = pt->tseg[pt->root->level];
    *offset = pt->root->offset;
    *nent = pt->root->nent;
}

static int visit(const dxgk_pt *pt, const pt_table *t, uint64_t va, dxgk_pt_table_fn fn,
                 void *ctx)
{
    const dxgk_pt_table_info info = {t->level, pt->tseg[t->level], t->nent, t->fmt64k,
                                     t->fmt64k ? 16u : pt->shift[t->level], 0, t->offset,
                                     va, t->e};
    int rc = fn(ctx, &info);
    if (rc || !t->level)
        return rc;
    for (uint32_t i = 0; i < t->nent; i++)
        if (t->child[i] && (rc = visit(pt, untag(t->child[i]),
                                       va + ((uint64_t)i << pt->shift[t->level]), fn, ctx)))
            return rc;
    return 0;
}

int dxgk_pt_foreach_table(const dxgk_pt *pt, dxgk_pt_table_fn fn, void *ctx)
{
    return visit(pt, pt->root, 0, fn, ctx);
}

void dxgk_pt_get_geometry(const dxgk_pt *pt, dxgk_pt_geometry *out)
{
    memset(out, 0, sizeof *out);
    out->level_count = pt->nlev;
    out->va_bits = pt->va_bits;
    for (unsigned l = 0; l < pt->nlev; l++) {
        out->index_bits[l] = pt->bits[l];
        out->shift[l] = pt->shift[l];
        out->table_size[l] = pt->tsize[l];
        out->table_align[l] = pt->talign[l];
        out->table_segment[l] = pt->tseg[l];
    }
    out->leaf64k_size = pt->leaf64_size;
    out->caps = pt->caps;
}

/* ------------------------------------------------------------------------------------ */
/* Create / destroy                                                                     */

static void free_subtree(dxgk_pt *pt, pt_table *t)
{
    if (t->level)
        for (uint32_t i = 0; i < t->nent; i++)
            if (t->child[i])
                free_subtree(pt, untag(t->child[i]));
    table_release(pt, t);
}

void dxgk_pt_destroy(dxgk_pt *pt)
{
    if (!pt)
        return;
    dxgk_pt_release_deferred(pt);
    if (pt->root)
        free_subtree(pt, pt->root);
    for (unsigned k = 0; k < PT_NKINDS; k++) {
        while (pt->nstock[k])
            stock_pop_release(pt, k);
        free(pt->stock[k]);
    }
    for (unsigned k = 0; k < PT_NKINDS; k++)
        while (pt->cache[k]) {
            void *next = *(void **)pt->cache[k];
            free(pt->cache[k]);
            pt->cache[k] = next;
        }
    bounded_destroy(pt->own);
    free(pt);
}

static int create_common(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                         const dxgk_pt_mem *mem, pt_bounded *own, dxgk_pt **out, char *msg,
                         size_t msg_size)
{
    *out = NULL;
    int st = dxgk_pt_config_check(caps, levels, msg, msg_size);
    if (st)
        return st;
    dxgk_pt *pt = calloc(1, sizeof *pt);
    if (!pt)
        return DXGK_PT_E_NOMEM;
    pt->nlev = caps->PageTableLevelCount;
    pt->va_bits = caps->VirtualAddressBitCount;
    uint32_t sh = 12;
    for (unsigned l = 0; l < pt->nlev; l++) {
        pt->bits[l] = levels[l].PageTableIndexBitCount;
        pt->shift[l] = sh;
        sh += pt->bits[l];
        pt->mask[l] = (UINT64_C(1) << pt->bits[l]) - 1;
        pt->child_off[l] = PT_HDR + (uint32_t)(sizeof(DXGK_PTE) << pt->bits[l]);
        pt->tsize[l] = levels[l].PageTableSizeInBytes;
        pt->talign[l] = levels[l].PageTableAlignmentInBytes ? levels[l].PageTableAlignmentInBytes
                                                            : PT_DEFAULT_ALIGN;
        pt->tseg[l] = levels[l].PageTableSegmentId;
    }
    pt->shift[pt->nlev] = sh;
    for (unsigned k = 0; k < PT_NKINDS; k++) {
        size_t nent = k == PT_KIND64 ? (pt->bits[0] >= 4 ? (size_t)1 << (pt->bits[0] - 4) : 0)
                                     : (k < pt->nlev ? (size_t)1 << pt->bits[k] : 0);
        size_t bytes = PT_HDR + nent * sizeof(DXGK_PTE) + (k && k != PT_KIND64 ? nent * 8 : 0);
        pt->block_bytes[k] = (bytes + 63) & ~(size_t)63;
    }
    pt->leaf64_size = caps->LeafPageTableSizeFor64KPagesInBytes;
    pt->mask64 = pt->leaf64_size ? (UINT64_C(1) << (pt->bits[0] - 4)) - 1 : 0;
    pt->caps = caps_bits(caps);
    DXGK_PTE ok; /* I4: the flag bits a leaf entry may carry */
    memset(&ok, 0, sizeof ok);
    ok.Valid = 1;
    ok.Segment = 31;
    ok.Zero = !!(pt->caps & DXGK_PT_CAP_ZERO);
    ok.ReadOnly = !!(pt->caps & DXGK_PT_CAP_READ_ONLY);
    ok.NoExecute = !!(pt->caps & DXGK_PT_CAP_NO_EXECUTE);
    ok.CacheCoherent = !!(pt->caps & DXGK_PT_CAP_CACHE_COHERENT);
    pt->leaf_flag_ok = ok.Flags;
    pt->mem = *mem;
    pt->own = own;
    pt_table *root;
    st = table_new(pt, pt->nlev - 1, 0, &root);
    if (st) {
        pt->own = NULL; /* the caller still owns it on failure */
        dxgk_pt_destroy(pt);
        return st;
    }
    pt->root = root;
    count_add(pt, root);
    *out = pt;
    return DXGK_PT_OK;
}

int dxgk_pt_create(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                   const dxgk_pt_mem *mem, dxgk_pt **out, char *msg, size_t msg_size)
{
    if (!mem || !mem->alloc || !mem->free) {
        *out = NULL;
        set_msg(msg, msg_size, "a memory interface with alloc and free is required");
        return DXGK_PT_E_INVAL;
    }
    return create_common(caps, levels, mem, NULL, out, msg, msg_size);
}

int dxgk_pt_create_bounded(const DXGK_GPUMMUCAPS *caps, const DXGK_PAGE_TABLE_LEVEL_DESC *levels,
                           uint64_t base, uint64_t capacity, dxgk_pt **out, char *msg,
                           size_t msg_size)
{
    *out = NULL;
    if (capacity == 0 || base >= UINT64_MAX - capacity) {
        set_msg(msg, msg_size, "capacity must be > 0 and base + capacity below 2^64 - 1");
        return DXGK_PT_E_INVAL;
    }
    pt_bounded *b = calloc(1, sizeof *b);
    if (!b || !(b->ra = dxgk_ra_create(base, base + capacity))) {
        free(b);
        return DXGK_PT_E_NOMEM;
    }
    b->base = base;
    b->cap = capacity;
    dxgk_pt_mem mem = {b, bounded_alloc, bounded_free};
    int st = create_common(caps, levels, &mem, b, out, msg, msg_size);
    if (st)
        bounded_destroy(b);
    return st;
}

/* ------------------------------------------------------------------------------------ */
/* Validation                                                                           */

typedef struct vrange {
    uint64_t start, end;
    uint32_t seg;
} vrange;

typedef struct vstate {
    dxgk_pt_stats st;
    vrange *r;
    size_t n, max;
    char *msg;
    size_t msg_size;
} vstate;

#define VFAIL(...)                                     \
    do {                                               \
        set_msg(v->msg, v->msg_size, __VA_ARGS__);     \
        return DXGK_PT_E_INVAL;                        \
    } while (0)

static int vrange_add(vstate *v, uint64_t start, uint64_t size, uint32_t seg)
{
    if (v->n == v->max) {
        size_t m = v->max ? v->max * 2 : 64;
        vrange *x = realloc(v->r, m * sizeof *x);
        if (!x)
            return DXGK_PT_E_NOMEM;
        v->r = x;
        v->max = m;
    }
    v->r[v->n++] = (vrange){start, start + size, seg};
    return DXGK_PT_OK;
}

static int vrange_cmp(const void *a, const void *b)
{
    const vrange *x = a, *y = b;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int validate_table(const dxgk_pt *pt, const pt_table *t, unsigned lvl, int is_root,
                          uint64_t va_base, vstate *v)
{
    const uint64_t ok_leaf = pt->leaf_flag_ok;
    if (t->level != lvl || t->fresh)
        VFAIL("table at va 0x%llx: level %u (expected %u), fresh %u", (unsigned long long)va_base,
              t->level, lvl, t->fresh);
    uint32_t want_n = t->fmt64k ? (1u << (pt->bits[0] - 4)) : (1u << pt->bits[lvl]);
    if (t->nent != want_n || (t->fmt64k && (lvl != 0 || !pt->leaf64_size)))
        VFAIL("table at level %u va 0x%llx: bad format", lvl, (unsigned long long)va_base);
    if (t->offset & (pt->talign[lvl] - 1))
        VFAIL("table at level %u va 0x%llx: offset 0x%llx not aligned to %u", lvl,
              (unsigned long long)va_base, (unsigned long long)t->offset, pt->talign[lvl]);
    if (vrange_add(v, t->offset, table_seg_size(pt, t), pt->tseg[lvl]))
        VFAIL("out of host memory while validating");
    v->st.tables[lvl]++;
    v->st.leaf64k_tables += t->fmt64k;
    v->st.table_bytes += table_seg_size(pt, t);
    uint32_t nvalid = 0;
    unsigned esh = lvl ? pt->shift[lvl] : (t->fmt64k ? 16 : 12);
    for (uint32_t i = 0; i < t->nent; i++) {
        const DXGK_PTE *e = &t->e[i];
        uint64_t va = va_base + ((uint64_t)i << esh);
        if (!e->Valid) {
            if (e->Flags || e->PageAddress)
                VFAIL("level %u va 0x%llx: invalid entry is not all-zero", lvl,
                      (unsigned long long)va);
            if (lvl && t->child[i])
                VFAIL("level %u va 0x%llx: invalid entry with a child table", lvl,
                      (unsigned long long)va);
            continue;
        }
        nvalid++;
        if (lvl) {
            uintptr_t c = t->child[i];
            if (!c)
                VFAIL("level %u va 0x%llx: valid entry without a child table", lvl,
                      (unsigned long long)va);
            const pt_table *ch = untag(c);
            if ((c & 1) != ch->fmt64k || (lvl != 1 && ch->fmt64k))
                VFAIL("level %u va 0x%llx: child format tag mismatch", lvl,
                      (unsigned long long)va);
            if (ch->level != lvl - 1)
                VFAIL("level %u va 0x%llx: child at level %u", lvl, (unsigned long long)va,
                      ch->level);
            DXGK_PTE want = upper_entry(pt, ch);
            if (e->Flags != want.Flags || e->PageTableAddress != want.PageTableAddress)
                VFAIL("level %u va 0x%llx: entry (flags 0x%llx, address 0x%llx) does not point "
                      "at its child (flags 0x%llx, address 0x%llx)",
                      lvl, (unsigned long long)va, (unsigned long long)e->Flags,
                      (unsigned long long)e->PageTableAddress, (unsigned long long)want.Flags,
                      (unsigned long long)want.PageTableAddress);
            int st = validate_table(pt, ch, lvl - 1, 0, va, v);
            if (st)
                return st;
        } else {
            if (e->Flags & ~ok_leaf)
                VFAIL("leaf va 0x%llx: flag bits 0x%llx not allowed", (unsigned long long)va,
                      (unsigned long long)(e->Flags & ~ok_leaf));
            if (e->Zero && (e->Segment || e->PageAddress))
                VFAIL("leaf va 0x%llx: Zero entry with segment/address", (unsigned long long)va);
            if (e->PageAddress & (t->fmt64k ? 0xFFFF : 0xFFF))
                VFAIL("leaf va 0x%llx: PageAddress 0x%llx misaligned", (unsigned long long)va,
                      (unsigned long long)e->PageAddress);
            v->st.valid_leaf_entries++;
            v->st.mapped_pages += t->fmt64k ? 16 : 1;
        }
    }
    if (nvalid != t->nvalid)
        VFAIL("table at level %u va 0x%llx: nvalid %u but %u valid entries", lvl,
              (unsigned long long)va_base, t->nvalid, nvalid);
    if (!is_root && nvalid == 0)
        VFAIL("empty table at level %u va 0x%llx was not freed", lvl,
              (unsigned long long)va_base);
    return DXGK_PT_OK;
}

static int validate_placement(const dxgk_pt *pt, vstate *v)
{
    qsort(v->r, v->n, sizeof *v->r, vrange_cmp);
    for (size_t i = 1; i < v->n; i++)
        if (v->r[i].seg == v->r[i - 1].seg && v->r[i].start < v->r[i - 1].end)
            VFAIL("tables overlap in segment %u at 0x%llx", v->r[i].seg,
                  (unsigned long long)v->r[i].start);
    const pt_bounded *b = pt->own;
    if (!b)
        return DXGK_PT_OK;
    /* built-in placement: the allocator's live ranges are exactly the tables */
    int rc = dxgk_ra_validate(b->ra);
    if (rc)
        VFAIL("placement: range allocator invariant %d broken", rc);
    if (dxgk_ra_count(b->ra) != v->n)
        VFAIL("placement: %llu live ranges for %zu tables",
              (unsigned long long)dxgk_ra_count(b->ra), v->n);
    if (dxgk_ra_free_bytes(b->ra) + pt->st.table_bytes + pt->reserve_bytes != b->cap)
        VFAIL("placement: free %llu + tables %llu + reserve %llu != capacity %llu",
              (unsigned long long)dxgk_ra_free_bytes(b->ra),
              (unsigned long long)pt->st.table_bytes, (unsigned long long)pt->reserve_bytes,
              (unsigned long long)b->cap);
    for (size_t i = 0; i < v->n; i++) {
        uint64_t start, size;
        if (dxgk_ra_find(b->ra, v->r[i].start, &start, &size, NULL) != DXGK_RA_OK ||
            start != v->r[i].start || size != v->r[i].end - v->r[i].start)
            VFAIL("placement: table at 0x%llx is not a live range of its size",
                  (unsigned long long)v->r[i].start);
    }
    return DXGK_PT_OK;
}

int dxgk_pt_validate(const dxgk_pt *pt, char *msg, size_t msg_size)
{
    vstate vs;
    memset(&vs, 0, sizeof vs);
    vstate *v = &vs;
    v->msg = msg;
    v->msg_size = msg_size;
    if (msg && msg_size)
        msg[0] = '\0';
    int st = validate_table(pt, pt->root, pt->nlev - 1, 1, 0, v);
    if (!st) {
        dxgk_pt_stats want = pt->st;
        v->st.conversions = want.conversions;
        if (memcmp(&want, &v->st, sizeof want)) {
            set_msg(msg, msg_size,
                    "counters differ from a recount: tables[0] %llu/%llu, leaf64k %llu/%llu, "
                    "bytes %llu/%llu, valid leaf entries %llu/%llu, pages %llu/%llu",
                    (unsigned long long)want.tables[0], (unsigned long long)v->st.tables[0],
                    (unsigned long long)want.leaf64k_tables,
                    (unsigned long long)v->st.leaf64k_tables,
                    (unsigned long long)want.table_bytes, (unsigned long long)v->st.table_bytes,
                    (unsigned long long)want.valid_leaf_entries,
                    (unsigned long long)v->st.valid_leaf_entries,
                    (unsigned long long)want.mapped_pages,
                    (unsigned long long)v->st.mapped_pages);
            st = DXGK_PT_E_INVAL;
        }
    }
    if (!st) {
        /* the reserve: unattached tables whose segment ranges are held all the same */
        uint64_t bytes = 0;
        for (unsigned k = 0; k < PT_NKINDS && !st; k++)
            for (size_t j = 0; j < pt->nstock[k] && !st; j++) {
                const pt_table *t = pt->stock[k][j];
                bytes += table_seg_size(pt, t);
                if ((k == PT_KIND64) != t->fmt64k || t->level != (k == PT_KIND64 ? 0 : k) ||
                    vrange_add(v, t->offset, table_seg_size(pt, t), pt->tseg[t->level])) {
                    set_msg(msg, msg_size, "reserve table %zu of kind %u is malformed", j, k);
                    st = DXGK_PT_E_INVAL;
                }
            }
        if (!st && bytes != pt->reserve_bytes) {
            set_msg(msg, msg_size, "the reserve holds %llu bytes, its counter says %llu",
                    (unsigned long long)bytes, (unsigned long long)pt->reserve_bytes);
            st = DXGK_PT_E_INVAL;
        }
    }
    if (!st)
        st = validate_placement(pt, v);
    free(v->r);
    return st;
}
