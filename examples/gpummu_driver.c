/*
 * examples/gpummu_driver.c -- the README's driver-side example: "tinygpu", a tiny GpuMmu
 * kernel-mode driver written against dxgk's headers/ as a KMD is written against the WDK;
 * the operations it is given are those of docs/behaviour.md section 10.2, their DXGK_PTEs
 * mean what section 7 says.
 * Build: `make example-c` (build/examples/libgpummu_driver.so).
 *
 * What it owns: the DDIs a GpuMmu KMD gives VidMm for virtual addressing, in the
 * DRIVER_INITIALIZATION_DATA that tinygpu_driver_entry fills (what its DriverEntry
 * would hand DxgkInitialize): bring-up (AddDevice, StartDevice, QueryAdapterInfo for
 * the GpuMmu caps and level descriptions), the process / device / context objects,
 * Create/DestroyAllocation (sized from its private data, tiny_alloc_desc),
 * SetRootPageTable, and BuildPagingBuffer for UPDATE_PAGE_TABLE, FLUSH_TLB,
 * UPDATE_CONTEXT_ALLOCATION and NOTIFY_RESIDENCY; and tinygpu_decode_pte, which reads
 * one of its hardware entries back as the DXGK_PTE it means (the decoder VidMm's view is
 * checked with).
 *
 * Its hardware page-table entry is 8 bytes (4096-byte tables of 512 entries, 256-byte
 * 64 KB-page leaves of 32):
 *   bit 0 valid, 1 zero page, 2 read-only, 3 no-execute, 4 cache-coherent,
 *   bits 5-9 segment id, bit 10 (upper levels) the child is a 64 KB-page leaf,
 *   bits 12-51 the page's or the child table's address / 4096; the rest 0.
 * An invalid entry is 0. In CPU_VIRTUAL mode UPDATE_PAGE_TABLE writes the entries into
 * the table's memory itself; in GPU_PHYSICAL mode it writes a WRITE_PTES command and the
 * entries into the DMA buffer, over as many passes as the buffer needs (MultipassOffset
 * counts the entries done). FLUSH_TLB is a 32-byte FLUSH command.
 *
 * The invariant it keeps: an operation it cannot express (an address that does not fit
 * its entry, a run past its table's end, an operation it does not know) is refused with
 * STATUS_INVALID_PARAMETER before any byte of it is written -- which VidMm treats as a
 * driver fault, as Windows would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispmprt.h"

#ifndef STATUS_NOT_SUPPORTED
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xC00000BBL)
#endif

#define TINY_LEVELS 4
#define TINY_INDEX_BITS 9
#define TINY_TABLE_BYTES 4096u
#define TINY_LEAF64K_BYTES 256u
#define TINY_ENTRY_BYTES 8u

#define PTE_VALID (1ull << 0)
#define PTE_ZERO (1ull << 1)
#define PTE_READONLY (1ull << 2)
#define PTE_NOEXECUTE (1ull << 3)
#define PTE_COHERENT (1ull << 4)
#define PTE_SEGMENT_SHIFT 5
#define PTE_SEGMENT_MASK 0x1Full
#define PTE_CHILD_64K (1ull << 10)
#define PTE_ADDRESS_SHIFT 12
#define PTE_ADDRESS_MASK ((1ull << 40) - 1)

/* The DMA commands (little-endian, 8-byte aligned). */
enum { TINY_CMD_WRITE_PTES = 1, TINY_CMD_FLUSH = 2 };
typedef struct tiny_write_cmd {
    uint32_t op, count;           /* TINY_CMD_WRITE_PTES, entries that follow */
    uint32_t segment, reserved;
    uint64_t offset;              /* byte offset in the segment of the first entry */
} tiny_write_cmd;
typedef struct tiny_flush_cmd {
    uint32_t op, segment;         /* TINY_CMD_FLUSH, the root's segment */
    uint64_t root, start, end;    /* the root's offset; [start, end) */
} tiny_flush_cmd;

/* What the DDIs are handed, so that each checks it is given its own objects. */
typedef struct tiny_adapter { uint32_t magic; DXGKRNL_INTERFACE dxgk; } tiny_adapter;
typedef struct tiny_object { uint32_t magic; uint64_t root_segment, root_offset, roots; } tiny_object;
#define TINY_ADAPTER_MAGIC 0x74696e79u
#define TINY_PROCESS_MAGIC 0x70726f63u
#define TINY_DEVICE_MAGIC 0x64657669u
#define TINY_CONTEXT_MAGIC 0x63747874u
#define TINY_ALLOCATION_MAGIC 0x616c6c6fu

/* What a UMD puts in an allocation's private driver data (D3DKMTCreateAllocation2): its
 * size and the segments (bit n-1 = segment n) it may live in. Without it (Device.allocate)
 * VidMm's proposal is kept. */
typedef struct tiny_alloc_desc { uint64_t size; uint32_t segments, reserved; } tiny_alloc_desc;

/* The DDIs, each declared by its header typedef (a signature that differs does not
 * compile). */
static DXGKDDI_ADD_DEVICE TinyAddDevice;
static DXGKDDI_START_DEVICE TinyStartDevice;
static DXGKDDI_REMOVE_DEVICE TinyRemoveDevice;
static DXGKDDI_QUERYADAPTERINFO TinyQueryAdapterInfo;
static DXGKDDI_CREATEPROCESS TinyCreateProcess;
static DXGKDDI_DESTROYPROCESS TinyDestroyProcess;
static DXGKDDI_CREATEDEVICE TinyCreateDevice;
static DXGKDDI_DESTROYDEVICE TinyDestroyDevice;
static DXGKDDI_CREATECONTEXT TinyCreateContext;
static DXGKDDI_DESTROYCONTEXT TinyDestroyContext;
static DXGKDDI_CREATEALLOCATION TinyCreateAllocation;
static DXGKDDI_DESTROYALLOCATION TinyDestroyAllocation;
static DXGKDDI_SETROOTPAGETABLE TinySetRootPageTable;
static DXGKDDI_BUILDPAGINGBUFFER TinyBuildPagingBuffer;

/* Counters a test or a demo reads: operations by kind, DMA bytes, roots set -- for the
 * whole library (every adapter it drives), reset by tinygpu_driver_entry. */
enum { TINY_STAT_UPDATES, TINY_STAT_ENTRIES, TINY_STAT_FLUSHES, TINY_STAT_OTHER,
       TINY_STAT_DMA_BYTES, TINY_STAT_PASSES, TINY_STAT_ROOTS, TINY_STAT_N };
static uint64_t g_stats[TINY_STAT_N];

uint64_t tinygpu_stat(uint32_t which)
{
    return which < TINY_STAT_N ? g_stats[which] : 0;
}

static NTSTATUS TinyAddDevice(const PDEVICE_OBJECT pdo, PVOID *ctx)
{
    (void)pdo;
    tiny_adapter *a = calloc(1, sizeof *a);
    if (!a)
        return STATUS_NO_MEMORY;
    a->magic = TINY_ADAPTER_MAGIC;
    *ctx = a;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyStartDevice(const PVOID ctx, PDXGK_START_INFO info, PDXGKRNL_INTERFACE iface,
                                PULONG sources, PULONG children)
{
    (void)info;
    tiny_adapter *a = ctx;
    if (!a || a->magic != TINY_ADAPTER_MAGIC || !iface || iface->Size != sizeof *iface)
        return STATUS_INVALID_PARAMETER;
    a->dxgk = *iface;             /* a KMD keeps its copy of the interface table */
    *sources = 1;
    *children = 1;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyRemoveDevice(const PVOID ctx)
{
    tiny_adapter *a = ctx;
    if (!a || a->magic != TINY_ADAPTER_MAGIC)
        return STATUS_INVALID_PARAMETER;
    a->magic = 0;
    free(a);
    return STATUS_SUCCESS;
}

static NTSTATUS TinyQueryAdapterInfo(const HANDLE h, const DXGKARG_QUERYADAPTERINFO *q)
{
    (void)h;
    if (q->Type == DXGKQAITYPE_GPUMMUCAPS) {
        DXGK_GPUMMUCAPS *c = q->pOutputData;
        if (!c || q->OutputDataSize < sizeof *c)
            return STATUS_INVALID_PARAMETER;
        memset(c, 0, sizeof *c);
        c->ReadOnlyMemorySupported = 1;
        c->NoExecuteMemorySupported = 1;
        c->ZeroInPteSupported = 1;
        c->CacheCoherentMemorySupported = 1;
        c->PageTableUpdateMode = DXGK_PAGETABLEUPDATE_CPU_VIRTUAL;
        c->VirtualAddressBitCount = 12 + TINY_LEVELS * TINY_INDEX_BITS;
        c->LeafPageTableSizeFor64KPagesInBytes = TINY_LEAF64K_BYTES;
        c->PageTableLevelCount = TINY_LEVELS;
        return STATUS_SUCCESS;
    }
    if (q->Type == DXGKQAITYPE_PAGETABLELEVELDESC) {
        DXGK_PAGE_TABLE_LEVEL_DESC *d = q->pOutputData;
        if (!q->pInputData || !d || q->InputDataSize < sizeof(UINT) ||
            q->OutputDataSize < sizeof *d ||
            *(const UINT *)q->pInputData >= TINY_LEVELS)
            return STATUS_INVALID_PARAMETER;
        memset(d, 0, sizeof *d);
        d->PageTableIndexBitCount = TINY_INDEX_BITS;
        d->PageTableSegmentId = 1;
        d->PagingProcessPageTableSegmentId = 1;
        d->PageTableSizeInBytes = TINY_TABLE_BYTES;
        d->PageTableAlignmentInBytes = TINY_TABLE_BYTES;
        return STATUS_SUCCESS;
    }
    return STATUS_NOT_SUPPORTED;  /* segments and the rest: VidMm's defaults */
}

static tiny_object *tiny_new(uint32_t magic)
{
    tiny_object *o = calloc(1, sizeof *o);
    if (o)
        o->magic = magic;
    return o;
}

static NTSTATUS tiny_free(HANDLE h, uint32_t magic)
{
    tiny_object *o = (tiny_object *)h;
    if (!o || o->magic != magic)
        return STATUS_INVALID_PARAMETER;
    o->magic = 0;
    free(o);
    return STATUS_SUCCESS;
}

static NTSTATUS TinyCreateProcess(const HANDLE h, DXGKARG_CREATEPROCESS *args)
{
    (void)h;
    tiny_object *o = tiny_new(TINY_PROCESS_MAGIC);
    if (!o)
        return STATUS_NO_MEMORY;
    args->hKmdProcess = (HANDLE)o;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyDestroyProcess(const HANDLE h, const HANDLE kmd)
{
    (void)h;
    return tiny_free(kmd, TINY_PROCESS_MAGIC);
}

static NTSTATUS TinyCreateDevice(const HANDLE h, DXGKARG_CREATEDEVICE *args)
{
    (void)h;
    tiny_object *o = tiny_new(TINY_DEVICE_MAGIC);
    if (!o)
        return STATUS_NO_MEMORY;
    args->hDevice = (HANDLE)o;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyDestroyDevice(const HANDLE h)
{
    return tiny_free(h, TINY_DEVICE_MAGIC);
}

static NTSTATUS TinyCreateContext(const HANDLE hDevice, DXGKARG_CREATECONTEXT *args)
{
    (void)hDevice;
    tiny_object *o = tiny_new(TINY_CONTEXT_MAGIC);
    if (!o)
        return STATUS_NO_MEMORY;
    args->hContext = (HANDLE)o;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyDestroyContext(const HANDLE h)
{
    return tiny_free(h, TINY_CONTEXT_MAGIC);
}

static NTSTATUS TinyDestroyAllocation(const HANDLE h, const DXGKARG_DESTROYALLOCATION *args)
{
    NTSTATUS st = STATUS_SUCCESS;
    (void)h;
    for (UINT i = 0; i < args->NumAllocations; i++)
        if (tiny_free(args->pAllocationList[i], TINY_ALLOCATION_MAGIC) != STATUS_SUCCESS)
            st = STATUS_INVALID_PARAMETER;
    return st;
}

static NTSTATUS TinyCreateAllocation(const HANDLE h, DXGKARG_CREATEALLOCATION *args)
{
    UINT i;
    (void)h;
    for (i = 0; i < args->NumAllocations; i++) {
        DXGK_ALLOCATIONINFO *info = &args->pAllocationInfo[i];
        tiny_object *o;
        if (info->PrivateDriverDataSize == sizeof(tiny_alloc_desc)) {
            tiny_alloc_desc desc;
            memcpy(&desc, info->pPrivateDriverData, sizeof desc);
            info->Size = (SIZE_T)desc.size;
            info->SupportedReadSegmentSet = info->SupportedWriteSegmentSet = desc.segments;
        } else if (info->PrivateDriverDataSize) {
            break;                  /* not one of its descriptions */
        }
        if (!(o = tiny_new(TINY_ALLOCATION_MAGIC)))
            break;
        info->hAllocation = (HANDLE)o;
    }
    if (i == args->NumAllocations)
        return STATUS_SUCCESS;
    while (i-- > 0) {       /* a failure leaves nothing behind */
        tiny_free(args->pAllocationInfo[i].hAllocation, TINY_ALLOCATION_MAGIC);
        args->pAllocationInfo[i].hAllocation = NULL;
    }
    return STATUS_INVALID_PARAMETER;
}

static VOID TinySetRootPageTable(const HANDLE h, const DXGKARG_SETROOTPAGETABLE *args)
{
    (void)h;
    tiny_object *c = (tiny_object *)args->hContext;
    if (c && c->magic == TINY_CONTEXT_MAGIC) {
        c->root_segment = args->Address.SegmentId;
        c->root_offset = args->Address.SegmentOffset;
        c->roots++;
    }
    g_stats[TINY_STAT_ROOTS]++;
}

/* The hardware bits of a valid DXGK_PTE of `level` but its address: they depend only on
 * its Flags word, so a run of entries sharing one is worked out once. */
static uint64_t tiny_flag_bits(UINT level, const DXGK_PTE *p)
{
    /* (Segment is 5 bits in DXGK_PTE too: every value fits) */
    uint64_t e = PTE_VALID | ((uint64_t)p->Segment << PTE_SEGMENT_SHIFT);
    if (level) {
        if (p->PageTablePageSize == DXGK_PTE_PAGE_TABLE_PAGE_64KB)
            e |= PTE_CHILD_64K;
    } else {
        e |= (p->Zero ? PTE_ZERO : 0) | (p->ReadOnly ? PTE_READONLY : 0) |
             (p->NoExecute ? PTE_NOEXECUTE : 0) | (p->CacheCoherent ? PTE_COHERENT : 0);
    }
    return e;
}

/* n DXGK_PTEs of `level` in the hardware format into out; 0 if one cannot be said. */
static int tiny_encode(UINT level, const DXGK_PTE *p, UINT n, uint64_t *out)
{
    uint64_t flags = 0, bits = 0;
    for (UINT i = 0; i < n; i++, p++) {
        const uint64_t addr = level ? p->PageTableAddress : p->PageAddress;
        if (!p->Valid) {
            out[i] = 0;
            continue;
        }
        if ((addr & 0xFFF) || (addr >> PTE_ADDRESS_SHIFT) > PTE_ADDRESS_MASK)
            return 0;
        if (i == 0 || p->Flags != flags) {
            flags = p->Flags;
            bits = tiny_flag_bits(level, p);
        }
        out[i] = bits | addr;       /* (addr's low 12 bits are zero: checked above) */
    }
    return 1;
}

NTSTATUS tinygpu_decode_pte(UINT level, const void *raw, SIZE_T size, DXGK_PTE *out)
{
    uint64_t e;
    if (!raw || !out || size != TINY_ENTRY_BYTES || level >= TINY_LEVELS)
        return STATUS_INVALID_PARAMETER;
    memcpy(&e, raw, sizeof e);
    memset(out, 0, sizeof *out);
    if (!(e & PTE_VALID))
        return STATUS_SUCCESS;
    out->Valid = 1;
    out->Segment = (e >> PTE_SEGMENT_SHIFT) & PTE_SEGMENT_MASK;
    uint64_t addr = ((e >> PTE_ADDRESS_SHIFT) & PTE_ADDRESS_MASK) << PTE_ADDRESS_SHIFT;
    if (level) {
        out->PageTablePageSize = (e & PTE_CHILD_64K) ? DXGK_PTE_PAGE_TABLE_PAGE_64KB
                                                     : DXGK_PTE_PAGE_TABLE_PAGE_4KB;
        out->PageTableAddress = addr;
    } else {
        out->Zero = (e & PTE_ZERO) != 0;
        out->ReadOnly = (e & PTE_READONLY) != 0;
        out->NoExecute = (e & PTE_NOEXECUTE) != 0;
        out->CacheCoherent = (e & PTE_COHERENT) != 0;
        out->PageAddress = addr;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS tiny_update(DXGKARG_BUILDPAGINGBUFFER *b)
{
    const DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE *u = &b->UpdatePageTable;
    const int repeat = u->Flags.Repeat;
    const UINT level = u->PageTableLevel;
    const uint64_t entries = (level == 0 && u->Flags.Use64KBPages)
                                 ? TINY_LEAF64K_BYTES / TINY_ENTRY_BYTES
                                 : TINY_TABLE_BYTES / TINY_ENTRY_BYTES;
    if (level >= TINY_LEVELS || !u->pPageTableEntries || !u->NumPageTableEntries ||
        (uint64_t)u->StartIndex + u->NumPageTableEntries > entries ||
        b->MultipassOffset >= u->NumPageTableEntries)
        return STATUS_INVALID_PARAMETER;
    /* every entry encoded (and checked) before any byte is written; a run fits a table */
    uint64_t enc[TINY_TABLE_BYTES / TINY_ENTRY_BYTES];
    if (!tiny_encode(level, u->pPageTableEntries, repeat ? 1u : u->NumPageTableEntries, enc))
        return STATUS_INVALID_PARAMETER;
    if (u->UpdateMode == DXGK_PAGETABLEUPDATE_CPU_VIRTUAL) {
        uint8_t *table = u->PageTableAddress.CpuVirtual;
        if (!table)
            return STATUS_INVALID_PARAMETER;
        table += (uint64_t)u->StartIndex * TINY_ENTRY_BYTES;
        if (repeat) {       /* the entry, then what is written so far doubled */
            const size_t total = (size_t)u->NumPageTableEntries * TINY_ENTRY_BYTES;
            size_t done = TINY_ENTRY_BYTES;
            memcpy(table, &enc[0], TINY_ENTRY_BYTES);
            while (done < total) {
                const size_t n = done < total - done ? done : total - done;
                memcpy(table + done, table, n);
                done += n;
            }
        } else {
            memcpy(table, enc, (size_t)u->NumPageTableEntries * TINY_ENTRY_BYTES);
        }
        g_stats[TINY_STAT_ENTRIES] += u->NumPageTableEntries;
        g_stats[TINY_STAT_UPDATES]++;
        return STATUS_SUCCESS;
    }
    if (u->UpdateMode != DXGK_PAGETABLEUPDATE_GPU_PHYSICAL)
        return STATUS_INVALID_PARAMETER;
    /* GPU_PHYSICAL: a WRITE_PTES command with as many entries as the buffer holds */
    const UINT done = b->MultipassOffset;
    const UINT left = u->NumPageTableEntries - done;
    if (b->DmaSize < sizeof(tiny_write_cmd) + TINY_ENTRY_BYTES)
        return STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER;
    UINT fit = (UINT)((b->DmaSize - sizeof(tiny_write_cmd)) / TINY_ENTRY_BYTES);
    UINT n = fit < left ? fit : left;
    tiny_write_cmd cmd = {TINY_CMD_WRITE_PTES, n, u->PageTableAddress.GpuPhysical.SegmentId, 0,
                          u->PageTableAddress.GpuPhysical.SegmentOffset +
                              (uint64_t)(u->StartIndex + done) * TINY_ENTRY_BYTES};
    uint8_t *p = b->pDmaBuffer;
    memcpy(p, &cmd, sizeof cmd);
    p += sizeof cmd;
    for (UINT i = 0; i < n; i++, p += TINY_ENTRY_BYTES) {
        memcpy(p, &enc[repeat ? 0 : done + i], sizeof enc[0]);
    }
    const UINT used = (UINT)(p - (uint8_t *)b->pDmaBuffer);
    b->pDmaBuffer = p;
    g_stats[TINY_STAT_DMA_BYTES] += used;
    g_stats[TINY_STAT_ENTRIES] += n;
    if (n < left) {
        b->MultipassOffset = done + n;
        g_stats[TINY_STAT_PASSES]++;
        return STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER;
    }
    g_stats[TINY_STAT_UPDATES]++;
    return STATUS_SUCCESS;
}

static NTSTATUS TinyBuildPagingBuffer(const HANDLE h, DXGKARG_BUILDPAGINGBUFFER *b)
{
    (void)h;
    if (!b || !b->pDmaBuffer)
        return STATUS_INVALID_PARAMETER;
    switch (b->Operation) {
    case DXGK_OPERATION_UPDATE_PAGE_TABLE:
        return tiny_update(b);
    case DXGK_OPERATION_FLUSH_TLB: {
        const DXGK_BUILDPAGINGBUFFER_FLUSHTLB *f = &b->FlushTlb;
        tiny_flush_cmd cmd = {TINY_CMD_FLUSH, f->RootPageTableAddress.SegmentId,
                              f->RootPageTableAddress.SegmentOffset, f->StartVirtualAddress,
                              f->EndVirtualAddress};
        if (f->EndVirtualAddress < f->StartVirtualAddress)
            return STATUS_INVALID_PARAMETER;
        if (b->DmaSize < sizeof cmd)
            return STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER;
        memcpy(b->pDmaBuffer, &cmd, sizeof cmd);
        b->pDmaBuffer = (uint8_t *)b->pDmaBuffer + sizeof cmd;
        g_stats[TINY_STAT_DMA_BYTES] += sizeof cmd;
        g_stats[TINY_STAT_FLUSHES]++;
        return STATUS_SUCCESS;
    }
    case DXGK_OPERATION_UPDATE_CONTEXT_ALLOCATION:
    case DXGK_OPERATION_NOTIFY_RESIDENCY:
        g_stats[TINY_STAT_OTHER]++;   /* nothing for this GPU to do */
        return STATUS_SUCCESS;
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

/* What DriverEntry hands DxgkInitialize: the table, Version first. */
void tinygpu_driver_entry(DRIVER_INITIALIZATION_DATA *t, ULONG version)
{
    memset(t, 0, sizeof *t);
    t->Version = version;
    t->DxgkDdiAddDevice = TinyAddDevice;
    t->DxgkDdiStartDevice = TinyStartDevice;
    t->DxgkDdiRemoveDevice = TinyRemoveDevice;
    t->DxgkDdiQueryAdapterInfo = TinyQueryAdapterInfo;
    t->DxgkDdiCreateProcess = TinyCreateProcess;
    t->DxgkDdiDestroyProcess = TinyDestroyProcess;
    t->DxgkDdiCreateDevice = TinyCreateDevice;
    t->DxgkDdiDestroyDevice = TinyDestroyDevice;
    t->DxgkDdiCreateContext = TinyCreateContext;
    t->DxgkDdiDestroyContext = TinyDestroyContext;
    t->DxgkDdiCreateAllocation = TinyCreateAllocation;
    t->DxgkDdiDestroyAllocation = TinyDestroyAllocation;
    t->DxgkDdiSetRootPageTable = TinySetRootPageTable;
    t->DxgkDdiBuildPagingBuffer = TinyBuildPagingBuffer;
    memset(g_stats, 0, sizeof g_stats);
}
