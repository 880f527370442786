/******************************Module*Header**********************************\
*
* Module Name: d3dkmddi.h
*
* Content: imitation, written for dxgk's tests, of the WDDM kernel-mode display
*          driver interface header: SDK spellings (SAL on every parameter, DDI
*          function-name typedefs, callbacks taking kernel types, DEFINE_GUID,
*          C_ASSERT, #pragma pack regions, FORCEINLINE helpers), content reduced
*          to dxgk's subset plus neighbours.
*
\*****************************************************************************/
#ifndef _D3DKMDDI_H_
#define _D3DKMDDI_H_

#include <winapifamily.h>

#pragma region Desktop Family
#if WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP)

#include <d3dkmdt.h>

#ifndef DXGK_ALLOCATIONINFOFLAGS_EXT
#define DXGK_ALLOCATIONINFOFLAGS_EXT
#define DXGK_ALLOC_RESERVED0        Reserved0
#define DXGK_ALLOC_RESERVED1        Reserved1
#define DXGK_ALLOC_RESERVED2        Reserved2
#define DXGK_ALLOC_RESERVED3        Reserved3
#define DXGK_ALLOC_RESERVED4        Reserved4
#define DXGK_ALLOC_RESERVED9        Reserved9
#define DXGK_ALLOC_RESERVED10       Reserved10
#define DXGK_ALLOC_RESERVED11       Reserved11
#define DXGK_ALLOC_RESERVED12       Reserved12
#define DXGK_ALLOC_RESERVED13       Reserved13
#define DXGK_ALLOC_RESERVED14       Reserved14
#define DXGK_ALLOC_RESERVED15       Reserved15
#endif

#ifndef DXGK_DEVICEFLAGS_EXT
#define DXGK_DEVICEFLAGS_EXT
#define DXGK_DEVICE_RESERVED0       Reserved0
#endif

#pragma warning(push)
#pragma warning(disable:4200) /* zero-sized array in struct/union */
#pragma warning(disable:4201) // anonymous unions warning
#pragma warning(disable:4510 4512 4610 ) // cannot generate default constructor

#ifdef ENABLE_DXGK_SAL
#define _Function_class_DXGK_(param)    _Function_class_(param)
#else
#define _Function_class_DXGK_(param)
#endif

//
// Parameter types named after their SAL annotations (used by the DDI typedefs).
//
typedef _In_          BOOLEAN               IN_BOOLEAN;
typedef _In_          DEVICE_POWER_STATE    IN_DEVICE_POWER_STATE;
typedef _In_    CONST HANDLE                IN_CONST_HANDLE;
typedef _Inout_       UINT*                 INOUT_PUINT;
typedef _In_          ULONG                 IN_ULONG;
typedef _In_          POWER_ACTION          IN_POWER_ACTION;
typedef _In_    CONST PVOID                 IN_CONST_PVOID;
typedef _Outptr_      PVOID*                OUT_PPVOID;
typedef _Out_         SIZE_T*   CONST       OUT_PSIZE_T_CONST;

typedef D3DDDI_SEGMENTPREFERENCE DXGK_SEGMENTPREFERENCE;

typedef struct _DXGK_SEGMENTBANKPREFERENCE
{
    union
    {
        struct
        {
            UINT Bank0          : 7;    // 0x0000007F
            UINT Direction0     : 1;    // 0x00000080
            UINT Bank1          : 7;    // 0x00007F00
            UINT Direction1     : 1;    // 0x00008000
            UINT Bank2          : 7;    // 0x007F0000
            UINT Direction2     : 1;    // 0x00800000
            UINT Bank3          : 7;    // 0x7F000000
            UINT Direction3     : 1;    // 0x80000000
        };
        UINT Value;
    };
} DXGK_SEGMENTBANKPREFERENCE;

typedef struct _DXGK_ALLOCATIONINFOFLAGS
{
    union
    {
        struct
        {
            UINT    CpuVisible                      : 1;    // 0x00000001
            UINT    PermanentSysMem                 : 1;    // 0x00000002
            UINT    Cached                          : 1;    // 0x00000004
            UINT    Protected                       : 1;    // 0x00000008
            UINT    ExistingSysMem                  : 1;    // 0x00000010
            UINT    ExistingKernelSysMem            : 1;    // 0x00000020
            UINT    FromEndOfSegment                : 1;    // 0x00000040
            UINT    Swizzled                        : 1;    // 0x00000080
            UINT    Overlay                         : 1;    // 0x00000100
            UINT    Capture                         : 1;    // 0x00000200
            UINT    UseAlternateVA                  : 1;    // 0x00000400
            UINT    SynchronousPaging               : 1;    // 0x00000800
            UINT    LinkMirrored                    : 1;    // 0x00001000
            UINT    LinkInstanced                   : 1;    // 0x00002000
            UINT    HistoryBuffer                   : 1;    // 0x00004000
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT    AccessedPhysically              : 1;    // 0x00008000
            UINT    ExplicitResidencyNotification   : 1;    // 0x00010000
            UINT    HardwareProtected               : 1;    // 0x00020000
            UINT    CpuVisibleOnDemand              : 1;    // 0x00040000
#else
            UINT    Reserved                        : 4;    // 0x00078000
#endif // DXGKDDI_INTERFACE_VERSION
            UINT    DXGK_ALLOC_RESERVED16           : 1;    // 0x00080000
            UINT    DXGK_ALLOC_RESERVED15           : 1;    // 0x00100000
            UINT    DXGK_ALLOC_RESERVED14           : 1;    // 0x00200000
            UINT    DXGK_ALLOC_RESERVED13           : 1;    // 0x00400000
            UINT    DXGK_ALLOC_RESERVED12           : 1;    // 0x00800000
            UINT    DXGK_ALLOC_RESERVED11           : 1;    // 0x01000000
            UINT    DXGK_ALLOC_RESERVED10           : 1;    // 0x02000000
            UINT    DXGK_ALLOC_RESERVED9            : 1;    // 0x04000000
            UINT    DXGK_ALLOC_RESERVED4            : 1;    // 0x08000000
            UINT    DXGK_ALLOC_RESERVED3            : 1;    // 0x10000000
            UINT    DXGK_ALLOC_RESERVED2            : 1;    // 0x20000000
            UINT    DXGK_ALLOC_RESERVED1            : 1;    // 0x40000000
            UINT    DXGK_ALLOC_RESERVED0            : 1;    // 0x80000000
        };
        UINT Value;
    };
} DXGK_ALLOCATIONINFOFLAGS;

typedef struct _DXGK_ALLOCATIONLIST
{
    HANDLE              hDeviceSpecificAllocation;
    struct
    {
        UINT            WriteOperation  : 1;    // 0x00000001
        UINT            SegmentId       : 5;    // 0x0000003E
        UINT            Reserved        : 26;   // 0xFFFFFFC0
    };
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    union
    {
        PHYSICAL_ADDRESS    PhysicalAddress;
        D3DGPU_VIRTUAL_ADDRESS VirtualAddress;
    };
#else
    PHYSICAL_ADDRESS    PhysicalAddress;
#endif
} DXGK_ALLOCATIONLIST;

//
// A segment as the driver describes it at start-up (laid out by the --struct tests).
//
typedef struct _DXGK_SEGMENTDESCRIPTOR
{
    PHYSICAL_ADDRESS    BaseAddress;
    PHYSICAL_ADDRESS    CpuTranslatedAddress;
    SIZE_T              Size;
    UINT                NbOfBanks;
    _Field_size_(NbOfBanks)
    SIZE_T*             pBankRangeTable;
    SIZE_T              CommitLimit;
    union
    {
        struct
        {
            UINT        Aperture            : 1;
            UINT        Agp                 : 1;
            UINT        CpuVisible          : 1;
            UINT        UseBanking          : 1;
            UINT        CacheCoherent       : 1;
            UINT        PitchAlignment      : 1;
            UINT        PopulatedFromSystemMemory : 1;
            UINT        Reserved            : 25;
        };
        UINT            Value;
    } Flags;
} DXGK_SEGMENTDESCRIPTOR;

//
// A byte-packed header, SDK style: pshpack1.h / poppack.h around the declaration.
//
#include <pshpack1.h>
typedef struct _DXGK_PACKED_HEADER_IMITATION
{
    UCHAR   Type;
    UINT    Length;
    UINT64  Cookie;
} DXGK_PACKED_HEADER_IMITATION;
#include <poppack.h>

typedef struct _DXGKARG_RENDER
{
    CONST VOID* CONST           pCommand;
    CONST UINT                  CommandLength;
    VOID*                       pDmaBuffer;
    UINT                        DmaSize;
    DXGK_ALLOCATIONLIST*        pAllocationList;
    UINT                        AllocationListSize;
    PHYSICAL_ADDRESS            DmaBufferPhysicalAddress;
} DXGKARG_RENDER;

typedef _Inout_ DXGKARG_RENDER*     INOUT_PDXGKARG_RENDER;

typedef
    _Check_return_
    _Function_class_DXGK_(DXGKDDI_RENDER)
    _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
APIENTRY
DXGKDDI_RENDER(
    IN_CONST_HANDLE         hContext,
    INOUT_PDXGKARG_RENDER   pRender
    );

typedef DXGKDDI_RENDER *PDXGKDDI_RENDER;

//
// GUIDs of the interfaces a driver can query.
//
DEFINE_GUID(GUID_DEVINTERFACE_DXGK_IMITATION, 0x1ca05180, 0xa699, 0x450a, 0x9a, 0x0c, 0xde, 0x4f, 0xbe, 0x3d, 0xdd, 0x89);

//
// Dxgkrnl services reachable through DXGKRNL_INTERFACE (see dispmprt.h).
//
typedef
    _Function_class_DXGK_(DXGKCB_GETHANDLEDATA)
    _IRQL_requires_max_(DISPATCH_LEVEL)
PVOID
(APIENTRY CALLBACK *DXGKCB_GETHANDLEDATA)(
    _In_ CONST PVOID pData  // DXGKARGCB_GETHANDLEDATA*
    );

typedef
    _Function_class_DXGK_(DXGKCB_GETHANDLEPARENT)
D3DKMT_HANDLE
(APIENTRY CALLBACK *DXGKCB_GETHANDLEPARENT)(
    _In_ D3DKMT_HANDLE hAllocation
    );

typedef
    _Function_class_DXGK_(DXGKCB_ENUMHANDLECHILDREN)
D3DKMT_HANDLE
(APIENTRY CALLBACK *DXGKCB_ENUMHANDLECHILDREN)(
    _In_ CONST PVOID pEnumHandleChildren
    );

typedef
    _Function_class_DXGK_(DXGKCB_NOTIFY_INTERRUPT)
    _IRQL_requires_(HIGH_LEVEL)
VOID
(APIENTRY CALLBACK *DXGKCB_NOTIFY_INTERRUPT)(
    _In_ IN_CONST_HANDLE hAdapter,
    _In_ CONST PVOID pNotifyInterruptData
    );

typedef
    _Function_class_DXGK_(DXGKCB_NOTIFY_DPC)
    _IRQL_requires_(DISPATCH_LEVEL)
VOID
(APIENTRY CALLBACK *DXGKCB_NOTIFY_DPC)(
    _In_ IN_CONST_HANDLE hAdapter
    );

typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_QUERYVIDPNINTERFACE)(
    _In_ IN_CONST_HANDLE hVidPn, _In_ UINT Version, _Out_ CONST PVOID* ppVidPnInterface);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_QUERYMONITORINTERFACE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT Version, _Out_ CONST PVOID* ppMonitorInterface);

//
// The capture callback hands back physical addresses: PHYSICAL_ADDRESS from wdm.h.
//
typedef
    _Check_return_
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_GETCAPTUREADDRESS)(
    _Inout_ PHYSICAL_ADDRESS* pPhysicalAddress,
    _Out_writes_bytes_(sizeof(UINT)) UINT* pSegmentId
    );

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
typedef VOID (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTACTIVE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT ComponentIndex);
typedef VOID (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTIDLE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT ComponentIndex);
typedef
    _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_POWERRUNTIMECONTROLREQUEST)(
    _In_ IN_CONST_HANDLE hAdapter,
    _In_ LPCGUID PowerControlCode,
    _In_reads_bytes_opt_(InBufferSize) PVOID InBuffer,
    _In_ SIZE_T InBufferSize,
    _Out_writes_bytes_opt_(OutBufferSize) PVOID OutBuffer,
    _In_ SIZE_T OutBufferSize,
    _Out_opt_ PSIZE_T BytesReturned
    );
typedef VOID (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTLATENCY)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT ComponentIndex, _In_ ULONGLONG Latency);
typedef VOID (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTRESIDENCY)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT ComponentIndex, _In_ ULONGLONG Residency);
typedef VOID (APIENTRY CALLBACK *DXGKCB_COMPLETEFSTATETRANSITION)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT ComponentIndex);
#endif // WIN8

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
typedef VOID (APIENTRY CALLBACK *DXGKCB_COMPLETEPSTATETRANSITION)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT ComponentIndex, _In_ UINT CompletedPState);
#endif // WDDM1_3

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
typedef PVOID (APIENTRY CALLBACK *DXGKCB_ACQUIREHANDLEDATA)(
    _In_ CONST PVOID pAcquireHandleData, _Out_ PBOOLEAN pbLocked);
typedef VOID (APIENTRY CALLBACK *DXGKCB_RELEASEHANDLEDATA)(
    _In_ CONST PVOID ReleaseHandleData);
typedef VOID (APIENTRY CALLBACK *DXGKCB_HARDWARECONTENTPROTECTIONTEARDOWN)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT Flags);
#endif // WDDM2_0

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
typedef VOID (APIENTRY CALLBACK *DXGKCB_MULTIPLANEOVERLAYDISABLED)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ UINT VidPnSourceId);
typedef VOID (APIENTRY CALLBACK *DXGKCB_DXGKCB_MITIGATEDRANGEUPDATE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ ULONG VirtualFunctionIndex);
#endif // WDDM2_1

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_INVALIDATEHWCONTEXT)(
    _In_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_INDICATE_CONNECTOR_CHANGE)(
    _In_ IN_CONST_HANDLE hAdapter);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNBLOCKUEFIFRAMEBUFFERRANGES)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
#endif // WDDM2_2

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_SETPROTECTEDSESSIONSTATUS)(
    _In_ CONST PVOID pProtectedSessionStatus);
#endif // WDDM2_3

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
//
// Memory services: MDLs, caching types and physical addresses from wdm.h.
//
typedef
    _Check_return_
    _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_ALLOCATECONTIGUOUSMEMORY)(
    _In_ IN_CONST_HANDLE hAdapter,
    _In_ SIZE_T NumberOfBytes,
    _In_ PHYSICAL_ADDRESS HighestAcceptableAddress,
    _In_ MEMORY_CACHING_TYPE CacheType,
    _Outptr_ PVOID* ppVirtualAddress,
    _Out_ PHYSICAL_ADDRESS* pLogicalAddress
    );
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_FREECONTIGUOUSMEMORY)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ PVOID pVirtualAddress, _In_ SIZE_T NumberOfBytes);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ALLOCATEPAGESFORMDL)(
    _In_ IN_CONST_HANDLE hAdapter,
    _In_ PHYSICAL_ADDRESS LowAddress,
    _In_ PHYSICAL_ADDRESS HighAddress,
    _In_ PHYSICAL_ADDRESS SkipBytes,
    _In_ SIZE_T TotalBytes,
    _In_ MEMORY_CACHING_TYPE CacheType,
    _In_ ULONG Flags,
    _Outptr_ PMDL* ppMdl
    );
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_FREEPAGESFROMMDL)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ PMDL pMdl);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_PINFRAMEBUFFERFORSAVE)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNPINFRAMEBUFFERFORSAVE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_MAPFRAMEBUFFERPOINTER)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNMAPFRAMEBUFFERPOINTER)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
//
// The IOMMU callbacks name a kernel type dxgk's stand-ins do not declare: the typedef
// cannot be parsed, and dxgk stands in for it (a pointer is a pointer).
//
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_MAPMDLTOIOMMU)(
    _In_ IN_CONST_HANDLE hAdapter,
    _In_ PIOMMU_DMA_LOGICAL_ADDRESS_TOKEN_IMITATION pToken,
    _In_ PMDL pMdl,
    _Out_ PHYSICAL_ADDRESS* pLogicalAddress
    );
typedef VOID (APIENTRY CALLBACK *DXGKCB_UNMAPMDLFROMIOMMU)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ PMDL pMdl);
#endif // WDDM2_4

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_SIGNALEVENT)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ PVOID hCpuEvent, _In_ KIRQL Irql, _In_ ULONG Flags);
#endif // WDDM2_5

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ISFEATUREENABLED)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_SAVEMEMORYFORHOTUPDATE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
#endif // WDDM2_6

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_8)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_NOTIFYCURSORSUPPORTCHANGE)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
#endif // WDDM2_8

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_QUERYFEATURESUPPORT)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_CREATEPHYSICALMEMORYOBJECT)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_DESTROYPHYSICALMEMORYOBJECT)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_MAPPHYSICALMEMORY)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNMAPPHYSICALMEMORY)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ALLOCATEADL)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef VOID (APIENTRY CALLBACK *DXGKCB_FREEADL)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ PVOID pAdl);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_OPENPHYSICALMEMORYOBJECT)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_CLOSEPHYSICALMEMORYOBJECT)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_PINFRAMEBUFFERFORSAVE2)(
    _In_ IN_CONST_HANDLE hAdapter, _Inout_ CONST PVOID pArgs);
#endif // WDDM2_9

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_DISCONNECTDOORBELL)(
    _In_ IN_CONST_HANDLE hAdapter, _In_ CONST PVOID pArgs);
#endif // WDDM3_1

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)

typedef struct _DXGK_CREATECONTEXTALLOCATIONFLAGS
{
    union
    {
        struct
        {
            UINT    SharedAcrossContexts    :  1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT    MapGpuVirtualAddress    :  1;
            UINT    Reserved                : 30;
#else
            UINT    Reserved                : 31;
#endif // DXGKDDI_INTERFACE_VERSION
        };
        UINT Value;
    };
} DXGK_CREATECONTEXTALLOCATIONFLAGS;

typedef struct _DXGKARGCB_CREATECONTEXTALLOCATION
{
    DXGK_CREATECONTEXTALLOCATIONFLAGS ContextAllocationFlags;
    HANDLE                            hAdapter;
    HANDLE                            hDevice;
    HANDLE                            hContext;
    HANDLE                            hDriverAllocation;
    SIZE_T                            Size;
    UINT                              Alignment;
    UINT                              SupportedSegmentSet;
    UINT                              EvictionSegmentSet;
    DXGK_SEGMENTPREFERENCE            PreferredSegment;
    DXGK_SEGMENTBANKPREFERENCE        HintedBank;
    DXGK_ALLOCATIONINFOFLAGS          Flags;
    HANDLE                            hAllocation;          // out
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    UINT                              PhysicalAdapterIndex;
#endif // DXGKDDI_INTERFACE_VERSION
} DXGKARGCB_CREATECONTEXTALLOCATION;

typedef _Inout_ DXGKARGCB_CREATECONTEXTALLOCATION*   INOUT_PDXGKARGCB_CREATECONTEXTALLOCATION;

typedef
    _Check_return_
    _Function_class_DXGK_(DXGKCB_CREATECONTEXTALLOCATION)
    _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_CREATECONTEXTALLOCATION)(
    INOUT_PDXGKARGCB_CREATECONTEXTALLOCATION
    );

typedef
    _Check_return_
    _Function_class_DXGK_(DXGKCB_DESTROYCONTEXTALLOCATION)
    _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_DESTROYCONTEXTALLOCATION)(
    IN_CONST_HANDLE hAdapter,
    IN_CONST_HANDLE hAllocation
    );

#endif // DXGKDDI_INTERFACE_VERSION_WIN8

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

typedef enum _DXGK_PAGETABLEUPDATEMODE
{
    DXGK_PAGETABLEUPDATE_CPU_VIRTUAL   = 0,
    DXGK_PAGETABLEUPDATE_GPU_VIRTUAL   = 1,
    DXGK_PAGETABLEUPDATE_GPU_PHYSICAL  = 2,
} DXGK_PAGETABLEUPDATEMODE;

typedef struct _DXGK_PAGETABLEUPDATEADDRESS
{
    union
    {
        PVOID                   CpuVirtual;
        D3DGPU_PHYSICAL_ADDRESS GpuPhysical;
        D3DGPU_VIRTUAL_ADDRESS  GpuVirtual;
    };
} DXGK_PAGETABLEUPDATEADDRESS;

typedef struct _DXGK_PAGE_TABLE_LEVEL_DESC
{
    UINT PageTableIndexBitCount;
    UINT PageTableSegmentId;
    UINT PagingProcessPageTableSegmentId;
    UINT PageTableSizeInBytes;
    UINT PageTableAlignmentInBytes;
} DXGK_PAGE_TABLE_LEVEL_DESC;

typedef struct _DXGK_UPDATEPAGETABLEFLAGS
{
    UINT Repeat              : 1;
    UINT InitialUpdate       : 1;
    UINT NotifyEviction      : 1;
    UINT Use64KBPages        : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
    UINT NativeFence         : 1;
    UINT Reserved            : 27;
#else
    UINT Reserved            : 28;
#endif
} DXGK_UPDATEPAGETABLEFLAGS;

typedef struct _DXGK_GPUMMUCAPS
{
    union
    {
        struct
        {
            UINT ReadOnlyMemorySupported                : 1;
            UINT NoExecuteMemorySupported               : 1;
            UINT ZeroInPteSupported                     : 1;
            UINT ExplicitPageTableInvalidation          : 1;
            UINT CacheCoherentMemorySupported           : 1;
            UINT PageTableUpdateRequireAddressSpaceIdle : 1;
            UINT LargePageSupported                     : 1;
            UINT DualPteSupported                       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
            UINT AllowNonAlignedLargePageAddress        : 1;
            UINT SysMem64KBPageSupported                : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
            UINT InvalidTlbEntriesNotCached             : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
            UINT SysMemLargePageSupported               : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
            UINT CachedPageTables                       : 1;
            UINT Reserved                               : 19;
#else
            UINT Reserved                               : 20;
#endif // WDDM3_1
#else
            UINT Reserved                               : 21;
#endif // WDDM2_9
#else
            UINT Reserved                               : 22;
#endif // WDDM2_6
#else
            UINT Reserved                               : 24;
#endif // WDDM2_1
        };
        UINT Value;
    };
    DXGK_PAGETABLEUPDATEMODE    PageTableUpdateMode;
    UINT                        VirtualAddressBitCount;
    UINT                        LeafPageTableSizeFor64KPagesInBytes;
    UINT                        PageTableLevelCount;
    struct
    {
        UINT SourcePageTableVaInTransfer : 1;
        UINT Reserved                    : 31;
    } LegacyBehaviors;
} DXGK_GPUMMUCAPS;

#pragma pack(push, 8)
typedef struct _DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE
{
    UINT                        PageTableLevel;
    HANDLE                      hAllocation;
    DXGK_PAGETABLEUPDATEADDRESS PageTableAddress;
    DXGK_PTE*                   pPageTableEntries;
    UINT                        StartIndex;
    UINT                        NumPageTableEntries;
    UINT                        Reserved0;
    DXGK_UPDATEPAGETABLEFLAGS   Flags;
    UINT64                      DriverProtection;
    UINT64                      AllocationOffsetInBytes;
    HANDLE                      hProcess;
    DXGK_PAGETABLEUPDATEMODE    UpdateMode;
    DXGK_PTE*                   pPageTableEntries64KB;
    D3DGPU_VIRTUAL_ADDRESS      FirstPteVirtualAddress;
} DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE;
#pragma pack(pop)

typedef struct _DXGKARGCB_MAPCONTEXTALLOCATION
{
    D3DGPU_VIRTUAL_ADDRESS                  BaseAddress;
    D3DGPU_VIRTUAL_ADDRESS                  MinimumAddress;
    D3DGPU_VIRTUAL_ADDRESS                  MaximumAddress;
    HANDLE                                  hAllocation;
    D3DGPU_SIZE_T                           OffsetInPages;
    D3DGPU_SIZE_T                           SizeInPages;
    D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
    UINT64                                  DriverProtection;
} DXGKARGCB_MAPCONTEXTALLOCATION;

C_ASSERT(FIELD_OFFSET(DXGKARGCB_MAPCONTEXTALLOCATION, OffsetInPages) == 32);
C_ASSERT(sizeof(DXGKARGCB_MAPCONTEXTALLOCATION) == 64);

typedef _In_ CONST DXGKARGCB_MAPCONTEXTALLOCATION*   IN_CONST_PDXGKARGCB_MAPCONTEXTALLOCATION;

typedef
    _Check_return_
    _Function_class_DXGK_(DXGKCB_MAPCONTEXTALLOCATION)
    _IRQL_requires_(PASSIVE_LEVEL)
D3DGPU_VIRTUAL_ADDRESS
(APIENTRY CALLBACK *DXGKCB_MAPCONTEXTALLOCATION)(
    IN_CONST_HANDLE                             hAdapter,
    IN_CONST_PDXGKARGCB_MAPCONTEXTALLOCATION    pArgs
    );

typedef struct _DXGKARGCB_UPDATECONTEXTALLOCATION
{
    HANDLE      hAllocation;
    PVOID       pPrivateDriverData;
    UINT        PrivateDriverDataSize;
} DXGKARGCB_UPDATECONTEXTALLOCATION;

typedef _In_ CONST DXGKARGCB_UPDATECONTEXTALLOCATION*   IN_CONST_PDXGKARGCB_UPDATECONTEXTALLOCATION;

typedef
    _Check_return_
    _Function_class_DXGK_(DXGKCB_UPDATECONTEXTALLOCATION)
    _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_UPDATECONTEXTALLOCATION)(
    IN_CONST_HANDLE                                 hAdapter,
    IN_CONST_PDXGKARGCB_UPDATECONTEXTALLOCATION     pArgs
    );

typedef struct _DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE
{
    HANDLE  hDxgkProcess;
    UINT64  SizeInBytes;
    UINT    Alignment;
    UINT64  StartVirtualAddress;    // out
    UINT64  BaseAddress;
    union
    {
        struct
        {
            UINT AllowUserModeMapping : 1;
        };
        UINT Flags;
    };
} DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE;

typedef _Inout_ DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE* INOUT_PDXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE;

typedef
    _Check_return_
    _Function_class_DXGK_(DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE)
    _IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
(APIENTRY CALLBACK *DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE)(
    IN_CONST_HANDLE                                 hAdapter,
    INOUT_PDXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE  pArgs
    );

//
// A helper for drivers: an inline function with a body (carries no layout).
//
FORCEINLINE
BOOLEAN
DxgkIsPteValidImitation(
    _In_ CONST DXGK_PTE* pPte
    )
{
    return (BOOLEAN)(pPte->Valid != 0);
}

#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_0

// ---- declared as in dxgk's subset (no deliberate difference) ----
typedef struct _DXGK_CREATEDEVICEFLAGS
{
    union
    {
        struct
        {
            UINT SystemDevice          : 1;
            UINT GdiDevice             : 1;
            UINT Reserved              : 29;
            UINT DXGK_DEVICE_RESERVED0 : 1;
        };
        UINT Value;
    };
} DXGK_CREATEDEVICEFLAGS;

typedef struct _DXGK_DEVICEINFO DXGK_DEVICEINFO;

typedef struct _DXGKARG_CREATEDEVICE
{
    HANDLE hDevice;
    union
    {
        DXGK_CREATEDEVICEFLAGS Flags;
        DXGK_DEVICEINFO       *pInfo;
    };
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    ULONG  Pasid;
    HANDLE hKmdProcess;
#endif
} DXGKARG_CREATEDEVICE;

typedef _Inout_ DXGKARG_CREATEDEVICE *INOUT_PDXGKARG_CREATEDEVICE;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATEDEVICE(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_CREATEDEVICE pCreateDevice);
typedef DXGKDDI_CREATEDEVICE *PDXGKDDI_CREATEDEVICE;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYDEVICE(IN_CONST_HANDLE hDevice);
typedef DXGKDDI_DESTROYDEVICE *PDXGKDDI_DESTROYDEVICE;

typedef struct _DXGK_CREATECONTEXTFLAGS
{
    union
    {
        struct
        {
            UINT SystemContext          : 1;
            UINT GdiContext             : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT VirtualAddressing      : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
            UINT SystemProtectedContext : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
            UINT HwQueueSupported       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
            UINT TestContext            : 1;
            UINT Reserved               : 26;
#else
            UINT Reserved               : 27;
#endif
#else
            UINT Reserved               : 28;
#endif
#else
            UINT Reserved               : 29;
#endif
#else
            UINT Reserved               : 30;
#endif
        };
        UINT Value;
    };
} DXGK_CREATECONTEXTFLAGS;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
typedef struct _DXGK_CONTEXTINFO_CAPS
{
    union
    {
        struct
        {
            UINT NoPatchingRequired     : 1;
            UINT DriverManagesResidency : 1;
            UINT UseIoMmu               : 1;
            UINT Reserved               : 29;
        };
        UINT Value;
    };
} DXGK_CONTEXTINFO_CAPS;
#endif

typedef struct _DXGK_CONTEXTINFO
{
    UINT DmaBufferSize;
    UINT DmaBufferSegmentSet;
    UINT DmaBufferPrivateDataSize;
    UINT AllocationListSize;
    UINT PatchLocationListSize;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7)
    UINT Reserved;
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGK_CONTEXTINFO_CAPS Caps;
    ULONG                 PagingCompanionNodeId;
#endif
} DXGK_CONTEXTINFO;

typedef struct _DXGKARG_CREATECONTEXT
{
    HANDLE                  hContext;
    UINT                    NodeOrdinal;
    UINT                    EngineAffinity;
    DXGK_CREATECONTEXTFLAGS Flags;
    VOID                   *pPrivateDriverData;
    UINT                    PrivateDriverDataSize;
    DXGK_CONTEXTINFO        ContextInfo;
} DXGKARG_CREATECONTEXT;

typedef _Inout_ DXGKARG_CREATECONTEXT *INOUT_PDXGKARG_CREATECONTEXT;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATECONTEXT(
    IN_CONST_HANDLE hDevice, INOUT_PDXGKARG_CREATECONTEXT pCreateContext);
typedef DXGKDDI_CREATECONTEXT *PDXGKDDI_CREATECONTEXT;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYCONTEXT(IN_CONST_HANDLE hContext);
typedef DXGKDDI_DESTROYCONTEXT *PDXGKDDI_DESTROYCONTEXT;

typedef enum _DXGK_QUERYADAPTERINFOTYPE
{
    DXGKQAITYPE_UMDRIVERPRIVATE    = 0,
    DXGKQAITYPE_DRIVERCAPS         = 1,
    DXGKQAITYPE_QUERYSEGMENT       = 2,
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    DXGKQAITYPE_QUERYSEGMENT3      = 5,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGKQAITYPE_QUERYSEGMENT4      = 11,
    DXGKQAITYPE_SEGMENTMEMORYSTATE = 12,
    DXGKQAITYPE_GPUMMUCAPS         = 13,
    DXGKQAITYPE_PAGETABLELEVELDESC = 14,
#endif
} DXGK_QUERYADAPTERINFOTYPE;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef struct _DXGK_QUERYADAPTERINFOFLAGS
{
    union
    {
        struct
        {
            UINT VirtualMachineData   : 1;
            UINT SecureVirtualMachine : 1;
            UINT Reserved             : 30;
        };
        UINT Value;
    };
} DXGK_QUERYADAPTERINFOFLAGS;
#endif

typedef struct _DXGKARG_QUERYADAPTERINFO
{
    DXGK_QUERYADAPTERINFOTYPE  Type;
    VOID                      *pInputData;
    UINT                       InputDataSize;
    VOID                      *pOutputData;
    UINT                       OutputDataSize;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    DXGK_QUERYADAPTERINFOFLAGS Flags;
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    HANDLE                     hKmdProcessHandle;
#endif
} DXGKARG_QUERYADAPTERINFO;

typedef _In_ CONST DXGKARG_QUERYADAPTERINFO *IN_CONST_PDXGKARG_QUERYADAPTERINFO;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_QUERYADAPTERINFO(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARG_QUERYADAPTERINFO pQueryAdapterInfo);
typedef DXGKDDI_QUERYADAPTERINFO *PDXGKDDI_QUERYADAPTERINFO;

typedef struct _DXGK_SEGMENTFLAGS
{
    union
    {
        struct
        {
            UINT Aperture                          : 1;
            UINT Agp                               : 1;
            UINT CpuVisible                        : 1;
            UINT UseBanking                        : 1;
            UINT CacheCoherent                     : 1;
            UINT PitchAlignment                    : 1;
            UINT PopulatedFromSystemMemory         : 1;
            UINT PreservedDuringStandby            : 1;
            UINT PreservedDuringHibernate          : 1;
            UINT PartiallyPreservedDuringHibernate : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
            UINT DirectFlip                        : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT Use64KBPages                      : 1;
            UINT ReservedSysMem                    : 1;
            UINT SupportsCpuHostAperture           : 1;
            UINT SupportsCachedCpuHostAperture     : 1;
            UINT ApplicationTarget                 : 1;
            UINT VprSupported                      : 1;
            UINT VprPreservedDuringStandby         : 1;
            UINT EncryptedPagingSupported          : 1;
            UINT LocalBudgetGroup                  : 1;
            UINT NonLocalBudgetGroup               : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
            UINT PopulatedByReservedDDRByFirmware  : 1;
            UINT Reserved                          : 10;
#else
            UINT Reserved                          : 11;
#endif
#else
            UINT Reserved                          : 21;
#endif
#else
            UINT Reserved                          : 22;
#endif
        };
        UINT Value;
    };
} DXGK_SEGMENTFLAGS;

typedef struct _DXGK_DESTROYALLOCATIONFLAGS
{
    union
    {
        struct
        {
            UINT DestroyResource : 1;
            UINT Reserved        : 31;
        };
        UINT Value;
    };
} DXGK_DESTROYALLOCATIONFLAGS;

typedef struct _DXGKARG_DESTROYALLOCATION
{
    UINT                        NumAllocations;
    CONST HANDLE               *pAllocationList;
    HANDLE                      hResource;
    DXGK_DESTROYALLOCATIONFLAGS Flags;
} DXGKARG_DESTROYALLOCATION;

typedef _In_ CONST DXGKARG_DESTROYALLOCATION *IN_CONST_PDXGKARG_DESTROYALLOCATION;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYALLOCATION(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARG_DESTROYALLOCATION pDestroyAllocation);
typedef DXGKDDI_DESTROYALLOCATION *PDXGKDDI_DESTROYALLOCATION;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

typedef struct _DXGK_CPUHOSTAPERTURE
{
    UINT64 PhysicalAddress;
    UINT32 SizeInPages;
} DXGK_CPUHOSTAPERTURE;

typedef struct _DXGK_SEGMENTDESCRIPTOR4
{
    DXGK_SEGMENTFLAGS Flags;
    PHYSICAL_ADDRESS  BaseAddress;
    SIZE_T            Size;
    SIZE_T            CommitLimit;
    SIZE_T            SystemMemoryEndAddress;
    union
    {
        PHYSICAL_ADDRESS     CpuTranslatedAddress;
        DXGK_CPUHOSTAPERTURE CpuHostAperture;
    };
    UINT              NumInvalidMemoryRanges;
    SIZE_T            VprRangeStartOffset;
    SIZE_T            VprRangeSize;
    UINT              VprAlignment;
    UINT              NumVprSupported;
    UINT              VprReserveSize;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    UINT              NumUEFIFrameBufferRanges;
#endif
} DXGK_SEGMENTDESCRIPTOR4;

typedef struct _DXGK_QUERYSEGMENTOUT4
{
    UINT   NbSegment;
    BYTE  *pSegmentDescriptor;
    UINT   PagingBufferSegmentId;
    UINT   PagingBufferSize;
    UINT   PagingBufferPrivateDataSize;
    SIZE_T SegmentDescriptorStride;
} DXGK_QUERYSEGMENTOUT4;

typedef struct _DXGK_BUILDPAGINGBUFFER_FLUSHTLB
{
    D3DGPU_PHYSICAL_ADDRESS RootPageTableAddress;
    HANDLE                  hProcess;
    D3DGPU_VIRTUAL_ADDRESS  StartVirtualAddress;
    D3DGPU_VIRTUAL_ADDRESS  EndVirtualAddress;
} DXGK_BUILDPAGINGBUFFER_FLUSHTLB;

typedef struct _DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY
{
    HANDLE                  hAllocation;
    D3DGPU_PHYSICAL_ADDRESS PhysicalAddress;
    union
    {
        UINT Resident : 1;
        UINT Reserved : 31;
    };
} DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY;

typedef struct _DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION
{
    D3DGPU_VIRTUAL_ADDRESS ContextAllocation;
    UINT64                 ContextAllocationSize;
    PVOID                  pDriverPrivateData;
    UINT                   DriverPrivateDataSize;
} DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION;

typedef struct _DXGKARG_SETROOTPAGETABLE
{
    HANDLE                  hContext;
    D3DGPU_PHYSICAL_ADDRESS Address;
    UINT                    NumEntries;
} DXGKARG_SETROOTPAGETABLE;

typedef _In_ CONST DXGKARG_SETROOTPAGETABLE *IN_CONST_PDXGKARG_SETROOTPAGETABLE;

typedef VOID APIENTRY DXGKDDI_SETROOTPAGETABLE(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARG_SETROOTPAGETABLE pSetPageTable);
typedef DXGKDDI_SETROOTPAGETABLE *PDXGKDDI_SETROOTPAGETABLE;

typedef struct _DXGKARG_GETROOTPAGETABLESIZE
{
    UINT NumberOfPte;
    UINT PhysicalAdapterIndex;
} DXGKARG_GETROOTPAGETABLESIZE;

typedef _Inout_ DXGKARG_GETROOTPAGETABLESIZE *INOUT_PDXGKARG_GETROOTPAGETABLESIZE;

typedef SIZE_T APIENTRY DXGKDDI_GETROOTPAGETABLESIZE(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_GETROOTPAGETABLESIZE pArgs);
typedef DXGKDDI_GETROOTPAGETABLESIZE *PDXGKDDI_GETROOTPAGETABLESIZE;

typedef struct _DXGK_CREATEPROCESSFLAGS
{
    union
    {
        struct
        {
            UINT SystemProcess               : 1;
            UINT GdiProcess                  : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
            UINT VirtualMachineProcess       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
            UINT VirtualMachineWorkerProcess : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
            UINT SessionIsolatedContainer    : 1;
            UINT Reserved                    : 27;
#else
            UINT Reserved                    : 28;
#endif
#else
            UINT Reserved                    : 29;
#endif
#else
            UINT Reserved                    : 30;
#endif
        };
        UINT Value;
    };
} DXGK_CREATEPROCESSFLAGS;

typedef struct _DXGKARG_CREATEPROCESS
{
    HANDLE                  hDxgkProcess;
    HANDLE                  hKmdProcess;
    DXGK_CREATEPROCESSFLAGS Flags;
    UINT                    NumPasid;
    _Field_size_(NumPasid)
    ULONG                  *pPasid;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    HANDLE                  hKmdVmWorkerProcess;
    UINT                    ProcessNameLength;
    _Field_size_(ProcessNameLength)
    WCHAR                  *pProcessName;
#endif
} DXGKARG_CREATEPROCESS;

typedef _Inout_ DXGKARG_CREATEPROCESS *INOUT_PDXGKARG_CREATEPROCESS;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATEPROCESS(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_CREATEPROCESS pArgs);
typedef DXGKDDI_CREATEPROCESS *PDXGKDDI_CREATEPROCESS;

typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYPROCESS(
    IN_CONST_HANDLE hAdapter, IN_CONST_HANDLE hKmdProcess);
typedef DXGKDDI_DESTROYPROCESS *PDXGKDDI_DESTROYPROCESS;

#endif


// ---- SPEC 10 declarations, as in dxgk's subset (shared with sdk_diff) ----
#include "d3dkmddi_spec10.h"

#pragma warning(pop)

#endif /* WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP) */
#pragma endregion

#endif // _D3DKMDDI_H_
