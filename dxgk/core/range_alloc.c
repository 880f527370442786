/*
 * range_alloc.c -- the range allocator: the live ranges of [lo, hi) in a B+ tree
 * whose inner nodes cache, per child subtree, the largest hole, the largest
 * block aligned to each alignment order that requests ask for, and one phase word
 * for the 64 KB phase rule.
 *
 * What it owns: the ranges handed out from one address space or segment, the holes
 * between them, and the node pools the tree lives in.
 *
 * Representation. Every live range is an entry (start, size, tag, gap) where `gap` is
 * the size of the hole that ends at `start`: the free bytes between the previous
 * range's end (or lo) and start. A sentinel entry (start = hi, size = 0) closes the
 * space and carries the last hole, so every hole belongs to exactly one entry, the
 * one right after it. Entries are self-contained: moving one between nodes never
 * changes a hole, which keeps splits, merges and borrows local.
 *
 * Why a B+ tree (inner fan-out RA_INNER_CAP, leaves of RA_LEAF_CAP entries) rather
 * than a red-black or AVL tree: at a million ranges a binary tree is 20-40 levels of
 * dependent pointer loads, most of them cache misses, so the cost per operation grows
 * ~10x from 1k to 1M ranges (drm_mm's curve). A wide tree has 3-5 levels, its inner
 * levels (~1/20 of the memory) stay in cache, a node is read as a few contiguous
 * arrays, nodes come from 2 MB huge-page chunks, and once the tree outgrows a core's
 * L2 the one leaf an operation needs is prefetched whole as soon as its address is
 * known (tools/bench_alloc.py measures the result at 1k..1M ranges).
 *
 * Fits. For a hole [a, b) and an order k the fit at 2^k is the longest block of the
 * hole that starts on a 2^k boundary, b - roundup(a, 2^k) (0 if that is >= b); it
 * never grows with k. A request (size, align 2^k, phase 0) fits the hole, the window
 * aside, exactly when the fit at 2^k is >= size. The tree keeps fit columns: column
 * 0 is the hole length, and each further column one order in 4 KB .. 2^63 -- the
 * orders requests have asked for (64 KB and 2 MB from creation on, the alignments
 * dxgk asks for), in increasing order, at most RA_KEPT_COLS columns. An inner node
 * holds, per column c, the array fit[c][i] of each child's maximum over its holes,
 * so that a search reads one contiguous array per node; the root's maxima are in
 * top[c]. A node's maxima are stored once, in its parent (no copy in the node).
 * Orders above the top order (bitlength(hi - 1), order_top) share its column: 0 is
 * then the only multiple of 2^k below hi.
 *
 * The phase word. The map path asks for align 64 KB with a phase p * 4 KB, p in
 * 1..15 (docs/behaviour.md 5.3: the VA is congruent to the offset mod 64 KB). While every hole
 * boundary is 4 KB aligned (VA spaces always are), from the first such request
 * on (pw_on; pw_start fills every word in O(n), once), each inner node keeps
 * per child one 64-bit word pw[i] next to fit[0][i]: with M = fit[0][i] / 4 KB the
 * child's longest hole in pages and F_p its longest block, in pages, that starts
 * on a page = p (mod 16), nibble p of the word is the deficit d_p = M - F_p. Why 4
 * bits suffice, exactly, with no saturation: for one hole of G pages whose first
 * page is q (mod 16) the block at phase p starts (p - q) mod 16 <= 15 pages in, so
 * F_p(hole) = max(0, G - ((p - q) mod 16)); a subtree's F_p is the maximum over its
 * holes, and the hole attaining M alone gives F_p >= M - 15 (or M < 15 and
 * F_p >= 0), so 0 <= d_p <= 15 always. A word encodes (M, F_0..F_15) exactly, so
 * the join of two children (pw_join: M the larger, d_p = min(d_p(a), d_p(b) + the
 * M difference), 16 lanes in a few SWAR operations) is the exact word of their
 * union: associative and commutative, so any tree shape gives the same words.
 * Column 0 carries the word: whenever column 0 of a child is updated, rescanned or
 * propagated so is its word (one update for all 16 phases); a parent's word is the
 * join with the child's new word unless the child's old word attained one of the
 * parent's F_p (then one rescan of that node, as for a column maximum). A byte-
 * granular allocator turns pw_on off for good at its first unaligned boundary and
 * the phase rule falls back to the 4 KB column (with near misses, below).
 *
 * Invariants (all checked by dxgk_ra_validate):
 *   I1 entries are in strictly increasing start order along the leaf chain, and the
 *      last one is the sentinel (start = hi, size = 0);
 *   I2 every live range has size > 0 and start + size <= hi;
 *   I3 for every entry, start - gap = end of the previous range (lo for the first):
 *      ranges never overlap and the holes are exactly the gaps between them;
 *   I4 inner node: key[i] (i >= 1) is a lower bound of every start in child i and a
 *      strict upper bound of every start in children 0..i-1 (lower-bound
 *      separators: a key may lag behind the child's true minimum after a deletion);
 *   I5 for every kept column c, fit[c][i] of an inner node is child i's exact
 *      maximum fit at 2^shift[c] and top[c] the tree's; shift[] is 0 then strictly
 *      increasing orders, col_of its inverse; addr_or has every bit set that any
 *      hole boundary has; pw_on only while addr_or is 4 KB aligned, and then
 *      pw[i] is child i's exact phase word and top_pw the tree's (checked against
 *      F_p computed hole by hole);
 *   I6 all leaves at depth `height`; non-root nodes hold at least half their
 *      capacity; an inner root has at least two children;
 *   I7 live / holes / free_bytes equal the counts over the entries.
 *
 * Searching. A request is (size, align 2^k, phase p, window [wmin, wmax)), lowest-
 * or highest-first. Let e = min(k, trailing zeros of p): every start the request
 * accepts is 2^e aligned. A phase-rule request on a pw_on allocator prunes with
 * the phase word: child i is entered only if M - d_p >= ceil(size / 4 KB), which is
 * exactly "some hole of child i has a start = p * 4 KB (mod 64 KB) with size bytes
 * of room" (all bounds are pages). Any other request prunes with one column
 * (request_order, request_col):
 * column 0 if e is no coarser than every address ever inserted (2^e divides addr_or:
 * each hole then starts on a 2^e boundary and its fit at 2^e is its length) or
 * below 4 KB; else the column of order e, started on the request's first use of it.
 * The search walks children in address order and enters a child only if its column
 * value is >= size and its key bounds let its holes reach the window; in a leaf
 * each hole is tested exactly (clip to the window, round to the congruence, check
 * the room). A subtree that is entered but yields nothing is either
 *   - on the boundary of the window (the hole straddling wmin or wmax, or one of the
 *     O(1) children per level whose key bounds are loose): O(height) nodes; or
 *   - holds a "near miss": a hole inside the window whose column value is >= size
 *     but which has no start with the requested congruence and room. Each near miss
 *     costs at most one root-to-leaf path.
 * With phase 0 (and align >= 4 KB, or any align no coarser than the addresses),
 * and for the 64 KB phase rule on a 4 KB granular allocator, the pruning value of a
 * hole is exactly "this hole hosts the request": there are no near misses, and
 * every search is O(log n) -- for every alignment 4 KB .. 2^63 and every 64 KB
 * phase, windowed or not (tests count the leaves a search visits,
 * dxgk_ra_search_leaves). Near misses remain only for congruences neither a
 * column nor the phase word expresses: other nonzero phases below the alignment
 * (no dxgk path asks for them), the phase rule on a byte-granular allocator,
 * byte-granular alignments on byte-granular addresses, or an order requested
 * after RA_KEPT_COLS columns are kept. They are sound (every
 * accepted start is 2^e aligned, so a pruned subtree holds no answer) and bounded
 * in kind: a hole whose fit at 2^e is >= size + 2^k - 2^e always hosts the request,
 * so a near miss's fit lies in [size, size + 2^k - 2^e). A search is O((1 + m) log n)
 * for m near misses before the answer. Pruning on size + align - 1 instead would be
 * O(log n) but could miss the lowest fit, which the contract (lowest start) forbids.
 *
 * Columns on demand. Each kept column costs every update O(1) per level (a rescan
 * of one node's column where the changed child held its maximum and shrank) and
 * RA_INNER_CAP words per inner node; so a column is kept only from the first request
 * that needs it. Starting one (col_add) copies every inner node into a pool of
 * nodes one column wider, filling the new column from the leaves: O(n), once per
 * order and allocator, so at most RA_KEPT_COLS - 1 times; it changes no range, hole
 * or answer, which is why dxgk_ra_find_fit (const) may do it. If the wider pool
 * cannot be had the request prunes with the next finer kept column instead (sound,
 * near misses possible) and nothing fails. Workloads that use only the dxgk orders
 * keep exactly the three columns of the earlier fixed classes (any, 64 KB, 2 MB),
 * with the same node size and memory.
 * Once started, the phase word adds a few SWAR joins per changed level to every
 * update, and a rescan of a leaf's (or node's) near-maximal holes where the changed
 * one attained some F_p; an allocator never asked the phase rule pays nothing.
 * alloc_fixed, free, find, next/prev and set_tag are one descent by key plus
 * O(height) work; updates of the kept columns are O(ncol) per level except where
 * the changed child held its parent's maximum and shrank (one rescan of that node's
 * column); splits and merges touch O(height) nodes.
 *
 * Memory: nodes come from two pools (leaves, inner nodes) that grow by chunks and
 * keep freed nodes on free lists, so steady-state operations never call malloc; the
 * pools keep their high-water mark until dxgk_ra_destroy (or a column start, which
 * replaces the inner pool). An inner node is 776 + 256 * ncol bytes (with 32-entry
 * nodes, the phase words included): 1.5 KB with the three default columns, 8.9 KB
 * with RA_KEPT_COLS = 32.
 * Inner nodes are ~1/20 of the nodes, so even at 32 columns a tree of half-full
 * nodes (the densest inner-to-range ratio) stays within 1.5x the memory per range
 * of the three-column tree. An insertion reserves every node it could need before
 * changing anything, so DXGK_RA_ENOMEM leaves the allocator as it was; frees never
 * allocate.
 *
 * Lookahead hints. A caller with a batch of lookups ahead of it (the Update runner,
 * vidmm_update.c) asks for each one's leaf a few operations early (dxgk_ra_prefetch:
 * one descent, the leaf prefetched whole) and gets a dxgk_ra_hint naming that leaf and
 * the allocator's stamp; dxgk_ra_hint_tag later reads the tag from that leaf without a
 * descent. The stamp is bumped by every change that moves or removes entries (commit,
 * free), so a hint whose stamp is current names a live leaf whose entries are as they
 * were; any other hint falls back to dxgk_ra_find. Hints never change the allocator.
 *
 * Thread safety: none; the caller holds its adapter lock.
 *
 * Size: this file passes the project's ~800-line budget (about 2,100 lines) because
 * it is one data structure: search, insert, remove, rebalance, the cached-fit
 * updates and the validator all depend on the node layout and on invariants that
 * span several of them at once; exporting the nodes to a second file would make the
 * tree's representation a published interface.
 */
#include "range_alloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Capacities may be lowered by a test build (-DRA_LEAF_CAP=4 -DRA_INNER_CAP=4) to
 * exercise deep trees with few ranges. */
#ifndef RA_LEAF_CAP
#define RA_LEAF_CAP 32
#endif
#ifndef RA_INNER_CAP
#define RA_INNER_CAP 32
#endif
#define RA_LEAF_MIN (RA_LEAF_CAP / 2)
#define RA_INNER_MIN (RA_INNER_CAP / 2)
#define RA_MAX_HEIGHT 48
#define RA_NODE_ALIGN 64
#define RA_FIRST_CHUNK ((size_t)16 << 10)
#define RA_HUGE_CHUNK ((size_t)2 << 20)
/* Below this much leaf memory the whole tree sits in a core's L2 and software
 * prefetching would only cost instructions. */
#define RA_PREFETCH_MIN ((uint64_t)1 << 20)

_Static_assert(RA_LEAF_CAP >= 4 && RA_INNER_CAP >= 4, "node capacities must be >= 4");

/* Fit columns. Column 0 is the plain hole length; every other column is one
 * alignment order from 4 KB (RA_ORDER_MIN) to 2^63 (RA_ORDER_MAX). An allocator keeps
 * only the columns requests have asked for, in increasing order. */
#define RA_ORDER_MIN 12u
#define RA_ORDER_MAX 63u
/* The orders dxgk itself asks for, maintained from creation on (an empty tree makes
 * them free to start): 64 KB (64 KB pages and the VA congruence) and 2 MB (a leaf page
 * table's coverage). Every other order's column starts on its first request. */
#define RA_ORDER_64K 16u
#define RA_ORDER_2M 21u
/* At most this many columns are kept (column 0 and 31 orders): with every one of
 * them an inner node is 8.9 KB and the tree stays within 1.5x the memory of the
 * three-column tree even when packed (see the file-top comment). */
#define RA_KEPT_COLS 32u

_Static_assert(RA_KEPT_COLS <= 64 && RA_KEPT_COLS <= 1 + RA_ORDER_MAX - RA_ORDER_MIN + 1,
               "a column mask is one 64-bit word; no more columns than orders");

/* One value per column (0 .. ncol - 1 of the allocator). */
typedef struct ra_fits {
    uint64_t v[RA_KEPT_COLS];
    uint64_t pw;                /* the 64 KB phase word (see "The phase word") */
} ra_fits;

typedef struct ra_leaf {
    uint32_t n;
    struct ra_leaf *prev, *next;
    uint64_t start[RA_LEAF_CAP];
    uint64_t gap[RA_LEAF_CAP];
    uint64_t size[RA_LEAF_CAP];
    uint64_t tag[RA_LEAF_CAP];
} ra_leaf;

/* An inner node carries one fit column per column of its allocator (ncol of them:
 * the node pool's size follows ncol, see col_add). */
typedef struct ra_inner {
    uint32_t n;
    uint64_t key[RA_INNER_CAP];     /* key[i], i >= 1: separator (I4); key[0] unused */
    void *child[RA_INNER_CAP];
    uint64_t pw[RA_INNER_CAP];      /* pw[i] = child i's phase word (with fit[0][i]) */
    uint64_t fit[][RA_INNER_CAP];   /* fit[c][i] = child i's summary in column c */
} ra_inner;

/* A pool of equal-sized nodes carved from chunks; free nodes are linked through
 * their first word. */
typedef struct ra_pool {
    void *free;
    void *chunks;               /* linked through the first word of each chunk */
    size_t node_size;
    size_t nfree;
    size_t next_chunk_bytes;
    uint64_t bytes;
} ra_pool;

struct dxgk_ra {
    uint64_t lo, hi;
    void *root;
    uint32_t height;            /* 0: the root is a leaf */
    uint32_t ncol;              /* fit columns kept (column 0 and ncol - 1 orders) */
    uint32_t top_order;         /* orders above behave as this one (order_top) */
    uint8_t shift[RA_KEPT_COLS]; /* column -> log2 of its alignment; increasing, [0] = 0 */
    int8_t col_of[RA_ORDER_MAX + 1];    /* order -> its column, or -1 if not kept */
    uint64_t addr_or;           /* OR of lo, hi and every start and end ever inserted */
    uint64_t live, holes, free_bytes;
    uint64_t top[RA_KEPT_COLS];  /* the root's summary, per column */
    uint64_t top_pw;            /* the root's phase word */
    bool pw_on;                 /* phase words kept: started, and every boundary 4 KB aligned */
    uint64_t search_leaves;     /* leaves visited by searches (dxgk_ra_search_leaves) */
    uint64_t stamp;             /* bumped whenever entries move or go (dxgk_ra_hint) */
    ra_pool leaves, inners;
};

/* A root-to-leaf path: node[d] is the inner node at depth d, idx[d] the child taken;
 * the leaf is at depth `height`. */
typedef struct ra_path {
    ra_inner *node[RA_MAX_HEIGHT];
    uint32_t idx[RA_MAX_HEIGHT];
    ra_leaf *leaf;
    uint32_t pos;
} ra_path;

#define RA_INNER_BYTES(ncol) (sizeof(ra_inner) + (size_t)(ncol) * sizeof(uint64_t[RA_INNER_CAP]))

_Static_assert(sizeof(ra_leaf) + 2 * RA_NODE_ALIGN <= RA_FIRST_CHUNK &&
               RA_INNER_BYTES(RA_KEPT_COLS) + 2 * RA_NODE_ALIGN <= RA_FIRST_CHUNK,
               "a node must fit in the first pool chunk");

/* ---------------------------------------------------------------- pools */

static void pool_init(ra_pool *pl, size_t node_size)
{
    memset(pl, 0, sizeof *pl);
    pl->node_size = (node_size + RA_NODE_ALIGN - 1) / RA_NODE_ALIGN * RA_NODE_ALIGN;
    pl->next_chunk_bytes = RA_FIRST_CHUNK;
}

/* Adds one chunk of nodes. Chunks double from 16 KB up to 2 MB; 2 MB chunks are
 * 2 MB aligned and offered to the kernel as transparent huge pages, since a big tree
 * is touched at random and would otherwise miss the TLB on most leaves. */
static int pool_grow(ra_pool *pl)
{
    size_t bytes = pl->next_chunk_bytes;
    size_t align = bytes >= RA_HUGE_CHUNK ? RA_HUGE_CHUNK : RA_NODE_ALIGN;
    size_t k = (bytes - RA_NODE_ALIGN) / pl->node_size;
    char *c = aligned_alloc(align, bytes);
    if (c == NULL)
        return -1;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= RA_HUGE_CHUNK)
        (void)madvise(c, bytes, MADV_HUGEPAGE);     /* a hint: failure is harmless */
#endif
    *(void **)c = pl->chunks;
    pl->chunks = c;
    char *base = c + RA_NODE_ALIGN;
    for (size_t i = k; i-- > 0;) {
        void *nd = base + i * pl->node_size;
        *(void **)nd = pl->free;
        pl->free = nd;
    }
    pl->nfree += k;
    pl->bytes += bytes;
    if (bytes < RA_HUGE_CHUNK)
        pl->next_chunk_bytes = bytes * 2;
    return 0;
}

/* Ensures k nodes can be taken without failing; extra nodes stay in the pool. */
static int pool_reserve(ra_pool *pl, size_t k)
{
    while (pl->nfree < k)
        if (pool_grow(pl) != 0)
            return -1;
    return 0;
}

/* Takes a node; the caller reserved it. */
static void *pool_get(ra_pool *pl)
{
    void *nd = pl->free;
    pl->free = *(void **)nd;
    pl->nfree--;
    return nd;
}

static void pool_put(ra_pool *pl, void *nd)
{
    *(void **)nd = pl->free;
    pl->free = nd;
    pl->nfree++;
}

static void pool_destroy(ra_pool *pl)
{
    void *c = pl->chunks;
    while (c != NULL) {
        void *next = *(void **)c;
        free(c);
        c = next;
    }
    memset(pl, 0, sizeof *pl);
}

/* ---------------------------------------------------------------- fits */

static inline uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }
static inline uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Longest block of [a, b) that starts on a 2^shift boundary (0 if none). */
static inline uint64_t hole_fit(uint64_t a, uint64_t b, unsigned shift)
{
    uint64_t mask = (UINT64_C(1) << shift) - 1;
    if (a > UINT64_MAX - mask)
        return 0;                   /* the next boundary is 2^64: out of range */
    uint64_t r = (a + mask) & ~mask;
    return r < b ? b - r : 0;
}

/* The phase word (see the file-top comment). Page counts: M = fit0 >> 12 is the
 * longest hole of a subtree in 4 KB pages; nibble p of the word is the deficit
 * d_p = M - F_p, F_p the longest block (in pages) of one of its holes that starts
 * on a page = p mod 16. SWAR helpers work on byte lanes holding values < 128. */
#define RA_PAGE 12u
#define RA_LANES_LO UINT64_C(0x0F0F0F0F0F0F0F0F)
#define RA_LANES_H UINT64_C(0x8080808080808080)
#define RA_LANES_1 UINT64_C(0x0101010101010101)

/* Per byte lane: min(x, y). */
static inline uint64_t lanes_min(uint64_t x, uint64_t y)
{
    uint64_t ge = ((((x | RA_LANES_H) - y) & RA_LANES_H) >> 7) * 0xFF;   /* x >= y */
    return (y & ge) | (x & ~ge);
}

/* Per nibble: min(w_p, v_p + delta) for delta <= 15; results stay <= w_p <= 15. */
static inline uint64_t nibbles_min_plus(uint64_t w, uint64_t v, uint64_t delta)
{
    uint64_t add = delta * RA_LANES_1;
    uint64_t lo = lanes_min(w & RA_LANES_LO, (v & RA_LANES_LO) + add);
    uint64_t hi = lanes_min((w >> 4) & RA_LANES_LO, ((v >> 4) & RA_LANES_LO) + add);
    return lo | (hi << 4);
}

/* The phase word of a set with longest hole ma (pages) and word wa joined with
 * one of mb and wb: relative to max(ma, mb), each F_p the larger of the two. */
static inline uint64_t pw_join(uint64_t ma, uint64_t wa, uint64_t mb, uint64_t wb)
{
    if (ma < mb) {
        uint64_t t = ma; ma = mb; mb = t;
        t = wa; wa = wb; wb = t;
    }
    if (ma - mb > 15)
        return wa;          /* F_p(a) >= ma - 15 > mb >= F_p(b) */
    return nibbles_min_plus(wa, wb, ma - mb);
}

/* Does the set (mb, wb), mb <= ma, attain some F_p of the set (ma, wa) it is part
 * of (then removing or shrinking it may lower that F_p)? Conservative: it also
 * says yes for an F_p of 0, which cannot be lowered. */
static inline bool pw_attains(uint64_t ma, uint64_t wa, uint64_t mb, uint64_t wb)
{
    if (ma - mb > 15)
        return false;
    uint64_t add = (ma - mb) * RA_LANES_1;
    uint64_t lo = ((wa & RA_LANES_LO) | RA_LANES_H) - ((wb & RA_LANES_LO) + add);
    uint64_t hi = (((wa >> 4) & RA_LANES_LO) | RA_LANES_H) - (((wb >> 4) & RA_LANES_LO) + add);
    return ((lo | hi) & RA_LANES_H) != 0;    /* some lane with M_b - d_b >= M_a - d_a */
}

/* The phase word of one hole [a, a + g) with 4 KB aligned bounds: its first page
 * = p mod 16 is (p - a/4K) mod 16 pages in, so d_p = min((p - a/4K) mod 16, g/4K). */
static inline uint64_t hole_pw(uint64_t a, uint64_t g)
{
    unsigned r = (unsigned)((a >> RA_PAGE) & 15) * 4;
    uint64_t w = UINT64_C(0xFEDCBA9876543210);
    w = r ? (w << r) | (w >> (64 - r)) : w;
    uint64_t pages = g >> RA_PAGE;
    return pages >= 15 ? w : nibbles_min_plus(w, 0, pages);
}

/* Folds the hole [a, a + g) into the phase word *w of a set whose longest hole
 * is m pages (before the hole is added). */
static inline uint64_t pw_add_hole(uint64_t m, uint64_t w, uint64_t a, uint64_t g)
{
    uint64_t pages = g >> RA_PAGE;
    if (pages + 15 < m)
        return w;
    return pw_join(m, w, pages, hole_pw(a, g));
}

/* Iterates c over the set bits of a column mask, lowest (finest order) first. */
#define FOR_COLS(c, set) \
    for (uint64_t _m = (set), c; _m && ((c = (uint64_t)__builtin_ctzll(_m)), 1); _m &= _m - 1)

/* f = max(f, fits of the hole [a, b)) in every column; returns the columns that
 * grew. A hole's fit never grows with the order, so the first order it cannot host
 * ends the loop. */
static inline uint64_t fits_add_hole(const dxgk_ra *ra, ra_fits *f, uint64_t a, uint64_t b)
{
    uint64_t g = b - a, grew = 0;
    const unsigned ncol = ra->ncol;
    if (ra->pw_on) {
        /* column 0 carries the phase word: bit 0 also means "the word changed" */
        uint64_t w = pw_add_hole(f->v[0] >> RA_PAGE, f->pw, a, g);
        grew = w != f->pw;
        f->pw = w;
    }
    if (g > f->v[0]) {
        f->v[0] = g;
        grew = 1;
    }
    for (unsigned c = 1; c < ncol; c++) {
        if (g <= f->v[c])
            continue;               /* a column's fit never exceeds the hole */
        uint64_t x = hole_fit(a, b, ra->shift[c]);
        if (x == 0)
            break;
        if (x > f->v[c]) {
            f->v[c] = x;
            grew |= UINT64_C(1) << c;
        }
    }
    return grew;
}

/* The active columns (bit c) whose maximum in f the hole [a, b) attains: shrinking
 * or removing the hole can lower exactly those. */
static inline uint64_t hole_attains(const dxgk_ra *ra, const ra_fits *f, uint64_t a, uint64_t b)
{
    uint64_t g = b - a, mask = 0;
    if (g != 0 && g >= f->v[0])
        mask |= 1;
    if (g != 0 && ra->pw_on && (g >> RA_PAGE) + 15 >= (f->v[0] >> RA_PAGE) &&
        pw_attains(f->v[0] >> RA_PAGE, f->pw, g >> RA_PAGE, hole_pw(a, g)))
        mask |= 1;
    for (unsigned c = 1; c < ra->ncol; c++) {
        if (g < f->v[c])
            continue;
        uint64_t x = hole_fit(a, b, ra->shift[c]);
        if (x == 0)
            break;
        if (x >= f->v[c])
            mask |= UINT64_C(1) << c;
    }
    return mask;
}

/* A leaf's phase word, m its longest hole: only holes within 15 pages of m can
 * hold an F_p (pw_join), so only those are joined. */
static uint64_t leaf_pw(const ra_leaf *lf, uint64_t m)
{
    uint64_t top = m >> RA_PAGE, w = 0, mw = 0;
    for (uint32_t j = 0; j < lf->n; j++) {
        uint64_t g = lf->gap[j], pages = g >> RA_PAGE;
        if (g == 0 || pages + 15 < top)
            continue;
        w = pw_join(mw, w, pages, hole_pw(lf->start[j] - g, g));
        mw = max64(mw, pages);
    }
    return w;
}

/* An inner node's phase word from its children's, m the longest of their holes
 * (fit[0]), with child `at` (if < n) taken as (m_at, w_at) instead. */
static uint64_t inner_pw(const ra_inner *in, uint64_t m, uint32_t at, uint64_t m_at,
                         uint64_t w_at)
{
    uint64_t top = m >> RA_PAGE, w = 0, mw = 0;
    for (uint32_t i = 0; i < in->n; i++) {
        uint64_t mi = (i == at ? m_at : in->fit[0][i]) >> RA_PAGE;
        if (mi + 15 < top)
            continue;
        w = pw_join(mw, w, mi, i == at ? w_at : in->pw[i]);
        mw = max64(mw, mi);
    }
    return w;
}

/* Recomputes the columns in `mask` of f from a leaf's entries. */
static void leaf_rescan(const dxgk_ra *ra, const ra_leaf *lf, ra_fits *f, uint64_t mask)
{
    if (mask & 1) {
        uint64_t m = 0;
        for (uint32_t j = 0; j < lf->n; j++)
            m = max64(m, lf->gap[j]);
        f->v[0] = m;
        f->pw = ra->pw_on ? leaf_pw(lf, m) : 0;
    }
    FOR_COLS(c, mask & ~UINT64_C(1)) {
        unsigned sh = ra->shift[c];
        uint64_t m = 0;
        for (uint32_t j = 0; j < lf->n; j++) {
            uint64_t g = lf->gap[j];
            if (g > m)
                m = max64(m, hole_fit(lf->start[j] - g, lf->start[j], sh));
        }
        f->v[c] = m;
    }
}

/* A leaf's summary in every active column. */
static void leaf_scan(const dxgk_ra *ra, const ra_leaf *lf, ra_fits *f)
{
    leaf_rescan(ra, lf, f, (UINT64_C(1) << ra->ncol) - 1);
}

/* An inner node's summary from its child columns. */
static void inner_scan(const dxgk_ra *ra, const ra_inner *in, ra_fits *f)
{
    for (unsigned c = 0; c < ra->ncol; c++) {
        uint64_t m = 0;
        for (uint32_t i = 0; i < in->n; i++)
            m = max64(m, in->fit[c][i]);
        f->v[c] = m;
    }
    f->pw = ra->pw_on ? inner_pw(in, f->v[0], in->n, 0, 0) : 0;
}

static inline void column_set(const dxgk_ra *ra, ra_inner *in, uint32_t i, const ra_fits *f)
{
    for (unsigned c = 0; c < ra->ncol; c++)
        in->fit[c][i] = f->v[c];
    in->pw[i] = f->pw;
}

/* Recomputes child i's summary after a structural change to it and stores it in
 * its parent's columns. */
static void leaf_refresh(const dxgk_ra *ra, ra_inner *par, uint32_t i, const ra_leaf *lf)
{
    ra_fits f;
    leaf_scan(ra, lf, &f);
    column_set(ra, par, i, &f);
}

static void inner_refresh(const dxgk_ra *ra, ra_inner *par, uint32_t i, const ra_inner *in)
{
    ra_fits f;
    inner_scan(ra, in, &f);
    column_set(ra, par, i, &f);
}

/* ---------------------------------------------------------------- node helpers */

/* How many of k[0 .. n) are <= x: four running counts with no dependency between them,
 * so a node's scan is bound by its loads rather than by one chain of additions (every
 * descent scans one array per level; at 10^5 ranges that is most of a lookup's work). */
static inline uint32_t count_le(const uint64_t *k, uint32_t n, uint64_t x)
{
    uint32_t c0 = 0, c1 = 0, c2 = 0, c3 = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        c0 += k[i] <= x;
        c1 += k[i + 1] <= x;
        c2 += k[i + 2] <= x;
        c3 += k[i + 3] <= x;
    }
    for (; i < n; i++)
        c0 += k[i] <= x;
    return c0 + c1 + c2 + c3;
}

/* Index of the child whose key range holds x: the number of separators <= x. */
static inline uint32_t inner_child_for(const ra_inner *in, uint64_t x)
{
    return in->n > 1 ? count_le(in->key + 1, in->n - 1, x) : 0;
}

/* Number of entries with start <= x (index of the first start > x). */
static inline uint32_t leaf_upper(const ra_leaf *lf, uint64_t x)
{
    return count_le(lf->start, lf->n, x);
}

/* Number of entries with start < x (index of the first start >= x). */
static inline uint32_t leaf_lower(const ra_leaf *lf, uint64_t x)
{
    uint32_t c = 0;
    for (uint32_t j = 0; j < lf->n; j++)
        c += lf->start[j] < x;
    return c;
}

static inline void leaf_set(ra_leaf *lf, uint32_t j, uint64_t start, uint64_t size,
                            uint64_t tag, uint64_t gap)
{
    lf->start[j] = start;
    lf->size[j] = size;
    lf->tag[j] = tag;
    lf->gap[j] = gap;
}

/* Moves entries [from, from + cnt) of src to [to, to + cnt) of dst (may overlap). */
static inline void leaf_move(ra_leaf *dst, uint32_t to, const ra_leaf *src, uint32_t from,
                             uint32_t cnt)
{
    if (cnt == 0)
        return;
    memmove(&dst->start[to], &src->start[from], cnt * sizeof(uint64_t));
    memmove(&dst->gap[to], &src->gap[from], cnt * sizeof(uint64_t));
    memmove(&dst->size[to], &src->size[from], cnt * sizeof(uint64_t));
    memmove(&dst->tag[to], &src->tag[from], cnt * sizeof(uint64_t));
}

/* Opens a free entry at j (shifting j..n-1 up by one) / closes entry j. Short
 * inline loops: these run on every insertion and removal, for at most
 * RA_LEAF_CAP entries, where a library memmove's setup dominates. */
static inline void leaf_open(ra_leaf *lf, uint32_t j)
{
    for (uint32_t k = lf->n; k > j; k--) {
        lf->start[k] = lf->start[k - 1];
        lf->gap[k] = lf->gap[k - 1];
        lf->size[k] = lf->size[k - 1];
        lf->tag[k] = lf->tag[k - 1];
    }
    lf->n++;
}

static inline void leaf_close(ra_leaf *lf, uint32_t j)
{
    lf->n--;
    for (uint32_t k = j; k < lf->n; k++) {
        lf->start[k] = lf->start[k + 1];
        lf->gap[k] = lf->gap[k + 1];
        lf->size[k] = lf->size[k + 1];
        lf->tag[k] = lf->tag[k + 1];
    }
}

/* Moves children [from, from + cnt) of src (keys, pointers, fit columns). */
static inline void inner_move(const dxgk_ra *ra, ra_inner *dst, uint32_t to,
                              const ra_inner *src, uint32_t from, uint32_t cnt)
{
    if (cnt == 0)
        return;
    memmove(&dst->key[to], &src->key[from], cnt * sizeof(uint64_t));
    memmove(&dst->child[to], &src->child[from], cnt * sizeof(void *));
    memmove(&dst->pw[to], &src->pw[from], cnt * sizeof(uint64_t));
    for (unsigned c = 0; c < ra->ncol; c++)
        memmove(&dst->fit[c][to], &src->fit[c][from], cnt * sizeof(uint64_t));
}

/* Asks for every cache line of a node the caller is about to use. */
static inline void prefetch_node(const void *nd, size_t bytes)
{
    for (size_t k = 0; k < bytes; k += 64)
        __builtin_prefetch((const char *)nd + k);
}

/* A search is about to scan node nd: an inner node's keys, child pointers and the
 * fit column cls, or a whole leaf. All those lines are requested at once
 * instead of one dependent miss after another. */
static inline void prefetch_child(const void *nd, bool inner, unsigned cls, bool pw)
{
    if (!inner) {
        prefetch_node(nd, sizeof(ra_leaf));
        return;
    }
    const ra_inner *in = nd;
    prefetch_node(in, pw ? offsetof(ra_inner, fit) : offsetof(ra_inner, pw));
    prefetch_node(in->fit[cls], sizeof in->fit[cls]);
}

static const ra_leaf *leftmost_leaf(const dxgk_ra *ra)
{
    const void *nd = ra->root;
    for (uint32_t d = 0; d < ra->height; d++)
        nd = ((const ra_inner *)nd)->child[0];
    return nd;
}

/* Where the summary of the node at depth d of path p is kept in column c: its
 * parent's column, or the allocator's top row for the root. */
typedef struct ra_slots {
    uint64_t *at;               /* column c's value is at[c * stride] */
    size_t stride;
    uint64_t *pw;               /* the phase word */
} ra_slots;

static inline ra_slots sum_slots(dxgk_ra *ra, const ra_path *p, uint32_t d)
{
    if (d == 0)
        return (ra_slots){ ra->top, 1, &ra->top_pw };
    ra_inner *par = p->node[d - 1];
    uint32_t i = p->idx[d - 1];
    return (ra_slots){ &par->fit[0][i], RA_INNER_CAP, &par->pw[i] };
}

static inline void sum_load(dxgk_ra *ra, const ra_path *p, uint32_t d, ra_fits *f)
{
    ra_slots sl = sum_slots(ra, p, d);
    f->v[0] = sl.at[0];         /* column 0 always exists */
    f->pw = *sl.pw;
    for (unsigned c = 1; c < ra->ncol; c++)
        f->v[c] = sl.at[c * sl.stride];
}

/* ---------------------------------------------------------------- paths */

/* Descends to the leaf whose key range holds x, recording the path. */
static void descend(const dxgk_ra *ra, uint64_t x, ra_path *p)
{
    void *nd = ra->root;
    bool prefetch = ra->leaves.bytes >= RA_PREFETCH_MIN;
    for (uint32_t d = 0; d < ra->height; d++) {
        ra_inner *in = nd;
        uint32_t i = inner_child_for(in, x);
        p->node[d] = in;
        p->idx[d] = i;
        nd = in->child[i];
        /* the keys and child pointers (inner) or the whole leaf are next */
        if (prefetch)
            prefetch_node(nd, d + 1 < ra->height ? offsetof(ra_inner, pw) : sizeof(ra_leaf));
    }
    p->leaf = nd;
    p->pos = 0;
}

/* Moves p to the next leaf in address order; false (p unchanged) at the last leaf. */
static bool path_next_leaf(const dxgk_ra *ra, ra_path *p)
{
    int d = (int)ra->height - 1;
    while (d >= 0 && p->idx[d] + 1 >= p->node[d]->n)
        d--;
    if (d < 0)
        return false;
    p->idx[d]++;
    void *nd = p->node[d]->child[p->idx[d]];
    for (uint32_t k = (uint32_t)d + 1; k < ra->height; k++) {
        p->node[k] = nd;
        p->idx[k] = 0;
        nd = ((ra_inner *)nd)->child[0];
    }
    p->leaf = nd;
    p->pos = 0;
    return true;
}

static void path_copy(ra_path *dst, const ra_path *src, uint32_t height)
{
    memcpy(dst->node, src->node, height * sizeof src->node[0]);
    memcpy(dst->idx, src->idx, height * sizeof src->idx[0]);
    dst->leaf = src->leaf;
    dst->pos = src->pos;
}

/* The node at depth d of path p (d = height: the leaf) now has summary m in the
 * columns of `mask` (the others are unchanged; m is used as scratch; m->pw is read
 * only if mask has column 0, which carries the phase word): stores it and
 * carries the change upward, stopping where nothing changes. Each level is O(1) per
 * changed column unless the node held its parent's maximum of that column and
 * shrank: only then is that column of the parent rescanned. */
static void refit_cols(dxgk_ra *ra, ra_path *p, uint32_t d, ra_fits *m, uint64_t mask)
{
    for (;;) {
        ra_slots sl = sum_slots(ra, p, d);
        uint64_t changed = 0;
        FOR_COLS(c, mask)
            changed |= (uint64_t)(sl.at[c * sl.stride] != m->v[c]) << c;
        /* column 0 and the phase word travel together */
        if ((mask & 1) && *sl.pw != m->pw)
            changed |= 1;
        if (changed == 0)
            return;
        if (d == 0) {
            FOR_COLS(c, changed)
                sl.at[c * sl.stride] = m->v[c];
            /* the word only with column 0: otherwise m->pw is whatever the caller
             * passed (unset by leaf_insert, the leaf's own word from free), never
             * carried up to this level */
            if (changed & 1)
                *sl.pw = m->pw;
            return;
        }
        /* m becomes the parent's summary in the changed columns */
        ra_inner *par = p->node[d - 1];
        ra_slots up = sum_slots(ra, p, d - 1);
        if ((changed & 1) && ra->pw_on) {
            /* The parent's word is the join of its children's: the join with the
             * new word unless the old one attained some F_p of the parent (then
             * it may have shrunk: rescan). Uses column 0 before it is updated. */
            uint64_t mo = sl.at[0] >> RA_PAGE, mp = up.at[0] >> RA_PAGE;
            uint64_t mn = m->v[0] >> RA_PAGE, wn = m->pw;
            /* the join suffices when the child only grew (its new word dominates
             * the old one) or its old word attained nothing of the parent's */
            bool grew = mn >= mo && pw_join(mn, wn, mo, *sl.pw) == wn;
            bool att = !grew && pw_attains(mp, *up.pw, mo, *sl.pw);
            if (!att) {
                m->pw = pw_join(mp, *up.pw, mn, wn);
            } else {
                uint64_t x = m->v[0];
                for (uint32_t k = 0; k < par->n; k++)
                    if (k != p->idx[d - 1])
                        x = max64(x, par->fit[0][k]);
                m->pw = inner_pw(par, x, p->idx[d - 1], m->v[0], wn);
            }
            *sl.pw = wn;
        } else if (changed & 1) {
            *sl.pw = m->pw;
        }
        FOR_COLS(c, changed) {
            uint64_t *slot = &sl.at[c * sl.stride];
            uint64_t old = *slot, nv = m->v[c], tot = up.at[c * up.stride];
            *slot = nv;
            if (nv >= tot) {
                /* the child's new value is the parent's new maximum */
            } else if (old == tot) {
                uint64_t x = 0;
                for (uint32_t k = 0; k < par->n; k++)
                    x = max64(x, par->fit[c][k]);
                m->v[c] = x;
            } else {
                m->v[c] = tot;
            }
        }
        mask = changed;
        d--;
    }
}

static inline void refit(dxgk_ra *ra, ra_path *p, uint32_t d, ra_fits *m)
{
    refit_cols(ra, p, d, m, (UINT64_C(1) << ra->ncol) - 1);
}

/* ---------------------------------------------------------------- search */

/* The allocator's top order: for k >= bitlength(hi - 1), 0 is the only multiple of
 * 2^k below hi, so every order from there on has the same fits as this one. */
static unsigned order_top(uint64_t hi)
{
    unsigned bits = hi > 1 ? 64u - (unsigned)__builtin_clzll(hi - 1) : 0u;
    return bits < RA_ORDER_MIN ? RA_ORDER_MIN : bits > RA_ORDER_MAX ? RA_ORDER_MAX : bits;
}

/* The order whose column should prune a request: e, the largest order with
 * 2^e | align and 2^e | phase, so that every start the request accepts is 2^e
 * aligned, capped at the top order; 0 (column 0) when e is below 4 KB or no coarser
 * than every address ever inserted (every hole then starts on a 2^e boundary and
 * its fit is its length). */
static unsigned request_order(const dxgk_ra *ra, uint64_t align, uint64_t phase)
{
    unsigned e = (unsigned)__builtin_ctzll(align);
    if (phase != 0 && (unsigned)__builtin_ctzll(phase) < e)
        e = (unsigned)__builtin_ctzll(phase);
    unsigned gran = (unsigned)__builtin_ctzll(ra->addr_or);     /* addr_or >= hi > 0 */
    if (e < RA_ORDER_MIN || e <= gran)
        return 0;
    return e < ra->top_order ? e : ra->top_order;
}

/* The largest kept column whose order is <= e: every start a request of order e
 * accepts is aligned to it, so it prunes soundly (exactly if its order is e). */
static unsigned col_at_most(const dxgk_ra *ra, unsigned e)
{
    unsigned c = 0;
    while (c + 1 < ra->ncol && ra->shift[c + 1] <= e)
        c++;
    return c;
}

/* The fit at 2^shift of the subtree at nd, which is at depth `depth`. */
static uint64_t subtree_fit(const dxgk_ra *ra, const void *nd, uint32_t depth, unsigned shift)
{
    uint64_t m = 0;
    if (depth == ra->height) {
        const ra_leaf *lf = nd;
        for (uint32_t j = 0; j < lf->n; j++) {
            uint64_t g = lf->gap[j];
            if (g > m)
                m = max64(m, hole_fit(lf->start[j] - g, lf->start[j], shift));
        }
        return m;
    }
    const ra_inner *in = nd;
    for (uint32_t i = 0; i < in->n; i++)
        m = max64(m, subtree_fit(ra, in->child[i], depth + 1, shift));
    return m;
}

/* Copies the inner node `in` (depth d) and every inner node below it into pool
 * `to`, whose nodes have one column more, with the new column at index k holding
 * the fits at 2^shift. Returns the copy; *fit is the subtree's fit at 2^shift. */
static ra_inner *copy_with_col(const dxgk_ra *ra, ra_pool *to, const ra_inner *in,
                               uint32_t d, unsigned k, unsigned shift, uint64_t *fit)
{
    ra_inner *out = pool_get(to);
    uint64_t m = 0;
    out->n = in->n;
    memcpy(out->key, in->key, sizeof in->key);
    memcpy(out->pw, in->pw, sizeof in->pw);
    for (uint32_t i = 0; i < in->n; i++) {
        uint64_t x;
        if (d + 1 < ra->height)
            out->child[i] = copy_with_col(ra, to, in->child[i], d + 1, k, shift, &x);
        else {
            out->child[i] = in->child[i];
            x = subtree_fit(ra, in->child[i], d + 1, shift);
        }
        out->fit[k][i] = x;
        m = max64(m, x);
    }
    for (unsigned c = 0; c < ra->ncol; c++)
        memcpy(out->fit[c < k ? c : c + 1], in->fit[c], in->n * sizeof(uint64_t));
    *fit = m;
    return out;
}

static uint32_t count_inner(const dxgk_ra *ra, const void *nd, uint32_t depth)
{
    if (depth == ra->height)
        return 0;
    const ra_inner *in = nd;
    uint32_t k = 1;
    for (uint32_t i = 0; i < in->n; i++)
        k += count_inner(ra, in->child[i], depth + 1);
    return k;
}

/* Starts keeping the column of order e (RA_ORDER_MIN <= e <= top order): every
 * inner node is copied into a pool of nodes one column wider, the new column
 * filled on the way. O(n) once per order and allocator; it changes no range, hole
 * or answer. False (nothing changed) if the new pool cannot be had. */
static bool col_add(dxgk_ra *ra, unsigned e)
{
    unsigned k = col_at_most(ra, e) + 1;       /* the new column's index */
    ra_pool to;
    pool_init(&to, RA_INNER_BYTES(ra->ncol + 1));
    uint64_t fit;
    if (ra->height == 0) {
        fit = subtree_fit(ra, ra->root, 0, e);
    } else {
        if (pool_reserve(&to, count_inner(ra, ra->root, 0)) != 0) {
            pool_destroy(&to);
            return false;
        }
        ra->root = copy_with_col(ra, &to, ra->root, 0, k, e, &fit);
    }
    pool_destroy(&ra->inners);
    ra->inners = to;
    memmove(&ra->shift[k + 1], &ra->shift[k], ra->ncol - k);
    memmove(&ra->top[k + 1], &ra->top[k], (ra->ncol - k) * sizeof ra->top[0]);
    ra->shift[k] = (uint8_t)e;
    ra->top[k] = fit;
    ra->ncol++;
    for (unsigned o = 0; o <= RA_ORDER_MAX; o++)
        if (ra->col_of[o] >= (int)k)
            ra->col_of[o]++;
    ra->col_of[e] = (int8_t)k;
    return true;
}

/* Fills the phase words of the subtree at nd (depth `depth`) into its inner
 * nodes; returns the subtree's word, *m its longest hole. */
static uint64_t pw_fill(const dxgk_ra *ra, void *nd, uint32_t depth, uint64_t *m)
{
    if (depth == ra->height) {
        const ra_leaf *lf = nd;
        uint64_t g = 0;
        for (uint32_t j = 0; j < lf->n; j++)
            g = max64(g, lf->gap[j]);
        *m = g;
        return leaf_pw(lf, g);
    }
    ra_inner *in = nd;
    uint64_t x = 0, mi;
    for (uint32_t i = 0; i < in->n; i++) {
        in->pw[i] = pw_fill(ra, in->child[i], depth + 1, &mi);
        x = max64(x, mi);
    }
    *m = x;
    return inner_pw(in, x, in->n, 0, 0);
}

/* Starts keeping the phase words (on the first phase-rule request, while every
 * boundary is 4 KB aligned): O(n) once, no allocation; like a column start it
 * changes no range, hole or answer. */
static void pw_start(dxgk_ra *ra)
{
    uint64_t m;
    if (ra->pw_on)
        return;
    ra->top_pw = pw_fill(ra, ra->root, 0, &m);
    ra->pw_on = true;
}

/* The column that prunes a request of order e (request_order): e's own, started
 * on first use; once RA_KEPT_COLS are kept, or if the wider pool cannot be had, the
 * next finer kept one (sound, only slower). */
static unsigned request_col(dxgk_ra *ra, unsigned e)
{
    if (e == 0)
        return 0;
    if (ra->col_of[e] < 0 && (ra->ncol >= RA_KEPT_COLS || !col_add(ra, e)))
        return col_at_most(ra, e);
    return (unsigned)ra->col_of[e];
}

typedef struct ra_req {
    uint64_t size, mask, phase;
    uint64_t wmin, wmax;        /* the window, already clipped to [lo, hi) */
    uint64_t amax;              /* a hole starting above wmax - size cannot fit */
    uint64_t bmin;              /* a hole ending below wmin + size cannot fit */
    unsigned order;             /* the order whose column should prune (0: column 0) */
    unsigned cls;               /* the fit column that prunes (set by request_col) */
    uint64_t pages;             /* use_pw: the size in 4 KB pages, rounded up */
    unsigned pw_shift;          /* use_pw: 4 * the phase's page mod 16 */
    bool use_pw;                /* the 64 KB phase rule: prune by the phase word */
    uint64_t *leaves;           /* counts the leaves the search visits */
    bool highest;
    bool prefetch;              /* the tree is larger than a core's cache */
} ra_req;

static int req_init(const dxgk_ra *ra, ra_req *q, uint64_t size, uint64_t align,
                    uint64_t phase, uint64_t min, uint64_t max, uint32_t flags)
{
    if (ra == NULL || size == 0)
        return DXGK_RA_EINVAL;
    if (align == 0)
        align = 1;
    if ((align & (align - 1)) != 0 || phase >= align || (flags & ~(uint32_t)DXGK_RA_HIGHEST))
        return DXGK_RA_EINVAL;
    q->size = size;
    q->mask = align - 1;
    q->phase = phase;
    q->highest = (flags & DXGK_RA_HIGHEST) != 0;
    q->prefetch = ra->leaves.bytes >= RA_PREFETCH_MIN;
    q->order = request_order(ra, align, phase);
    /* align 64 KB, phase a nonzero multiple of 4 KB (docs/behaviour.md 5.3's congruence) on a
     * 4 KB granular space: the phase word prunes exactly, no column is needed */
    q->use_pw = (ra->addr_or & ((UINT64_C(1) << RA_PAGE) - 1)) == 0 &&
                align == (UINT64_C(1) << RA_ORDER_64K) && phase != 0 &&
                (phase & ((UINT64_C(1) << RA_PAGE) - 1)) == 0;
    q->pages = (size >> RA_PAGE) + ((size & ((UINT64_C(1) << RA_PAGE) - 1)) != 0);
    q->pw_shift = (unsigned)(phase >> RA_PAGE) * 4;
    if (q->use_pw)
        q->order = 0;
    q->leaves = NULL;
    q->wmin = max64(min, ra->lo);
    q->wmax = min64(max, ra->hi);
    if (q->wmax < q->wmin || q->wmax - q->wmin < size)
        return DXGK_RA_ENOSPC;
    q->amax = q->wmax - size;
    q->bmin = q->wmin + size;
    return DXGK_RA_OK;
}

/* Exact test of the hole [a, b) against the request; stores the start on success.
 * No expression here can overflow: all differences are of ordered values. */
static inline bool fit(const ra_req *q, uint64_t a, uint64_t b, uint64_t *s)
{
    uint64_t a2 = max64(a, q->wmin), b2 = min64(b, q->wmax);
    if (b2 < a2 || b2 - a2 < q->size)
        return false;
    uint64_t room = b2 - a2 - q->size;
    if (!q->highest) {
        uint64_t d = (q->phase - a2) & q->mask;     /* up to the next congruent address */
        if (d > room)
            return false;
        *s = a2 + d;
    } else {
        uint64_t t = b2 - q->size;
        uint64_t d = (t - q->phase) & q->mask;      /* down to the previous one */
        if (d > room)
            return false;
        *s = t - d;
    }
    return true;
}

enum { S_NONE = 0, S_FOUND = 1, S_STOP = -1 };

/* May child i of in (whose column cls is fits) hold a fit? Exact but for the
 * window: a column value >= size, or with the phase word F_p >= the pages. */
static inline bool child_fits(const ra_req *q, const ra_inner *in, const uint64_t *fits,
                              uint32_t i)
{
    if (!q->use_pw)
        return fits[i] >= q->size;
    return (in->fit[0][i] >> RA_PAGE) - ((in->pw[i] >> q->pw_shift) & 15) >= q->pages;
}

/* Lowest-first search of one subtree. klo/khi bound the starts in the subtree
 * (inclusive); alo bounds the start of every hole in it from below. Returns
 * S_FOUND (path and *s set), S_NONE, or S_STOP when no later hole can fit. */
static int search_low(const ra_req *q, const void *nd, uint32_t depth, uint32_t height,
                      uint64_t klo, uint64_t khi, uint64_t alo, ra_path *p, uint64_t *s)
{
    if (depth == height) {
        const ra_leaf *lf = nd;
        ++*q->leaves;
        for (uint32_t j = 0; j < lf->n; j++) {
            uint64_t g = lf->gap[j];
            if (g < q->size)
                continue;
            uint64_t b = lf->start[j], a = b - g;
            if (a > q->amax)
                return S_STOP;      /* hole starts only grow from here on */
            if (b < q->bmin)
                continue;
            if (fit(q, a, b, s)) {
                p->leaf = (ra_leaf *)lf;
                p->pos = j;
                return S_FOUND;
            }
        }
        return S_NONE;
    }
    const ra_inner *in = nd;
    const uint64_t *fits = in->fit[q->cls];
    uint32_t n = in->n;
    for (uint32_t i = 0; i < n; i++) {
        if (!child_fits(q, in, fits, i))
            continue;
        uint64_t cklo = i ? in->key[i] : klo;
        uint64_t ckhi = i + 1 < n ? in->key[i + 1] - 1 : khi;
        /* holes of child i start at or after the previous child's first start */
        uint64_t calo = i == 0 ? alo : (i == 1 ? klo : in->key[i - 1]);
        if (calo > q->amax)
            return S_STOP;
        if (ckhi < q->bmin)
            continue;
        p->node[depth] = (ra_inner *)in;
        p->idx[depth] = i;
        if (q->prefetch)
            prefetch_child(in->child[i], depth + 1 < height, q->cls, q->use_pw);
        int r = search_low(q, in->child[i], depth + 1, height, cklo, ckhi, calo, p, s);
        if (r != S_NONE)
            return r;
    }
    return S_NONE;
}

/* Highest-first mirror of search_low. */
static int search_high(const ra_req *q, const void *nd, uint32_t depth, uint32_t height,
                       uint64_t klo, uint64_t khi, uint64_t alo, ra_path *p, uint64_t *s)
{
    if (depth == height) {
        const ra_leaf *lf = nd;
        ++*q->leaves;
        for (uint32_t j = lf->n; j-- > 0;) {
            uint64_t g = lf->gap[j];
            if (g < q->size)
                continue;
            uint64_t b = lf->start[j], a = b - g;
            if (b < q->bmin)
                return S_STOP;      /* hole ends only shrink from here on */
            if (a > q->amax)
                continue;
            if (fit(q, a, b, s)) {
                p->leaf = (ra_leaf *)lf;
                p->pos = j;
                return S_FOUND;
            }
        }
        return S_NONE;
    }
    const ra_inner *in = nd;
    const uint64_t *fits = in->fit[q->cls];
    uint32_t n = in->n;
    for (uint32_t i = n; i-- > 0;) {
        if (!child_fits(q, in, fits, i))
            continue;
        uint64_t cklo = i ? in->key[i] : klo;
        uint64_t ckhi = i + 1 < n ? in->key[i + 1] - 1 : khi;
        uint64_t calo = i == 0 ? alo : (i == 1 ? klo : in->key[i - 1]);
        if (ckhi < q->bmin)
            return S_STOP;
        if (calo > q->amax)
            continue;
        p->node[depth] = (ra_inner *)in;
        p->idx[depth] = i;
        if (q->prefetch)
            prefetch_child(in->child[i], depth + 1 < height, q->cls, q->use_pw);
        int r = search_high(q, in->child[i], depth + 1, height, cklo, ckhi, calo, p, s);
        if (r != S_NONE)
            return r;
    }
    return S_NONE;
}

static int search(const dxgk_ra *ra, ra_req *q, ra_path *p, uint64_t *s)
{
    if (q->use_pw ? (ra->top[0] >> RA_PAGE) - ((ra->top_pw >> q->pw_shift) & 15) < q->pages
                  : ra->top[q->cls] < q->size)
        return DXGK_RA_ENOSPC;
    /* the visit counter is statistics, not part of the allocator's value */
    q->leaves = &((dxgk_ra *)ra)->search_leaves;
    int r = q->highest
        ? search_high(q, ra->root, 0, ra->height, ra->lo, ra->hi, ra->lo, p, s)
        : search_low(q, ra->root, 0, ra->height, ra->lo, ra->hi, ra->lo, p, s);
    return r == S_FOUND ? DXGK_RA_OK : DXGK_RA_ENOSPC;
}

/* ---------------------------------------------------------------- insertion */

/* Reserves every node an insertion into p->leaf can consume (a split of the leaf
 * and of each full ancestor, plus a new root), so the insertion cannot fail. */
static int reserve_for_insert(dxgk_ra *ra, const ra_path *p)
{
    if (p->leaf->n < RA_LEAF_CAP)
        return DXGK_RA_OK;
    size_t inner = 0;
    int d = (int)ra->height - 1;
    while (d >= 0 && p->node[d]->n == RA_INNER_CAP) {
        inner++;
        d--;
    }
    if (d < 0) {
        inner++;
        if (ra->height + 1 >= RA_MAX_HEIGHT)
            return DXGK_RA_ENOMEM;
    }
    if (pool_reserve(&ra->leaves, 1) != 0 || pool_reserve(&ra->inners, inner) != 0)
        return DXGK_RA_ENOMEM;
    return DXGK_RA_OK;
}

/* The leaf of p split into left (p->leaf) and right (a new node whose smallest start
 * is rkey), with summaries mleft and mright. Inserts right next to left in each
 * ancestor, splitting full ones, and grows a new root when the old root split. */
static void insert_up(dxgk_ra *ra, ra_path *p, void *left, void *right, uint64_t rkey,
                      ra_fits *mleft, ra_fits *mright)
{
    for (int d = (int)ra->height - 1; d >= 0; d--) {
        ra_inner *in = p->node[d];
        uint32_t q = p->idx[d] + 1;
        column_set(ra, in, q - 1, mleft);
        if (in->n < RA_INNER_CAP) {
            inner_move(ra, in, q + 1, in, q, in->n - q);
            in->key[q] = rkey;
            column_set(ra, in, q, mright);
            in->child[q] = right;
            in->n++;
            /* the insertion that caused the split may have shrunk a maximum */
            inner_scan(ra, in, mleft);
            refit(ra, p, (uint32_t)d, mleft);
            return;
        }
        /* Split a full node: RA_INNER_CAP + 1 children, the upper half moves to r.
         * Make room at q in place when q stays left, else fill r around q. */
        uint32_t n = in->n, total = n + 1, nl = total / 2, nr = total - nl;
        ra_inner *r = pool_get(&ra->inners);
        if (q < nl) {
            inner_move(ra, r, 0, in, nl - 1, n - (nl - 1));
            inner_move(ra, in, q + 1, in, q, nl - 1 - q);
            in->key[q] = rkey;
            column_set(ra, in, q, mright);
            in->child[q] = right;
        } else {
            uint32_t qr = q - nl;
            inner_move(ra, r, 0, in, nl, qr);
            r->key[qr] = rkey;
            column_set(ra, r, qr, mright);
            r->child[qr] = right;
            inner_move(ra, r, qr + 1, in, q, n - q);
        }
        in->n = nl;
        r->n = nr;
        inner_scan(ra, in, mleft);
        inner_scan(ra, r, mright);
        left = in;
        right = r;
        rkey = r->key[0];
    }
    ra_inner *root = pool_get(&ra->inners);
    root->n = 2;
    root->key[0] = ra->lo;
    root->key[1] = rkey;
    root->child[0] = left;
    root->child[1] = right;
    column_set(ra, root, 0, mleft);
    column_set(ra, root, 1, mright);
    inner_scan(ra, root, mleft);
    for (unsigned c = 0; c < ra->ncol; c++)
        ra->top[c] = mleft->v[c];
    ra->top_pw = mleft->pw;
    ra->root = root;
    ra->height++;
}

/* Puts a new entry at index j of p->leaf (before the entry whose hole it came
 * from), splitting the leaf when full; `rescan` are the columns of the leaf's
 * summary the change may have lowered (used when it does not split). Nodes were
 * reserved. */
static void leaf_insert(dxgk_ra *ra, ra_path *p, uint32_t j, uint64_t start, uint64_t size,
                        uint64_t tag, uint64_t gap, uint64_t rescan)
{
    ra_leaf *lf = p->leaf;
    if (lf->n < RA_LEAF_CAP) {
        leaf_open(lf, j);
        leaf_set(lf, j, start, size, tag, gap);
        if (rescan) {
            ra_fits f;
            leaf_rescan(ra, lf, &f, rescan);
            refit_cols(ra, p, ra->height, &f, rescan);
        }
        return;
    }
    /* Split: RA_LEAF_CAP + 1 entries, the lower half stays in lf. */
    ra_leaf *r = pool_get(&ra->leaves);
    uint32_t total = RA_LEAF_CAP + 1, nl = total / 2, nr = total - nl;
    if (j < nl) {
        leaf_move(r, 0, lf, nl - 1, RA_LEAF_CAP - (nl - 1));
        leaf_move(lf, j + 1, lf, j, nl - 1 - j);
        leaf_set(lf, j, start, size, tag, gap);
    } else {
        uint32_t jr = j - nl;
        leaf_move(r, 0, lf, nl, jr);
        leaf_set(r, jr, start, size, tag, gap);
        leaf_move(r, jr + 1, lf, j, RA_LEAF_CAP - j);
    }
    lf->n = nl;
    r->n = nr;
    r->prev = lf;
    r->next = lf->next;
    if (lf->next)
        lf->next->prev = r;
    lf->next = r;
    ra_fits ml, mr;
    leaf_scan(ra, lf, &ml);
    leaf_scan(ra, r, &mr);
    insert_up(ra, p, lf, r, r->start[0], &ml, &mr);
}

/* Allocates [s, s + size) out of the hole of entry p->pos of p->leaf, which the
 * caller has checked holds it; nodes were reserved. */
static void commit(dxgk_ra *ra, ra_path *p, uint64_t s, uint64_t size, uint64_t tag)
{
    ra->stamp++;                /* entries move: hints go stale */
    ra_leaf *lf = p->leaf;
    uint32_t j = p->pos;
    uint64_t b = lf->start[j], a = b - lf->gap[j];
    uint64_t gnew = s - a, gold = b - (s + size);
    /* Both pieces of [a, b) fit less than [a, b) did: the leaf's fits change only
     * if [a, b) attained one of its maxima. */
    ra_fits cur;
    sum_load(ra, p, ra->height, &cur);
    uint64_t rescan = hole_attains(ra, &cur, a, b);
    /* the hole [a, b) (counted: it held size > 0 bytes) becomes up to two holes */
    ra->holes = ra->holes - 1 + (gnew != 0) + (gold != 0);
    ra->free_bytes -= size;
    ra->live++;
    ra->addr_or |= s | (s + size);
    if (ra->addr_or & ((UINT64_C(1) << RA_PAGE) - 1))
        ra->pw_on = false;      /* for good: see "The phase word" */
    lf->gap[j] = gold;
    if (j == 0) {
        /* The new entry becomes the leaf's smallest start: lower the separator
         * that bounds this leaf (valid: everything to its left ends below a). */
        for (int d = (int)ra->height - 1; d >= 0; d--) {
            if (p->idx[d] > 0) {
                ra_inner *in = p->node[d];
                if (in->key[p->idx[d]] > s)
                    in->key[p->idx[d]] = s;
                break;
            }
        }
    }
    leaf_insert(ra, p, j, s, size, tag, gnew, rescan);
}

/* ---------------------------------------------------------------- deletion */

/* Removes child k (k >= 1) of in. */
static void inner_remove(const dxgk_ra *ra, ra_inner *in, uint32_t k)
{
    inner_move(ra, in, k, in, k + 1, in->n - k - 1);
    in->n--;
}

/* Inner node p->node[d] changed structurally and may hold too few children:
 * borrow from or merge with a sibling, then continue upward; shrinks the tree when
 * the root is left with one child. */
static void fix_inner(dxgk_ra *ra, ra_path *p, int d)
{
    for (;;) {
        ra_inner *in = p->node[d];
        ra_fits f;
        if (d == 0) {
            if (in->n == 1) {
                for (unsigned c = 0; c < ra->ncol; c++)
                    ra->top[c] = in->fit[c][0];
                ra->top_pw = in->pw[0];
                ra->root = in->child[0];
                ra->height--;
                pool_put(&ra->inners, in);
            } else {
                inner_scan(ra, in, &f);
                for (unsigned c = 0; c < ra->ncol; c++)
                    ra->top[c] = f.v[c];
                ra->top_pw = f.pw;
            }
            return;
        }
        if (in->n >= RA_INNER_MIN) {
            inner_scan(ra, in, &f);
            refit(ra, p, (uint32_t)d, &f);
            return;
        }
        ra_inner *par = p->node[d - 1];
        uint32_t i = p->idx[d - 1];
        ra_inner *ls = i > 0 ? par->child[i - 1] : NULL;
        ra_inner *rs = i + 1 < par->n ? par->child[i + 1] : NULL;
        if (ls != NULL && ls->n > RA_INNER_MIN) {
            /* Rotate ls's last child in: the old separator now bounds in's old
             * first child, ls's last key becomes the separator. */
            inner_move(ra, in, 1, in, 0, in->n);
            inner_move(ra, in, 0, ls, ls->n - 1, 1);
            in->key[1] = par->key[i];
            par->key[i] = ls->key[ls->n - 1];
            in->key[0] = par->key[i];
            ls->n--;
            in->n++;
            inner_refresh(ra, par, i - 1, ls);
            inner_refresh(ra, par, i, in);
            inner_scan(ra, par, &f);
            refit(ra, p, (uint32_t)d - 1, &f);
            return;
        }
        if (rs != NULL && rs->n > RA_INNER_MIN) {
            inner_move(ra, in, in->n, rs, 0, 1);
            in->key[in->n] = par->key[i + 1];
            in->n++;
            par->key[i + 1] = rs->key[1];
            inner_move(ra, rs, 0, rs, 1, rs->n - 1);
            rs->n--;
            rs->key[0] = par->key[i + 1];
            inner_refresh(ra, par, i, in);
            inner_refresh(ra, par, i + 1, rs);
            inner_scan(ra, par, &f);
            refit(ra, p, (uint32_t)d - 1, &f);
            return;
        }
        /* Merge with a sibling (both at the minimum: the result fits). */
        ra_inner *dst = ls ? ls : in, *src = ls ? in : rs;
        uint32_t k = ls ? i : i + 1;       /* index of src in par */
        uint32_t at = dst->n;
        inner_move(ra, dst, at, src, 0, src->n);
        dst->key[at] = par->key[k];
        dst->n += src->n;
        inner_remove(ra, par, k);
        inner_refresh(ra, par, k - 1, dst);
        pool_put(&ra->inners, src);
        d--;
    }
}

/* Leaf p->leaf (not the root) holds too few entries: borrow or merge. A borrow
 * evens out the two leaves instead of taking a single entry, so the next removal
 * from this leaf does not have to visit the sibling -- a second leaf read, usually
 * a cache miss in a large tree -- again. */
static void fix_leaf(dxgk_ra *ra, ra_path *p)
{
    int d = (int)ra->height - 1;
    ra_inner *par = p->node[d];
    uint32_t i = p->idx[d];
    ra_leaf *lf = p->leaf;
    ra_leaf *ls = i > 0 ? par->child[i - 1] : NULL;
    ra_leaf *rs = i + 1 < par->n ? par->child[i + 1] : NULL;
    ra_fits f;
    /* lf holds RA_LEAF_MIN - 1 entries and a lending sibling more than RA_LEAF_MIN,
     * so k >= 1 and both keep at least RA_LEAF_MIN */
    if (ls != NULL && ls->n > RA_LEAF_MIN) {
        uint32_t k = (ls->n - lf->n) / 2;
        leaf_move(lf, k, lf, 0, lf->n);
        leaf_move(lf, 0, ls, ls->n - k, k);
        ls->n -= k;
        lf->n += k;
        par->key[i] = lf->start[0];
        leaf_refresh(ra, par, i - 1, ls);
        leaf_refresh(ra, par, i, lf);
        inner_scan(ra, par, &f);
        refit(ra, p, (uint32_t)d, &f);
        return;
    }
    if (rs != NULL && rs->n > RA_LEAF_MIN) {
        uint32_t k = (rs->n - lf->n) / 2;
        leaf_move(lf, lf->n, rs, 0, k);
        lf->n += k;
        leaf_move(rs, 0, rs, k, rs->n - k);
        rs->n -= k;
        par->key[i + 1] = rs->start[0];
        leaf_refresh(ra, par, i, lf);
        leaf_refresh(ra, par, i + 1, rs);
        inner_scan(ra, par, &f);
        refit(ra, p, (uint32_t)d, &f);
        return;
    }
    ra_leaf *dst = ls ? ls : lf, *src = ls ? lf : rs;
    uint32_t k = ls ? i : i + 1;
    leaf_move(dst, dst->n, src, 0, src->n);
    dst->n += src->n;
    dst->next = src->next;
    if (src->next)
        src->next->prev = dst;
    inner_remove(ra, par, k);
    leaf_refresh(ra, par, k - 1, dst);
    pool_put(&ra->leaves, src);
    fix_inner(ra, p, d);
}

/* ---------------------------------------------------------------- public API */

/* Creates the allocator with one hole [lo, hi) held by the sentinel. */
dxgk_ra *dxgk_ra_create(uint64_t lo, uint64_t hi)
{
    if (lo >= hi)
        return NULL;
    dxgk_ra *ra = calloc(1, sizeof *ra);
    if (ra == NULL)
        return NULL;
    ra->top_order = order_top(hi);
    ra->ncol = 1;
    memset(ra->col_of, -1, sizeof ra->col_of);
    pool_init(&ra->leaves, sizeof(ra_leaf));
    pool_init(&ra->inners, RA_INNER_BYTES(ra->ncol));
    if (pool_reserve(&ra->leaves, 1) != 0) {
        pool_destroy(&ra->leaves);
        free(ra);
        return NULL;
    }
    ra_leaf *lf = pool_get(&ra->leaves);
    lf->prev = lf->next = NULL;
    lf->n = 1;
    leaf_set(lf, 0, hi, 0, 0, hi - lo);
    ra->lo = lo;
    ra->hi = hi;
    ra->root = lf;
    ra->height = 0;
    ra->addr_or = lo | hi;
    ra->top[0] = hi - lo;
    ra->pw_on = false;          /* started by the first phase-rule request */
    ra->top_pw = 0;
    /* no inner node yet: these cannot fail */
    (void)request_col(ra, min64(RA_ORDER_64K, ra->top_order));
    (void)request_col(ra, min64(RA_ORDER_2M, ra->top_order));
    ra->live = 0;
    ra->holes = 1;
    ra->free_bytes = hi - lo;
    return ra;
}

/* Releases every node and the allocator. */
void dxgk_ra_destroy(dxgk_ra *ra)
{
    if (ra == NULL)
        return;
    pool_destroy(&ra->leaves);
    pool_destroy(&ra->inners);
    free(ra);
}

/* Search without committing (see the header). */
int dxgk_ra_find_fit(const dxgk_ra *ra, uint64_t size, uint64_t align, uint64_t phase,
                     uint64_t min, uint64_t max, uint32_t flags, uint64_t *out_start)
{
    ra_req q;
    int rc = req_init(ra, &q, size, align, phase, min, max, flags);
    if (rc != DXGK_RA_OK)
        return rc;
    /* The column cache is not part of the allocator's value: starting a column
     * changes no range, hole or answer (the const is about those). */
    q.cls = request_col((dxgk_ra *)ra, q.order);
    if (q.use_pw)
        pw_start((dxgk_ra *)ra);
    ra_path p;
    uint64_t s = 0;
    rc = search(ra, &q, &p, &s);
    if (rc == DXGK_RA_OK && out_start)
        *out_start = s;
    return rc;
}

/* Constrained lowest/highest-fit allocation (see the header). */
int dxgk_ra_alloc(dxgk_ra *ra, uint64_t size, uint64_t align, uint64_t phase,
                  uint64_t min, uint64_t max, uint32_t flags, uint64_t tag,
                  uint64_t *out_start)
{
    ra_req q;
    int rc = req_init(ra, &q, size, align, phase, min, max, flags);
    if (rc != DXGK_RA_OK)
        return rc;
    q.cls = request_col(ra, q.order);
    if (q.use_pw)
        pw_start(ra);
    ra_path p;
    uint64_t s = 0;
    rc = search(ra, &q, &p, &s);
    if (rc != DXGK_RA_OK)
        return rc;
    rc = reserve_for_insert(ra, &p);
    if (rc != DXGK_RA_OK)
        return rc;
    commit(ra, &p, s, size, tag);
    if (out_start)
        *out_start = s;
    return DXGK_RA_OK;
}

/* Allocation at a fixed address (see the header). */
int dxgk_ra_alloc_fixed(dxgk_ra *ra, uint64_t start, uint64_t size, uint64_t tag)
{
    if (ra == NULL || size == 0 || start < ra->lo || start >= ra->hi || size > ra->hi - start)
        return DXGK_RA_EINVAL;
    ra_path p;
    descend(ra, start, &p);
    uint32_t j = leaf_upper(p.leaf, start);
    if (j == p.leaf->n) {
        /* every start in this leaf is <= start; the sentinel (hi > start) follows */
        if (!path_next_leaf(ra, &p))
            return DXGK_RA_EINVAL;      /* unreachable while I1 holds */
        j = 0;
    }
    p.pos = j;
    uint64_t b = p.leaf->start[j], a = b - p.leaf->gap[j];
    if (start < a || size > b - start)
        return DXGK_RA_EBUSY;
    int rc = reserve_for_insert(ra, &p);
    if (rc != DXGK_RA_OK)
        return rc;
    commit(ra, &p, start, size, tag);
    return DXGK_RA_OK;
}

/* Frees the range starting exactly at x; its bytes and the hole before it join the
 * hole of the next entry (which may open the next leaf). */
int dxgk_ra_free(dxgk_ra *ra, uint64_t x)
{
    if (ra == NULL || x < ra->lo || x >= ra->hi)
        return DXGK_RA_ENOENT;
    ra_path p;
    descend(ra, x, &p);
    ra_leaf *lf = p.leaf;
    uint32_t j = leaf_lower(lf, x);
    if (j >= lf->n || lf->start[j] != x)
        return DXGK_RA_ENOENT;
    ra->stamp++;                /* entries move: hints go stale */
    uint64_t g = lf->gap[j], sz = lf->size[j];
    uint64_t merged;
    /* The leaf's fits after the removal, known without a rescan unless the hole
     * before x leaves this leaf while attaining one of its maxima. */
    ra_fits after;
    sum_load(ra, &p, ra->height, &after);
    uint64_t grew = 0, lost = 0;    /* columns that grew / that may have shrunk */
    if (j + 1 < lf->n) {
        /* the merged hole contains the old one: the fits can only grow */
        merged = lf->gap[j + 1];
        lf->gap[j + 1] = merged + g + sz;
        grew = fits_add_hole(ra, &after, lf->start[j + 1] - lf->gap[j + 1], lf->start[j + 1]);
    } else {
        /* x is its leaf's last entry; the successor opens the next leaf. x is not
         * the sentinel, so the next leaf exists and the height is >= 1. */
        ra_path q;
        path_copy(&q, &p, ra->height);
        if (!path_next_leaf(ra, &q))
            return DXGK_RA_ENOENT;      /* unreachable while I1 holds */
        ra_leaf *nl = q.leaf;
        merged = nl->gap[0];
        nl->gap[0] = merged + g + sz;
        ra_fits f;
        sum_load(ra, &q, ra->height, &f);
        refit_cols(ra, &q, ra->height, &f,
                   fits_add_hole(ra, &f, nl->start[0] - nl->gap[0], nl->start[0]));
        lost = g != 0 ? hole_attains(ra, &after, x - g, x) : 0;
    }
    ra->holes = ra->holes + 1 - (g != 0) - (merged != 0);
    ra->free_bytes += sz;
    ra->live--;
    leaf_close(lf, j);
    if (ra->height == 0 || lf->n >= RA_LEAF_MIN) {
        /* only the columns that grew or may have shrunk can differ (a root leaf
         * keeps at least the sentinel) */
        if (lost)
            leaf_rescan(ra, lf, &after, lost);
        refit_cols(ra, &p, ra->height, &after, grew | lost);
        return DXGK_RA_OK;
    }
    fix_leaf(ra, &p);           /* rescans every leaf it changes */
    return DXGK_RA_OK;
}

static void put_entry(const ra_leaf *lf, uint32_t j, uint64_t *start, uint64_t *size,
                      uint64_t *tag)
{
    if (start)
        *start = lf->start[j];
    if (size)
        *size = lf->size[j];
    if (tag)
        *tag = lf->tag[j];
}

/* Asks for addr's leaf (see the header): the descent of dxgk_ra_find, no path kept, and
 * the whole leaf prefetched; the hint remembers it under the current stamp. */
int dxgk_ra_prefetch(const dxgk_ra *ra, uint64_t addr, dxgk_ra_hint *hint)
{
    if (hint)
        hint->leaf = NULL;
    if (ra == NULL || ra->leaves.bytes < RA_PREFETCH_MIN)
        return 0;
    const void *nd = ra->root;
    for (uint32_t d = 0; d < ra->height; d++) {
        const ra_inner *in = nd;
        nd = in->child[inner_child_for(in, addr)];
    }
    /* [measured] the whole leaf, not only the lines a lookup reads: asking for part of
     * it left the lookup ~30% slower at 10^5 ranges on the benchmark machine */
    prefetch_node(nd, sizeof(ra_leaf));
    if (hint) {
        hint->leaf = nd;
        hint->stamp = ra->stamp;
    }
    return 1;
}

/* dxgk_ra_find's answer for the tag, from the hinted leaf while the stamp says no entry
 * has moved since the hint was taken (the leaf is then still the one holding addr's key
 * range, and its entries are as they were); else by a descent. */
int dxgk_ra_hint_tag(const dxgk_ra *ra, const dxgk_ra_hint *hint, uint64_t addr,
                     uint64_t *tag)
{
    if (ra == NULL || addr < ra->lo || addr >= ra->hi)
        return DXGK_RA_ENOENT;
    if (hint == NULL || hint->leaf == NULL || hint->stamp != ra->stamp)
        return dxgk_ra_find(ra, addr, NULL, NULL, tag);
    const ra_leaf *lf = hint->leaf;
    uint32_t j = leaf_upper(lf, addr);
    if (j == 0)                 /* the separator lags: the entry is in the previous leaf */
        return dxgk_ra_find(ra, addr, NULL, NULL, tag);
    j--;
    if (addr - lf->start[j] >= lf->size[j])
        return DXGK_RA_ENOENT;
    *tag = lf->tag[j];
    return DXGK_RA_OK;
}

/* The live range containing addr (see the header). */
int dxgk_ra_find(const dxgk_ra *ra, uint64_t addr, uint64_t *start, uint64_t *size,
                 uint64_t *tag)
{
    if (ra == NULL || addr < ra->lo || addr >= ra->hi)
        return DXGK_RA_ENOENT;
    ra_path p;
    descend(ra, addr, &p);
    const ra_leaf *lf = p.leaf;
    uint32_t j = leaf_upper(lf, addr);
    if (j == 0) {
        /* the separator lags: the last start <= addr is in the previous leaf */
        lf = lf->prev;
        if (lf == NULL)
            return DXGK_RA_ENOENT;
        j = lf->n;
    }
    j--;
    if (addr - lf->start[j] >= lf->size[j])
        return DXGK_RA_ENOENT;
    put_entry(lf, j, start, size, tag);
    return DXGK_RA_OK;
}

/* First live range with start >= from. */
int dxgk_ra_next(const dxgk_ra *ra, uint64_t from, uint64_t *start, uint64_t *size,
                 uint64_t *tag)
{
    if (ra == NULL || from >= ra->hi)
        return DXGK_RA_ENOENT;
    ra_path p;
    descend(ra, from, &p);
    const ra_leaf *lf = p.leaf;
    uint32_t j = leaf_lower(lf, from);
    if (j == lf->n) {
        lf = lf->next;
        if (lf == NULL)
            return DXGK_RA_ENOENT;
        j = 0;
    }
    if (lf->start[j] == ra->hi)
        return DXGK_RA_ENOENT;      /* the sentinel */
    put_entry(lf, j, start, size, tag);
    return DXGK_RA_OK;
}

/* Last live range with start < before. */
int dxgk_ra_prev(const dxgk_ra *ra, uint64_t before, uint64_t *start, uint64_t *size,
                 uint64_t *tag)
{
    if (ra == NULL || before <= ra->lo)
        return DXGK_RA_ENOENT;
    uint64_t x = min64(before, ra->hi) - 1;
    ra_path p;
    descend(ra, x, &p);
    const ra_leaf *lf = p.leaf;
    uint32_t j = leaf_upper(lf, x);
    if (j == 0) {
        lf = lf->prev;
        if (lf == NULL)
            return DXGK_RA_ENOENT;
        j = lf->n;
    }
    put_entry(lf, j - 1, start, size, tag);
    return DXGK_RA_OK;
}

/* Replaces the tag of the range starting at start. */
int dxgk_ra_set_tag(dxgk_ra *ra, uint64_t start, uint64_t tag)
{
    if (ra == NULL || start < ra->lo || start >= ra->hi)
        return DXGK_RA_ENOENT;
    ra_path p;
    descend(ra, start, &p);
    uint32_t j = leaf_lower(p.leaf, start);
    if (j >= p.leaf->n || p.leaf->start[j] != start)
        return DXGK_RA_ENOENT;
    p.leaf->tag[j] = tag;
    return DXGK_RA_OK;
}

/* Live ranges in address order into caller arrays. */
uint64_t dxgk_ra_dump(const dxgk_ra *ra, uint64_t *starts, uint64_t *sizes, uint64_t *tags,
                      uint64_t cap)
{
    if (ra == NULL)
        return 0;
    uint64_t k = 0;
    for (const ra_leaf *lf = leftmost_leaf(ra); lf != NULL; lf = lf->next) {
        for (uint32_t j = 0; j < lf->n; j++) {
            if (lf->start[j] == ra->hi)
                continue;
            if (k < cap) {
                if (starts)
                    starts[k] = lf->start[j];
                if (sizes)
                    sizes[k] = lf->size[j];
                if (tags)
                    tags[k] = lf->tag[j];
            }
            k++;
        }
    }
    return k;
}

/* Holes in address order into caller arrays. */
uint64_t dxgk_ra_dump_holes(const dxgk_ra *ra, uint64_t *starts, uint64_t *sizes, uint64_t cap)
{
    if (ra == NULL)
        return 0;
    uint64_t k = 0;
    for (const ra_leaf *lf = leftmost_leaf(ra); lf != NULL; lf = lf->next) {
        for (uint32_t j = 0; j < lf->n; j++) {
            if (lf->gap[j] == 0)
                continue;
            if (k < cap) {
                if (starts)
                    starts[k] = lf->start[j] - lf->gap[j];
                if (sizes)
                    sizes[k] = lf->gap[j];
            }
            k++;
        }
    }
    return k;
}

uint64_t dxgk_ra_count(const dxgk_ra *ra) { return ra ? ra->live : 0; }
uint64_t dxgk_ra_hole_count(const dxgk_ra *ra) { return ra ? ra->holes : 0; }
uint64_t dxgk_ra_free_bytes(const dxgk_ra *ra) { return ra ? ra->free_bytes : 0; }
uint64_t dxgk_ra_largest_hole(const dxgk_ra *ra) { return ra ? ra->top[0] : 0; }
uint64_t dxgk_ra_search_leaves(const dxgk_ra *ra) { return ra ? ra->search_leaves : 0; }

/* All counters at once. */
void dxgk_ra_get_stats(const dxgk_ra *ra, dxgk_ra_stats *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (ra == NULL)
        return;
    out->lo = ra->lo;
    out->hi = ra->hi;
    out->live = ra->live;
    out->holes = ra->holes;
    out->free_bytes = ra->free_bytes;
    out->largest_hole = ra->top[0];
    out->height = ra->height;
    out->pool_bytes = ra->leaves.bytes + ra->inners.bytes;
}

/* ---------------------------------------------------------------- validation */

typedef struct ra_vstate {
    uint64_t end;               /* end of the previous range (lo at first) */
    uint64_t live, holes, free_bytes;
    const ra_leaf *prev_leaf;
    bool sentinel;
} ra_vstate;

/* Is w exactly the phase word of a subtree with longest hole len and per-phase
 * best blocks fp (pages)? */
static bool pw_matches(uint64_t len, uint64_t w, const uint64_t fp[16])
{
    uint64_t m = len >> RA_PAGE;
    for (unsigned ph = 0; ph < 16; ph++)
        if (fp[ph] > m || m - fp[ph] != ((w >> (4 * ph)) & 15))
            return false;
    return true;
}

static int validate_node(const dxgk_ra *ra, const void *nd, uint32_t depth, uint64_t klo,
                         uint64_t khi, ra_fits *out, uint64_t out_fp[16], ra_vstate *st)
{
    bool is_root = depth == 0;
    if (nd == NULL)
        return DXGK_RA_V_NULL;
    ra_fits m = { { 0 }, 0 };
    uint64_t *fp = out_fp;      /* F_p of this subtree, per phase, in pages */
    memset(fp, 0, 16 * sizeof fp[0]);
    if (depth == ra->height) {
        const ra_leaf *lf = nd;
        if (lf->n > RA_LEAF_CAP || lf->n < (is_root ? 1u : (uint32_t)RA_LEAF_MIN))
            return DXGK_RA_V_FILL;
        if (lf->prev != st->prev_leaf || (st->prev_leaf && st->prev_leaf->next != lf))
            return DXGK_RA_V_LINKS;
        for (uint32_t j = 0; j < lf->n; j++) {
            uint64_t s = lf->start[j], g = lf->gap[j], z = lf->size[j];
            if (st->sentinel)
                return DXGK_RA_V_SENTINEL;          /* entries after the sentinel */
            if (s < klo || s > khi)
                return DXGK_RA_V_KEYS;
            if (s < st->end)
                return DXGK_RA_V_ORDER;
            if (s - st->end != g)
                return DXGK_RA_V_HOLE;
            if (s == ra->hi) {
                if (z != 0)
                    return DXGK_RA_V_SENTINEL;
                st->sentinel = true;
            } else {
                if (z == 0 || z > ra->hi - s)
                    return DXGK_RA_V_SIZE;
                st->live++;
                st->end = s + z;
            }
            st->holes += g != 0;
            st->free_bytes += g;
            if (((s - g) | s | st->end) & ~ra->addr_or)
                return DXGK_RA_V_MAXGAP;            /* the granularity is overstated */
            /* by brute force, independently of fits_add_hole's shortcuts: the
             * phase word as F_p = the best block at each phase, in pages */
            if (g != 0)
                for (unsigned ph = 0; ph < 16; ph++) {
                    uint64_t a = (s - g) >> RA_PAGE, pages = g >> RA_PAGE;
                    uint64_t off = (ph - a) & 15;
                    uint64_t f = pages > off ? pages - off : 0;
                    if (f > fp[ph])
                        fp[ph] = f;
                }
            m.v[0] = max64(m.v[0], g);
            for (unsigned c = 1; c < ra->ncol; c++)
                if (g != 0)
                    m.v[c] = max64(m.v[c], hole_fit(s - g, s, ra->shift[c]));
        }
        st->prev_leaf = lf;
        *out = m;
        return 0;
    }
    const ra_inner *in = nd;
    if (in->n > RA_INNER_CAP || in->n < (is_root ? 2u : (uint32_t)RA_INNER_MIN))
        return DXGK_RA_V_FILL;
    for (uint32_t i = 0; i < in->n; i++) {
        uint64_t cklo = i ? in->key[i] : klo;
        if (i > 0 && (in->key[i] <= (i == 1 ? klo : in->key[i - 1]) || in->key[i] > khi))
            return DXGK_RA_V_KEYS;
        uint64_t ckhi = i + 1 < in->n ? in->key[i + 1] - 1 : khi;
        ra_fits cm;
        uint64_t cfp[16];
        int rc = validate_node(ra, in->child[i], depth + 1, cklo, ckhi, &cm, cfp, st);
        if (rc != 0)
            return rc;
        if (ra->pw_on && !pw_matches(cm.v[0], in->pw[i], cfp))
            return DXGK_RA_V_MAXGAP;
        for (unsigned ph = 0; ph < 16; ph++)
            fp[ph] = max64(fp[ph], cfp[ph]);
        for (unsigned c = 0; c < ra->ncol; c++) {
            if (cm.v[c] != in->fit[c][i])
                return DXGK_RA_V_MAXGAP;
            m.v[c] = max64(m.v[c], cm.v[c]);
        }
    }
    *out = m;
    return 0;
}

/* Full walk; see the invariants at the top of the file. */
int dxgk_ra_validate(const dxgk_ra *ra)
{
    if (ra == NULL || ra->root == NULL)
        return DXGK_RA_V_NULL;
    if (ra->height >= RA_MAX_HEIGHT)
        return DXGK_RA_V_DEPTH;
    /* the column table: column 0 first, then increasing orders, col_of its inverse */
    if (ra->ncol < 1 || ra->ncol > RA_KEPT_COLS || ra->shift[0] != 0)
        return DXGK_RA_V_MAXGAP;
    for (unsigned c = 1; c < ra->ncol; c++)
        if (ra->shift[c] <= ra->shift[c - 1] || ra->shift[c] < RA_ORDER_MIN ||
            ra->shift[c] > ra->top_order || ra->col_of[ra->shift[c]] != (int)c)
            return DXGK_RA_V_MAXGAP;
    for (unsigned o = 0; o <= RA_ORDER_MAX; o++)
        if (ra->col_of[o] >= (int)ra->ncol || (ra->col_of[o] >= 0 && ra->shift[ra->col_of[o]] != o))
            return DXGK_RA_V_MAXGAP;
    ra_vstate st = { .end = ra->lo };
    ra_fits m = { { 0 }, 0 };
    uint64_t fp[16];
    int rc = validate_node(ra, ra->root, 0, ra->lo, ra->hi, &m, fp, &st);
    if (rc != 0)
        return rc;
    if ((ra->pw_on && (ra->addr_or & ((UINT64_C(1) << RA_PAGE) - 1)) != 0) ||
        (ra->pw_on && !pw_matches(m.v[0], ra->top_pw, fp)))
        return DXGK_RA_V_MAXGAP;
    for (unsigned c = 0; c < ra->ncol; c++)
        if (m.v[c] != ra->top[c])
            return DXGK_RA_V_MAXGAP;
    if (!st.sentinel || st.end > ra->hi)
        return DXGK_RA_V_SENTINEL;
    if (st.prev_leaf == NULL || st.prev_leaf->next != NULL)
        return DXGK_RA_V_LINKS;
    if (st.live != ra->live || st.holes != ra->holes || st.free_bytes != ra->free_bytes)
        return DXGK_RA_V_COUNT;
    return 0;
}
