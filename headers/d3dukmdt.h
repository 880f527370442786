/*
 * d3dukmdt.h -- dxgk's subset of the WDDM user/kernel shared type header.
 *
 * Written for dxgk from the public WDK reference (MicrosoftDocs
 * windows-driver-docs-ddi, pages under wdk-ddi-src/content/d3dukmdt/); only the
 * declarations the GPU-VA model needs are present. Names, member order, member
 * types and bitfield widths follow the documentation; the comments are ours.
 *
 * Every declaration here whose "Header" line in the docs reads d3dukmdt.h lives in
 * this file: the interface-version numbers, the GPU VA scalar types, the GpuMmu page
 * table entry (DXGK_PTE), the segment preference, and the user-mode GPU VA argument
 * structures shared with the kernel (map / reserve / update operations).
 *
 * Version guards: the interface version is selected with DXGKDDI_INTERFACE_VERSION
 * (kernel side) and D3D_UMD_INTERFACE_VERSION (user side); both default to the
 * newest (WDDM 3.2). The GPU VA user-mode types exist from WDDM 2.0 on, on either
 * side, as in the SDK: "(DXGKDDI >= WDDM2_0) || (D3D_UMD >= WDDM2_0)".
 *
 * The SDK's non-Windows "D3DKMT_ALIGN64" helpers expand to nothing on Windows and are
 * not reproduced: this subset always describes the Windows layout.
 */
#ifndef DXGK_D3DUKMDT_H
#define DXGK_D3DUKMDT_H

#include "windows_base.h"

/* ------------------------------------------------------------------------------
 * WDDM DDI interface versions (d3dukmdt.h; values as listed for the Version member
 * of DXGKRNL_INTERFACE / DRIVER_INITIALIZATION_DATA, through WDK 10.0.26100).
 * ---------------------------------------------------------------------------- */
#define DXGKDDI_INTERFACE_VERSION_VISTA                             0x1052
#define DXGKDDI_INTERFACE_VERSION_VISTA_SP1                         0x1053
#define DXGKDDI_INTERFACE_VERSION_WIN7                              0x2005
#define DXGKDDI_INTERFACE_VERSION_WIN8                              0x300E
#define DXGKDDI_INTERFACE_VERSION_WDDM1_3                           0x4002
#define DXGKDDI_INTERFACE_VERSION_WDDM1_3_PATH_INDEPENDENT_ROTATION 0x4003
#define DXGKDDI_INTERFACE_VERSION_WDDM2_0                           0x5023
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1                           0x6003
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1_5                         0x6010
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1_6                         0x6011
#define DXGKDDI_INTERFACE_VERSION_WDDM2_2                           0x700A
#define DXGKDDI_INTERFACE_VERSION_WDDM2_3                           0x8001
#define DXGKDDI_INTERFACE_VERSION_WDDM2_4                           0x9006
#define DXGKDDI_INTERFACE_VERSION_WDDM2_5                           0xA00B
#define DXGKDDI_INTERFACE_VERSION_WDDM2_6                           0xB004
#define DXGKDDI_INTERFACE_VERSION_WDDM2_7                           0xC004
#define DXGKDDI_INTERFACE_VERSION_WDDM2_8                           0xD001
#define DXGKDDI_INTERFACE_VERSION_WDDM2_9                           0xE003
#define DXGKDDI_INTERFACE_VERSION_WDDM3_0                           0xF003
#define DXGKDDI_INTERFACE_VERSION_WDDM3_1                           0x10004
#define DXGKDDI_INTERFACE_VERSION_WDDM3_2                           0x11007

/* The newest interface is the default; define DXGKDDI_INTERFACE_VERSION before
 * including this header to select an older one (docs/behaviour.md section 2). */
#if !defined(DXGKDDI_INTERFACE_VERSION)
#define DXGKDDI_INTERFACE_VERSION DXGKDDI_INTERFACE_VERSION_WDDM3_2
#endif

/* User-mode driver interface versions; they only matter here because the SDK makes
 * the user-mode GPU VA structures available when either side is WDDM 2.0+. */
#define D3D_UMD_INTERFACE_VERSION_VISTA         0x000C
#define D3D_UMD_INTERFACE_VERSION_WIN7          0x2003
#define D3D_UMD_INTERFACE_VERSION_WIN8_M3       0x3001
#define D3D_UMD_INTERFACE_VERSION_WIN8_CP       0x3002
#define D3D_UMD_INTERFACE_VERSION_WIN8_RC       0x3003
#define D3D_UMD_INTERFACE_VERSION_WIN8          0x3004
#define D3D_UMD_INTERFACE_VERSION_WDDM1_3       0x4002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_0_M1    0x5000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_0_M1_3  0x5001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_0_M2_2  0x5002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_0       0x5002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1_1     0x6000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1_2     0x6001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1_3     0x6002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1_4     0x6003
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1       D3D_UMD_INTERFACE_VERSION_WDDM2_1_4
#define D3D_UMD_INTERFACE_VERSION_WDDM2_2_1     0x7000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_2_2     0x7001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_2       D3D_UMD_INTERFACE_VERSION_WDDM2_2_2
#define D3D_UMD_INTERFACE_VERSION_WDDM2_3_1     0x8000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_3_2     0x8001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_3       D3D_UMD_INTERFACE_VERSION_WDDM2_3_2
#define D3D_UMD_INTERFACE_VERSION_WDDM2_4_1     0x9000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_4_2     0x9001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_4       D3D_UMD_INTERFACE_VERSION_WDDM2_4_2
#define D3D_UMD_INTERFACE_VERSION_WDDM2_5_1     0xA000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_5_2     0xA001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_5_3     0xA002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_5       D3D_UMD_INTERFACE_VERSION_WDDM2_5_3
#define D3D_UMD_INTERFACE_VERSION_WDDM2_6_1     0xB000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_6_2     0xB001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_6_3     0xB002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_6_4     0xB003
#define D3D_UMD_INTERFACE_VERSION_WDDM2_6       D3D_UMD_INTERFACE_VERSION_WDDM2_6_4
#define D3D_UMD_INTERFACE_VERSION_WDDM2_7_1     0xC000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_7_2     0xC001
#define D3D_UMD_INTERFACE_VERSION_WDDM2_7       D3D_UMD_INTERFACE_VERSION_WDDM2_7_2
#define D3D_UMD_INTERFACE_VERSION_WDDM2_8_1     0xD000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_8       D3D_UMD_INTERFACE_VERSION_WDDM2_8_1
#define D3D_UMD_INTERFACE_VERSION_WDDM2_9_1     0xE000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_9       D3D_UMD_INTERFACE_VERSION_WDDM2_9_1
#define D3D_UMD_INTERFACE_VERSION_WDDM3_0_1     0xF000
#define D3D_UMD_INTERFACE_VERSION_WDDM3_0       D3D_UMD_INTERFACE_VERSION_WDDM3_0_1
#define D3D_UMD_INTERFACE_VERSION_WDDM3_1_1     0x10000
#define D3D_UMD_INTERFACE_VERSION_WDDM3_1       D3D_UMD_INTERFACE_VERSION_WDDM3_1_1
#define D3D_UMD_INTERFACE_VERSION_WDDM3_2_1     0x11000
#define D3D_UMD_INTERFACE_VERSION_WDDM3_2       D3D_UMD_INTERFACE_VERSION_WDDM3_2_1

#if !defined(D3D_UMD_INTERFACE_VERSION)
#define D3D_UMD_INTERFACE_VERSION D3D_UMD_INTERFACE_VERSION_WDDM3_2
#endif

/* ------------------------------------------------------------------------------
 * GPU virtual address scalars and GpuMmu limits.
 * ---------------------------------------------------------------------------- */

/* Both are 64-bit on every architecture: a GPU VA does not follow the CPU's
 * pointer width. */
typedef ULONGLONG D3DGPU_VIRTUAL_ADDRESS;
typedef ULONGLONG D3DGPU_SIZE_T;

/* Top bit of a DriverProtection value: reserved by the OS to mark a unique protection. */
#define D3DGPU_UNIQUE_DRIVER_PROTECTION 0x8000000000000000ULL

/* Bounds on a GpuMmu description (PageTableLevelCount, VirtualAddressBitCount). */
#define DXGK_MAX_PAGE_TABLE_LEVEL_COUNT 6
#define DXGK_MIN_PAGE_TABLE_LEVEL_COUNT 2
#define DXGK_MAX_GPU_VA_BIT_COUNT       63

/* The "no GPU VA" value (a map that fails returns it). */
#define D3DGPU_NULL 0

/* Docs: ne-d3dukmdt-_dxgk_pte_page_size -- page size used by the level below a
 * level-1 entry (DXGK_PTE.PageTablePageSize). */
typedef enum _DXGK_PTE_PAGE_SIZE
{
    DXGK_PTE_PAGE_TABLE_PAGE_4KB  = 0,
    DXGK_PTE_PAGE_TABLE_PAGE_64KB = 1,
} DXGK_PTE_PAGE_SIZE;

/* Docs: ns-d3dukmdt-_dxgk_pte -- one GpuMmu page table entry, 16 bytes on every
 * architecture: 64 bits of flags (ULONGLONG bitfields, so a single 8-byte unit),
 * then the address of the page or of the next-level table. */
typedef struct _DXGK_PTE
{
    union
    {
        struct
        {
            ULONGLONG Valid                : 1;
            ULONGLONG Zero                 : 1;
            ULONGLONG CacheCoherent        : 1;
            ULONGLONG ReadOnly             : 1;
            ULONGLONG NoExecute            : 1;
            ULONGLONG Segment              : 5;
            ULONGLONG LargePage            : 1;
            ULONGLONG PhysicalAdapterIndex : 6;
            ULONGLONG PageTablePageSize    : 2;   /* a DXGK_PTE_PAGE_SIZE value */
            ULONGLONG SystemReserved0      : 1;
            ULONGLONG Reserved             : 44;
        };
        ULONGLONG Flags;
    };
    union
    {
        ULONGLONG PageAddress;      /* leaf entry: the page's physical address */
        ULONGLONG PageTableAddress; /* upper level: the next table's address */
    };
} DXGK_PTE;

/* Docs: ns-d3dukmdt-_d3dgpu_physical_address -- a segment id plus a byte offset in
 * that segment; Padding keeps SegmentOffset 8-aligned on every ABI. */
typedef struct _D3DGPU_PHYSICAL_ADDRESS
{
    UINT   SegmentId;
    UINT   Padding;
    UINT64 SegmentOffset;
} D3DGPU_PHYSICAL_ADDRESS;

/* Kernel object handle as seen from user mode: always 32 bits. */
typedef UINT D3DKMT_HANDLE;

/* A byte count of the thunk interface: pointer-sized, as SIZE_T (the SDK's non-Windows
 * 64-bit helper variant is not reproduced, see the file comment). */
typedef SIZE_T D3DKMT_SIZE_T;

/* Index of a VidPN source (display output); a plain UINT. */
typedef UINT D3DDDI_VIDEO_PRESENT_SOURCE_ID;

/* Docs: ne-d3dukmdt-_d3dddiformat -- a surface format (a D3DFORMAT value or a FOURCC
 * code). Only its ends are listed: the enumeration is 4 bytes whatever its values, and
 * the subset only carries it (DXGK_ALLOCATIONUSAGEINFO1.Format). */
typedef enum _D3DDDIFORMAT
{
    D3DDDIFMT_UNKNOWN    = 0,
    D3DDDIFMT_FORCE_UINT = 0x7fffffff,
} D3DDDIFORMAT;

/* Docs: ns-d3dukmdt-_d3dddi_segmentpreference -- up to five preferred segment ids
 * (5 bits each, 0 = none) each with a direction bit; two reserved bits. */
typedef struct _D3DDDI_SEGMENTPREFERENCE
{
    union
    {
        struct
        {
            UINT SegmentId0 : 5;
            UINT Direction0 : 1;
            UINT SegmentId1 : 5;
            UINT Direction1 : 1;
            UINT SegmentId2 : 5;
            UINT Direction2 : 1;
            UINT SegmentId3 : 5;
            UINT Direction3 : 1;
            UINT SegmentId4 : 5;
            UINT Direction4 : 1;
            UINT Reserved   : 2;
        };
        UINT Value;
    };
} D3DDDI_SEGMENTPREFERENCE;

/* ------------------------------------------------------------------------------
 * Allocation descriptions handed to D3DKMTCreateAllocation(2) and the flags of
 * D3DKMTDestroyAllocation2 (d3dkmthk.h uses them).
 * ---------------------------------------------------------------------------- */

/* Docs: ns-d3dukmdt-_d3dddi_allocationinfo -- the original (pre-WIN7) description of
 * one allocation. Flags is a named member of an unnamed union type; Stereo is the
 * WIN8 bit (either side's interface version decides). */
typedef struct _D3DDDI_ALLOCATIONINFO
{
    D3DKMT_HANDLE                  hAllocation;           /* out */
    CONST VOID                    *pSystemMem;
    VOID                          *pPrivateDriverData;
    UINT                           PrivateDriverDataSize;
    D3DDDI_VIDEO_PRESENT_SOURCE_ID VidPnSourceId;
    union
    {
        struct
        {
            UINT Primary  : 1;
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN8))
            UINT Stereo   : 1;
            UINT Reserved : 30;
#else
            UINT Reserved : 31;
#endif
        };
        UINT Value;
    } Flags;
} D3DDDI_ALLOCATIONINFO;

#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN7))

/* Docs: ns-d3dukmdt-_d3dddi_allocationinfo2 -- the WIN7+ description used by
 * D3DKMTCreateAllocation2: a section handle or an existing system-memory pointer share
 * one slot, GpuVirtualAddress comes back when the allocation is mapped at creation.
 * From WDDM 2.2 (either side) the first reserved pointer-sized word becomes a union
 * with Priority, so the struct keeps its size. */
typedef struct _D3DDDI_ALLOCATIONINFO2
{
    D3DKMT_HANDLE hAllocation;                            /* out */
    union
    {
        HANDLE      hSection;
        CONST VOID *pSystemMem;
    };
    VOID                          *pPrivateDriverData;
    UINT                           PrivateDriverDataSize;
    D3DDDI_VIDEO_PRESENT_SOURCE_ID VidPnSourceId;
    union
    {
        struct
        {
            UINT Primary          : 1;
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN8))
            UINT Stereo           : 1;
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_2))
            UINT OverridePriority : 1;
            UINT Reserved         : 29;
#else
            UINT Reserved         : 30;
#endif
#else
            UINT Reserved         : 31;
#endif
        };
        UINT Value;
    } Flags;
    D3DGPU_VIRTUAL_ADDRESS GpuVirtualAddress;             /* out */
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_2))
    union
    {
        UINT      Priority;
        ULONG_PTR Unused;
    };
    ULONG_PTR Reserved[5];
#else
    ULONG_PTR Reserved[6];
#endif
} D3DDDI_ALLOCATIONINFO2;

#endif /* DXGKDDI >= WIN7 || D3D_UMD >= WIN7 */

/* Docs: ns-d3dukmdt-_d3dddicb_destroyallocation2flags -- two request bits, 29 reserved,
 * and a top bit the user-mode driver must leave clear. */
typedef struct _D3DDDICB_DESTROYALLOCATION2FLAGS
{
    union
    {
        struct
        {
            UINT AssumeNotInUse     : 1;
            UINT SynchronousDestroy : 1;
            UINT Reserved           : 29;
            UINT SystemUseOnly      : 1;
        };
        UINT Value;
    };
} D3DDDICB_DESTROYALLOCATION2FLAGS;

/* ------------------------------------------------------------------------------
 * User-mode GPU VA arguments (WDDM 2.0 and later, kernel or user side).
 * ---------------------------------------------------------------------------- */
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0))

/* Docs: ns-d3dukmdt-_d3dddigpuvirtualaddress_protection_type -- protection of a GPU
 * VA range, packed into one 64-bit word (UINT64 bitfields). SystemUseOnly is for
 * the OS, never set by a user-mode driver. */
typedef struct _D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE
{
    union
    {
        struct
        {
            UINT64 Write         : 1;
            UINT64 Execute       : 1;
            UINT64 Zero          : 1;
            UINT64 NoAccess      : 1;
            UINT64 SystemUseOnly : 1;
            UINT64 Reserved      : 59;
        };
        UINT64 Value;
    };
} D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE;

/* Docs: ne-d3dukmdt-_d3dddi_updategpuvirtualaddress_operation_type. */
typedef enum _D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE
{
    D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP         = 0,
    D3DDDI_UPDATEGPUVIRTUALADDRESS_UNMAP       = 1,
    D3DDDI_UPDATEGPUVIRTUALADDRESS_COPY        = 2,
    D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP_PROTECT = 3,
} D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE;

/* Docs: ns-d3dukmdt-_d3dddi_updategpuvirtualaddress_operation -- one operation of a
 * batched update; OperationType selects which member of the anonymous union is
 * meaningful (Unmap also serves NoAccess/Zero unmaps through Protection). */
typedef struct _D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION
{
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE OperationType;
    union
    {
        struct
        {
            D3DGPU_VIRTUAL_ADDRESS BaseAddress;
            D3DGPU_SIZE_T          SizeInBytes;
            D3DKMT_HANDLE          hAllocation;
            D3DGPU_SIZE_T          AllocationOffsetInBytes;
            D3DGPU_SIZE_T          AllocationSizeInBytes;
        } Map;
        struct
        {
            D3DGPU_VIRTUAL_ADDRESS                  BaseAddress;
            D3DGPU_SIZE_T                           SizeInBytes;
            D3DKMT_HANDLE                           hAllocation;
            D3DGPU_SIZE_T                           AllocationOffsetInBytes;
            D3DGPU_SIZE_T                           AllocationSizeInBytes;
            D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
            UINT64                                  DriverProtection;
        } MapProtect;
        struct
        {
            D3DGPU_VIRTUAL_ADDRESS                  BaseAddress;
            D3DGPU_SIZE_T                           SizeInBytes;
            D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
        } Unmap;
        struct
        {
            D3DGPU_VIRTUAL_ADDRESS SourceAddress;
            D3DGPU_SIZE_T          SizeInBytes;
            D3DGPU_VIRTUAL_ADDRESS DestAddress;
        } Copy;
    };
} D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION;

/* Docs: ne-d3dukmdt-_d3dddigpuvirtualaddress_reservation_type (NO_COMMIT is for
 * system use). */
typedef enum _D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE
{
    D3DDDIGPUVIRTUALADDRESS_RESERVE_NO_ACCESS = 0,
    D3DDDIGPUVIRTUALADDRESS_RESERVE_ZERO      = 1,
    D3DDDIGPUVIRTUALADDRESS_RESERVE_NO_COMMIT = 2,
} D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE;

/* Docs: ns-d3dukmdt-d3dddi_mapgpuvirtualaddress -- arguments of the user-mode map
 * (pfnMapGpuVirtualAddressCb), which DxgkCbMapContextAllocation mirrors. The SDK's
 * struct tag has no leading underscore. Sizes are in 4 KB pages, addresses in bytes. */
typedef struct D3DDDI_MAPGPUVIRTUALADDRESS
{
    D3DKMT_HANDLE                           hPagingQueue;
    D3DGPU_VIRTUAL_ADDRESS                  BaseAddress;
    D3DGPU_VIRTUAL_ADDRESS                  MinimumAddress;
    D3DGPU_VIRTUAL_ADDRESS                  MaximumAddress;
    D3DKMT_HANDLE                           hAllocation;
    D3DGPU_SIZE_T                           OffsetInPages;
    D3DGPU_SIZE_T                           SizeInPages;
    D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
    UINT64                                  DriverProtection;
    UINT                                    Reserved0;
    UINT64                                  Reserved1;
    D3DGPU_VIRTUAL_ADDRESS                  VirtualAddress;   /* out */
    UINT64                                  PagingFenceValue; /* out */
} D3DDDI_MAPGPUVIRTUALADDRESS;

/* Docs: ns-d3dukmdt-d3dddi_reservegpuvirtualaddress -- arguments of the user-mode
 * reserve (pfnReserveGpuVirtualAddressCb). The unions pair each WDDM 2.0 member with
 * the name it had in an earlier milestone; each pair shares one slot. */
typedef struct D3DDDI_RESERVEGPUVIRTUALADDRESS
{
    union
    {
        D3DKMT_HANDLE hPagingQueue;
        D3DKMT_HANDLE hAdapter;
    };
    D3DGPU_VIRTUAL_ADDRESS BaseAddress;
    D3DGPU_VIRTUAL_ADDRESS MinimumAddress;
    D3DGPU_VIRTUAL_ADDRESS MaximumAddress;
    D3DGPU_SIZE_T          Size;
    union
    {
        D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE ReservationType;
        UINT                                     Reserved0;
    };
    union
    {
        UINT64 DriverProtection;
        UINT64 Reserved1;
    };
    D3DGPU_VIRTUAL_ADDRESS VirtualAddress;           /* out */
    union
    {
        UINT64 PagingFenceValue;                     /* out */
        UINT64 Reserved2;
    };
} D3DDDI_RESERVEGPUVIRTUALADDRESS;

/* Docs: ne-d3dukmdt-d3dddi_pagingqueue_priority -- a paging queue's scheduling
 * priority relative to the device's other queues (a signed enum: BELOW_NORMAL is -1). */
typedef enum D3DDDI_PAGINGQUEUE_PRIORITY
{
    D3DDDI_PAGINGQUEUE_PRIORITY_BELOW_NORMAL = -1,
    D3DDDI_PAGINGQUEUE_PRIORITY_NORMAL       = 0,
    D3DDDI_PAGINGQUEUE_PRIORITY_ABOVE_NORMAL = 1,
} D3DDDI_PAGINGQUEUE_PRIORITY;

/* Docs: ns-d3dukmdt-d3dddi_destroypagingqueue -- the one argument of
 * D3DKMTDestroyPagingQueue and pfnDestroyPagingQueueCb (tag without underscore, as in
 * the SDK). */
typedef struct D3DDDI_DESTROYPAGINGQUEUE
{
    D3DKMT_HANDLE hPagingQueue;
} D3DDDI_DESTROYPAGINGQUEUE;

#endif /* DXGKDDI >= WDDM2_0 || D3D_UMD >= WDDM2_0 */

#endif /* DXGK_D3DUKMDT_H */
