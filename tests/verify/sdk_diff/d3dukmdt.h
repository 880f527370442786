/******************************Module*Header************************************\
*
* Module Name: d3dukmdt.h
*
* Content: imitation with DELIBERATE DIFFERENCES (see the DIFF n comments), written for dxgk's tests, of the WDDM user/kernel shared
*          type header: same spellings and layout conventions as the SDK file
*          (SAL, version guards, the non-Windows D3DKMT_ALIGN64 branch, pragma
*          regions), content reduced to what dxgk's subset declares plus a few
*          neighbours.
*
\*******************************************************************************/
#ifndef _D3DUKMDT_H_
#define _D3DUKMDT_H_
#include <winapifamily.h>

#pragma region Desktop Family
#if WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP)

#if !defined(_D3DKMDT_H)       && \
    !defined(_D3DKMTHK_H_)     && \
    !defined(_D3DUMDDI_H_)
   #error This header should not be included directly!
#endif

#pragma warning(push)
#pragma warning(disable:4201) // anonymous unions warning
#pragma warning(disable:4214) // nonstandard extension used: bit field types other than int

//
// WDDM DDI interface versions
//
#define DXGKDDI_INTERFACE_VERSION_VISTA      0x1052
#define DXGKDDI_INTERFACE_VERSION_VISTA_SP1  0x1053
#define DXGKDDI_INTERFACE_VERSION_WIN7       0x2005
#define DXGKDDI_INTERFACE_VERSION_WIN8       0x300E
#define DXGKDDI_INTERFACE_VERSION_WDDM1_3    0x4002
#define DXGKDDI_INTERFACE_VERSION_WDDM1_3_PATH_INDEPENDENT_ROTATION  0x4003
#define DXGKDDI_INTERFACE_VERSION_WDDM2_0    0x5023
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1    0x6003
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1_5  0x6010
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1_6  0x6011
#define DXGKDDI_INTERFACE_VERSION_WDDM2_2    0x700A
#define DXGKDDI_INTERFACE_VERSION_WDDM2_3    0x8001
#define DXGKDDI_INTERFACE_VERSION_WDDM2_4    0x9006
#define DXGKDDI_INTERFACE_VERSION_WDDM2_5    0xA00B
#define DXGKDDI_INTERFACE_VERSION_WDDM2_6    0xB004
#define DXGKDDI_INTERFACE_VERSION_WDDM2_7    0xC004
#define DXGKDDI_INTERFACE_VERSION_WDDM2_8    0xD001
#define DXGKDDI_INTERFACE_VERSION_WDDM2_9    0xE003
#define DXGKDDI_INTERFACE_VERSION_WDDM3_0    0xF003
#define DXGKDDI_INTERFACE_VERSION_WDDM3_1    0x10004
#define DXGKDDI_INTERFACE_VERSION_WDDM3_2    0x11007

#define IS_OFFICIAL_DDI_INTERFACE_VERSION(version)              \
            (((version) == DXGKDDI_INTERFACE_VERSION_WDDM2_0) || \
             ((version) == DXGKDDI_INTERFACE_VERSION_WDDM3_2))

#if !defined(DXGKDDI_INTERFACE_VERSION)
#define DXGKDDI_INTERFACE_VERSION           DXGKDDI_INTERFACE_VERSION_WDDM3_2
#endif // !defined(DXGKDDI_INTERFACE_VERSION)

#define D3D_UMD_INTERFACE_VERSION_VISTA         0x000C
#define D3D_UMD_INTERFACE_VERSION_WIN7          0x2003
#define D3D_UMD_INTERFACE_VERSION_WIN8          0x3004
#define D3D_UMD_INTERFACE_VERSION_WDDM1_3       0x4002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_0_M1    0x5000
#define D3D_UMD_INTERFACE_VERSION_WDDM2_0       0x5002
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1_4     0x6003
#define D3D_UMD_INTERFACE_VERSION_WDDM2_1       D3D_UMD_INTERFACE_VERSION_WDDM2_1_4
#define D3D_UMD_INTERFACE_VERSION_WDDM3_2_1     0x11000
#define D3D_UMD_INTERFACE_VERSION_WDDM3_2       D3D_UMD_INTERFACE_VERSION_WDDM3_2_1

#if !defined(D3D_UMD_INTERFACE_VERSION)
#define D3D_UMD_INTERFACE_VERSION           D3D_UMD_INTERFACE_VERSION_WDDM3_2
#endif // !defined(D3D_UMD_INTERFACE_VERSION)

//
// Non-Windows builds fill out fixed-size, x64-compatible structures; on Windows these
// helpers add nothing (the thunking layer translates).
//
#ifdef _WIN32
#define D3DKMT_ALIGN64
#define D3DKMT_PTR_HELPER(Name)
#define D3DKMT_PTR(Type, Name) Type Name
#define D3DKMT_PTR_INIT(x) (x)
typedef SIZE_T D3DKMT_SIZE_T;
typedef UINT_PTR D3DKMT_UINT_PTR;
typedef ULONG_PTR D3DKMT_ULONG_PTR;
typedef HANDLE D3DKMT_PTR_TYPE;
#else
#if __cplusplus >= 201103L
 #define D3DKMT_ALIGN64 alignas(8)
#else
 #define D3DKMT_ALIGN64 __attribute__((aligned(8)))
#endif
#define D3DKMT_PTR_HELPER(Name) D3DKMT_ALIGN64 UINT64 Name;
#define D3DKMT_PTR(Type, Name)       \
union D3DKMT_ALIGN64                 \
{                                    \
    D3DKMT_PTR_HELPER(Name##_Align)  \
    Type Name;                       \
}
#define D3DKMT_PTR_INIT(x) { (UINT64)(SIZE_T)(x) }
typedef UINT64 D3DKMT_SIZE_T, D3DKMT_UINT_PTR, D3DKMT_ULONG_PTR;
typedef union _D3DKMT_PTR_TYPE
{
    D3DKMT_PTR_HELPER(Ptr_Align);
    HANDLE Ptr;
} D3DKMT_PTR_TYPE;
#endif

//
// Vista and later, and multiplatform tools.
//
#if (NTDDI_VERSION >= NTDDI_LONGHORN) || defined(D3DKMDT_SPECIAL_MULTIPLATFORM_TOOL)

typedef ULONGLONG D3DGPU_VIRTUAL_ADDRESS;
typedef ULONGLONG D3DGPU_SIZE_T;
#define D3DGPU_UNIQUE_DRIVER_PROTECTION 0x8000000000000000ULL

#define DXGK_MAX_PAGE_TABLE_LEVEL_COUNT 6
#define DXGK_MIN_PAGE_TABLE_LEVEL_COUNT 2

#define IOCTL_GPUP_DRIVER_ESCAPE CTL_CODE(FILE_DEVICE_UNKNOWN, (8 + 0x910), METHOD_BUFFERED, FILE_READ_DATA)
typedef struct _GPUP_DRIVER_ESCAPE_INPUT
{
    LUID        vfLUID;     // LUID handed out when the partition was set up
} GPUP_DRIVER_ESCAPE_INPUT, *PGPUP_DRIVER_ESCAPE_INPUT;

typedef enum _DXGK_PTE_PAGE_SIZE
{
    DXGK_PTE_PAGE_TABLE_PAGE_4KB       = 0,
    DXGK_PTE_PAGE_TABLE_PAGE_64KB      = 1,
} DXGK_PTE_PAGE_SIZE;

//
// One GpuMmu page table entry: 64 flag bits, then a physical address.
//
typedef struct _DXGK_PTE
{
    union
    {
        struct
        {
            ULONGLONG Valid                 :  1;
            ULONGLONG Zero                  :  1;
            ULONGLONG CacheCoherent         :  1;
            ULONGLONG ReadOnly              :  1;
            ULONGLONG NoExecute             :  1;
            ULONGLONG Segment               :  5;
            ULONGLONG LargePage             :  1;
            ULONGLONG PhysicalAdapterIndex  :  5;   /* DIFF 7: 5 bits, not 6 ... */
            ULONGLONG PageTablePageSize     :  2;   // DXGK_PTE_PAGE_SIZE
            ULONGLONG SystemReserved0       :  2;   /* ... and 2 here, not 1 */
            ULONGLONG Reserved              : 44;
        };
        ULONGLONG Flags;
    };
    union
    {
        ULONGLONG PageAddress;      // leaf level: the page
        ULONGLONG PageTableAddress; // upper levels: the next table
    };
} DXGK_PTE;

C_ASSERT(sizeof(DXGK_PTE) == 16);

#define D3DGPU_NULL 0
#define D3DDDI_MAX_WRITTEN_PRIMARIES 16

/* DIFF 9: packed to 4 bytes (and no DECLSPEC_ALIGN): alignment 4 instead of 8. */
#include <pshpack4.h>
typedef struct _D3DGPU_PHYSICAL_ADDRESS
{
    UINT    SegmentId;
    UINT    Padding;
    UINT64  SegmentOffset;
} D3DGPU_PHYSICAL_ADDRESS;
#include <poppack.h>

typedef UINT  D3DDDI_VIDEO_PRESENT_SOURCE_ID;
typedef UINT  D3DDDI_VIDEO_PRESENT_TARGET_ID;

//
// DDI level handle of a kernel mode object (allocation, device, ...).
//
typedef UINT D3DKMT_HANDLE;

typedef struct _D3DDDI_RATIONAL
{
    UINT    Numerator;
    UINT    Denominator;
} D3DDDI_RATIONAL;

typedef struct _D3DDDI_ALLOCATIONINFO
{
    D3DKMT_HANDLE                   hAllocation;           // out
    D3DKMT_PTR(CONST VOID*,         pSystemMem);           // in: pre-allocated sysmem
    D3DKMT_PTR(VOID*,               pPrivateDriverData);   // in (out optional)
    UINT                            PrivateDriverDataSize; // in
    D3DDDI_VIDEO_PRESENT_SOURCE_ID  VidPnSourceId;         // in: primaries only
    union
    {
        struct
        {
            UINT    Primary         : 1;    // 0x00000001
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN8))
            UINT    Stereo          : 1;    // 0x00000002
            UINT    Reserved        :30;    // 0xFFFFFFFC
#else
            UINT    Reserved        :31;    // 0xFFFFFFFE
#endif
        };
        UINT        Value;
    } Flags;
} D3DDDI_ALLOCATIONINFO;

#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN7))

typedef struct _D3DDDI_ALLOCATIONINFO2
{
    D3DKMT_HANDLE                   hAllocation;           // out
    union D3DKMT_ALIGN64
    {
        D3DKMT_PTR_HELPER(pSystemMem_hSection_Align)
        HANDLE                      hSection;              // in: a section object
        CONST VOID*                 pSystemMem;            // in: pre-allocated sysmem
    };
    D3DKMT_PTR(VOID*,               pPrivateDriverData);   // in (out optional)
    UINT                            PrivateDriverDataSize; // in
    D3DDDI_VIDEO_PRESENT_SOURCE_ID  VidPnSourceId;         // in: primaries only
    union
    {
        struct
        {
            UINT    Primary          : 1;    // 0x00000001
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN8))
            UINT    Stereo           : 1;    // 0x00000002
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_2))
            UINT    OverridePriority : 1;    // 0x00000004
            UINT    Reserved         : 29;
#else
            UINT    Reserved         : 30;
#endif
#else
            UINT    Reserved         : 31;
#endif
        };
        UINT        Value;
    } Flags;
    D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS GpuVirtualAddress;    // out
#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_2))
    union
    {
        UINT                        Priority;              // in
        D3DKMT_ALIGN64 ULONG_PTR    Unused;
    };
    D3DKMT_ALIGN64 ULONG_PTR        Reserved[5];
#else
    D3DKMT_ALIGN64 ULONG_PTR        Reserved[6];
#endif
} D3DDDI_ALLOCATIONINFO2;

#endif

typedef struct _D3DDDICB_DESTROYALLOCATION2FLAGS
{
    union
    {
        struct
        {
            UINT    AssumeNotInUse      :  1;    // 0x00000001
            UINT    SynchronousDestroy  :  1;    // 0x00000002
            UINT    Reserved            : 29;
            UINT    SystemUseOnly       :  1;    // 0x80000000: never set by a UMD
        };
        UINT        Value;
    };
} D3DDDICB_DESTROYALLOCATION2FLAGS;

typedef struct _D3DDDI_SEGMENTPREFERENCE
{
    union
    {
        struct
        {
            UINT SegmentId0 : 5;                // 0x0000001F
            UINT Direction0 : 1;                // 0x00000020
            UINT SegmentId1 : 5;                // 0x000007C0
            UINT Direction1 : 1;                // 0x00000800
            UINT SegmentId2 : 5;                // 0x0001F000
            UINT Direction2 : 1;                // 0x00020000
            UINT SegmentId3 : 5;                // 0x007C0000
            UINT Direction3 : 1;                // 0x00800000
            UINT SegmentId4 : 5;                // 0x1F000000
            UINT Direction4 : 1;                // 0x20000000
            UINT Reserved   : 2;                // 0xC0000000
        };
        UINT Value;
    };
} D3DDDI_SEGMENTPREFERENCE;

typedef enum _D3DDDIFORMAT
{
    D3DDDIFMT_UNKNOWN           =  0,
    D3DDDIFMT_A8R8G8B8          = 21,
    D3DDDIFMT_X8R8G8B8          = 22,
    D3DDDIFMT_UYVY              = MAKEFOURCC('U', 'Y', 'V', 'Y'),
    D3DDDIFMT_YUY2              = MAKEFOURCC('Y', 'U', 'Y', '2'),
    D3DDDIFMT_DXVACOMPBUFFER_BASE     = 150,
    D3DDDIFMT_PICTUREPARAMSDATA       = D3DDDIFMT_DXVACOMPBUFFER_BASE+0,
    D3DDDIFMT_MACROBLOCKDATA          = D3DDDIFMT_DXVACOMPBUFFER_BASE+1,
    D3DDDIFMT_FORCE_UINT        = 0x7fffffff
} D3DDDIFORMAT;

typedef struct D3DDDI_DXGI_RGB
{
    float   Red;
    float   Green;
    float   Blue;
} D3DDDI_DXGI_RGB;

typedef struct _D3DDDI_GAMMA_RAMP_DXGI_1
{
    D3DDDI_DXGI_RGB    Scale;
    D3DDDI_DXGI_RGB    Offset;
    D3DDDI_DXGI_RGB    GammaCurve[1025];
} D3DDDI_GAMMA_RAMP_DXGI_1;

typedef struct _D3DDDI_QUERYREGISTRY_INFO_IMITATION
{
    UINT        QueryType;
    WCHAR       ValueName[MAX_PATH];
    ULONG       ValueType;
    union {
        DWORD   OutputDword;
        D3DKMT_ALIGN64 UINT64  OutputQword;
        WCHAR   OutputString[1];
    };
} D3DDDI_QUERYREGISTRY_INFO_IMITATION;

#if ((DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0) || \
     (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0))

typedef struct _D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE
{
    union
    {
        struct
        {
            UINT64 Write            : 1;
            UINT64 Execute          : 1;
            UINT64 Zero             : 1;
            UINT64 NoAccess         : 1;
            UINT64 SystemUseOnly    : 1;    // Should not be set by the UMD
            UINT64 Reserved         : 59;
        };
        D3DKMT_ALIGN64 UINT64 Value;
    };
} D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE;

typedef enum _D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE
{
   D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP               = 0,
   D3DDDI_UPDATEGPUVIRTUALADDRESS_UNMAP             = 1,
   D3DDDI_UPDATEGPUVIRTUALADDRESS_COPY              = 2,
   D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP_PROTECT       = 3,
} D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE;

typedef struct _D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION
{
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION_TYPE OperationType;
    union
    {
        struct
        {
            D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS  BaseAddress;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           SizeInBytes;
            D3DKMT_HANDLE                          hAllocation;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           AllocationOffsetInBytes;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           AllocationSizeInBytes;
        } Map;
        struct
        {
            D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS  BaseAddress;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           SizeInBytes;
            D3DKMT_HANDLE                          hAllocation;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           AllocationOffsetInBytes;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           AllocationSizeInBytes;
            D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
            D3DKMT_ALIGN64 UINT64                  DriverProtection;
        } MapProtect;
        struct
        {
            D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS  BaseAddress;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           SizeInBytes;
            D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
        } Unmap;    // also UNMAP with NoAccess / Zero protection
        struct
        {
            D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS  SourceAddress;
            D3DKMT_ALIGN64 D3DGPU_SIZE_T           SizeInBytes;
            D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS  DestAddress;
        } Copy;
    };
} D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION;

typedef enum _D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE
{
    D3DDDIGPUVIRTUALADDRESS_RESERVE_NO_ACCESS  = 0,
    D3DDDIGPUVIRTUALADDRESS_RESERVE_ZERO       = 1,
    D3DDDIGPUVIRTUALADDRESS_RESERVE_NO_COMMIT  = 2      // system use
} D3DDDIGPUVIRTUALADDRESS_RESERVATION_TYPE;

typedef struct D3DDDI_MAPGPUVIRTUALADDRESS
{
    D3DKMT_HANDLE                   hPagingQueue;                   // in
    D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS BaseAddress;              // in_opt
    D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS MinimumAddress;           // in_opt
    D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS MaximumAddress;           // in_opt
    HANDLE                          hAllocation;                    // in  /* DIFF 11: HANDLE */
    D3DKMT_ALIGN64 D3DGPU_SIZE_T    OffsetInPages;                  // in: 4 KB pages
    D3DKMT_ALIGN64 D3DGPU_SIZE_T    SizeInPages;                    // in: 4 KB pages
    D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE    Protection;          // in
    D3DKMT_ALIGN64 UINT64           DriverProtection;               // in
    UINT                            Reserved0;                      // in
    D3DKMT_ALIGN64 UINT64           Reserved1;                      // in
    D3DKMT_ALIGN64 D3DGPU_VIRTUAL_ADDRESS VirtualAddress;           // out
    D3DKMT_ALIGN64 UINT64           PagingFenceValue;               // out
} D3DDDI_MAPGPUVIRTUALADDRESS;

/* DIFF 8: no D3DDDI_RESERVEGPUVIRTUALADDRESS in this SDK. */

typedef enum D3DDDI_PAGINGQUEUE_PRIORITY
{
    D3DDDI_PAGINGQUEUE_PRIORITY_BELOW_NORMAL = -1,
    D3DDDI_PAGINGQUEUE_PRIORITY_NORMAL = 0,
    D3DDDI_PAGINGQUEUE_PRIORITY_ABOVE_NORMAL = 1,
} D3DDDI_PAGINGQUEUE_PRIORITY;

typedef struct D3DDDI_DESTROYPAGINGQUEUE
{
    D3DKMT_HANDLE           hPagingQueue;   // in: the queue to destroy
} D3DDDI_DESTROYPAGINGQUEUE;

#endif // (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0) || UMD

#endif // (NTDDI_VERSION >= NTDDI_LONGHORN) || defined(D3DKMDT_SPECIAL_MULTIPLATFORM_TOOL)

#pragma warning(pop)

#endif /* WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP) */
#pragma endregion

#endif /* _D3DUKMDT_H_ */
