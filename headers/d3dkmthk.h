/*
 * d3dkmthk.h -- dxgk's subset of the D3DKMT thunk interface (the user-mode entry points
 * into Dxgkrnl that gdi32 exports as D3DKMTXxx).
 *
 * Written for dxgk from the public WDK reference (MicrosoftDocs
 * windows-driver-docs-ddi, pages under wdk-ddi-src/content/d3dkmthk/); only what the
 * user-mode GPU VA services need is declared: the
 * allocation thunks' arguments (D3DKMT_CREATEALLOCATION with its flags,
 * D3DKMT_DESTROYALLOCATION2), the paging-queue and GPU VA thunks' arguments that are
 * not shared with the user-mode driver interface, and the PFND3DKMT_* pointer types of
 * those thunks with their exact parameter lists. Names, member order, member types,
 * bitfield widths and version guards follow the documentation; the comments are ours.
 *
 * The arguments shared with d3dumddi.h (D3DDDI_MAPGPUVIRTUALADDRESS,
 * D3DDDI_RESERVEGPUVIRTUALADDRESS, D3DDDI_DESTROYPAGINGQUEUE, the allocation
 * descriptions) live in d3dukmdt.h, as in the SDK.
 *
 * Version guards: this header's guards test DXGKDDI_INTERFACE_VERSION only (default
 * WDDM 3.2, d3dukmdt.h). The SDK's 32-bit-on-64-bit helpers (D3DKMT_ALIGN64,
 * D3DKMT_PTR) expand to nothing on Windows and are not reproduced.
 */
#ifndef DXGK_D3DKMTHK_H
#define DXGK_D3DKMTHK_H

#include "d3dukmdt.h"

/* ------------------------------------------------------------------------------
 * Allocations (D3DKMTCreateAllocation / D3DKMTCreateAllocation2,
 * D3DKMTDestroyAllocation2).
 * ---------------------------------------------------------------------------- */

/* Docs: ns-d3dkmthk-_d3dkmt_createallocationflags -- a plain struct of UINT bits (no
 * union, no Value). Each interface version takes bits from Reserved:
 *   NtSecuritySharing .. SwapChainBackBuffer           WIN8     (26 -> 21)
 *   CrossAdapter .. WriteWatch                         WDDM 1.3 (-> 16)
 *   StandardAllocation, ExistingSection                WDDM 2.3 (-> 14)
 *   AllowNotZeroed                                     WDDM 2.6 (-> 13)
 *   PhysicallyContiguous, NoKmdAccess                  WDDM 2.7 (-> 11)
 *   SharedDisplayable                                  WDDM 3.0 (-> 10)
 *   NoImplicitSynchronization                          WDDM 3.2 (-> 9) */
typedef struct _D3DKMT_CREATEALLOCATIONFLAGS
{
    UINT CreateResource            : 1;
    UINT CreateShared              : 1;
    UINT NonSecure                 : 1;
    UINT CreateProtected           : 1;
    UINT RestrictSharedAccess      : 1;
    UINT ExistingSysMem            : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    UINT NtSecuritySharing         : 1;
    UINT ReadOnly                  : 1;
    UINT CreateWriteCombined       : 1;
    UINT CreateCached              : 1;
    UINT SwapChainBackBuffer       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
    UINT CrossAdapter              : 1;
    UINT OpenCrossAdapter          : 1;
    UINT PartialSharedCreation     : 1;
    UINT Zeroed                    : 1;
    UINT WriteWatch                : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
    UINT StandardAllocation        : 1;
    UINT ExistingSection           : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
    UINT AllowNotZeroed            : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_7)
    UINT PhysicallyContiguous      : 1;
    UINT NoKmdAccess               : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_0)
    UINT SharedDisplayable         : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
    UINT NoImplicitSynchronization : 1;
    UINT Reserved                  : 9;
#else
    UINT Reserved                  : 10;
#endif /* WDDM3_2 */
#else
    UINT Reserved                  : 11;
#endif /* WDDM3_0 */
#else
    UINT Reserved                  : 13;
#endif /* WDDM2_7 */
#else
    UINT Reserved                  : 14;
#endif /* WDDM2_6 */
#else
    UINT Reserved                  : 16;
#endif /* WDDM2_3 */
#else
    UINT Reserved                  : 21;
#endif /* WDDM1_3 */
#else
    UINT Reserved                  : 26;
#endif /* WIN8 */
} D3DKMT_CREATEALLOCATIONFLAGS;

/* The standard-allocation description (WDDM 2.3's StandardAllocation flag) is only ever
 * reached through a pointer here; dxgk does not model it, so it stays incomplete. */
typedef struct _D3DKMT_CREATESTANDARDALLOCATION D3DKMT_CREATESTANDARDALLOCATION;

/* Docs: ns-d3dkmthk-_d3dkmt_createallocation -- the argument of D3DKMTCreateAllocation
 * and D3DKMTCreateAllocation2: hDevice first, optional resource, runtime and driver
 * private data, then NumAllocations descriptions (D3DDDI_ALLOCATIONINFO2 for the "2"
 * thunk; the pointer slots are unions). */
typedef struct _D3DKMT_CREATEALLOCATION
{
    D3DKMT_HANDLE hDevice;
    D3DKMT_HANDLE hResource;                 /* in/out */
    D3DKMT_HANDLE hGlobalShare;              /* out */
    _Field_size_bytes_(PrivateRuntimeDataSize)
    CONST VOID   *pPrivateRuntimeData;
    UINT          PrivateRuntimeDataSize;
    union
    {
        D3DKMT_CREATESTANDARDALLOCATION *pStandardAllocation;
        _Field_size_bytes_(PrivateDriverDataSize)
        CONST VOID                      *pPrivateDriverData;
    };
    UINT          PrivateDriverDataSize;
    UINT          NumAllocations;
    union
    {
        _Field_size_(NumAllocations) D3DDDI_ALLOCATIONINFO  *pAllocationInfo;
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN7))
        _Field_size_(NumAllocations) D3DDDI_ALLOCATIONINFO2 *pAllocationInfo2;
#endif
    };
    D3DKMT_CREATEALLOCATIONFLAGS Flags;
    HANDLE        hPrivateRuntimeResourceHandle;   /* for event tracing only */
} D3DKMT_CREATEALLOCATION;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

/* Docs: ns-d3dkmthk-_d3dkmt_destroyallocation2 -- destroy AllocationCount allocations
 * (or a whole resource) of hDevice. */
typedef struct _D3DKMT_DESTROYALLOCATION2
{
    D3DKMT_HANDLE                    hDevice;
    D3DKMT_HANDLE                    hResource;
    CONST D3DKMT_HANDLE             *phAllocationList;
    UINT                             AllocationCount;
    D3DDDICB_DESTROYALLOCATION2FLAGS Flags;
} D3DKMT_DESTROYALLOCATION2;

#endif /* WDDM2_0 */

/* ------------------------------------------------------------------------------
 * Paging queues and GPU virtual addresses (WDDM 2.0 and later).
 * ---------------------------------------------------------------------------- */
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

/* Docs: ns-d3dkmthk-_d3dkmt_createpagingqueue -- D3DKMTCreatePagingQueue's argument:
 * the queue's device and priority in, the queue, its monitored fence and the CPU
 * address where the fence's current value can be read out. */
typedef struct _D3DKMT_CREATEPAGINGQUEUE
{
    D3DKMT_HANDLE               hDevice;
    D3DDDI_PAGINGQUEUE_PRIORITY Priority;
    D3DKMT_HANDLE               hPagingQueue;                 /* out */
    D3DKMT_HANDLE               hSyncObject;                  /* out */
    VOID                       *FenceValueCPUVirtualAddress;  /* out */
    UINT                        PhysicalAdapterIndex;
} D3DKMT_CREATEPAGINGQUEUE;

/* Docs: ns-d3dkmthk-_d3dkmt_freegpuvirtualaddress -- release a range of the calling
 * process's VA space; both values in bytes. */
typedef struct _D3DKMT_FREEGPUVIRTUALADDRESS
{
    D3DKMT_HANDLE          hAdapter;
    D3DGPU_VIRTUAL_ADDRESS BaseAddress;
    D3DGPU_SIZE_T          Size;
} D3DKMT_FREEGPUVIRTUALADDRESS;

/* Docs: ns-d3dkmthk-_d3dkmt_updategpuvirtualaddress -- the thunk form of a batched VA
 * update. Unlike D3DDDICB_UPDATEGPUVIRTUALADDRESS (d3dumddi.h) it starts with hDevice,
 * its context is a D3DKMT handle, and Reserved0 is pointer-sized. */
typedef struct _D3DKMT_UPDATEGPUVIRTUALADDRESS
{
    D3DKMT_HANDLE                             hDevice;
    D3DKMT_HANDLE                             hContext;
    D3DKMT_HANDLE                             hFenceObject;
    UINT                                      NumOperations;
    _Field_size_(NumOperations)
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION *Operations;
    D3DKMT_SIZE_T                             Reserved0;
    UINT64                                    Reserved1;
    UINT64                                    FenceValue;
    union
    {
        struct
        {
            UINT DoNotWait : 1;
            UINT Reserved  : 31;
        };
        UINT Value;
    } Flags;
} D3DKMT_UPDATEGPUVIRTUALADDRESS;

#endif /* WDDM2_0 */

/* ------------------------------------------------------------------------------
 * Thunk pointer types (docs: the D3DKMTXxx function pages): each returns an NTSTATUS.
 * ---------------------------------------------------------------------------- */
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_CREATEALLOCATION)(
    _Inout_ D3DKMT_CREATEALLOCATION *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_CREATEALLOCATION2)(
    _Inout_ D3DKMT_CREATEALLOCATION *pArgs);

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_DESTROYALLOCATION2)(
    _In_ CONST D3DKMT_DESTROYALLOCATION2 *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_CREATEPAGINGQUEUE)(
    _Inout_ D3DKMT_CREATEPAGINGQUEUE *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_DESTROYPAGINGQUEUE)(
    _Inout_ D3DDDI_DESTROYPAGINGQUEUE *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_RESERVEGPUVIRTUALADDRESS)(
    _Inout_ D3DDDI_RESERVEGPUVIRTUALADDRESS *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_MAPGPUVIRTUALADDRESS)(
    _Inout_ D3DDDI_MAPGPUVIRTUALADDRESS *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_FREEGPUVIRTUALADDRESS)(
    _In_ CONST D3DKMT_FREEGPUVIRTUALADDRESS *pArgs);
typedef _Check_return_ NTSTATUS (APIENTRY *PFND3DKMT_UPDATEGPUVIRTUALADDRESS)(
    _In_ CONST D3DKMT_UPDATEGPUVIRTUALADDRESS *pArgs);
#endif /* WDDM2_0 */

#endif /* DXGK_D3DKMTHK_H */
