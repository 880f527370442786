/*
 * spec_kmd.c -- a small kernel-mode driver for tests/ddi/test_spec_driver.py
 * (docs/behaviour.md 10.1, 10.3), compiled by the test through cffi against headers/.
 *
 * It fills a real DRIVER_INITIALIZATION_DATA (kmd_fill); its DDIs are declared with the
 * DXGKDDI_xxx function types, so the compiler checks each signature against the headers.
 * It keeps the DXGKRNL_INTERFACE of DxgkDdiStartDevice and calls back through it from
 * inside DxgkDdiCreateProcess; kmd_config / kmd_got let the test steer it and read what
 * it was given.
 */
#include <stdint.h>
#include <string.h>

#include "dispmprt.h"

/* The DDIs, declared with the header's function types: the compiler checks every
 * signature against d3dkmddi.h / dispmprt.h. */
static DXGKDDI_ADD_DEVICE KmdAddDevice;
static DXGKDDI_START_DEVICE KmdStartDevice;
static DXGKDDI_QUERYADAPTERINFO KmdQueryAdapterInfo;
static DXGKDDI_CREATEPROCESS KmdCreateProcess;
static DXGKDDI_DESTROYPROCESS KmdDestroyProcess;
static DXGKDDI_CREATEDEVICE KmdCreateDevice;
static DXGKDDI_DESTROYDEVICE KmdDestroyDevice;
static DXGKDDI_CREATECONTEXT KmdCreateContext;
static DXGKDDI_DESTROYCONTEXT KmdDestroyContext;
static DXGKDDI_SETROOTPAGETABLE KmdSetRootPageTable;
static DXGKDDI_GETROOTPAGETABLESIZE KmdGetRootPageTableSize;

enum { CFG_FAIL_PROCESS, CFG_FAIL_DEVICE, CFG_FAIL_CONTEXT, CFG_RESERVE, CFG_TWO_LEVELS,
       CFG_ROOT_SHORT, CFG_N };
enum { GOT_RESERVE_STATUS, GOT_RESERVE_VA, GOT_ROOTS, GOT_ROOT_SEGMENT, GOT_ROOT_OFFSET,
       GOT_ROOT_ENTRIES, GOT_ROOT_CONTEXT, GOT_ROOT_ASKED, GOT_PROCESSES, GOT_N };

static uint64_t cfg[CFG_N], got[GOT_N];
static DXGKRNL_INTERFACE g_dxgk;
static int g_context_token;
static uintptr_t g_next = 0x1000;

void kmd_config(uint32_t key, uint64_t value) { cfg[key] = value; }
uint64_t kmd_got(uint32_t key) { return got[key]; }
void kmd_reset(void) { memset(cfg, 0, sizeof cfg); memset(got, 0, sizeof got); }

static NTSTATUS KmdAddDevice(const PDEVICE_OBJECT pdo, PVOID *ctx)
{
    *ctx = &g_context_token;
    return STATUS_SUCCESS;
}

static NTSTATUS KmdStartDevice(const PVOID ctx, PDXGK_START_INFO info, PDXGKRNL_INTERFACE iface,
                               PULONG sources, PULONG children)
{
    if (ctx != &g_context_token || iface->Size != sizeof *iface)
        return STATUS_INVALID_PARAMETER;
    g_dxgk = *iface;
    *sources = 1;
    *children = 1;
    return STATUS_SUCCESS;
}

static NTSTATUS KmdQueryAdapterInfo(const HANDLE h, const DXGKARG_QUERYADAPTERINFO *q)
{
    if (!cfg[CFG_TWO_LEVELS])
        return STATUS_NOT_SUPPORTED;
    if (q->Type == DXGKQAITYPE_GPUMMUCAPS) {
        DXGK_GPUMMUCAPS *c = q->pOutputData;
        c->PageTableLevelCount = 2;
        c->VirtualAddressBitCount = 12 + 9 + 11;
        c->ZeroInPteSupported = 1;
        return STATUS_SUCCESS;
    }
    if (q->Type == DXGKQAITYPE_PAGETABLELEVELDESC) {
        UINT level = *(const UINT *)q->pInputData;
        DXGK_PAGE_TABLE_LEVEL_DESC *d = q->pOutputData;
        d->PageTableIndexBitCount = level ? 11 : 9;
        d->PageTableSegmentId = 1;
        d->PagingProcessPageTableSegmentId = 1;
        d->PageTableSizeInBytes = level ? 16384 : 4096;
        d->PageTableAlignmentInBytes = 4096;
        return STATUS_SUCCESS;
    }
    return STATUS_NOT_SUPPORTED;
}

static NTSTATUS KmdCreateProcess(const HANDLE h, DXGKARG_CREATEPROCESS *args)
{
    got[GOT_PROCESSES]++;
    if (cfg[CFG_FAIL_PROCESS] && !args->Flags.SystemProcess)
        return (NTSTATUS)cfg[CFG_FAIL_PROCESS];
    if (cfg[CFG_RESERVE] && !args->Flags.SystemProcess) {
        /* the hook of docs/behaviour.md 6.3, from inside the DDI, through the table */
        DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE r;
        memset(&r, 0, sizeof r);
        r.hDxgkProcess = args->hDxgkProcess;
        r.SizeInBytes = cfg[CFG_RESERVE];
        got[GOT_RESERVE_STATUS] = (uint32_t)g_dxgk.DxgkCbReserveGpuVirtualAddressRange(
            g_dxgk.DeviceHandle, &r);
        got[GOT_RESERVE_VA] = r.StartVirtualAddress;
    }
    args->hKmdProcess = (HANDLE)(g_next += 0x10);
    return STATUS_SUCCESS;
}

static NTSTATUS KmdDestroyProcess(const HANDLE h, const HANDLE kmd) { return STATUS_SUCCESS; }

static NTSTATUS KmdCreateDevice(const HANDLE h, DXGKARG_CREATEDEVICE *args)
{
    if (cfg[CFG_FAIL_DEVICE])
        return (NTSTATUS)cfg[CFG_FAIL_DEVICE];
    args->hDevice = (HANDLE)(g_next += 0x10);
    return STATUS_SUCCESS;
}

static NTSTATUS KmdDestroyDevice(const HANDLE h) { return STATUS_SUCCESS; }

static NTSTATUS KmdCreateContext(const HANDLE hDevice, DXGKARG_CREATECONTEXT *args)
{
    if (cfg[CFG_FAIL_CONTEXT])
        return (NTSTATUS)cfg[CFG_FAIL_CONTEXT];
    args->hContext = (HANDLE)(g_next += 0x10);
    return STATUS_SUCCESS;
}

static NTSTATUS KmdDestroyContext(const HANDLE h) { return STATUS_SUCCESS; }

static VOID KmdSetRootPageTable(const HANDLE h, const DXGKARG_SETROOTPAGETABLE *args)
{
    got[GOT_ROOTS]++;
    got[GOT_ROOT_SEGMENT] = args->Address.SegmentId;
    got[GOT_ROOT_OFFSET] = args->Address.SegmentOffset;
    got[GOT_ROOT_ENTRIES] = args->NumEntries;
    got[GOT_ROOT_CONTEXT] = (uintptr_t)args->hContext;
}

static SIZE_T KmdGetRootPageTableSize(const HANDLE h, DXGKARG_GETROOTPAGETABLESIZE *args)
{
    got[GOT_ROOT_ASKED] = args->NumberOfPte;
    if (cfg[CFG_ROOT_SHORT]) {
        args->NumberOfPte -= 1;
        return 8 * args->NumberOfPte;
    }
    args->NumberOfPte = 65536 / 8;      /* one 64 KB page of 8-byte entries */
    return 65536;
}

void kmd_fill(DRIVER_INITIALIZATION_DATA *t, uint32_t version)
{
    memset(t, 0, sizeof *t);
    t->Version = version;
    t->DxgkDdiAddDevice = KmdAddDevice;
    t->DxgkDdiStartDevice = KmdStartDevice;
    t->DxgkDdiQueryAdapterInfo = KmdQueryAdapterInfo;
    t->DxgkDdiCreateProcess = KmdCreateProcess;
    t->DxgkDdiDestroyProcess = KmdDestroyProcess;
    t->DxgkDdiCreateDevice = KmdCreateDevice;
    t->DxgkDdiDestroyDevice = KmdDestroyDevice;
    t->DxgkDdiCreateContext = KmdCreateContext;
    t->DxgkDdiDestroyContext = KmdDestroyContext;
    t->DxgkDdiSetRootPageTable = KmdSetRootPageTable;
    t->DxgkDdiGetRootPageTableSize = KmdGetRootPageTableSize;
}
