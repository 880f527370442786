/*
 * dxgk_sdk_base.h -- what the rest of the Windows SDK / WDK supplies to the display
 * headers, for `python -m dxgk verify-header`.
 *
 * The real display headers (d3dukmdt.h, d3dkmdt.h, d3dkmddi.h, d3dumddi.h,
 * dispmprt.h) are parsed as they are; everything they take from windows.h, ntddk.h,
 * wdm.h, video.h, sal.h ... is declared here instead, so that dxgk never has to parse
 * the whole Win32 / kernel API. Every other stand-in header in this folder
 * (windows.h, wdm.h, winapifamily.h, ...) just includes this file, and dxgk's
 * preprocessor always prefers those stand-ins to the SDK's own copies.
 *
 * What must stay true: every type here that a display structure can hold BY VALUE has
 * exactly its Windows size and alignment on x86, x64 and ARM64 (LLP64: long is 32
 * bits; ULONG_PTR follows the pointer). Kernel objects that the display headers only
 * point to (DEVICE_OBJECT, MDL, KEVENT, ...) are incomplete structs: a pointer to them
 * lays out, a by-value use fails loudly instead of guessing.
 *
 * SAL annotations are not listed: dxgk strips every `_Xxx_` / `__drv_xxx` annotation
 * (with its arguments) after preprocessing.
 */
#ifndef DXGK_SDK_BASE_H
#define DXGK_SDK_BASE_H

/* ---- compiler identity: dxgk plays MSVC parsing C ------------------------------- */
#ifndef _MSC_VER
#define _MSC_VER 1930
#endif
#ifndef _MSC_FULL_VER
#define _MSC_FULL_VER 193000000
#endif
#define _MSC_EXTENSIONS 1
#define _INTEGRAL_MAX_BITS 64

/* ---- target OS version: the newest, unless -D says otherwise --------------------- */
#define NTDDI_WIN2K          0x05000000
#define NTDDI_WINXP          0x05010000
#define NTDDI_WS03           0x05020000
#define NTDDI_WIN6           0x06000000
#define NTDDI_VISTA          0x06000000
#define NTDDI_LONGHORN       NTDDI_VISTA
#define NTDDI_WS08           0x06000100
#define NTDDI_WIN7           0x06010000
#define NTDDI_WIN8           0x06020000
#define NTDDI_WINBLUE        0x06030000
#define NTDDI_WINTHRESHOLD   0x0A000000
#define NTDDI_WIN10          0x0A000000
#define NTDDI_WIN10_TH2      0x0A000001
#define NTDDI_WIN10_RS1      0x0A000002
#define NTDDI_WIN10_RS2      0x0A000003
#define NTDDI_WIN10_RS3      0x0A000004
#define NTDDI_WIN10_RS4      0x0A000005
#define NTDDI_WIN10_RS5      0x0A000006
#define NTDDI_WIN10_19H1     0x0A000007
#define NTDDI_WIN10_VB       0x0A000008
#define NTDDI_WIN10_MN       0x0A000009
#define NTDDI_WIN10_FE       0x0A00000A
#define NTDDI_WIN10_CO       0x0A00000B
#define NTDDI_WIN10_NI       0x0A00000C
#define NTDDI_WIN10_CU       0x0A00000D
#define NTDDI_WIN11_ZN       0x0A00000E
#define NTDDI_WIN11_GA       0x0A00000F
#define NTDDI_WIN11_GE       0x0A000010
#define NTDDI_WIN11_DT       0x0A000011
#ifndef NTDDI_VERSION
#define NTDDI_VERSION        0x0A0000FF
#endif
#define _WIN32_WINNT_WIN7    0x0601
#define _WIN32_WINNT_WIN8    0x0602
#define _WIN32_WINNT_WINBLUE 0x0603
#define _WIN32_WINNT_WIN10   0x0A00
#ifndef _WIN32_WINNT
#define _WIN32_WINNT         0x0A00
#endif
#ifndef WINVER
#define WINVER               0x0A00
#endif
#ifndef _WIN32_IE
#define _WIN32_IE            0x0A00
#endif

/* ---- winapifamily.h: every partition is in ------------------------------------- */
#define WINAPI_FAMILY_PC_APP       2
#define WINAPI_FAMILY_PHONE_APP    3
#define WINAPI_FAMILY_SYSTEM       4
#define WINAPI_FAMILY_SERVER       5
#define WINAPI_FAMILY_GAMES        6
#define WINAPI_FAMILY_DESKTOP_APP  100
#define WINAPI_FAMILY_APP          WINAPI_FAMILY_PC_APP
#ifndef WINAPI_FAMILY
#define WINAPI_FAMILY              WINAPI_FAMILY_DESKTOP_APP
#endif
#define WINAPI_PARTITION_DESKTOP   1
#define WINAPI_PARTITION_APP       1
#define WINAPI_PARTITION_PC_APP    1
#define WINAPI_PARTITION_PHONE_APP 1
#define WINAPI_PARTITION_SYSTEM    1
#define WINAPI_PARTITION_SERVER    1
#define WINAPI_PARTITION_GAMES     1
#define WINAPI_PARTITION_PHONE     1
#define WINAPI_FAMILY_PARTITION(Partitions) (Partitions)
#define WINAPI_FAMILY_ONE_PARTITION(PartitionSet, Partition) 1

/* ---- keywords and decorations that carry no layout ------------------------------ */
#define CONST const
#define VOID void
#define IN
#define OUT
#define OPTIONAL
#define FAR
#define NEAR
#define far
#define near
#define PASCAL
#define WINAPI
#define WINAPIV
#define APIENTRY
#define APIPRIVATE
#define CALLBACK
#define NTAPI
#define NTAPI_INLINE
#define STDMETHODCALLTYPE
#define STDAPICALLTYPE
#define __RPC_FAR
#define __RPC_API
#define __RPC_USER
#define RESTRICTED_POINTER
#define UNALIGNED
#define UNALIGNED64
#define _W64
#define __w64
#define POINTER_32
#define POINTER_64
#define POINTER_SIGNED
#define POINTER_UNSIGNED
#define SPOINTER_32
#define UPOINTER_32
#define FORCEINLINE __forceinline
#define CFORCEINLINE __forceinline
#define NTKERNELAPI
#define NTHALAPI
#define NTSYSAPI
#define NTSYSCALLAPI
#define NTSTRSAFEDDI
#define WINBASEAPI
#define WINADVAPI
#define WINGDIAPI
#define WINUSERAPI
#define DECLSPEC_IMPORT
#define DECLSPEC_EXPORT
#define DECLSPEC_NORETURN
#define DECLSPEC_NOTHROW
#define DECLSPEC_SELECTANY
#define DECLSPEC_NOINLINE
#define DECLSPEC_NOVTABLE
#define DECLSPEC_DEPRECATED
#define DECLSPEC_DEPRECATED_DDK
#define DECLSPEC_UUID(x)
#define DECLSPEC_ALIGN(x) __declspec(align(x))
#if defined(_M_ARM64)
#define SYSTEM_CACHE_ALIGNMENT_SIZE 128
#else
#define SYSTEM_CACHE_ALIGNMENT_SIZE 64
#endif
#define DECLSPEC_CACHEALIGN DECLSPEC_ALIGN(SYSTEM_CACHE_ALIGNMENT_SIZE)
#if defined(_WIN64)
#define POINTER_ALIGNMENT DECLSPEC_ALIGN(8)
#else
#define POINTER_ALIGNMENT
#endif
#define MEMORY_ALLOCATION_ALIGNMENT 16
#define __kernel_entry
#define __extension__
#define EXTERN_C extern
#define EXTERN_C_START
#define EXTERN_C_END
#define DUMMYUNIONNAME
#define DUMMYUNIONNAME2
#define DUMMYUNIONNAME3
#define DUMMYUNIONNAME4
#define DUMMYUNIONNAME5
#define DUMMYUNIONNAME6
#define DUMMYUNIONNAME7
#define DUMMYUNIONNAME8
#define DUMMYUNIONNAME9
#define DUMMYSTRUCTNAME
#define DUMMYSTRUCTNAME2
#define DUMMYSTRUCTNAME3
#define DUMMYSTRUCTNAME4
#define DUMMYSTRUCTNAME5
#define DEFINE_ENUM_FLAG_OPERATORS(ENUMTYPE)
#define UNREFERENCED_PARAMETER(P) (P)

/* ---- compile-time checks: kept as C11 static assertions (dxgk checks them) ------- */
#define C_ASSERT(e) _Static_assert(e, "C_ASSERT")
#define static_assert _Static_assert
#define FIELD_OFFSET(type, field) offsetof(type, field)
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#define RTL_SIZEOF_THROUGH_FIELD(type, field) (FIELD_OFFSET(type, field) + RTL_FIELD_SIZE(type, field))
#define RTL_NUMBER_OF(A) (sizeof(A) / sizeof((A)[0]))
#define ARRAYSIZE(A) RTL_NUMBER_OF(A)
#define TYPE_ALIGNMENT(t) _Alignof(t)

/* ---- limits used in array bounds and enum values --------------------------------- */
#define ANYSIZE_ARRAY 1
#define MAX_PATH 260
#define MAXUCHAR  0xff
#define MAXUSHORT 0xffff
#define MAXULONG  0xffffffff
#define MAXLONG   0x7fffffff
#define MINLONG   (~MAXLONG)
#define MAXUINT   ((UINT)~((UINT)0))
#define MAXINT    ((INT)(MAXUINT >> 1))
#define MAXUINT8  ((UINT8)~((UINT8)0))
#define MAXUINT16 ((UINT16)~((UINT16)0))
#define MAXUINT32 ((UINT32)~((UINT32)0))
#define MAXUINT64 ((UINT64)~((UINT64)0))
#define MAXULONGLONG ((ULONGLONG)~((ULONGLONG)0))
#define UINT_MAX  0xffffffff
#define ULONG_MAX 0xffffffffUL
#define INT_MAX   2147483647
#define TRUE  1
#define FALSE 0
#ifndef NULL
#define NULL ((void *)0)
#endif

/* ---- base types (basetsd.h, windef.h, winnt.h / ntdef.h) ------------------------- */
typedef unsigned short wchar_t;
#if defined(_WIN64)
typedef unsigned __int64 size_t;
typedef __int64 ptrdiff_t;
typedef __int64 INT_PTR, *PINT_PTR;
typedef unsigned __int64 UINT_PTR, *PUINT_PTR;
typedef __int64 LONG_PTR, *PLONG_PTR;
typedef unsigned __int64 ULONG_PTR, *PULONG_PTR;
typedef unsigned int UHALF_PTR;
typedef int HALF_PTR;
#else
typedef unsigned int size_t;
typedef int ptrdiff_t;
typedef int INT_PTR, *PINT_PTR;
typedef unsigned int UINT_PTR, *PUINT_PTR;
typedef long LONG_PTR, *PLONG_PTR;
typedef unsigned long ULONG_PTR, *PULONG_PTR;
typedef unsigned short UHALF_PTR;
typedef short HALF_PTR;
#endif
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;
typedef ULONG_PTR DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;

typedef void *PVOID, *LPVOID;
typedef const void *PCVOID, *LPCVOID;
typedef void *PVOID64;
typedef void *HANDLE, **PHANDLE, *LPHANDLE;
typedef char CHAR, *PCHAR, *LPCH, *PCH, *PSTR, *LPSTR, *NPSTR, *PSZ;
typedef const char *PCSTR, *LPCSTR, *PCCH, *LPCCH, *PCSZ;
typedef unsigned char UCHAR, *PUCHAR;
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned char BOOLEAN, *PBOOLEAN;
typedef signed char SCHAR, *PSCHAR;
typedef char CCHAR;
typedef short SHORT, *PSHORT, CSHORT;
typedef unsigned short USHORT, *PUSHORT;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef wchar_t WCHAR, *PWCHAR, *LPWCH, *PWCH, *PWSTR, *LPWSTR, *NWPSTR, *PZZWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR, *PCWCH, *LPCWCH, *PCZZWSTR;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT, *LPUINT;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef long LONG, *PLONG, *LPLONG;
typedef unsigned long ULONG, *PULONG, CLONG;
typedef unsigned long DWORD, *PDWORD, *LPDWORD;
typedef float FLOAT, *PFLOAT;
typedef double DOUBLE;
typedef __int64 LONGLONG, *PLONGLONG;
typedef unsigned __int64 ULONGLONG, *PULONGLONG;
typedef unsigned __int64 DWORDLONG, *PDWORDLONG;
typedef signed char INT8, *PINT8;
typedef short INT16, *PINT16;
typedef int INT32, *PINT32;
typedef __int64 INT64, *PINT64;
typedef unsigned char UINT8, *PUINT8;
typedef unsigned short UINT16, *PUINT16;
typedef unsigned int UINT32, *PUINT32;
typedef unsigned __int64 UINT64, *PUINT64;
typedef int LONG32, *PLONG32;
typedef unsigned int ULONG32, *PULONG32;
typedef unsigned int DWORD32, *PDWORD32;
typedef __int64 LONG64, *PLONG64;
typedef unsigned __int64 ULONG64, *PULONG64;
typedef unsigned __int64 DWORD64, *PDWORD64;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef LONG HRESULT;
typedef DWORD LCID;
typedef WORD LANGID;
typedef ULONG ACCESS_MASK, *PACCESS_MASK;
typedef ULONG LOGICAL, *PLOGICAL;
typedef UCHAR KIRQL, *PKIRQL;
typedef CCHAR KPROCESSOR_MODE;
typedef LONG KPRIORITY;
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;
typedef PVOID PSECURITY_DESCRIPTOR;
typedef PVOID PSID;
typedef DWORD COLORREF, *LPCOLORREF;

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        ULONG LowPart;
        ULONG HighPart;
    };
    struct {
        ULONG LowPart;
        ULONG HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;

typedef struct _GUID {
    unsigned long  Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char  Data4[8];
} GUID, *PGUID, *LPGUID, IID, CLSID, *LPIID, *LPCLSID;
typedef const GUID *LPCGUID, *PCGUID;
typedef const GUID *REFGUID, *REFIID, *REFCLSID;
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) extern const GUID name
#define DEFINE_DEVPROPKEY(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8, pid) extern const int name

typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR  Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR  Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING;

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

typedef struct _PROCESSOR_NUMBER {
    USHORT Group;
    UCHAR  Number;
    UCHAR  Reserved;
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;

typedef struct _GROUP_AFFINITY {
    KAFFINITY Mask;
    USHORT    Group;
    USHORT    Reserved[3];
} GROUP_AFFINITY, *PGROUP_AFFINITY;

/* ---- windef.h / wingdi.h -------------------------------------------------------- */
#define DECLARE_HANDLE(name) struct name##__ { int unused; }; typedef struct name##__ *name
DECLARE_HANDLE(HWND);
DECLARE_HANDLE(HDC);
DECLARE_HANDLE(HMONITOR);
DECLARE_HANDLE(HINSTANCE);
DECLARE_HANDLE(HKEY);
DECLARE_HANDLE(HRGN);
DECLARE_HANDLE(HBITMAP);
DECLARE_HANDLE(HPALETTE);
DECLARE_HANDLE(HICON);
typedef HINSTANCE HMODULE;
typedef HICON HCURSOR;

typedef struct tagRECT {
    LONG left;
    LONG top;
    LONG right;
    LONG bottom;
} RECT, *PRECT, *NPRECT, *LPRECT;
typedef const RECT *LPCRECT;
typedef struct _RECTL {
    LONG left;
    LONG top;
    LONG right;
    LONG bottom;
} RECTL, *PRECTL, *LPRECTL;
typedef struct tagPOINT {
    LONG x;
    LONG y;
} POINT, *PPOINT, *NPPOINT, *LPPOINT;
typedef struct _POINTL {
    LONG x;
    LONG y;
} POINTL, *PPOINTL;
typedef struct tagSIZE {
    LONG cx;
    LONG cy;
} SIZE, *PSIZE, *LPSIZE, SIZEL, *PSIZEL, *LPSIZEL;
typedef struct tagPALETTEENTRY {
    BYTE peRed;
    BYTE peGreen;
    BYTE peBlue;
    BYTE peFlags;
} PALETTEENTRY, *PPALETTEENTRY, *LPPALETTEENTRY;
typedef struct _RGNDATAHEADER {
    DWORD dwSize;
    DWORD iType;
    DWORD nCount;
    DWORD nRgnSize;
    RECT  rcBound;
} RGNDATAHEADER, *PRGNDATAHEADER;
typedef struct _RGNDATA {
    RGNDATAHEADER rdh;
    char          Buffer[1];
} RGNDATA, *PRGNDATA, *NPRGNDATA, *LPRGNDATA;

/* ---- wdm.h / ntddk.h: kernel objects the display headers point to ---------------- */
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;
typedef struct _DRIVER_OBJECT DRIVER_OBJECT, *PDRIVER_OBJECT;
typedef struct _FILE_OBJECT FILE_OBJECT, *PFILE_OBJECT;
typedef struct _IRP IRP, *PIRP;
typedef struct _MDL MDL, *PMDL;
typedef struct _KEVENT KEVENT, *PKEVENT, *PRKEVENT;
typedef struct _KDPC KDPC, *PKDPC, *PRKDPC;
typedef struct _KINTERRUPT KINTERRUPT, *PKINTERRUPT;
typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;
typedef struct _ETHREAD *PETHREAD;
typedef struct _EPROCESS *PEPROCESS;
typedef struct _KPROCESS *PKPROCESS;
typedef struct _IO_WORKITEM *PIO_WORKITEM;
typedef struct _DMA_ADAPTER *PDMA_ADAPTER;
typedef struct _SCATTER_GATHER_LIST SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;
typedef struct _CM_RESOURCE_LIST CM_RESOURCE_LIST, *PCM_RESOURCE_LIST;
typedef struct _IO_RESOURCE_REQUIREMENTS_LIST IO_RESOURCE_REQUIREMENTS_LIST, *PIO_RESOURCE_REQUIREMENTS_LIST;
typedef struct _CM_PARTIAL_RESOURCE_DESCRIPTOR CM_PARTIAL_RESOURCE_DESCRIPTOR, *PCM_PARTIAL_RESOURCE_DESCRIPTOR;
typedef struct _OBJECT_ATTRIBUTES OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;
typedef struct _ACCESS_STATE *PACCESS_STATE;
typedef struct _KAPC_STATE KAPC_STATE, *PKAPC_STATE;
typedef struct _EVENT_DESCRIPTOR EVENT_DESCRIPTOR, *PEVENT_DESCRIPTOR;
typedef const EVENT_DESCRIPTOR *PCEVENT_DESCRIPTOR;
typedef struct _ACPI_EVAL_INPUT_BUFFER ACPI_EVAL_INPUT_BUFFER, *PACPI_EVAL_INPUT_BUFFER;
typedef struct _ACPI_EVAL_INPUT_BUFFER_COMPLEX ACPI_EVAL_INPUT_BUFFER_COMPLEX, *PACPI_EVAL_INPUT_BUFFER_COMPLEX;
typedef struct _ACPI_EVAL_OUTPUT_BUFFER ACPI_EVAL_OUTPUT_BUFFER, *PACPI_EVAL_OUTPUT_BUFFER;
typedef struct _ACPI_METHOD_ARGUMENT ACPI_METHOD_ARGUMENT, *PACPI_METHOD_ARGUMENT;
typedef struct _VIDEO_PORT_CONFIG_INFO *PVIDEO_PORT_CONFIG_INFO;
typedef struct _VIDEO_REQUEST_PACKET *PVIDEO_REQUEST_PACKET;
typedef struct _VIDEO_ACCESS_RANGE *PVIDEO_ACCESS_RANGE;
typedef struct _BUS_INTERFACE_STANDARD BUS_INTERFACE_STANDARD, *PBUS_INTERFACE_STANDARD;
typedef struct _KTIMER KTIMER, *PKTIMER;
typedef struct _KMUTANT KMUTANT, *PKMUTANT, KMUTEX, *PKMUTEX;
typedef struct _ERESOURCE ERESOURCE, *PERESOURCE;
typedef struct _FAST_MUTEX FAST_MUTEX, *PFAST_MUTEX;
typedef struct _SECTION_OBJECT_POINTERS *PSECTION_OBJECT_POINTERS;
typedef struct _IO_STATUS_BLOCK IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;
typedef struct _POWER_SEQUENCE *PPOWER_SEQUENCE;
typedef struct _PO_FX_DEVICE *PPO_FX_DEVICE;
typedef struct _WNF_STATE_NAME *PWNF_STATE_NAME;

typedef enum _DEVICE_POWER_STATE {
    PowerDeviceUnspecified = 0,
    PowerDeviceD0,
    PowerDeviceD1,
    PowerDeviceD2,
    PowerDeviceD3,
    PowerDeviceMaximum
} DEVICE_POWER_STATE, *PDEVICE_POWER_STATE;

typedef enum _SYSTEM_POWER_STATE {
    PowerSystemUnspecified = 0,
    PowerSystemWorking = 1,
    PowerSystemSleeping1 = 2,
    PowerSystemSleeping2 = 3,
    PowerSystemSleeping3 = 4,
    PowerSystemHibernate = 5,
    PowerSystemShutdown = 6,
    PowerSystemMaximum = 7
} SYSTEM_POWER_STATE, *PSYSTEM_POWER_STATE;

typedef enum _POWER_ACTION {
    PowerActionNone = 0,
    PowerActionReserved,
    PowerActionSleep,
    PowerActionHibernate,
    PowerActionShutdown,
    PowerActionShutdownReset,
    PowerActionShutdownOff,
    PowerActionWarmEject,
    PowerActionDisplayOff
} POWER_ACTION, *PPOWER_ACTION;

typedef enum _POWER_STATE_TYPE {
    SystemPowerState = 0,
    DevicePowerState
} POWER_STATE_TYPE, *PPOWER_STATE_TYPE;

typedef union _POWER_STATE {
    SYSTEM_POWER_STATE SystemState;
    DEVICE_POWER_STATE DeviceState;
} POWER_STATE, *PPOWER_STATE;

typedef enum _MEMORY_CACHING_TYPE {
    MmNonCached = 0,
    MmCached = 1,
    MmWriteCombined = 2,
    MmHardwareCoherentCached,
    MmNonCachedUnordered,
    MmUSWCCached,
    MmMaximumCacheType,
    MmNotMapped = -1
} MEMORY_CACHING_TYPE;

typedef enum _POOL_TYPE {
    NonPagedPool,
    PagedPool = 1,
    NonPagedPoolNx = 512
} POOL_TYPE;

typedef enum _LOCK_OPERATION {
    IoReadAccess,
    IoWriteAccess,
    IoModifyAccess
} LOCK_OPERATION;

typedef enum _INTERFACE_TYPE {
    InterfaceTypeUndefined = -1,
    Internal = 0,
    Isa,
    Eisa,
    MicroChannel,
    TurboChannel,
    PCIBus,
    MaximumInterfaceType
} INTERFACE_TYPE, *PINTERFACE_TYPE;

typedef enum _BUS_DATA_TYPE {
    ConfigurationSpaceUndefined = -1,
    Cmos,
    EisaConfiguration,
    Pos,
    CbusConfiguration,
    PCIConfiguration,
    MaximumBusDataType
} BUS_DATA_TYPE, *PBUS_DATA_TYPE;

typedef enum _DEVICE_REGISTRY_PROPERTY {
    DevicePropertyDeviceDescription = 0,
    DevicePropertyHardwareID,
    DevicePropertyCompatibleIDs,
    DevicePropertyBootConfiguration,
    DevicePropertyBootConfigurationTranslated,
    DevicePropertyClassName,
    DevicePropertyClassGuid,
    DevicePropertyDriverKeyName,
    DevicePropertyManufacturer,
    DevicePropertyFriendlyName,
    DevicePropertyLocationInformation,
    DevicePropertyPhysicalDeviceObjectName,
    DevicePropertyBusTypeGuid,
    DevicePropertyLegacyBusType,
    DevicePropertyBusNumber,
    DevicePropertyEnumeratorName,
    DevicePropertyAddress,
    DevicePropertyUINumber,
    DevicePropertyInstallState,
    DevicePropertyRemovalPolicy,
    DevicePropertyResourceRequirements,
    DevicePropertyAllocatedResources,
    DevicePropertyContainerID
} DEVICE_REGISTRY_PROPERTY;

typedef enum _VIDEO_DEBUG_LEVEL {
    Error = 0,
    Warn,
    Trace,
    Info
} VIDEO_DEBUG_LEVEL, *PVIDEO_DEBUG_LEVEL;

typedef BOOLEAN KSYNCHRONIZE_ROUTINE(PVOID SynchronizeContext);
typedef KSYNCHRONIZE_ROUTINE *PKSYNCHRONIZE_ROUTINE;
typedef VOID (*PINTERFACE_REFERENCE)(PVOID Context);
typedef VOID (*PINTERFACE_DEREFERENCE)(PVOID Context);

typedef struct _INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
} INTERFACE, *PINTERFACE;

#define PCI_WHICHSPACE_CONFIG 0x0
#define PCI_WHICHSPACE_ROM    0x52696350
#define PASSIVE_LEVEL  0
#define APC_LEVEL      1
#define DISPATCH_LEVEL 2
#define HIGH_LEVEL     15
#if defined(_M_IX86)
#define PROFILE_LEVEL  27
#else
#define PROFILE_LEVEL  15
#endif
#define PAGE_SIZE  0x1000
#define PAGE_SHIFT 12
#define SYNCHRONIZE              0x00100000L
#define STANDARD_RIGHTS_REQUIRED 0x000F0000L
#define GENERIC_READ             0x80000000L
#define GENERIC_WRITE            0x40000000L
#define GENERIC_EXECUTE          0x20000000L
#define GENERIC_ALL              0x10000000L
#define FILE_DEVICE_UNKNOWN      0x00000022
#define FILE_DEVICE_VIDEO        0x00000023
#define METHOD_BUFFERED          0
#define METHOD_NEITHER           3
#define FILE_ANY_ACCESS          0
#define FILE_READ_DATA           0x0001
#define FILE_WRITE_DATA          0x0002
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))

/* ---- status codes (ntstatus.h / winerror.h) -------------------------------------- */
#define STATUS_SUCCESS               ((NTSTATUS)0x00000000L)
#define STATUS_PENDING               ((NTSTATUS)0x00000103L)
#define STATUS_UNSUCCESSFUL          ((NTSTATUS)0xC0000001L)
#define STATUS_NOT_IMPLEMENTED       ((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_HANDLE        ((NTSTATUS)0xC0000008L)
#define STATUS_INVALID_PARAMETER     ((NTSTATUS)0xC000000DL)
#define STATUS_NO_MEMORY             ((NTSTATUS)0xC0000017L)
#define STATUS_CONFLICTING_ADDRESSES ((NTSTATUS)0xC0000018L)
#define STATUS_BUFFER_TOO_SMALL      ((NTSTATUS)0xC0000023L)
#define STATUS_NOT_SUPPORTED         ((NTSTATUS)0xC00000BBL)
#define STATUS_GRAPHICS_NO_VIDEO_MEMORY ((NTSTATUS)0xC01E0100L)
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define S_OK          ((HRESULT)0L)
#define S_FALSE       ((HRESULT)1L)
#define E_FAIL        ((HRESULT)0x80004005L)
#define E_INVALIDARG  ((HRESULT)0x80070057L)
#define E_OUTOFMEMORY ((HRESULT)0x8007000EL)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr)    (((HRESULT)(hr)) < 0)
#define MAKE_HRESULT(sev, fac, code) \
    ((HRESULT)(((unsigned long)(sev) << 31) | ((unsigned long)(fac) << 16) | ((unsigned long)(code))))
#define MAKEFOURCC(ch0, ch1, ch2, ch3) \
    ((DWORD)(BYTE)(ch0) | ((DWORD)(BYTE)(ch1) << 8) | ((DWORD)(BYTE)(ch2) << 16) | ((DWORD)(BYTE)(ch3) << 24))

#endif /* DXGK_SDK_BASE_H */
