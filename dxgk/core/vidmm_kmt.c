/*
 * vidmm_kmt.c -- the objects of the user-mode GPU VA services (docs/behaviour.md 9.1):
 * D3DKMT handles, user-mode allocations, paging queues and fences. vidmm_vad.c has the
 * VA operations (VADs, Map, Reserve, Free, Update); kmt.c unpacks the Windows structs.
 *
 * What it owns:
 *   - the D3DKMT handle table: 32-bit values, never 0, unique across the whole model
 *     and never reused while it lives; each names one object by its 64-bit handle and
 *     type, so a D3DKMT handle is resolved, locked and re-checked exactly like a kernel
 *     handle (dxgk_vm__acquire). Its lock (k_lock) is taken alone or inside an adapter
 *     lock, never together with the handle table's, so there is no lock-order cycle;
 *   - fences and paging queues (objects of a device; a queue's sync object is a fence
 *     whose value is mirrored at the queue's FenceValueCPUVirtualAddress);
 *   - user-mode allocations: allocation objects (vidmm.c) with a D3DKMT handle.
 *
 * Invariants (checked by dxgk_vm_validate): every live object has exactly one live
 * D3DKMT handle naming it by its own 64-bit handle and type, and it is freed only after
 * that handle; a paging queue's mirror holds its fence's value; a waiting Update batch
 * names a live fence of its context's device.
 */
#include "vidmm_impl.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "range_alloc.h"
#include "vidmm.h"

/* ---- the D3DKMT handle table ------------------------------------------------------------ */

/* [choice] Values start at 0x40000000 and step by 0x40, as Windows' do; the space holds
 * about 50 million handles per model lifetime. */
#define KMT_FIRST 0x40000000u
#define KMT_STEP 0x40u
#define KMT_TOMB 0xFFFFFFFFu    /* a deleted slot (no handle has the low 6 bits set) */

typedef struct kmt_slot {
    uint32_t key;               /* 0: empty */
    uint32_t type;              /* DXGK_VM_T_* of the object */
    uint64_t h;                 /* its 64-bit handle */
} kmt_slot;

static pthread_mutex_t k_lock = PTHREAD_MUTEX_INITIALIZER;
static kmt_slot *k_slots;
static uint32_t k_cap, k_used, k_live;  /* k_used: live + deleted slots */
static uint32_t k_next = KMT_FIRST;     /* 0 once exhausted */

static uint32_t k_hash(uint32_t k)
{
    return (k >> 6) * 2654435761u;
}

/* Rebuilds the table with room for twice the live handles (caller holds k_lock). */
static int k_rehash(void)
{
    uint32_t cap = 64;
    kmt_slot *n;
    while (cap < 4 * (k_live + 1))
        cap *= 2;
    n = calloc(cap, sizeof *n);
    if (!n)
        return 1;
    for (uint32_t i = 0; i < k_cap; i++) {
        const kmt_slot *o = &k_slots[i];
        if (o->key && o->key != KMT_TOMB) {
            uint32_t j = k_hash(o->key) & (cap - 1);
            while (n[j].key)
                j = (j + 1) & (cap - 1);
            n[j] = *o;
        }
    }
    free(k_slots);
    k_slots = n;
    k_cap = cap;
    k_used = k_live;
    return 0;
}

uint32_t dxgk_vm__kmt_new(uint32_t type, uint64_t h)
{
    uint32_t k = 0, j;
    pthread_mutex_lock(&k_lock);
    if (!k_next || ((k_used + 1) * 4 > k_cap * 3 && k_rehash()))
        goto out;
    k = k_next;
    k_next = k_next + KMT_STEP < k_next ? 0 : k_next + KMT_STEP;
    j = k_hash(k) & (k_cap - 1);
    while (k_slots[j].key && k_slots[j].key != KMT_TOMB)
        j = (j + 1) & (k_cap - 1);
    if (!k_slots[j].key)
        k_used++;
    k_slots[j].key = k;
    k_slots[j].type = type;
    k_slots[j].h = h;
    k_live++;
out:
    pthread_mutex_unlock(&k_lock);
    return k;
}

/* The slot of live handle k, or NULL (caller holds k_lock). */
static kmt_slot *k_find(uint32_t k)
{
    uint32_t j;
    if (!k || k == KMT_TOMB || !k_cap)
        return NULL;
    for (j = k_hash(k) & (k_cap - 1); k_slots[j].key; j = (j + 1) & (k_cap - 1)) {
        if (k_slots[j].key == k)
            return &k_slots[j];
    }
    return NULL;
}

void dxgk_vm__kmt_free(uint32_t k)
{
    kmt_slot *s;
    pthread_mutex_lock(&k_lock);
    s = k_find(k);
    if (s) {
        s->key = KMT_TOMB;
        s->type = 0;
        s->h = 0;
        k_live--;
    }
    pthread_mutex_unlock(&k_lock);
}

/* The 64-bit handle behind D3DKMT handle k if it names an object of `type`, else 0. */
static uint64_t k_get(uint32_t k, uint32_t type)
{
    uint64_t h = 0;
    kmt_slot *s;
    pthread_mutex_lock(&k_lock);
    s = k_find(k);
    if (s && s->type == type)
        h = s->h;
    pthread_mutex_unlock(&k_lock);
    return h;
}

uint64_t dxgk_vm_kmt_object(uint32_t k, uint32_t *type)
{
    uint64_t h = 0;
    kmt_slot *s;
    pthread_mutex_lock(&k_lock);
    s = k_find(k);
    if (s) {
        h = s->h;
        if (type)
            *type = s->type;
    }
    pthread_mutex_unlock(&k_lock);
    return h;
}

void *dxgk_vm__k_acquire(uint32_t k, uint32_t type, vm_adapter **a)
{
    const uint64_t h = k_get(k, type);
    return h ? dxgk_vm__acquire(h, type, a) : NULL;
}

void *dxgk_vm__k_owned(vm_adapter *a, uint32_t k, uint32_t type)
{
    const uint64_t h = k_get(k, type);
    return h ? dxgk_vm__owned(a, h, type) : NULL;
}

uint32_t dxgk_vm_kmt_handle(uint64_t h)
{
    vm_adapter *a;
    uint32_t k = 0;
    const uint32_t type = dxgk_vm_handle_type(h);
    void *o;
    if (!type || type == DXGK_VM_T_ADAPTER)
        return 0;
    o = dxgk_vm__acquire(h, type, &a);
    if (!o)
        return 0;
    switch (type) {
    case DXGK_VM_T_PROCESS: k = ((vm_process *)o)->kmt_adapter; break;
    case DXGK_VM_T_DEVICE: k = ((vm_device *)o)->kmt; break;
    case DXGK_VM_T_CONTEXT: k = ((vm_context *)o)->kmt; break;
    case DXGK_VM_T_ALLOCATION: k = ((vm_alloc *)o)->kmt; break;
    case DXGK_VM_T_PAGING_QUEUE: k = ((vm_pqueue *)o)->kmt; break;
    case DXGK_VM_T_FENCE: k = ((vm_fence *)o)->kmt; break;
    default: break;
    }
    dxgk_vm__release(a);
    return k;
}

/* ---- fences, paging queues, waiting batches ------------------------------------------------ */

void dxgk_vm__fence_set(vm_fence *f, uint64_t v)
{
    f->value = v;
    if (f->queue)
        *f->queue->cpu = v;
}

static vm_fence *fence_new(vm_adapter *a, vm_device *d, uint64_t initial)
{
    vm_fence *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->hdr.adapter = a;
    if (!dxgk_vm__g_new(DXGK_VM_T_FENCE, f)) {
        free(f);
        return NULL;
    }
    f->kmt = dxgk_vm__kmt_new(DXGK_VM_T_FENCE, f->hdr.handle);
    if (!f->kmt) {
        dxgk_vm__g_free(f->hdr.handle, DXGK_VM_T_FENCE);
        free(f);
        return NULL;
    }
    f->device = d;
    f->value = initial;
    list_add_tail(&d->fences, &f->link);
    return f;
}

void dxgk_vm__batch_free(vm_batch *b)
{
    list_del(&b->link);
    free(b->ops);
    free(b);
}

/* [choice] A fence that goes drops the batches still waiting for it: nothing could
 * ever release them. */
static void fence_free(vm_fence *f)
{
    vm_list *it, *jt;
    for (it = f->device->contexts.next; it != &f->device->contexts; it = it->next) {
        vm_context *c = CONTAINER(it, vm_context, link);
        for (jt = c->waiting.next; jt != &c->waiting;) {
            vm_batch *b = CONTAINER(jt, vm_batch, link);
            jt = jt->next;
            if (b->fence == f)
                dxgk_vm__batch_free(b);
        }
    }
    list_del(&f->link);
    dxgk_vm__kmt_free(f->kmt);
    dxgk_vm__g_free(f->hdr.handle, DXGK_VM_T_FENCE);
    free(f);
}

/* [choice] A queue that goes first runs its pending work (docs/behaviour.md 9.7): the
 * bookkeeping already promised it, so the page tables catch up before the queue goes. */
static void queue_free(vm_pqueue *q)
{
    dxgk_vm__queue_drain(q->hdr.adapter, q);
    fence_free(q->fence);
    list_del(&q->link);
    dxgk_vm__kmt_free(q->kmt);
    dxgk_vm__g_free(q->hdr.handle, DXGK_VM_T_PAGING_QUEUE);
    free(q->cpu);
    free(q);
}

void dxgk_vm__kmt_context_teardown(vm_adapter *a, vm_context *c)
{
    (void)a;
    while (!list_empty(&c->waiting))
        dxgk_vm__batch_free(CONTAINER(c->waiting.next, vm_batch, link));
}

void dxgk_vm__kmt_device_teardown(vm_adapter *a, vm_device *d)
{
    (void)a;
    while (!list_empty(&d->queues))
        queue_free(CONTAINER(d->queues.next, vm_pqueue, link));
    while (!list_empty(&d->fences))
        fence_free(CONTAINER(d->fences.next, vm_fence, link));
}

NTSTATUS dxgk_vm_fence_create(uint32_t device, uint64_t initial, uint32_t *out)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__k_acquire(device, DXGK_VM_T_DEVICE, &a);
    vm_fence *f;
    if (!d)
        return STATUS_INVALID_HANDLE;
    f = fence_new(a, d, initial);
    if (f)
        *out = f->kmt;
    dxgk_vm__release(a);
    return f ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS dxgk_vm_fence_value(uint32_t fence, uint64_t *out)
{
    vm_adapter *a;
    vm_fence *f = dxgk_vm__k_acquire(fence, DXGK_VM_T_FENCE, &a);
    if (!f)
        return STATUS_INVALID_HANDLE;
    *out = f->value;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_fence_signal(uint32_t fence, uint64_t value)
{
    vm_adapter *a;
    dxgk_drv_call_begin();
    if (dxgk_drv_removed_kmt(fence))   /* docs/behaviour.md 10.1: a removed adapter */
        return STATUS_DEVICE_REMOVED;
    vm_fence *f = dxgk_vm__k_acquire(fence, DXGK_VM_T_FENCE, &a);
    if (!f)
        return STATUS_INVALID_HANDLE;
    if (value < f->value) {     /* [choice] a fence never goes backwards */
        dxgk_vm__release(a);
        return STATUS_INVALID_PARAMETER;
    }
    dxgk_vm__fence_set(f, value);
    dxgk_vm__run_waiting(a, f->device);
    dxgk_vm__release(a);
    /* docs/behaviour.md 10.2: a driver fault while the released work was delivered */
    return dxgk_drv_call_faulted() ? STATUS_DEVICE_REMOVED : STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_kmt_create_paging_queue(uint32_t device, int32_t priority,
                                         uint32_t physical_adapter_index, uint32_t *out_queue,
                                         uint32_t *out_sync, uint64_t *out_fence_address)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__k_acquire(device, DXGK_VM_T_DEVICE, &a);
    vm_pqueue *q;
    NTSTATUS st = STATUS_NO_MEMORY;
    if (!d)
        return STATUS_INVALID_HANDLE;
    /* docs/behaviour.md 9.1: one GPU (PhysicalAdapterIndex 0); the three priorities */
    if (physical_adapter_index != 0 || priority < -1 || priority > 1) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    q = calloc(1, sizeof *q);
    if (!q)
        goto out;
    q->hdr.adapter = a;
    list_init(&q->pending);
    q->cpu = calloc(1, sizeof *q->cpu);
    if (!q->cpu || !dxgk_vm__g_new(DXGK_VM_T_PAGING_QUEUE, q)) {
        free(q->cpu);
        free(q);
        goto out;
    }
    q->kmt = dxgk_vm__kmt_new(DXGK_VM_T_PAGING_QUEUE, q->hdr.handle);
    q->fence = q->kmt ? fence_new(a, d, 0) : NULL;
    if (!q->fence) {
        dxgk_vm__kmt_free(q->kmt);
        dxgk_vm__g_free(q->hdr.handle, DXGK_VM_T_PAGING_QUEUE);
        free(q->cpu);
        free(q);
        goto out;
    }
    q->fence->queue = q;
    q->device = d;
    q->priority = priority;
    list_add_tail(&d->queues, &q->link);
    *out_queue = q->kmt;
    *out_sync = q->fence->kmt;
    *out_fence_address = (uint64_t)(uintptr_t)q->cpu;
    st = STATUS_SUCCESS;
out:
    dxgk_vm__release(a);
    return st;
}

NTSTATUS dxgk_vm_kmt_destroy_paging_queue(uint32_t queue)
{
    vm_adapter *a;
    vm_pqueue *q = dxgk_vm__k_acquire(queue, DXGK_VM_T_PAGING_QUEUE, &a);
    if (!q)
        return STATUS_INVALID_HANDLE;
    queue_free(q);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

/* ---- user-mode allocations (docs/behaviour.md 9.1, 9.8) ---------------------------------- */

NTSTATUS dxgk_vm_user_allocate(const dxgk_vm_create_args *c, uint32_t *out_kmt)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__acquire(c->device, DXGK_VM_T_DEVICE, &a);
    vm_segment *seg;
    vm_alloc *al;
    uint64_t offset, rsize;
    NTSTATUS st;
    if (!d)
        return STATUS_INVALID_HANDLE;
    if (c->context || c->size == 0 || (c->alignment & (c->alignment - 1))) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    st = dxgk_vm__place(a, c, &seg, &offset, &rsize);
    if (st != STATUS_SUCCESS)
        goto out;
    al = dxgk_vm__alloc_new(a, d->process, d, NULL, seg, offset, rsize, c);
    if (al)
        al->kmt = dxgk_vm__kmt_new(DXGK_VM_T_ALLOCATION, al->hdr.handle);
    if (!al || !al->kmt) {
        if (al)
            dxgk_vm__alloc_teardown(a, al);
        else
            dxgk_ra_free(seg->ra, offset);
        st = STATUS_NO_MEMORY;
        goto out;
    }
    *out_kmt = al->kmt;
out:
    dxgk_vm__release(a);
    return st;
}

NTSTATUS dxgk_vm_user_deallocate(uint32_t device, uint32_t allocation)
{
    vm_adapter *a;
    vm_device *d = dxgk_vm__k_acquire(device, DXGK_VM_T_DEVICE, &a);
    vm_alloc *al;
    NTSTATUS st;
    if (!d)
        return STATUS_INVALID_HANDLE;
    al = dxgk_vm__k_owned(a, allocation, DXGK_VM_T_ALLOCATION);
    if (!al || al->device != d) {
        dxgk_vm__release(a);
        return STATUS_INVALID_HANDLE;
    }
    /* all or nothing: the tables its unmaps take must fit first (docs/behaviour.md 9.8) */
    st = dxgk_vm__teardown_room(a, al);
    if (st != STATUS_SUCCESS) {
        dxgk_vm__release(a);
        return st;
    }
    dxgk_vm__alloc_teardown(a, al);
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}


/* The device and process adapter handle a D3DKMT handle belongs to (the UMD callbacks
 * check their structs' handles against the callback's device). */
NTSTATUS dxgk_vm_kmt_owner(uint32_t kmt, uint32_t *out_device, uint32_t *out_adapter)
{
    vm_adapter *a;
    uint32_t type = 0;
    const uint64_t h = dxgk_vm_kmt_object(kmt, &type);
    vm_device *d = NULL;
    void *o;
    if (!h || !(o = dxgk_vm__acquire(h, type, &a)))
        return STATUS_INVALID_HANDLE;
    switch (type) {
    case DXGK_VM_T_DEVICE: d = o; break;
    case DXGK_VM_T_CONTEXT: d = ((vm_context *)o)->device; break;
    case DXGK_VM_T_ALLOCATION: d = ((vm_alloc *)o)->device; break;
    case DXGK_VM_T_PAGING_QUEUE: d = ((vm_pqueue *)o)->device; break;
    case DXGK_VM_T_FENCE: d = ((vm_fence *)o)->device; break;
    default: break;
    }
    *out_device = d ? d->kmt : 0;
    *out_adapter = d ? d->process->kmt_adapter
                     : type == DXGK_VM_T_PROCESS ? ((vm_process *)o)->kmt_adapter : 0;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_paging_queue_info(uint32_t queue, uint32_t *out_device, uint32_t *out_sync,
                                   uint64_t *out_fence_address)
{
    vm_adapter *a;
    vm_pqueue *q = dxgk_vm__k_acquire(queue, DXGK_VM_T_PAGING_QUEUE, &a);
    if (!q)
        return STATUS_INVALID_HANDLE;
    *out_device = q->device->kmt;
    *out_sync = q->fence->kmt;
    *out_fence_address = (uint64_t)(uintptr_t)q->cpu;
    dxgk_vm__release(a);
    return STATUS_SUCCESS;
}
