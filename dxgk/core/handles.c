/*
 * handles.c -- the handle table: typed, generation-checked opaque handles.
 *
 * What it owns: an array of slots, each either live (a type and an object pointer),
 * free (on the free list) or retired (its generations are used up), and a LIFO free
 * list threaded through the free slots by index.
 *
 * Handle encoding (64 bits, pointer-sized on the 64-bit hosts the core runs on):
 *
 *     63            40 39            16 15      8 7       0
 *     +---------------+----------------+---------+---------+
 *     |  generation   |   slot index   | table id|  type   |
 *     |   (24 bits)   |   (24 bits)    | (1..255)| (1..255)|
 *     +---------------+----------------+---------+---------+
 *
 * - never 0: the table id and the type are both nonzero;
 * - typed: the type is in the value and in the slot, and both must equal the type the
 *   caller asks for, so an allocation handle passed as a process handle fails;
 * - table identity: each table takes the next id of a process-wide sequence (1..255,
 *   wrapping), so a handle of another adapter's table is rejected unless 255 tables
 *   were created in between -- and even then its slot and generation must match;
 * - generation: freeing a slot bumps its generation, so the old value no longer
 *   matches. A slot whose generation would wrap is retired for the life of the table
 *   instead of being reused: a destroyed handle's value is never accepted again.
 *
 * Lookup decodes the value, checks the id and the index against the number of slots
 * ever handed out (`used`) before reading anything, then reads exactly one slot: a
 * forged value can only make the table read memory inside its own slot array.
 *
 * Invariants (checked by dxgk_handles_validate):
 *   used <= cap <= DXGK_HANDLE_MAX_SLOTS; every slot below `used` is exactly one of
 *   live (type != 0, obj != NULL), free (on the free list once) or retired;
 *   live == number of live slots; nfree == length of the free list.
 *
 * Thread safety: none; the caller holds the adapter lock around every call.
 */
#include "handles.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define H_TYPE_SHIFT 0
#define H_ID_SHIFT 8
#define H_INDEX_SHIFT 16
#define H_GEN_SHIFT 40
/* Last generation a slot may issue before it is retired. 24 bits in the encoding;
 * a test build may lower it (-DDXGK_HANDLE_GEN_MAX=3) to reach retirement quickly. */
#ifndef DXGK_HANDLE_GEN_MAX
#define DXGK_HANDLE_GEN_MAX 0xFFFFFFu
#endif
#define H_GEN_MASK ((uint32_t)(DXGK_HANDLE_GEN_MAX))
#define H_INDEX_MASK 0xFFFFFFu
#define H_NONE UINT32_MAX       /* end of the free list */
/* Most slots a table grows to; a test build may lower it (-DDXGK_HANDLES_SLOT_LIMIT=5)
 * to reach "table full" quickly. */
#ifndef DXGK_HANDLES_SLOT_LIMIT
#define DXGK_HANDLES_SLOT_LIMIT DXGK_HANDLE_MAX_SLOTS
#endif
_Static_assert(DXGK_HANDLE_GEN_MAX >= 1 && DXGK_HANDLE_GEN_MAX <= 0xFFFFFFu,
               "generation must fit the 24-bit field");
_Static_assert(DXGK_HANDLES_SLOT_LIMIT >= 1 && DXGK_HANDLES_SLOT_LIMIT <= DXGK_HANDLE_MAX_SLOTS,
               "slot index must fit the 24-bit field");
#define H_FIRST_CAP 64u

enum slot_state { SLOT_FREE = 0, SLOT_LIVE = 1, SLOT_RETIRED = 2 };

typedef struct slot {
    void *obj;          /* the object while live, NULL otherwise */
    uint32_t gen;       /* generation of the current (or next) handle of this slot */
    uint32_t next_free; /* free-list link while free */
    uint8_t type;       /* 1..255 while live, 0 otherwise */
    uint8_t state;      /* enum slot_state */
} slot;

struct dxgk_handles {
    slot *slots;
    uint32_t cap;       /* slots allocated */
    uint32_t used;      /* slots ever handed out: [0, used) are initialised */
    uint32_t free_head; /* first free slot, or H_NONE */
    uint32_t nfree;
    uint32_t live;
    uint32_t id;        /* 1..255 */
};

static atomic_uint next_table_seq;

static inline uint64_t encode(const dxgk_handles *t, uint32_t idx, uint32_t gen, uint32_t type)
{
    return ((uint64_t)gen << H_GEN_SHIFT) | ((uint64_t)idx << H_INDEX_SHIFT) |
           ((uint64_t)t->id << H_ID_SHIFT) | ((uint64_t)type << H_TYPE_SHIFT);
}

/* The slot a value names, or NULL when the value cannot be a live handle of t.
 * Reads nothing outside t->slots[0, used). */
static const slot *lookup(const dxgk_handles *t, uint64_t h)
{
    if (t == NULL || h == 0)
        return NULL;
    if (((h >> H_ID_SHIFT) & 0xFFu) != t->id)
        return NULL;
    uint32_t idx = (uint32_t)((h >> H_INDEX_SHIFT) & H_INDEX_MASK);
    if (idx >= t->used)
        return NULL;
    const slot *s = &t->slots[idx];
    if (s->state != SLOT_LIVE || s->gen != (uint32_t)(h >> H_GEN_SHIFT))
        return NULL;
    if (s->type != (uint32_t)(h & 0xFFu))
        return NULL;
    return s;
}

/* Creates an empty table; the slot array is allocated on first use. */
dxgk_handles *dxgk_handles_create(void)
{
    dxgk_handles *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->free_head = H_NONE;
    t->id = atomic_fetch_add(&next_table_seq, 1u) % 255u + 1u;
    return t;
}

/* Releases the table's memory; objects it names are the caller's. */
void dxgk_handles_destroy(dxgk_handles *t)
{
    if (t == NULL)
        return;
    free(t->slots);
    free(t);
}

/* Makes room for one more never-used slot; 0 on success, -1 (table unchanged) if the
 * maximum is reached or memory runs out. */
static int grow(dxgk_handles *t)
{
    if (t->used < t->cap)
        return 0;
    if (t->cap >= DXGK_HANDLES_SLOT_LIMIT)
        return -1;
    uint64_t ncap = t->cap ? (uint64_t)t->cap * 2u : H_FIRST_CAP;
    if (ncap > DXGK_HANDLES_SLOT_LIMIT)
        ncap = DXGK_HANDLES_SLOT_LIMIT;
    slot *ns = realloc(t->slots, (size_t)ncap * sizeof *ns);
    if (ns == NULL)
        return -1;
    t->slots = ns;
    t->cap = (uint32_t)ncap;
    return 0;
}

/* Registers obj as a live handle of `type`; 0 with no change on any failure. */
uint64_t dxgk_handle_new(dxgk_handles *t, uint32_t type, void *obj)
{
    if (t == NULL || obj == NULL || type == 0 || type > DXGK_HANDLE_TYPE_MAX)
        return 0;
    uint32_t idx;
    if (t->free_head != H_NONE) {
        idx = t->free_head;
        t->free_head = t->slots[idx].next_free;
        t->nfree--;
    } else {
        if (grow(t) != 0)
            return 0;
        idx = t->used++;
        t->slots[idx].gen = 1;   /* generation 0 is never issued: a slot's first
                                    handle already differs from a zeroed guess */
    }
    slot *s = &t->slots[idx];
    s->obj = obj;
    s->type = (uint8_t)type;
    s->state = SLOT_LIVE;
    s->next_free = H_NONE;
    t->live++;
    return encode(t, idx, s->gen, type);
}

/* O(1): the object of h if h is live in t with exactly this type. */
void *dxgk_handle_get(const dxgk_handles *t, uint64_t h, uint32_t type)
{
    if (type == 0 || type > DXGK_HANDLE_TYPE_MAX || (h & 0xFFu) != type)
        return NULL;
    const slot *s = lookup(t, h);
    return s ? s->obj : NULL;
}

/* O(1): the type of a live handle of t, else 0. */
uint32_t dxgk_handle_type(const dxgk_handles *t, uint64_t h)
{
    const slot *s = lookup(t, h);
    return s ? s->type : 0;
}

/* Kills a live handle: bumps the slot's generation and puts the slot on the free
 * list, or retires it when the generation would wrap (so no value ever recurs). */
int dxgk_handle_free(dxgk_handles *t, uint64_t h, uint32_t type)
{
    const slot *cs = lookup(t, h);
    if (cs == NULL)
        return DXGK_HANDLE_EBADH;
    if (cs->type != type)
        return DXGK_HANDLE_ETYPE;
    uint32_t idx = (uint32_t)((h >> H_INDEX_SHIFT) & H_INDEX_MASK);
    slot *s = &t->slots[idx];
    s->obj = NULL;
    s->type = 0;
    t->live--;
    if (s->gen == H_GEN_MASK) {
        s->state = SLOT_RETIRED;
        s->next_free = H_NONE;
        return DXGK_HANDLE_OK;
    }
    s->gen++;
    s->state = SLOT_FREE;
    s->next_free = t->free_head;
    t->free_head = idx;
    t->nfree++;
    return DXGK_HANDLE_OK;
}

/* Number of live handles. */
uint32_t dxgk_handles_count(const dxgk_handles *t)
{
    return t ? t->live : 0;
}

/* The table's identity byte. */
uint32_t dxgk_handles_id(const dxgk_handles *t)
{
    return t ? t->id : 0;
}

/* Next live handle in slot order after prev, optionally filtered by type. prev is
 * only decoded for its slot index, so a handle freed during iteration still works
 * as a cursor; a prev from another table restarts nothing and ends the walk. */
uint64_t dxgk_handle_next(const dxgk_handles *t, uint32_t type, uint64_t prev)
{
    if (t == NULL)
        return 0;
    uint32_t i = 0;
    if (prev != 0) {
        if (((prev >> H_ID_SHIFT) & 0xFFu) != t->id)
            return 0;
        i = (uint32_t)((prev >> H_INDEX_SHIFT) & H_INDEX_MASK) + 1u;
    }
    for (; i < t->used; i++) {
        const slot *s = &t->slots[i];
        if (s->state == SLOT_LIVE && (type == 0 || s->type == type))
            return encode(t, i, s->gen, s->type);
    }
    return 0;
}

/* Full consistency walk (O(slots)); see the file-top invariants. */
int dxgk_handles_validate(const dxgk_handles *t)
{
    if (t == NULL)
        return DXGK_HANDLE_V_NULL;
    if (t->used > t->cap || t->cap > DXGK_HANDLE_MAX_SLOTS || t->id == 0 || t->id > 255)
        return DXGK_HANDLE_V_BOUNDS;
    uint32_t live = 0, nfree_slots = 0;
    for (uint32_t i = 0; i < t->used; i++) {
        const slot *s = &t->slots[i];
        if (s->gen == 0 || s->gen > H_GEN_MASK)
            return DXGK_HANDLE_V_GEN;
        switch (s->state) {
        case SLOT_LIVE:
            if (s->type == 0 || s->obj == NULL)
                return DXGK_HANDLE_V_SLOT;
            live++;
            break;
        case SLOT_FREE:
            if (s->type != 0 || s->obj != NULL)
                return DXGK_HANDLE_V_SLOT;
            nfree_slots++;
            break;
        case SLOT_RETIRED:
            if (s->type != 0 || s->obj != NULL || s->gen != H_GEN_MASK)
                return DXGK_HANDLE_V_SLOT;
            break;
        default:
            return DXGK_HANDLE_V_SLOT;
        }
    }
    if (live != t->live || nfree_slots != t->nfree)
        return DXGK_HANDLE_V_COUNT;
    /* The free list must visit exactly the free slots, each once: it has nfree
     * entries, all FREE, and since there are exactly nfree FREE slots a repeat would
     * need more than nfree steps, which the bound below catches. */
    uint32_t steps = 0;
    for (uint32_t i = t->free_head; i != H_NONE; i = t->slots[i].next_free) {
        if (i >= t->used || t->slots[i].state != SLOT_FREE || ++steps > t->nfree)
            return DXGK_HANDLE_V_FREELIST;
    }
    if (steps != t->nfree)
        return DXGK_HANDLE_V_FREELIST;
    return 0;
}
