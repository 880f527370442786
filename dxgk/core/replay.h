/*
 * replay.h -- the C trace replay engine: executes a decoded dxgk trace (dxgk/trace/decoder.py
 * decodes the JSON Lines once into an array of dxgk_rp_op records plus a byte blob)
 * against the real DDI entry points of ddi.h and the dxgk_vm_* object functions,
 * with no Python work per call.
 *
 * Objects are named symbolically in a trace ("A0", "P3", "H5"); the decoder numbers
 * the names 0, 1, 2, ... and the engine keeps the live handle of each in the caller's
 * `handles` array. An op that creates an object stores its handle there; an op that
 * uses one reads it; kmt[] holds the D3DKMT handle of each (the user-mode ops read
 * that one). With `check` set every result is compared with the one recorded
 * in the trace and each difference is appended to the caller's mismatch array.
 */
#ifndef DXGK_REPLAY_H
#define DXGK_REPLAY_H

#include <stdint.h>

/* dxgk_rp_op.code */
enum {
    DXGK_RP_ADAPTER_CREATE = 1,   /* out_sym = adapter, sym[0] = its system process;
                                     blob: DXGK_GPUMMUCAPS, n0 DXGK_PAGE_TABLE_LEVEL_DESC,
                                     n1 dxgk_vm_segment_desc (each part 8-byte aligned) */
    DXGK_RP_ADAPTER_DESTROY = 2,  /* sym[0] = adapter */
    DXGK_RP_PROCESS_BEGIN = 3,    /* sym[0] = adapter, out_sym = process */
    DXGK_RP_PROCESS_END = 4,      /* sym[0] = process, DXGK_RP_F_KEEP */
    DXGK_RP_PROCESS_DESTROY = 5,  /* sym[0] = process */
    DXGK_RP_DEVICE_CREATE = 6,    /* sym[0] = process, out_sym = device */
    DXGK_RP_DEVICE_DESTROY = 7,   /* sym[0] = device */
    DXGK_RP_CONTEXT_CREATE = 8,   /* sym[0] = device, out_sym = context */
    DXGK_RP_CONTEXT_DESTROY = 9,  /* sym[0] = context */
    DXGK_RP_CREATE = 10,          /* DxgkCbCreateContextAllocation; blob: the struct;
                                     sym = hAdapter, hDevice, hContext, hAllocation (in);
                                     out_sym = the allocation; expect_value = its VA
                                     (MapGpuVirtualAddress, else 0) */
    DXGK_RP_DESTROY = 11,         /* DxgkCbDestroyContextAllocation; sym = hAdapter,
                                     hAllocation */
    DXGK_RP_MAP = 12,             /* DxgkCbMapContextAllocation; blob: the struct;
                                     sym = hAdapter, hAllocation; expect_value = the VA */
    DXGK_RP_UPDATE = 13,          /* DxgkCbUpdateContextAllocation; blob: the struct, then
                                     n0 bytes of private driver data; sym = hAdapter,
                                     hAllocation */
    DXGK_RP_RESERVE = 14,         /* DxgkCbReserveGpuVirtualAddressRange; blob: the
                                     struct; sym = hAdapter, hDxgkProcess;
                                     expect_value = StartVirtualAddress */
    /* The user-mode services (docs/behaviour.md 9). Their handle operands are used as
     * D3DKMT handles: the run's kmt[symbol]. */
    DXGK_RP_QUEUE_CREATE = 15,    /* D3DKMTCreatePagingQueue; blob: the struct; sym[0] =
                                     hDevice; out_sym = the queue, sym[1] = its sync object
                                     (both defined by the op) */
    DXGK_RP_QUEUE_DESTROY = 16,   /* D3DKMTDestroyPagingQueue; blob: the struct; sym[0] =
                                     hPagingQueue */
    DXGK_RP_KMT_RESERVE = 17,     /* D3DKMTReserveGpuVirtualAddress; blob: the struct;
                                     sym[0] = hPagingQueue / hAdapter; expect_value =
                                     VirtualAddress */
    DXGK_RP_KMT_MAP = 18,         /* D3DKMTMapGpuVirtualAddress; blob: the struct; sym[0] =
                                     hPagingQueue, sym[1] = hAllocation; expect_value =
                                     VirtualAddress */
    DXGK_RP_KMT_FREE = 19,        /* D3DKMTFreeGpuVirtualAddress; blob: the struct; sym[0]
                                     = hAdapter */
    DXGK_RP_KMT_UPDATE = 20,      /* D3DKMTUpdateGpuVirtualAddress; blob: the struct, then
                                     (DXGK_RP_F_DATA) n0 operation records whose
                                     Map/MapProtect hAllocation holds a symbol; sym[0..2] =
                                     hDevice, hContext, hFenceObject */
    DXGK_RP_ALLOCATE = 21,        /* Device.allocate; blob: uint64 size, alignment,
                                     segment set, preferred segment, flags; sym[0] = the
                                     device; out_sym = the allocation */
    DXGK_RP_DEALLOCATE = 22,      /* Device.deallocate; sym[0] = device, sym[1] = the
                                     allocation */
    DXGK_RP_FENCE_CREATE = 23,    /* Device.create_fence; blob: uint64 initial value;
                                     sym[0] = the device; out_sym = the fence */
    DXGK_RP_FENCE_SIGNAL = 24,    /* Fence.signal; blob: uint64 value; sym[0] = the fence */
    DXGK_RP_QUEUE_EXECUTE = 25,   /* PagingQueue.execute; blob: uint64 upto, uint64 all
                                     (1: everything); sym[0] = the queue; expect_value =
                                     the fence's value afterwards */
    DXGK_RP_CODE_MAX = 25,
};

/* dxgk_rp_op.flags */
enum {
    DXGK_RP_F_NULL_ARGS = 1,      /* CREATE/MAP/UPDATE/RESERVE: pass a NULL struct pointer */
    DXGK_RP_F_KEEP = 2,           /* PROCESS_END: finish (1) or abandon (0) the creation */
    DXGK_RP_F_DATA = 4,           /* UPDATE: pPrivateDriverData = the n0 bytes in the blob
                                     (else NULL) */
    DXGK_RP_F_UNCHECKED = 8,      /* the trace records no result for this op: never a
                                     mismatch */
    DXGK_RP_F_DEFERRED = 16,      /* ADAPTER_CREATE: the adapter's paging mode is deferred
                                     (docs/behaviour.md 9.7) */
};

/* A symbol operand that stands for a NULL handle. */
#define DXGK_RP_NULL 0xFFFFFFFFu
/* The handle given to a symbol whose creation failed in the replay although it
 * succeeded in the trace: never a live handle (type byte 0), never 0. */
#define DXGK_RP_POISON UINT64_C(0xFFFFFFFFFFFFFF00)
/* Its D3DKMT counterpart: never a D3DKMT handle (their low 6 bits are 0), never 0. */
#define DXGK_RP_KMT_POISON 0xFFFFFFFFu
/* The most operation records an Update op may carry (the thunk's own limit). */
#define DXGK_RP_MAX_UOPS 2048u

/* Status codes of dxgk_rp_execute (a malformed op stops the run before it is executed). */
enum {
    DXGK_RP_OK = 0,
    DXGK_RP_E_ARGS = 1,           /* NULL run / arrays */
    DXGK_RP_E_CODE = 2,           /* unknown op code or flags */
    DXGK_RP_E_SYMBOL = 3,         /* a symbol index beyond handle_count */
    DXGK_RP_E_BLOB = 4,           /* blob bytes beyond blob_size, or misaligned */
    DXGK_RP_E_COUNT = 5,          /* ADAPTER_CREATE: level / segment count out of range */
};

typedef struct dxgk_rp_op {
    uint64_t line;                /* line in the trace (reports only) */
    uint64_t blob;                /* byte offset of this op's bytes in the blob */
    uint64_t expect_value;        /* see the codes */
    uint32_t code;                /* DXGK_RP_* */
    uint32_t flags;               /* DXGK_RP_F_* */
    uint32_t expect_status;       /* NTSTATUS recorded in the trace */
    uint32_t out_sym;             /* the symbol this op defines, DXGK_RP_NULL if none */
    uint32_t sym[4];              /* handle operands, DXGK_RP_NULL = NULL */
    uint32_t n0, n1;              /* counts (see the codes) */
} dxgk_rp_op;

/* One result that differs from the trace. */
typedef struct dxgk_rp_mismatch {
    uint64_t op;                  /* index of the op */
    uint64_t expected_value;
    uint64_t got_value;
    uint32_t expected_status;
    uint32_t got_status;
} dxgk_rp_mismatch;

/* What one op returned (optional output, one per op). */
typedef struct dxgk_rp_result {
    uint64_t value;               /* VA / StartVirtualAddress / the allocation's VA, else 0 */
    uint32_t status;              /* NTSTATUS */
    uint32_t reserved;
} dxgk_rp_result;

/* A run: the decoded trace, the symbol table and the outputs. The caller owns every
 * array; dxgk_rp_execute advances `next` and fills the outputs. */
typedef struct dxgk_rp_run {
    const dxgk_rp_op *ops;
    uint64_t op_count;
    const uint8_t *blob;          /* 8-byte aligned */
    uint64_t blob_size;
    uint64_t *handles;            /* handles[symbol]; symbols not yet created hold 0 */
    uint32_t *kmt;                /* kmt[symbol]: the object's D3DKMT handle (0: none),
                                     set with handles[] when an op defines the symbol and
                                     kept after the object dies -- a call on a destroyed
                                     object passes the value it had, as a program would */
    uint64_t handle_count;
    dxgk_rp_mismatch *mismatches; /* with check: up to mismatch_cap records */
    uint64_t mismatch_cap;
    uint64_t mismatch_count;      /* records written */
    uint64_t mismatch_total;      /* differences found (may exceed mismatch_cap) */
    dxgk_rp_result *results;      /* NULL, or op_count records */
    uint64_t next;                /* index of the next op to execute */
    uint32_t check;               /* nonzero: compare results with the trace */
    uint32_t paging_log;          /* nonzero: the adapters the run creates keep their
                                     paging log (docs/behaviour.md 10.2); 0: recording
                                     off, the replay's own speed */
    /* NULL, or how the run makes its adapters: with a driver attached (docs/behaviour.md
     * 10): called with the trace's description (caps, levels[nlevels], segments[nseg]) and
     * whether the adapter is deferred; it brings the adapter up (its paging log and mode
     * set as the run says) and answers the status and the adapter's and system
     * process's handles. The run then makes every object through the driver-calling
     * functions (dxgk_drv_*, driver.h) and destroys its adapters with
     * dxgk_drv_adapter_destroy. */
    int32_t (*make_adapter)(void *ctx, const void *caps /* DXGK_GPUMMUCAPS */,
                            const void *levels /* DXGK_PAGE_TABLE_LEVEL_DESC[] */,
                            uint32_t nlevels, const void *segments /* dxgk_vm_segment_desc[] */,
                            uint32_t nseg, uint32_t deferred, uint64_t *out_adapter,
                            uint64_t *out_system);
    void *make_ctx;
} dxgk_rp_run;

/* Executes up to max_ops ops from run->next (stopping at op_count) and advances next.
 * Every op is validated before it is executed: a malformed one stops the run with
 * next = its index and a DXGK_RP_E_* status, nothing of it done. DXGK_RP_OK otherwise
 * (DDI failures are results, not errors). */
int dxgk_rp_execute(dxgk_rp_run *run, uint64_t max_ops);

/* Sizes the decoder must use for the blob parts (host layout). */
uint32_t dxgk_rp_struct_size(uint32_t code);

#endif /* DXGK_REPLAY_H */
