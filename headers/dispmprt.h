/*
 * dispmprt.h -- dxgk's subset of the display miniport / port driver interface.
 *
 * Written for dxgk from the public WDK reference (MicrosoftDocs
 * windows-driver-docs-ddi, wdk-ddi-src/content/dispmprt/ns-dispmprt-_dxgkrnl_interface.md
 * and the callback pages it links); the comments are ours.
 *
 * DXGKRNL_INTERFACE is the table of Dxgkrnl services a kernel-mode display driver
 * receives in DxgkDdiStartDevice. Every member is declared, in header order, under
 * the version guard that introduces it, so the table is byte-exact for each
 * interface version (pointer-sized members after two ULONGs and a HANDLE):
 *
 *   members                                         guard (DXGKDDI_INTERFACE_VERSION >=)
 *   DxgkCbEvalAcpiMethod .. DxgkCbExcludeAdapterAccess   (always, WDDM 1.0)
 *   DxgkCbCreateContextAllocation .. DxgkCbCompleteFStateTransition   WIN8
 *   DxgkCbCompletePStateTransition                  WDDM1_3
 *   DxgkCbMapContextAllocation .. DxgkCbHardwareContentProtectionTeardown   WDDM2_0
 *   DxgkCbMultiPlaneOverlayDisabled, DxgkCbMitigatedRangeUpdate   WDDM2_1
 *   DxgkCbInvalidateHwContext .. DxgkCbAcquirePostDisplayOwnership2   WDDM2_2
 *   DxgkCbSetProtectedSessionStatus                 WDDM2_3
 *   DxgkCbAllocateContiguousMemory .. DxgkCbReportDiagnostic   WDDM2_4
 *   DxgkCbSignalEvent                               WDDM2_5
 *   DxgkCbIsFeatureEnabled, DxgkCbSaveMemoryForHotUpdate   WDDM2_6
 *   DxgkCbNotifyCursorSupportChange                 WDDM2_8
 *   DxgkCbQueryFeatureSupport .. DxgkCbPinFrameBufferForSave2   WDDM2_9
 *   DxgkCbDisconnectDoorbell                        WDDM3_1
 * (WDDM 2.7, 3.0 and 3.2 add no member.)
 *
 * The five GPU-VA members use their real pointer types from d3dkmddi.h; the other
 * members use opaque pointer types carrying the WDK names (see d3dkmddi.h,
 * "Opaque callbacks"); the ones whose docs page names dispmprt.h are declared here.
 */
#ifndef DXGK_DISPMPRT_H
#define DXGK_DISPMPRT_H

#include "d3dkmddi.h"

/* Opaque Dxgkrnl services documented under dispmprt/ (available since WDDM 1.0
 * unless guarded); documented return type, parameters elided. */
typedef NTSTATUS (APIENTRY *DXGKCB_EVAL_ACPI_METHOD)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_GET_DEVICE_INFORMATION)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_INDICATE_CHILD_STATUS)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_MAP_MEMORY)(void);
typedef BOOLEAN  (APIENTRY *DXGKCB_QUEUE_DPC)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_QUERY_SERVICES)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_READ_DEVICE_SPACE)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_SYNCHRONIZE_EXECUTION)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_UNMAP_MEMORY)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_WRITE_DEVICE_SPACE)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_IS_DEVICE_PRESENT)(void);
typedef VOID     (APIENTRY *DXGKCB_LOG_ETW_EVENT)(void);
typedef NTSTATUS (APIENTRY *DXGKCB_EXCLUDE_ADAPTER_ACCESS)(void);

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
typedef NTSTATUS (APIENTRY *DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP)(void);
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef NTSTATUS (APIENTRY *DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP2)(void);
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
typedef NTSTATUS (APIENTRY *DXGKCB_REPORT_DIAGNOSTIC)(void);
#endif /* WDDM2_4 */

/* Docs: ns-dispmprt-_dxgkrnl_interface. Size is the byte size of this table and
 * Version the interface version Dxgkrnl implements (a DXGKDDI_INTERFACE_VERSION_*
 * value); DeviceHandle is the adapter handle passed back to every callback. */
typedef struct _DXGKRNL_INTERFACE
{
    ULONG                                    Size;
    ULONG                                    Version;
    HANDLE                                   DeviceHandle;

    DXGKCB_EVAL_ACPI_METHOD                  DxgkCbEvalAcpiMethod;
    DXGKCB_GET_DEVICE_INFORMATION            DxgkCbGetDeviceInformation;
    DXGKCB_INDICATE_CHILD_STATUS             DxgkCbIndicateChildStatus;
    DXGKCB_MAP_MEMORY                        DxgkCbMapMemory;
    DXGKCB_QUEUE_DPC                         DxgkCbQueueDpc;
    DXGKCB_QUERY_SERVICES                    DxgkCbQueryServices;
    DXGKCB_READ_DEVICE_SPACE                 DxgkCbReadDeviceSpace;
    DXGKCB_SYNCHRONIZE_EXECUTION             DxgkCbSynchronizeExecution;
    DXGKCB_UNMAP_MEMORY                      DxgkCbUnmapMemory;
    DXGKCB_WRITE_DEVICE_SPACE                DxgkCbWriteDeviceSpace;
    DXGKCB_IS_DEVICE_PRESENT                 DxgkCbIsDevicePresent;

    DXGKCB_GETHANDLEDATA                     DxgkCbGetHandleData;
    DXGKCB_GETHANDLEPARENT                   DxgkCbGetHandleParent;
    DXGKCB_ENUMHANDLECHILDREN                DxgkCbEnumHandleChildren;
    DXGKCB_NOTIFY_INTERRUPT                  DxgkCbNotifyInterrupt;
    DXGKCB_NOTIFY_DPC                        DxgkCbNotifyDpc;
    DXGKCB_QUERYVIDPNINTERFACE               DxgkCbQueryVidPnInterface;
    DXGKCB_QUERYMONITORINTERFACE             DxgkCbQueryMonitorInterface;
    DXGKCB_GETCAPTUREADDRESS                 DxgkCbGetCaptureAddress;

    DXGKCB_LOG_ETW_EVENT                     DxgkCbLogEtwEvent;

    DXGKCB_EXCLUDE_ADAPTER_ACCESS            DxgkCbExcludeAdapterAccess;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    DXGKCB_CREATECONTEXTALLOCATION           DxgkCbCreateContextAllocation;
    DXGKCB_DESTROYCONTEXTALLOCATION          DxgkCbDestroyContextAllocation;
    DXGKCB_SETPOWERCOMPONENTACTIVE           DxgkCbSetPowerComponentActive;
    DXGKCB_SETPOWERCOMPONENTIDLE             DxgkCbSetPowerComponentIdle;
    DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP    DxgkCbAcquirePostDisplayOwnership;
    DXGKCB_POWERRUNTIMECONTROLREQUEST        DxgkCbPowerRuntimeControlRequest;
    DXGKCB_SETPOWERCOMPONENTLATENCY          DxgkCbSetPowerComponentLatency;
    DXGKCB_SETPOWERCOMPONENTRESIDENCY        DxgkCbSetPowerComponentResidency;
    DXGKCB_COMPLETEFSTATETRANSITION          DxgkCbCompleteFStateTransition;
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
    DXGKCB_COMPLETEPSTATETRANSITION          DxgkCbCompletePStateTransition;
#endif /* WDDM1_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGKCB_MAPCONTEXTALLOCATION              DxgkCbMapContextAllocation;
    DXGKCB_UPDATECONTEXTALLOCATION           DxgkCbUpdateContextAllocation;
    DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE     DxgkCbReserveGpuVirtualAddressRange;
    DXGKCB_ACQUIREHANDLEDATA                 DxgkCbAcquireHandleData;
    DXGKCB_RELEASEHANDLEDATA                 DxgkCbReleaseHandleData;
    DXGKCB_HARDWARECONTENTPROTECTIONTEARDOWN DxgkCbHardwareContentProtectionTeardown;
#endif /* WDDM2_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
    DXGKCB_MULTIPLANEOVERLAYDISABLED         DxgkCbMultiPlaneOverlayDisabled;
    DXGKCB_DXGKCB_MITIGATEDRANGEUPDATE       DxgkCbMitigatedRangeUpdate;
#endif /* WDDM2_1 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    DXGKCB_INVALIDATEHWCONTEXT               DxgkCbInvalidateHwContext;
    DXGKCB_INDICATE_CONNECTOR_CHANGE         DxgkCbIndicateConnectorChange;
    DXGKCB_UNBLOCKUEFIFRAMEBUFFERRANGES      DxgkCbUnblockUEFIFrameBufferRanges;
    DXGKCB_ACQUIRE_POST_DISPLAY_OWNERSHIP2   DxgkCbAcquirePostDisplayOwnership2;
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
    DXGKCB_SETPROTECTEDSESSIONSTATUS         DxgkCbSetProtectedSessionStatus;
#endif /* WDDM2_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    DXGKCB_ALLOCATECONTIGUOUSMEMORY          DxgkCbAllocateContiguousMemory;
    DXGKCB_FREECONTIGUOUSMEMORY              DxgkCbFreeContiguousMemory;
    DXGKCB_ALLOCATEPAGESFORMDL               DxgkCbAllocatePagesForMdl;
    DXGKCB_FREEPAGESFROMMDL                  DxgkCbFreePagesFromMdl;
    DXGKCB_PINFRAMEBUFFERFORSAVE             DxgkCbPinFrameBufferForSave;
    DXGKCB_UNPINFRAMEBUFFERFORSAVE           DxgkCbUnpinFrameBufferForSave;
    DXGKCB_MAPFRAMEBUFFERPOINTER             DxgkCbMapFrameBufferPointer;
    DXGKCB_UNMAPFRAMEBUFFERPOINTER           DxgkCbUnmapFrameBufferPointer;
    DXGKCB_MAPMDLTOIOMMU                     DxgkCbMapMdlToIoMmu;
    DXGKCB_UNMAPMDLFROMIOMMU                 DxgkCbUnmapMdlFromIoMmu;
    DXGKCB_REPORT_DIAGNOSTIC                 DxgkCbReportDiagnostic;
#endif /* WDDM2_4 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
    DXGKCB_SIGNALEVENT                       DxgkCbSignalEvent;
#endif /* WDDM2_5 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
    DXGKCB_ISFEATUREENABLED                  DxgkCbIsFeatureEnabled;
    DXGKCB_SAVEMEMORYFORHOTUPDATE            DxgkCbSaveMemoryForHotUpdate;
#endif /* WDDM2_6 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_8)
    DXGKCB_NOTIFYCURSORSUPPORTCHANGE         DxgkCbNotifyCursorSupportChange;
#endif /* WDDM2_8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
    DXGKCB_QUERYFEATURESUPPORT               DxgkCbQueryFeatureSupport;
    DXGKCB_CREATEPHYSICALMEMORYOBJECT        DxgkCbCreatePhysicalMemoryObject;
    DXGKCB_DESTROYPHYSICALMEMORYOBJECT       DxgkCbDestroyPhysicalMemoryObject;
    DXGKCB_MAPPHYSICALMEMORY                 DxgkCbMapPhysicalMemory;
    DXGKCB_UNMAPPHYSICALMEMORY               DxgkCbUnmapPhysicalMemory;
    DXGKCB_ALLOCATEADL                       DxgkCbAllocateAdl;
    DXGKCB_FREEADL                           DxgkCbFreeAdl;
    DXGKCB_OPENPHYSICALMEMORYOBJECT          DxgkCbOpenPhysicalMemoryObject;
    DXGKCB_CLOSEPHYSICALMEMORYOBJECT         DxgkCbClosePhysicalMemoryObject;
    DXGKCB_PINFRAMEBUFFERFORSAVE2            DxgkCbPinFrameBufferForSave2;
#endif /* WDDM2_9 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
    DXGKCB_DISCONNECTDOORBELL                DxgkCbDisconnectDoorbell;
#endif /* WDDM3_1 */
} DXGKRNL_INTERFACE, *PDXGKRNL_INTERFACE;

/* Docs: ns-dispmprt-_dxgk_start_info -- what DxgkDdiStartDevice is told about the
 * adapter: the DMA queue depth it needs, its GUID and, from WIN8, its LUID. */
typedef struct _DXGK_START_INFO
{
    ULONG RequiredDmaQueueEntry;
    GUID  AdapterGuid;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    LUID  AdapterLuid;
#endif
} DXGK_START_INFO, *PDXGK_START_INFO;

typedef _In_ CONST PVOID       IN_CONST_PVOID;
typedef _In_ PDXGK_START_INFO  IN_PDXGK_START_INFO;
typedef _In_ PDXGKRNL_INTERFACE IN_PDXGKRNL_INTERFACE;
typedef _Out_ PULONG           OUT_PULONG;

/* Docs: nc-dispmprt-dxgkddi_start_device -- the driver receives the start information
 * and the DXGKRNL_INTERFACE table, and returns its numbers of VidPN sources and of
 * children. A function type, like the DXGKDDI_xxx types of d3dkmddi.h. */
typedef _Check_return_ NTSTATUS DXGKDDI_START_DEVICE(
    IN_CONST_PVOID        MiniportDeviceContext,
    IN_PDXGK_START_INFO   DxgkStartInfo,
    IN_PDXGKRNL_INTERFACE DxgkInterface,
    OUT_PULONG            NumberOfVideoPresentSources,
    OUT_PULONG            NumberOfChildren);
typedef DXGKDDI_START_DEVICE *PDXGKDDI_START_DEVICE;

#endif /* DXGK_DISPMPRT_H */
