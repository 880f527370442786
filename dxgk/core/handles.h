/*
 * handles.h -- typed, generation-checked opaque handles (dxgk C core).
 *
 * A handle is a 64-bit value that names one object registered in one table. It is
 * never 0, carries the object's type and the table's identity, and a destroyed
 * handle's value is never accepted again by the table that issued it. Lookup is O(1)
 * and a forged value is rejected by reading at most one slot that lies inside the
 * table. See handles.c for the encoding and the invariants.
 *
 * Thread safety: none inside. A table belongs to one adapter and every call must be
 * made under that adapter's lock (the VidMm layer holds it).
 */
#ifndef DXGK_HANDLES_H
#define DXGK_HANDLES_H

#include <stdint.h>

typedef struct dxgk_handles dxgk_handles;

enum {
    /* Object types are 1..DXGK_HANDLE_TYPE_MAX; 0 is never a type. */
    DXGK_HANDLE_TYPE_MAX = 255,
    /* Most slots (and so live handles) one table can hold. */
    DXGK_HANDLE_MAX_SLOTS = 16777215,
};

/* Status codes of dxgk_handle_free (0 = success). */
enum {
    DXGK_HANDLE_OK = 0,
    DXGK_HANDLE_EBADH = -1,    /* not a live handle of this table (stale, forged, 0) */
    DXGK_HANDLE_ETYPE = -2,    /* a live handle of this table, but of another type */
};

/* Invariant violations reported by dxgk_handles_validate (0 = consistent). */
enum {
    DXGK_HANDLE_V_NULL = -100,      /* table pointer is NULL */
    DXGK_HANDLE_V_BOUNDS = -101,    /* used > capacity, or capacity beyond the maximum */
    DXGK_HANDLE_V_SLOT = -102,      /* a live slot with type 0 / no object, or a free slot with one */
    DXGK_HANDLE_V_FREELIST = -103,  /* free list reaches a live, retired or repeated slot */
    DXGK_HANDLE_V_COUNT = -104,     /* live or free counters disagree with the slots */
    DXGK_HANDLE_V_GEN = -105,       /* a generation outside 24 bits */
};

/* A new empty table with a fresh identity; NULL when out of memory. */
dxgk_handles *dxgk_handles_create(void);

/* Frees the table (not the objects it names). NULL is accepted. */
void dxgk_handles_destroy(dxgk_handles *t);

/* Registers obj under a new handle of the given type (1..DXGK_HANDLE_TYPE_MAX).
 * Returns 0, leaving the table unchanged, when type is out of range, obj is NULL,
 * the table is full or memory runs out. */
uint64_t dxgk_handle_new(dxgk_handles *t, uint32_t type, void *obj);

/* The object of a live handle of exactly this type, else NULL. */
void *dxgk_handle_get(const dxgk_handles *t, uint64_t h, uint32_t type);

/* The type of a live handle of this table, else 0. */
uint32_t dxgk_handle_type(const dxgk_handles *t, uint64_t h);

/* Destroys a live handle of this type: its value is rejected from now on.
 * DXGK_HANDLE_OK, or DXGK_HANDLE_EBADH / DXGK_HANDLE_ETYPE with nothing changed. */
int dxgk_handle_free(dxgk_handles *t, uint64_t h, uint32_t type);

/* Number of live handles. */
uint32_t dxgk_handles_count(const dxgk_handles *t);

/* Iteration in slot order: the first live handle after prev (prev = 0 to start)
 * whose type is `type` (0 = any type); 0 at the end. prev need not be live any more,
 * so the caller may free the handle it is standing on. */
uint64_t dxgk_handle_next(const dxgk_handles *t, uint32_t type, uint64_t prev);

/* The 8-bit identity this table stamps into its handles (1..255). */
uint32_t dxgk_handles_id(const dxgk_handles *t);

/* Walks every slot and the free list; 0 when every invariant holds, else the
 * DXGK_HANDLE_V_* code of the first one found broken. */
int dxgk_handles_validate(const dxgk_handles *t);

#endif /* DXGK_HANDLES_H */
