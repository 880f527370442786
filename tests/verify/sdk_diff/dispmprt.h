/*++

Module Name:

    dispmprt.h

Abstract:

    Imitation with DELIBERATE DIFFERENCES (see the DIFF n comments), written for dxgk's tests, of the display miniport / port driver
    interface header: kernel types from wdm.h in every callback, GUIDs, static
    asserts, prototypes of Dxgkrnl exports, and the DXGKRNL_INTERFACE table.
    Also carries a few declarations no C parser should accept (C++ leaking out of
    its guard, an MSVC __if_exists block, an unknown kernel type): dxgk must skip
    them with a note and carry on.

--*/

#ifndef _DISPMPRT_H_
#define _DISPMPRT_H_

#include <winapifamily.h>

#pragma region Desktop Family
#if WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP)

#pragma warning(push)
#pragma warning(disable:4115) // named type definition in parentheses
#pragma warning(disable:4201) // nameless struct/union
#pragma warning(disable:4214) // bit field types other than int

#ifndef _ACPIIOCT_H_
#include <acpiioct.h>
#endif

#define _NTOSDEF_

#include <ntddvdeo.h>
#include <video.h>
#include <windef.h>
#include <d3dkmddi.h>
#include <d3dkmdt.h>

#define DlDebugPrintEx(arg) DlDebugPrint arg

#if (NTDDI_VERSION >= NTDDI_LONGHORN)

#define DXGK_MAX_STRING_LEN 50
#define DXGK_MAX_REG_SZ_LEN DXGK_MAX_STRING_LEN + 1

#define DXGK_WHICHSPACE_CONFIG       PCI_WHICHSPACE_CONFIG
#define DXGK_WHICHSPACE_ROM          PCI_WHICHSPACE_ROM

#ifdef ENABLE_DXGK_SAL
#define _Function_class_DXGK_(param)    _Function_class_(param)
#define _IRQL_requires_DXGK_(param)     _IRQL_requires_(param)
#else
#define _IRQL_requires_DXGK_(param)
#endif

typedef struct _LINKED_DEVICE {
    ULONG ChainUid;
    ULONG NumberOfLinksInChain;
    BOOLEAN LeadLink;
} LINKED_DEVICE, *PLINKED_DEVICE;

typedef struct _DXGK_VIDEO_OUTPUT_CAPABILITIES {
    D3DKMDT_VIDEO_OUTPUT_TECHNOLOGY InterfaceTechnology;
    UINT MonitorOrientationAwareness;
    BOOLEAN SupportsSdtvModes;
} DXGK_VIDEO_OUTPUT_CAPABILITIES, *PDXGK_VIDEO_OUTPUT_CAPABILITIES;

typedef struct _DXGK_CHILD_CAPABILITIES {
    union
    {
        DXGK_VIDEO_OUTPUT_CAPABILITIES  VideoOutput;
        struct
        {
            UINT MustBeZero;
        }
        Other;
    } Type;
    UINT HpdAwareness;
} DXGK_CHILD_CAPABILITIES, *PDXGK_CHILD_CAPABILITIES;

// The Type union must not grow past DXGK_VIDEO_OUTPUT_CAPABILITIES.
static_assert( FIELD_OFFSET( DXGK_CHILD_CAPABILITIES, HpdAwareness ) == 12, "Type field has changed size" );

typedef struct _DXGK_GENERIC_DESCRIPTOR {
   WCHAR HardwareId[DXGK_MAX_REG_SZ_LEN];
   WCHAR InstanceId[DXGK_MAX_REG_SZ_LEN];
   WCHAR CompatibleId[DXGK_MAX_REG_SZ_LEN];
   WCHAR DeviceText[DXGK_MAX_REG_SZ_LEN];
} DXGK_GENERIC_DESCRIPTOR, *PDXGK_GENERIC_DESCRIPTOR;

//
// What the port driver tells the miniport about its device at start: resource lists,
// the device object and physical address limits, all from wdm.h.
//
typedef struct _DXGK_DEVICE_INFO {
    PVOID               MiniportDeviceContext;
    PDEVICE_OBJECT      PhysicalDeviceObject;
    UNICODE_STRING      DeviceRegistryPath;
    PCM_RESOURCE_LIST   TranslatedResourceList;
    LARGE_INTEGER       SystemMemorySize;
    PHYSICAL_ADDRESS    HighestPhysicalAddress;
    PHYSICAL_ADDRESS    AgpApertureBase;
    SIZE_T              AgpApertureSize;
    DOCKING_STATE       DockingState;
} DXGK_DEVICE_INFO, *PDXGK_DEVICE_INFO;

DEFINE_GUID(GUID_DEVINTERFACE_I2C, 0x2564AA4F, 0xDDDB, 0x4495, 0xB4, 0x97, 0x6A, 0xD4, 0xA8, 0x41, 0x63, 0xD7);

//
// An interface with the standard INTERFACE header (wdm.h), then the miniport's entries.
//
typedef
_Function_class_DXGK_(DXGKDDI_I2C_TRANSMIT_DATA_TO_DISPLAY)
_IRQL_requires_DXGK_(PASSIVE_LEVEL)
NTSTATUS
(*DXGKDDI_I2C_TRANSMIT_DATA_TO_DISPLAY)(
    _In_ PVOID MiniportDeviceContext,
    _In_ D3DDDI_VIDEO_PRESENT_TARGET_ID VidPnTargetId,
    _In_ ULONG SevenBitI2CAddress,
    _In_ ULONG DataLength,
    _In_reads_bytes_(DataLength) CONST PVOID Data
    );

typedef struct _DXGK_I2C_INTERFACE {
    USHORT Size;
    USHORT Version;
    PVOID Context;
    PINTERFACE_REFERENCE InterfaceReference;
    PINTERFACE_DEREFERENCE InterfaceDereference;
    DXGKDDI_I2C_TRANSMIT_DATA_TO_DISPLAY  DxgkDdiI2CTransmitDataToDisplay;
} DXGK_I2C_INTERFACE, *PDXGK_I2C_INTERFACE;

//
// Dxgkrnl services documented under dispmprt.h.
//
typedef
_Function_class_DXGK_(DXGKCB_EVAL_ACPI_METHOD)
_IRQL_requires_DXGK_(PASSIVE_LEVEL)
NTSTATUS
(*DXGKCB_EVAL_ACPI_METHOD)(
    _In_ HANDLE DeviceHandle,
    _In_ ULONG DeviceUid,
    _In_reads_bytes_(AcpiInputSize) PACPI_EVAL_INPUT_BUFFER_COMPLEX AcpiInputBuffer,
    _In_range_(>=, sizeof(ACPI_EVAL_INPUT_BUFFER_COMPLEX)) ULONG AcpiInputSize,
    _Out_writes_bytes_(AcpiOutputSize) PACPI_EVAL_OUTPUT_BUFFER AcpiOutputBuffer,
    _In_range_(>=, sizeof(ACPI_EVAL_OUTPUT_BUFFER)) ULONG AcpiOutputSize
    );

typedef
_Function_class_DXGK_(DXGKCB_GET_DEVICE_INFORMATION)
_IRQL_requires_DXGK_(PASSIVE_LEVEL)
NTSTATUS
(*DXGKCB_GET_DEVICE_INFORMATION)(
    _In_ HANDLE DeviceHandle,
    _Out_ PDXGK_DEVICE_INFO DeviceInfo
    );

typedef
_Function_class_DXGK_(DXGKCB_INDICATE_CHILD_STATUS)
NTSTATUS
(*DXGKCB_INDICATE_CHILD_STATUS)(
    _In_ HANDLE DeviceHandle,
    _In_ PVOID ChildStatus
    );

typedef
_Function_class_DXGK_(DXGKCB_MAP_MEMORY)
_IRQL_requires_DXGK_(PASSIVE_LEVEL)
NTSTATUS
(*DXGKCB_MAP_MEMORY)(
    _In_ HANDLE DeviceHandle,
    _In_ PHYSICAL_ADDRESS TranslatedAddress,
    _In_ ULONG Length,
    _In_ BOOLEAN InIoSpace,
    _In_ BOOLEAN MapToUserMode,
    _In_ MEMORY_CACHING_TYPE CacheType,
    _Outptr_ PVOID *VirtualAddress
    );

typedef
_Function_class_DXGK_(DXGKCB_QUEUE_DPC)
_IRQL_requires_max_(HIGH_LEVEL)
BOOLEAN
(*DXGKCB_QUEUE_DPC)(
    _In_ HANDLE DeviceHandle
    );

typedef NTSTATUS (*DXGKCB_QUERY_SERVICES)(
    _In_ HANDLE DeviceHandle, _In_ ULONG ServicesType, _Inout_ PINTERFACE Interface);

typedef NTSTATUS (*DXGKCB_READ_DEVICE_SPACE)(
    _In_ HANDLE DeviceHandle, _In_ ULONG DataType,
    _Out_writes_bytes_to_(Length, *BytesRead) PVOID Buffer,
    _In_ ULONG Offset, _In_ ULONG Length, _Out_ PULONG BytesRead);

typedef
_Function_class_DXGK_(DXGKCB_SYNCHRONIZE_EXECUTION)
NTSTATUS
(*DXGKCB_SYNCHRONIZE_EXECUTION)(
    _In_ HANDLE DeviceHandle,
    _In_ PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
    _In_ PVOID Context,
    _In_ ULONG MessageNumber,
    _Out_ PBOOLEAN ReturnValue
    );

typedef NTSTATUS (*DXGKCB_UNMAP_MEMORY)(
    _In_ HANDLE DeviceHandle, _In_ PVOID VirtualAddress);

typedef NTSTATUS (*DXGKCB_WRITE_DEVICE_SPACE)(
    _In_ HANDLE DeviceHandle, _In_ ULONG DataType,
    _In_reads_bytes_(Length) PVOID Buffer,
    _In_ ULONG Offset, _In_ ULONG Length, _Out_ PULONG BytesWritten);

typedef NTSTATUS (*DXGKCB_IS_DEVICE_PRESENT)(
    _In_ HANDLE DeviceHandle, _In_ PVOID DeviceData, _Out_ PBOOLEAN DevicePresent);

typedef
_Function_class_DXGK_(DXGKCB_LOG_ETW_EVENT)
_IRQL_requires_max_(HIGH_LEVEL)
VOID
(*DXGKCB_LOG_ETW_EVENT)(
    _In_ CONST LPCGUID EventGuid,
    _In_ UCHAR Type,
    _In_ USHORT EventBufferSize,
    _In_reads_bytes_(EventBufferSize) PVOID EventBuffer
    );

typedef
_Function_class_DXGK_(DXGKDDI_PROTECTED_CALLBACK)
VOID
(*DXGKDDI_PROTECTED_CALLBACK)(
    _In_ CONST PVOID MiniportDeviceContext,
    _In_ PVOID ProtectedCallbackContext,
    _In_ NTSTATUS ProtectionStatus
    );

typedef NTSTATUS (*DXGKCB_EXCLUDE_ADAPTER_ACCESS)(
    _In_ HANDLE DeviceHandle, _In_ ULONG Attributes,
    _In_ DXGKDDI_PROTECTED_CALLBACK DxgkProtectedCallback,
    _In_ PVOID ProtectedCallbackContext);

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
typedef NTSTATUS (*DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP)(
    _In_ HANDLE DeviceHandle, _Out_ PVOID DisplayInfo);
#endif // WIN8

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef NTSTATUS (*DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP2)(
    _In_ HANDLE DeviceHandle, _Inout_ PVOID pArgs);
#endif // WDDM2_2

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
typedef NTSTATUS (*DXGKCB_REPORT_DIAGNOSTIC)(
    _In_ HANDLE DeviceHandle, _In_ PVOID pDiagnostic);
#endif // WDDM2_4

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
typedef NTSTATUS (*DXGKCB_NOTIFYSURPRISEREMOVAL_IMITATION)(
    _In_ HANDLE DeviceHandle, _In_ PDEVICE_OBJECT PhysicalDeviceObject, _In_ KIRQL Irql);
#endif // WDDM3_2

typedef struct _DXGKRNL_INTERFACE {
    ULONG                                   Size;
    ULONG                                   Version;
    HANDLE                                  DeviceHandle;

    DXGKCB_EVAL_ACPI_METHOD                 DxgkCbEvalAcpiMethod;
    DXGKCB_GET_DEVICE_INFORMATION           DxgkCbGetDeviceInformation;
    DXGKCB_INDICATE_CHILD_STATUS            DxgkCbIndicateChildStatus;
    DXGKCB_MAP_MEMORY                       DxgkCbMapMemory;
    DXGKCB_QUEUE_DPC                        DxgkCbQueueDpc;
    DXGKCB_QUERY_SERVICES                   DxgkCbQueryServices;
    DXGKCB_READ_DEVICE_SPACE                DxgkCbReadDeviceSpace;
    DXGKCB_SYNCHRONIZE_EXECUTION            DxgkCbSynchronizeExecution;
    DXGKCB_UNMAP_MEMORY                     DxgkCbUnmapMemory;
    DXGKCB_WRITE_DEVICE_SPACE               DxgkCbWriteDeviceSpace;
    DXGKCB_IS_DEVICE_PRESENT                DxgkCbIsDevicePresent;

    DXGKCB_GETHANDLEDATA                    DxgkCbGetHandleData;
    DXGKCB_GETHANDLEPARENT                  DxgkCbGetHandleParent;
    DXGKCB_ENUMHANDLECHILDREN               DxgkCbEnumHandleChildren;
    DXGKCB_NOTIFY_INTERRUPT                 DxgkCbNotifyInterrupt;
    DXGKCB_NOTIFY_DPC                       DxgkCbNotifyDpc;
    DXGKCB_QUERYVIDPNINTERFACE              DxgkCbQueryVidPnInterface;
    DXGKCB_QUERYMONITORINTERFACE            DxgkCbQueryMonitorInterface;
    DXGKCB_GETCAPTUREADDRESS                DxgkCbGetCaptureAddress;

    DXGKCB_LOG_ETW_EVENT                    DxgkCbLogEtwEvent;

    DXGKCB_EXCLUDE_ADAPTER_ACCESS           DxgkCbExcludeAdapterAccess;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    DXGKCB_CREATECONTEXTALLOCATION          DxgkCbCreateContextAllocation;
    DXGKCB_DESTROYCONTEXTALLOCATION         DxgkCbDestroyContextAllocation;
    DXGKCB_SETPOWERCOMPONENTACTIVE          DxgkCbSetPowerComponentActive;
    DXGKCB_SETPOWERCOMPONENTIDLE            DxgkCbSetPowerComponentIdle;
    DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP   DxgkCbAcquirePostDisplayOwnership;
    DXGKCB_POWERRUNTIMECONTROLREQUEST       DxgkCbPowerRuntimeControlRequest;
    DXGKCB_SETPOWERCOMPONENTLATENCY         DxgkCbSetPowerComponentLatency;
    DXGKCB_SETPOWERCOMPONENTRESIDENCY       DxgkCbSetPowerComponentResidency;
    DXGKCB_COMPLETEFSTATETRANSITION         DxgkCbCompleteFStateTransition;
#endif // DXGKDDI_INTERFACE_VERSION_WIN8

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
    DXGKCB_COMPLETEPSTATETRANSITION         DxgkCbCompletePStateTransition;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM1_3

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGKCB_MAPCONTEXTALLOCATION             DxgkCbMapContextAllocation;
    DXGKCB_UPDATECONTEXTALLOCATION          DxgkCbUpdateContextAllocation;
    DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE    DxgkCbReserveGpuVirtualAddressRange;
    DXGKCB_ACQUIREHANDLEDATA                DxgkCbAcquireHandleData;
    DXGKCB_RELEASEHANDLEDATA                DxgkCbReleaseHandleData;
    DXGKCB_HARDWARECONTENTPROTECTIONTEARDOWN DxgkCbHardwareContentProtectionTeardown;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_0

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
    DXGKCB_MULTIPLANEOVERLAYDISABLED        DxgkCbMultiPlaneOverlayDisabled;
    DXGKCB_DXGKCB_MITIGATEDRANGEUPDATE      DxgkCbMitigatedRangeUpdate;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_1

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    DXGKCB_INVALIDATEHWCONTEXT              DxgkCbInvalidateHwContext;
    DXGKCB_INDICATE_CONNECTOR_CHANGE        DxgkCbIndicateConnectorChange;
    DXGKCB_UNBLOCKUEFIFRAMEBUFFERRANGES     DxgkCbUnblockUEFIFrameBufferRanges;
    DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP2  DxgkCbAcquirePostDisplayOwnership2;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_2

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
    DXGKCB_SETPROTECTEDSESSIONSTATUS        DxgkCbSetProtectedSessionStatus;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_3

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    DXGKCB_ALLOCATECONTIGUOUSMEMORY         DxgkCbAllocateContiguousMemory;
    DXGKCB_FREECONTIGUOUSMEMORY             DxgkCbFreeContiguousMemory;
    DXGKCB_ALLOCATEPAGESFORMDL              DxgkCbAllocatePagesForMdl;
    DXGKCB_FREEPAGESFROMMDL                 DxgkCbFreePagesFromMdl;
    DXGKCB_PINFRAMEBUFFERFORSAVE            DxgkCbPinFrameBufferForSave;
    DXGKCB_UNPINFRAMEBUFFERFORSAVE          DxgkCbUnpinFrameBufferForSave;
    DXGKCB_MAPFRAMEBUFFERPOINTER            DxgkCbMapFrameBufferPointer;
    DXGKCB_UNMAPFRAMEBUFFERPOINTER          DxgkCbUnmapFrameBufferPointer;
    DXGKCB_MAPMDLTOIOMMU                    DxgkCbMapMdlToIoMmu;
    DXGKCB_UNMAPMDLFROMIOMMU                DxgkCbUnmapMdlFromIoMmu;
    DXGKCB_REPORT_DIAGNOSTIC                DxgkCbReportDiagnostic;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_4

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
    DXGKCB_SIGNALEVENT                      DxgkCbSignalEvent;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_5

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
    DXGKCB_ISFEATUREENABLED                 DxgkCbIsFeatureEnabled;
    DXGKCB_SAVEMEMORYFORHOTUPDATE           DxgkCbSaveMemoryForHotUpdate;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_6

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_8)
    DXGKCB_NOTIFYCURSORSUPPORTCHANGE        DxgkCbNotifyCursorSupportChange;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_8

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
    DXGKCB_QUERYFEATURESUPPORT              DxgkCbQueryFeatureSupport;
    DXGKCB_CREATEPHYSICALMEMORYOBJECT       DxgkCbCreatePhysicalMemoryObject;
    DXGKCB_DESTROYPHYSICALMEMORYOBJECT      DxgkCbDestroyPhysicalMemoryObject;
    DXGKCB_MAPPHYSICALMEMORY                DxgkCbMapPhysicalMemory;
    DXGKCB_UNMAPPHYSICALMEMORY              DxgkCbUnmapPhysicalMemory;
    DXGKCB_ALLOCATEADL                      DxgkCbAllocateAdl;
    DXGKCB_FREEADL                          DxgkCbFreeAdl;
    DXGKCB_OPENPHYSICALMEMORYOBJECT         DxgkCbOpenPhysicalMemoryObject;
    DXGKCB_CLOSEPHYSICALMEMORYOBJECT        DxgkCbClosePhysicalMemoryObject;
    DXGKCB_PINFRAMEBUFFERFORSAVE2           DxgkCbPinFrameBufferForSave2;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM2_9

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
    DXGKCB_DISCONNECTDOORBELL               DxgkCbDisconnectDoorbell;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM3_1

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
    /* DIFF 6b: a WDDM 3.2 service dxgk's table does not have. */
    DXGKCB_NOTIFYSURPRISEREMOVAL_IMITATION  DxgkCbNotifySurpriseRemoval;
#endif // DXGKDDI_INTERFACE_VERSION_WDDM3_2

} DXGKRNL_INTERFACE, *PDXGKRNL_INTERFACE;

//
// Unparseable on purpose (see the file comment): each must be skipped with a note.
//

// 1. C++ that escaped its __cplusplus guard: a reference parameter.
inline UINT DxgkPteSegmentImitation(const DXGK_PTE& Pte) { return (UINT)Pte.Segment; }

// 2. An MSVC __if_exists block around a declaration.
__if_exists(DXGK_PTE) { typedef UINT DXGK_IF_EXISTS_IMITATION; }

// 3. A kernel type neither the SDK subset nor dxgk's stand-ins declare.
typedef struct _DXGK_TIMER_IMITATION
{
    PKTIMER_TABLE_IMITATION pTimerTable;
    UINT                    Period;
} DXGK_TIMER_IMITATION;

// 4. A __declspec dxgk removes even with parentheses inside its string.
typedef __declspec(deprecated("use DXGK_SEGMENTDESCRIPTOR (the newer one)")) struct _DXGK_OLD_SEGMENT
{
    UINT OldSize;
} DXGK_OLD_SEGMENT;

//
// Exports of the port driver.
//
_IRQL_requires_(PASSIVE_LEVEL)
NTSTATUS
DxgkInitialize(
    _In_ PDRIVER_OBJECT     DriverObject,
    _In_ PUNICODE_STRING    RegistryPath,
    _In_ PVOID              DriverInitializationData
    );

#endif // (NTDDI_VERSION >= NTDDI_LONGHORN)

// ---- declared as in dxgk's subset (no deliberate difference) ----
typedef struct _DXGK_START_INFO {
    ULONG                          RequiredDmaQueueEntry;
    GUID                           AdapterGuid;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    LUID                           AdapterLuid;
#endif // DXGKDDI_INTERFACE_VERSION
} DXGK_START_INFO, *PDXGK_START_INFO;

// ---- SPEC 10 declarations, as in dxgk's subset (the sdk_match copy) ----
#include "../sdk_match/km/dispmprt_spec10.h"

#pragma warning(pop)

#endif /* WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP) */
#pragma endregion

#endif // _DISPMPRT_H_
