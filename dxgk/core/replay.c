/*
 * replay.c -- the trace replay engine: runs an array of decoded trace ops (replay.h)
 * through the real DDI entry points (ddi.h, with their Windows structs) and the
 * dxgk_vm_* object functions, in a tight loop with no Python in it.
 *
 * What it owns: nothing. The caller (dxgk/trace/decoder.py, replayer.py) owns the op array, the blob of
 * struct bytes, the symbol table `handles` and the output arrays; this file only
 * reads the ops and writes handles[], results[] and mismatches[].
 *
 * The invariant it keeps: an op is executed only after everything it reads has been
 * checked -- its code and flags, every symbol index against handle_count, every blob
 * range against blob_size -- so a malformed array stops the run cleanly at that op
 * (run->next = its index) instead of reading or writing out of bounds. The engine
 * never trusts the decoder for memory safety; it trusts it only for meaning.
 *
 * Struct arguments are copied from the blob into a properly aligned local of the
 * Windows type, the symbolic handle members are patched in from handles[], and the
 * DDI function is called with a pointer to that local -- exactly what a KMD does.
 * A symbol that names no object yet holds 0 (the decoder rejects such traces, so this
 * only happens for hand-built arrays): the DDI then sees a NULL handle.
 *
 * The user-mode ops (docs/behaviour.md 9) call the D3DKMT thunks of kmt.h the way a
 * runtime does, with D3DKMT handles: a symbol's kmt[] value, which the engine sets when
 * the symbol is defined (the object's D3DKMT handle, or DXGK_RP_KMT_POISON when its
 * creation failed here) and keeps after the object dies, as a program keeps the value.
 */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#include "ddi.h"
#include "driver.h"
#include "kmt.h"
#include "paging.h"
#include "vidmm.h"

/* With a driver attached (run->make_adapter), objects are made and destroyed through the
 * driver-calling functions, as the Python layer does (dxgk/driver.py core_name). */
#define D(r) ((r)->make_adapter != NULL)

#define RP_MAX_LEVELS 6

_Static_assert(sizeof(dxgk_rp_op) == 64, "dxgk_rp_op is mirrored by a numpy dtype");
_Static_assert(sizeof(dxgk_rp_mismatch) == 32, "dxgk_rp_mismatch size");
_Static_assert(sizeof(dxgk_rp_result) == 16, "dxgk_rp_result size");

/* The callbacks as the header types them: the engine calls the DDI the way a driver
 * does through its DXGKRNL_INTERFACE copy. */
static const DXGKCB_CREATECONTEXTALLOCATION rp_create = DxgkCbCreateContextAllocation;
static const DXGKCB_DESTROYCONTEXTALLOCATION rp_destroy = DxgkCbDestroyContextAllocation;
static const DXGKCB_MAPCONTEXTALLOCATION rp_map = DxgkCbMapContextAllocation;
static const DXGKCB_UPDATECONTEXTALLOCATION rp_update = DxgkCbUpdateContextAllocation;
static const DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE rp_reserve =
    DxgkCbReserveGpuVirtualAddressRange;
/* ... and the thunks as the runtime's header types them. */
static const PFND3DKMT_CREATEPAGINGQUEUE rp_create_queue = D3DKMTCreatePagingQueue;
static const PFND3DKMT_DESTROYPAGINGQUEUE rp_destroy_queue = D3DKMTDestroyPagingQueue;
static const PFND3DKMT_RESERVEGPUVIRTUALADDRESS rp_kmt_reserve = D3DKMTReserveGpuVirtualAddress;
static const PFND3DKMT_MAPGPUVIRTUALADDRESS rp_kmt_map = D3DKMTMapGpuVirtualAddress;
static const PFND3DKMT_FREEGPUVIRTUALADDRESS rp_kmt_free = D3DKMTFreeGpuVirtualAddress;
static const PFND3DKMT_UPDATEGPUVIRTUALADDRESS rp_kmt_update = D3DKMTUpdateGpuVirtualAddress;

/* Bytes of the blob of an event op with integer arguments: its uint64 values. */
static uint64_t event_words(uint32_t code)
{
    switch (code) {
    case DXGK_RP_ALLOCATE:
        return 5;
    case DXGK_RP_FENCE_CREATE:
    case DXGK_RP_FENCE_SIGNAL:
        return 1;
    case DXGK_RP_QUEUE_EXECUTE:
        return 2;
    default:
        return 0;
    }
}

static uint64_t align8(uint64_t n)
{
    return (n + 7) & ~(uint64_t)7;
}

uint32_t dxgk_rp_struct_size(uint32_t code)
{
    switch (code) {
    case DXGK_RP_ADAPTER_CREATE:
        return (uint32_t)sizeof(DXGK_GPUMMUCAPS);
    case DXGK_RP_CREATE:
        return (uint32_t)sizeof(DXGKARGCB_CREATECONTEXTALLOCATION);
    case DXGK_RP_MAP:
        return (uint32_t)sizeof(DXGKARGCB_MAPCONTEXTALLOCATION);
    case DXGK_RP_UPDATE:
        return (uint32_t)sizeof(DXGKARGCB_UPDATECONTEXTALLOCATION);
    case DXGK_RP_RESERVE:
        return (uint32_t)sizeof(DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE);
    case DXGK_RP_QUEUE_CREATE:
        return (uint32_t)sizeof(D3DKMT_CREATEPAGINGQUEUE);
    case DXGK_RP_QUEUE_DESTROY:
        return (uint32_t)sizeof(D3DDDI_DESTROYPAGINGQUEUE);
    case DXGK_RP_KMT_RESERVE:
        return (uint32_t)sizeof(D3DDDI_RESERVEGPUVIRTUALADDRESS);
    case DXGK_RP_KMT_MAP:
        return (uint32_t)sizeof(D3DDDI_MAPGPUVIRTUALADDRESS);
    case DXGK_RP_KMT_FREE:
        return (uint32_t)sizeof(D3DKMT_FREEGPUVIRTUALADDRESS);
    case DXGK_RP_KMT_UPDATE:
        return (uint32_t)sizeof(D3DKMT_UPDATEGPUVIRTUALADDRESS);
    default:
        return 0;
    }
}

/* Bytes of the blob op `o` reads (0 if none), or UINT64_MAX for a bad count. */
static uint64_t blob_need(const dxgk_rp_op *o)
{
    switch (o->code) {
    case DXGK_RP_ADAPTER_CREATE:
        if (o->n0 > RP_MAX_LEVELS || o->n1 > DXGK_VM_MAX_SEGMENTS)
            return UINT64_MAX;
        return align8(sizeof(DXGK_GPUMMUCAPS)) +
               align8((uint64_t)o->n0 * sizeof(DXGK_PAGE_TABLE_LEVEL_DESC)) +
               (uint64_t)o->n1 * sizeof(dxgk_vm_segment_desc);
    case DXGK_RP_CREATE:
    case DXGK_RP_MAP:
    case DXGK_RP_RESERVE:
        return (o->flags & DXGK_RP_F_NULL_ARGS) ? 0 : dxgk_rp_struct_size(o->code);
    case DXGK_RP_UPDATE:
        if (o->flags & DXGK_RP_F_NULL_ARGS)
            return 0;
        return sizeof(DXGKARGCB_UPDATECONTEXTALLOCATION) +
               ((o->flags & DXGK_RP_F_DATA) ? (uint64_t)o->n0 : 0);
    case DXGK_RP_QUEUE_CREATE:
    case DXGK_RP_QUEUE_DESTROY:
    case DXGK_RP_KMT_RESERVE:
    case DXGK_RP_KMT_MAP:
    case DXGK_RP_KMT_FREE:
        return (o->flags & DXGK_RP_F_NULL_ARGS) ? 0 : dxgk_rp_struct_size(o->code);
    case DXGK_RP_KMT_UPDATE:
        if (o->flags & DXGK_RP_F_NULL_ARGS)
            return 0;
        if ((o->flags & DXGK_RP_F_DATA) && (o->n0 < 1 || o->n0 > DXGK_RP_MAX_UOPS))
            return UINT64_MAX;
        return align8(sizeof(D3DKMT_UPDATEGPUVIRTUALADDRESS)) +
               ((o->flags & DXGK_RP_F_DATA)
                    ? (uint64_t)o->n0 * sizeof(D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION) : 0);
    default:
        return 8 * event_words(o->code);
    }
}

/* Whether an Update operation record carries an allocation handle. */
static inline int uop_has_handle(const D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION *u)
{
    return u->OperationType == D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP ||
           u->OperationType == D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP_PROTECT;
}

/* The operation records of a KMT_UPDATE op (validated): in the blob, after the struct. */
static const uint8_t *uops_at(const dxgk_rp_run *r, const dxgk_rp_op *o)
{
    return r->blob + o->blob + align8(sizeof(D3DKMT_UPDATEGPUVIRTUALADDRESS));
}

/* Symbols an op reads (operands) -- how many of sym[] are meaningful. */
static unsigned sym_operands(uint32_t code)
{
    switch (code) {
    case DXGK_RP_CREATE:
        return 4;
    case DXGK_RP_KMT_UPDATE:
        return 3;
    case DXGK_RP_DESTROY:
    case DXGK_RP_MAP:
    case DXGK_RP_UPDATE:
    case DXGK_RP_RESERVE:
    case DXGK_RP_KMT_MAP:
    case DXGK_RP_DEALLOCATE:
        return 2;
    default:
        return 1;
    }
}

/* Checks everything op `o` will touch; DXGK_RP_OK or the error. */
static int validate_op(const dxgk_rp_run *r, const dxgk_rp_op *o)
{
    static const uint32_t allowed[DXGK_RP_CODE_MAX + 1] = {
        [DXGK_RP_PROCESS_END] = DXGK_RP_F_KEEP,
        [DXGK_RP_CREATE] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_MAP] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_UPDATE] = DXGK_RP_F_NULL_ARGS | DXGK_RP_F_DATA,
        [DXGK_RP_RESERVE] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_ADAPTER_CREATE] = DXGK_RP_F_DEFERRED,
        [DXGK_RP_QUEUE_CREATE] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_QUEUE_DESTROY] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_KMT_RESERVE] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_KMT_MAP] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_KMT_FREE] = DXGK_RP_F_NULL_ARGS,
        [DXGK_RP_KMT_UPDATE] = DXGK_RP_F_NULL_ARGS | DXGK_RP_F_DATA,
    };
    if (o->code < 1 || o->code > DXGK_RP_CODE_MAX ||
        (o->flags & ~(allowed[o->code] | DXGK_RP_F_UNCHECKED)))
        return DXGK_RP_E_CODE;
    unsigned n = sym_operands(o->code);
    for (unsigned i = 0; i < n; i++)
        if (o->sym[i] != DXGK_RP_NULL && o->sym[i] >= r->handle_count)
            return DXGK_RP_E_SYMBOL;
    /* ADAPTER_CREATE's sym[0] (its system process) and QUEUE_CREATE's sym[1] (the
     * queue's sync object) are definitions: a NULL one is allowed only where the
     * creation defines nothing. */
    if (o->code == DXGK_RP_ADAPTER_CREATE && o->sym[0] >= r->handle_count)
        return DXGK_RP_E_SYMBOL;
    if (o->code == DXGK_RP_QUEUE_CREATE && o->sym[1] != DXGK_RP_NULL &&
        o->sym[1] >= r->handle_count)
        return DXGK_RP_E_SYMBOL;
    if (o->out_sym != DXGK_RP_NULL && o->out_sym >= r->handle_count)
        return DXGK_RP_E_SYMBOL;
    uint64_t need = blob_need(o);
    if (need == UINT64_MAX)
        return DXGK_RP_E_COUNT;
    if (need) {
        if (o->blob % 8 || o->blob > r->blob_size || need > r->blob_size - o->blob)
            return DXGK_RP_E_BLOB;
    }
    if (o->code == DXGK_RP_UPDATE && (o->flags & DXGK_RP_F_DATA) &&
        !(o->flags & DXGK_RP_F_NULL_ARGS)) {
        /* The core reads PrivateDriverDataSize bytes at the pointer: they must be ours. */
        DXGKARGCB_UPDATECONTEXTALLOCATION a;
        memcpy(&a, r->blob + o->blob, sizeof a);
        if (a.PrivateDriverDataSize > o->n0)
            return DXGK_RP_E_BLOB;
    }
    if (o->code == DXGK_RP_KMT_UPDATE && (o->flags & DXGK_RP_F_DATA) &&
        !(o->flags & DXGK_RP_F_NULL_ARGS)) {
        /* every record's allocation symbol, and a count the struct agrees with */
        D3DKMT_UPDATEGPUVIRTUALADDRESS a;
        memcpy(&a, r->blob + o->blob, sizeof a);
        if (a.NumOperations != o->n0)
            return DXGK_RP_E_COUNT;
        const uint8_t *p = uops_at(r, o);
        for (uint32_t i = 0; i < o->n0; i++) {
            D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION u;
            memcpy(&u, p + (size_t)i * sizeof u, sizeof u);
            if (uop_has_handle(&u) && u.Map.hAllocation != DXGK_RP_NULL &&
                u.Map.hAllocation >= r->handle_count)
                return DXGK_RP_E_SYMBOL;
        }
    }
    return DXGK_RP_OK;
}

static inline uint64_t sym_handle(const dxgk_rp_run *r, uint32_t s)
{
    return s == DXGK_RP_NULL ? 0 : r->handles[s];
}

static inline HANDLE sym_H(const dxgk_rp_run *r, uint32_t s)
{
    return (HANDLE)(uintptr_t)sym_handle(r, s);
}

/* The D3DKMT handle of a symbol operand (0 for NULL). */
static inline D3DKMT_HANDLE sym_K(const dxgk_rp_run *r, uint32_t s)
{
    return s == DXGK_RP_NULL ? 0 : r->kmt[s];
}

/* Binds the symbol an op defines: the new handle, or the poison value when the
 * creation failed here (so later uses fail cleanly instead of meaning NULL); its
 * D3DKMT handle with it. */
static inline void define(dxgk_rp_run *r, uint32_t s, NTSTATUS st, uint64_t h)
{
    if (s != DXGK_RP_NULL) {
        int ok = st == STATUS_SUCCESS && h;
        r->handles[s] = ok ? h : DXGK_RP_POISON;
        r->kmt[s] = ok ? dxgk_vm_kmt_handle(h) : DXGK_RP_KMT_POISON;
    }
}

/* The same for an object the op knows by its D3DKMT handle (a user-mode object). */
static inline void define_kmt(dxgk_rp_run *r, uint32_t s, NTSTATUS st, uint32_t k)
{
    if (s != DXGK_RP_NULL) {
        uint32_t type;
        uint64_t h = (st == STATUS_SUCCESS && k) ? dxgk_vm_kmt_object(k, &type) : 0;
        r->handles[s] = h ? h : DXGK_RP_POISON;
        r->kmt[s] = h ? k : DXGK_RP_KMT_POISON;
    }
}

/* The i-th uint64 argument of an event op (validated). */
static inline uint64_t word(const dxgk_rp_run *r, const dxgk_rp_op *o, unsigned i)
{
    uint64_t v;
    memcpy(&v, r->blob + o->blob + 8 * i, 8);
    return v;
}

/* The user-mode ops (docs/behaviour.md 9): the thunks with D3DKMT handles, and the
 * object calls of the Python layer's Device / Fence / PagingQueue. */
static NTSTATUS execute_kmt(dxgk_rp_run *r, const dxgk_rp_op *o, uint64_t *value)
{
    NTSTATUS st;
    const int null_args = (o->flags & DXGK_RP_F_NULL_ARGS) != 0;
    const uint8_t *p = r->blob + o->blob;
    switch (o->code) {
    case DXGK_RP_QUEUE_CREATE: {
        D3DKMT_CREATEPAGINGQUEUE a;
        if (null_args) {
            st = rp_create_queue(NULL);
            define_kmt(r, o->out_sym, st, 0);
            define_kmt(r, o->sym[1], st, 0);
            return st;
        }
        memcpy(&a, p, sizeof a);
        a.hDevice = sym_K(r, o->sym[0]);
        st = rp_create_queue(&a);
        define_kmt(r, o->out_sym, st, a.hPagingQueue);
        define_kmt(r, o->sym[1], st, a.hSyncObject);
        return st;
    }
    case DXGK_RP_QUEUE_DESTROY: {
        D3DDDI_DESTROYPAGINGQUEUE a;
        if (null_args)
            return rp_destroy_queue(NULL);
        memcpy(&a, p, sizeof a);
        a.hPagingQueue = sym_K(r, o->sym[0]);
        return rp_destroy_queue(&a);
    }
    case DXGK_RP_KMT_RESERVE: {
        D3DDDI_RESERVEGPUVIRTUALADDRESS a;
        if (null_args)
            return rp_kmt_reserve(NULL);
        memcpy(&a, p, sizeof a);
        a.hPagingQueue = sym_K(r, o->sym[0]);
        st = rp_kmt_reserve(&a);
        if (st == STATUS_SUCCESS || st == STATUS_PENDING)
            *value = a.VirtualAddress;
        return st;
    }
    case DXGK_RP_KMT_MAP: {
        D3DDDI_MAPGPUVIRTUALADDRESS a;
        if (null_args)
            return rp_kmt_map(NULL);
        memcpy(&a, p, sizeof a);
        a.hPagingQueue = sym_K(r, o->sym[0]);
        a.hAllocation = sym_K(r, o->sym[1]);
        st = rp_kmt_map(&a);
        if (st == STATUS_SUCCESS || st == STATUS_PENDING)
            *value = a.VirtualAddress;
        return st;
    }
    case DXGK_RP_KMT_FREE: {
        D3DKMT_FREEGPUVIRTUALADDRESS a;
        if (null_args)
            return rp_kmt_free(NULL);
        memcpy(&a, p, sizeof a);
        a.hAdapter = sym_K(r, o->sym[0]);
        return rp_kmt_free(&a);
    }
    case DXGK_RP_KMT_UPDATE: {
        D3DKMT_UPDATEGPUVIRTUALADDRESS a;
        D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION *ops = NULL;
        if (null_args)
            return rp_kmt_update(NULL);
        memcpy(&a, p, sizeof a);
        a.hDevice = sym_K(r, o->sym[0]);
        a.hContext = sym_K(r, o->sym[1]);
        a.hFenceObject = sym_K(r, o->sym[2]);
        a.Operations = NULL;
        if (o->flags & DXGK_RP_F_DATA) {
            ops = malloc((size_t)o->n0 * sizeof *ops);
            if (!ops)
                return STATUS_NO_MEMORY;
            memcpy(ops, uops_at(r, o), (size_t)o->n0 * sizeof *ops);
            for (uint32_t i = 0; i < o->n0; i++)
                if (uop_has_handle(&ops[i]))
                    ops[i].Map.hAllocation = sym_K(r, ops[i].Map.hAllocation);
            a.Operations = ops;
        }
        st = rp_kmt_update(&a);
        free(ops);
        return st;
    }
    case DXGK_RP_ALLOCATE: {
        dxgk_vm_create_args c;
        uint32_t k = 0;
        memset(&c, 0, sizeof c);
        c.device = sym_handle(r, o->sym[0]);
        c.size = word(r, o, 0);
        c.alignment = word(r, o, 1);
        c.supported_segments = (uint32_t)word(r, o, 2);
        c.preferred = (uint32_t)word(r, o, 3);
        c.flags = (uint32_t)word(r, o, 4);
        st = D(r) ? dxgk_drv_user_allocate(&c, &k) : dxgk_vm_user_allocate(&c, &k);
        define_kmt(r, o->out_sym, st, k);
        return st;
    }
    case DXGK_RP_DEALLOCATE:
        return (D(r) ? dxgk_drv_user_deallocate : dxgk_vm_user_deallocate)(
            sym_K(r, o->sym[0]), sym_K(r, o->sym[1]));
    case DXGK_RP_FENCE_CREATE: {
        uint32_t k = 0;
        st = dxgk_vm_fence_create(sym_K(r, o->sym[0]), word(r, o, 0), &k);
        define_kmt(r, o->out_sym, st, k);
        return st;
    }
    case DXGK_RP_FENCE_SIGNAL:
        return dxgk_vm_fence_signal(sym_K(r, o->sym[0]), word(r, o, 0));
    case DXGK_RP_QUEUE_EXECUTE: {
        uint64_t after = 0;
        st = dxgk_vm_queue_execute(sym_K(r, o->sym[0]), word(r, o, 0), word(r, o, 1) != 0,
                                   &after);
        if (st == STATUS_SUCCESS)
            *value = after;
        return st;
    }
    default:
        return STATUS_INVALID_PARAMETER;    /* unreachable: validate_op checked the code */
    }
}

static NTSTATUS op_adapter_create(dxgk_rp_run *r, const dxgk_rp_op *o)
{
    DXGK_GPUMMUCAPS caps;
    DXGK_PAGE_TABLE_LEVEL_DESC levels[RP_MAX_LEVELS];
    dxgk_vm_segment_desc segs[DXGK_VM_MAX_SEGMENTS];
    const uint8_t *p = r->blob + o->blob;
    uint64_t adapter = 0, system = 0;
    char msg[8];

    memcpy(&caps, p, sizeof caps);
    p += align8(sizeof caps);
    memset(levels, 0, sizeof levels);
    memcpy(levels, p, (size_t)o->n0 * sizeof levels[0]);
    p += align8((uint64_t)o->n0 * sizeof levels[0]);
    memset(segs, 0, sizeof segs);
    memcpy(segs, p, (size_t)o->n1 * sizeof segs[0]);
    if (r->make_adapter) {          /* a driver attached: its bring-up sets log and mode */
        NTSTATUS st = r->make_adapter(r->make_ctx, &caps, levels, o->n0, segs, o->n1,
                                      (o->flags & DXGK_RP_F_DEFERRED) != 0, &adapter, &system);
        if (st != STATUS_SUCCESS)
            adapter = system = 0;
        define(r, o->out_sym, st, adapter);
        define(r, o->sym[0], st, system);
        return st;
    }
    NTSTATUS st = dxgk_vm_adapter_create(&caps, levels, segs, o->n1, &adapter, &system, msg,
                                         sizeof msg);
    if (st == STATUS_SUCCESS && !r->paging_log &&
        dxgk_pg_set_capacity(adapter, 0) != STATUS_SUCCESS) {
        dxgk_vm_adapter_destroy(adapter);       /* (cannot fail: it frees) */
        adapter = system = 0;
        st = STATUS_NO_MEMORY;
    }
    if (st == STATUS_SUCCESS && (o->flags & DXGK_RP_F_DEFERRED)) {
        st = dxgk_vm_adapter_set_paging(adapter, DXGK_VM_PAGING_DEFERRED);
        if (st != STATUS_SUCCESS) {
            dxgk_vm_adapter_destroy(adapter);
            adapter = system = 0;
        }
    }
    define(r, o->out_sym, st, adapter);
    define(r, o->sym[0], st, system);
    return st;
}

/* Executes op `o` (validated); returns its status and stores its value in *value. */
static NTSTATUS execute_op(dxgk_rp_run *r, const dxgk_rp_op *o, uint64_t *value)
{
    NTSTATUS st;
    uint64_t h = 0;
    *value = 0;
    switch (o->code) {
    case DXGK_RP_ADAPTER_CREATE:
        return op_adapter_create(r, o);
    case DXGK_RP_ADAPTER_DESTROY:
        return (D(r) ? dxgk_drv_adapter_destroy
                     : dxgk_vm_adapter_destroy)(sym_handle(r, o->sym[0]));
    case DXGK_RP_PROCESS_BEGIN:
        st = dxgk_vm_process_begin(sym_handle(r, o->sym[0]), &h);
        if (st == STATUS_SUCCESS && D(r) &&
            (st = dxgk_drv_create_process(h)) != STATUS_SUCCESS) {
            dxgk_drv_process_end(h, 0);     /* docs/behaviour.md 10.1: the driver said no */
            h = 0;
        }
        define(r, o->out_sym, st, h);
        return st;
    case DXGK_RP_PROCESS_END:
        return (D(r) ? dxgk_drv_process_end : dxgk_vm_process_end)(
            sym_handle(r, o->sym[0]), (o->flags & DXGK_RP_F_KEEP) != 0);
    case DXGK_RP_PROCESS_DESTROY:
        return (D(r) ? dxgk_drv_process_destroy : dxgk_vm_process_destroy)(
            sym_handle(r, o->sym[0]));
    case DXGK_RP_DEVICE_CREATE:
        st = (D(r) ? dxgk_drv_device_create : dxgk_vm_device_create)(sym_handle(r, o->sym[0]),
                                                                   &h);
        define(r, o->out_sym, st, h);
        return st;
    case DXGK_RP_DEVICE_DESTROY:
        return (D(r) ? dxgk_drv_device_destroy : dxgk_vm_device_destroy)(
            sym_handle(r, o->sym[0]));
    case DXGK_RP_CONTEXT_CREATE:
        st = (D(r) ? dxgk_drv_context_create : dxgk_vm_context_create)(sym_handle(r, o->sym[0]),
                                                                   &h);
        define(r, o->out_sym, st, h);
        return st;
    case DXGK_RP_CONTEXT_DESTROY:
        return (D(r) ? dxgk_drv_context_destroy : dxgk_vm_context_destroy)(
            sym_handle(r, o->sym[0]));
    case DXGK_RP_CREATE: {
        DXGKARGCB_CREATECONTEXTALLOCATION a;
        if (o->flags & DXGK_RP_F_NULL_ARGS) {
            st = rp_create(NULL);
            define(r, o->out_sym, st, 0);
            return st;
        }
        memcpy(&a, r->blob + o->blob, sizeof a);
        a.hAdapter = sym_H(r, o->sym[0]);
        a.hDevice = sym_H(r, o->sym[1]);
        a.hContext = sym_H(r, o->sym[2]);
        a.hAllocation = sym_H(r, o->sym[3]);
        st = rp_create(&a);
        if (st == STATUS_SUCCESS) {
            dxgk_vm_alloc_info info;
            h = (uint64_t)(uintptr_t)a.hAllocation;
            if (dxgk_vm_allocation_info(h, &info) == STATUS_SUCCESS)
                *value = info.va;
        }
        define(r, o->out_sym, st, h);
        return st;
    }
    case DXGK_RP_DESTROY:
        return rp_destroy(sym_H(r, o->sym[0]), sym_H(r, o->sym[1]));
    case DXGK_RP_MAP: {
        DXGKARGCB_MAPCONTEXTALLOCATION a;
        if (o->flags & DXGK_RP_F_NULL_ARGS) {
            *value = rp_map(sym_H(r, o->sym[0]), NULL);
            return dxgk_last_status();
        }
        memcpy(&a, r->blob + o->blob, sizeof a);
        a.hAllocation = sym_H(r, o->sym[1]);
        *value = rp_map(sym_H(r, o->sym[0]), &a);
        return dxgk_last_status();
    }
    case DXGK_RP_UPDATE: {
        DXGKARGCB_UPDATECONTEXTALLOCATION a;
        if (o->flags & DXGK_RP_F_NULL_ARGS)
            return rp_update(sym_H(r, o->sym[0]), NULL);
        memcpy(&a, r->blob + o->blob, sizeof a);
        a.hAllocation = sym_H(r, o->sym[1]);
        a.pPrivateDriverData = (o->flags & DXGK_RP_F_DATA)
            ? (PVOID)(r->blob + o->blob + sizeof a) : NULL;
        return rp_update(sym_H(r, o->sym[0]), &a);
    }
    case DXGK_RP_RESERVE: {
        DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE a;
        if (o->flags & DXGK_RP_F_NULL_ARGS)
            return rp_reserve(sym_H(r, o->sym[0]), NULL);
        memcpy(&a, r->blob + o->blob, sizeof a);
        a.hDxgkProcess = sym_H(r, o->sym[1]);
        st = rp_reserve(sym_H(r, o->sym[0]), &a);
        if (st == STATUS_SUCCESS)
            *value = a.StartVirtualAddress;
        return st;
    }
    default:
        return execute_kmt(r, o, value);
    }
}

/* Whether the op's value is part of its recorded result. */
static inline int has_value(uint32_t code)
{
    return code == DXGK_RP_MAP || code == DXGK_RP_CREATE || code == DXGK_RP_RESERVE ||
           code == DXGK_RP_KMT_RESERVE || code == DXGK_RP_KMT_MAP ||
           code == DXGK_RP_QUEUE_EXECUTE;
}

int dxgk_rp_execute(dxgk_rp_run *r, uint64_t max_ops)
{
    if (r == NULL || (r->op_count && r->ops == NULL) ||
        (r->handle_count && (!r->handles || !r->kmt)) ||
        (r->blob_size && r->blob == NULL) || (r->check && r->mismatch_cap && !r->mismatches))
        return DXGK_RP_E_ARGS;
    uint64_t end = r->op_count;
    if (r->next > end)
        return DXGK_RP_E_ARGS;
    if (max_ops < end - r->next)
        end = r->next + max_ops;
    for (uint64_t i = r->next; i < end; i++) {
        const dxgk_rp_op *o = &r->ops[i];
        int rc = validate_op(r, o);
        if (rc != DXGK_RP_OK) {
            r->next = i;
            return rc;
        }
        uint64_t value;
        uint32_t st = (uint32_t)execute_op(r, o, &value);
        if (r->results) {
            r->results[i].value = value;
            r->results[i].status = st;
            r->results[i].reserved = 0;
        }
        if (r->check && !(o->flags & DXGK_RP_F_UNCHECKED) && (st != o->expect_status ||
                         (has_value(o->code) && value != o->expect_value))) {
            if (r->mismatch_count < r->mismatch_cap) {
                dxgk_rp_mismatch *m = &r->mismatches[r->mismatch_count++];
                m->op = i;
                m->expected_value = has_value(o->code) ? o->expect_value : 0;
                m->got_value = value;
                m->expected_status = o->expect_status;
                m->got_status = st;
            }
            r->mismatch_total++;
        }
    }
    r->next = end;
    return DXGK_RP_OK;
}
