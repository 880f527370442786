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


/* Docs: nc-dispmprt-dxgkddi_add_device -- the first DDI called: the driver returns its
 * context for the adapter (what every later device-level DDI receives). */
typedef _Outptr_ PVOID *OUT_PPVOID;
typedef _In_ CONST PDEVICE_OBJECT IN_CONST_PDEVICE_OBJECT;
typedef _In_ ULONG   IN_ULONG;
typedef _In_ BOOLEAN IN_BOOLEAN;
typedef _In_ UCHAR   IN_UCHAR;

typedef _Check_return_ NTSTATUS DXGKDDI_ADD_DEVICE(
    IN_CONST_PDEVICE_OBJECT PhysicalDeviceObject, OUT_PPVOID MiniportDeviceContext);
typedef DXGKDDI_ADD_DEVICE *PDXGKDDI_ADD_DEVICE;

/* Docs: nc-dispmprt-dxgkddi_stop_device / dxgkddi_remove_device. */
typedef _Check_return_ NTSTATUS DXGKDDI_STOP_DEVICE(IN_CONST_PVOID MiniportDeviceContext);
typedef DXGKDDI_STOP_DEVICE *PDXGKDDI_STOP_DEVICE;
typedef _Check_return_ NTSTATUS DXGKDDI_REMOVE_DEVICE(IN_CONST_PVOID MiniportDeviceContext);
typedef DXGKDDI_REMOVE_DEVICE *PDXGKDDI_REMOVE_DEVICE;

/* Docs: nc-dispmprt-dxgkddi_interrupt_routine, _dpc_routine, _reset_device, _unload,
 * _control_etw_logging. */
typedef BOOLEAN DXGKDDI_INTERRUPT_ROUTINE(IN_CONST_PVOID MiniportDeviceContext,
                                          IN_ULONG MessageNumber);
typedef DXGKDDI_INTERRUPT_ROUTINE *PDXGKDDI_INTERRUPT_ROUTINE;
typedef VOID DXGKDDI_DPC_ROUTINE(IN_CONST_PVOID MiniportDeviceContext);
typedef DXGKDDI_DPC_ROUTINE *PDXGKDDI_DPC_ROUTINE;
typedef VOID DXGKDDI_RESET_DEVICE(IN_CONST_PVOID MiniportDeviceContext);
typedef DXGKDDI_RESET_DEVICE *PDXGKDDI_RESET_DEVICE;
typedef VOID DXGKDDI_UNLOAD(VOID);
typedef DXGKDDI_UNLOAD *PDXGKDDI_UNLOAD;
typedef VOID DXGKDDI_CONTROL_ETW_LOGGING(IN_BOOLEAN Enable, IN_ULONG Flags, IN_UCHAR Level);
typedef DXGKDDI_CONTROL_ETW_LOGGING *PDXGKDDI_CONTROL_ETW_LOGGING;

/* The dispmprt.h DDIs of DRIVER_INITIALIZATION_DATA this project never calls: opaque
 * pointer types, as in d3dkmddi.h's opaque DDI block. */
typedef NTSTATUS (APIENTRY *PDXGKDDI_DISPATCH_IO_REQUEST)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERY_CHILD_RELATIONS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERY_CHILD_STATUS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERY_DEVICE_DESCRIPTOR)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SET_POWER_STATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_NOTIFY_ACPI_EVENT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERY_INTERFACE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_LINK_DEVICE)(void);

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
typedef NTSTATUS (APIENTRY *PDXGKDDI_STOP_DEVICE_AND_RELEASE_POST_DISPLAY_OWNERSHIP)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SYSTEM_DISPLAY_ENABLE)(void);
typedef VOID     (APIENTRY *PDXGKDDI_SYSTEM_DISPLAY_WRITE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_GET_CHILD_CONTAINER_ID)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_NOTIFY_SURPRISE_REMOVAL)(void);
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTARGETADJUSTEDCOLORIMETRY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_EXCHANGEPRESTARTINFO)(void);
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYDIAGNOSTICTYPESSUPPORT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CONTROLDIAGNOSTICREPORTING)(void);
#endif /* WDDM2_4 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTARGETADJUSTEDCOLORIMETRY2)(void);
#endif /* WDDM2_5 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
typedef NTSTATUS (APIENTRY *PDXGKDDI_COLLECTDIAGNOSTICINFO)(void);
#endif /* WDDM2_6 */

/* Docs: ns-dispmprt-_driver_initialization_data -- what DriverEntry hands DxgkInitialize:
 * Version (a DXGKDDI_INTERFACE_VERSION_* value) and then every DDI pointer in header
 * order, each block under the version that adds it; unused slots are PVOIDs named
 * Reserved*, or the WDDM 2.0 placeholders DxgkDdiDescribePageTable ..
 * DxgkDdiCreateAllocation2. Members (pointers after one ULONG) by version:
 * 61 always, +9 WIN7, +12 WIN8, +6 WDDM1_3, +15 WDDM2_0, +6 WDDM2_1, +19 WDDM2_2,
 * +3 WDDM2_3, +12 WDDM2_4, +5 WDDM2_5, +4 WDDM2_6, +1 WDDM2_7, +4 WDDM2_9, +4 WDDM3_0,
 * +10 WDDM3_1, +21 WDDM3_2 (2.8 adds none). Kits differ in names, not slots: the
 * 10.0.22621 kit calls the WDDM 3.1 slots spelled here (as in 10.0.26100)
 * DxgkDdiUpdateCurrentValuesFromCpu and Reserved4 DxgkDdiNotifyCurrentValueUpdates and
 * DxgkDdiFlushHwQueue, and has no WDDM 3.2 block. */
typedef struct _DRIVER_INITIALIZATION_DATA
{
    ULONG                                                Version;
    PDXGKDDI_ADD_DEVICE                                  DxgkDdiAddDevice;
    PDXGKDDI_START_DEVICE                                DxgkDdiStartDevice;
    PDXGKDDI_STOP_DEVICE                                 DxgkDdiStopDevice;
    PDXGKDDI_REMOVE_DEVICE                               DxgkDdiRemoveDevice;
    PDXGKDDI_DISPATCH_IO_REQUEST                         DxgkDdiDispatchIoRequest;
    PDXGKDDI_INTERRUPT_ROUTINE                           DxgkDdiInterruptRoutine;
    PDXGKDDI_DPC_ROUTINE                                 DxgkDdiDpcRoutine;
    PDXGKDDI_QUERY_CHILD_RELATIONS                       DxgkDdiQueryChildRelations;
    PDXGKDDI_QUERY_CHILD_STATUS                          DxgkDdiQueryChildStatus;
    PDXGKDDI_QUERY_DEVICE_DESCRIPTOR                     DxgkDdiQueryDeviceDescriptor;
    PDXGKDDI_SET_POWER_STATE                             DxgkDdiSetPowerState;
    PDXGKDDI_NOTIFY_ACPI_EVENT                           DxgkDdiNotifyAcpiEvent;
    PDXGKDDI_RESET_DEVICE                                DxgkDdiResetDevice;
    PDXGKDDI_UNLOAD                                      DxgkDdiUnload;
    PDXGKDDI_QUERY_INTERFACE                             DxgkDdiQueryInterface;
    PDXGKDDI_CONTROL_ETW_LOGGING                         DxgkDdiControlEtwLogging;
    PDXGKDDI_QUERYADAPTERINFO                            DxgkDdiQueryAdapterInfo;
    PDXGKDDI_CREATEDEVICE                                DxgkDdiCreateDevice;
    PDXGKDDI_CREATEALLOCATION                            DxgkDdiCreateAllocation;
    PDXGKDDI_DESTROYALLOCATION                           DxgkDdiDestroyAllocation;
    PDXGKDDI_DESCRIBEALLOCATION                          DxgkDdiDescribeAllocation;
    PDXGKDDI_GETSTANDARDALLOCATIONDRIVERDATA             DxgkDdiGetStandardAllocationDriverData;
    PDXGKDDI_ACQUIRESWIZZLINGRANGE                       DxgkDdiAcquireSwizzlingRange;
    PDXGKDDI_RELEASESWIZZLINGRANGE                       DxgkDdiReleaseSwizzlingRange;
    PDXGKDDI_PATCH                                       DxgkDdiPatch;
    PDXGKDDI_SUBMITCOMMAND                               DxgkDdiSubmitCommand;
    PDXGKDDI_PREEMPTCOMMAND                              DxgkDdiPreemptCommand;
    PDXGKDDI_BUILDPAGINGBUFFER                           DxgkDdiBuildPagingBuffer;
    PDXGKDDI_SETPALETTE                                  DxgkDdiSetPalette;
    PDXGKDDI_SETPOINTERPOSITION                          DxgkDdiSetPointerPosition;
    PDXGKDDI_SETPOINTERSHAPE                             DxgkDdiSetPointerShape;
    PDXGKDDI_RESETFROMTIMEOUT                            DxgkDdiResetFromTimeout;
    PDXGKDDI_RESTARTFROMTIMEOUT                          DxgkDdiRestartFromTimeout;
    PDXGKDDI_ESCAPE                                      DxgkDdiEscape;
    PDXGKDDI_COLLECTDBGINFO                              DxgkDdiCollectDbgInfo;
    PDXGKDDI_QUERYCURRENTFENCE                           DxgkDdiQueryCurrentFence;
    PDXGKDDI_ISSUPPORTEDVIDPN                            DxgkDdiIsSupportedVidPn;
    PDXGKDDI_RECOMMENDFUNCTIONALVIDPN                    DxgkDdiRecommendFunctionalVidPn;
    PDXGKDDI_ENUMVIDPNCOFUNCMODALITY                     DxgkDdiEnumVidPnCofuncModality;
    PDXGKDDI_SETVIDPNSOURCEADDRESS                       DxgkDdiSetVidPnSourceAddress;
    PDXGKDDI_SETVIDPNSOURCEVISIBILITY                    DxgkDdiSetVidPnSourceVisibility;
    PDXGKDDI_COMMITVIDPN                                 DxgkDdiCommitVidPn;
    PDXGKDDI_UPDATEACTIVEVIDPNPRESENTPATH                DxgkDdiUpdateActiveVidPnPresentPath;
    PDXGKDDI_RECOMMENDMONITORMODES                       DxgkDdiRecommendMonitorModes;
    PDXGKDDI_RECOMMENDVIDPNTOPOLOGY                      DxgkDdiRecommendVidPnTopology;
    PDXGKDDI_GETSCANLINE                                 DxgkDdiGetScanLine;
    PDXGKDDI_STOPCAPTURE                                 DxgkDdiStopCapture;
    PDXGKDDI_CONTROLINTERRUPT                            DxgkDdiControlInterrupt;
    PDXGKDDI_CREATEOVERLAY                               DxgkDdiCreateOverlay;
    PDXGKDDI_DESTROYDEVICE                               DxgkDdiDestroyDevice;
    PDXGKDDI_OPENALLOCATIONINFO                          DxgkDdiOpenAllocation;
    PDXGKDDI_CLOSEALLOCATION                             DxgkDdiCloseAllocation;
    PDXGKDDI_RENDER                                      DxgkDdiRender;
    PDXGKDDI_PRESENT                                     DxgkDdiPresent;
    PDXGKDDI_UPDATEOVERLAY                               DxgkDdiUpdateOverlay;
    PDXGKDDI_FLIPOVERLAY                                 DxgkDdiFlipOverlay;
    PDXGKDDI_DESTROYOVERLAY                              DxgkDdiDestroyOverlay;
    PDXGKDDI_CREATECONTEXT                               DxgkDdiCreateContext;
    PDXGKDDI_DESTROYCONTEXT                              DxgkDdiDestroyContext;
    PDXGKDDI_LINK_DEVICE                                 DxgkDdiLinkDevice;
    PDXGKDDI_SETDISPLAYPRIVATEDRIVERFORMAT               DxgkDdiSetDisplayPrivateDriverFormat;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7)
    PVOID                                                DxgkDdiDescribePageTable;
    PVOID                                                DxgkDdiUpdatePageTable;
    PVOID                                                DxgkDdiUpdatePageDirectory;
    PVOID                                                DxgkDdiMovePageDirectory;
    PVOID                                                DxgkDdiSubmitRender;
    PVOID                                                DxgkDdiCreateAllocation2;
    PDXGKDDI_RENDER                                      DxgkDdiRenderKm;
    PVOID                                                Reserved;
    PDXGKDDI_QUERYVIDPNHWCAPABILITY                      DxgkDdiQueryVidPnHWCapability;
#endif /* WIN7 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    PDXGKDDISETPOWERCOMPONENTFSTATE                      DxgkDdiSetPowerComponentFState;
    PDXGKDDI_QUERYDEPENDENTENGINEGROUP                   DxgkDdiQueryDependentEngineGroup;
    PDXGKDDI_QUERYENGINESTATUS                           DxgkDdiQueryEngineStatus;
    PDXGKDDI_RESETENGINE                                 DxgkDdiResetEngine;
    PDXGKDDI_STOP_DEVICE_AND_RELEASE_POST_DISPLAY_OWNERSHIP DxgkDdiStopDeviceAndReleasePostDisplayOwnership;
    PDXGKDDI_SYSTEM_DISPLAY_ENABLE                       DxgkDdiSystemDisplayEnable;
    PDXGKDDI_SYSTEM_DISPLAY_WRITE                        DxgkDdiSystemDisplayWrite;
    PDXGKDDI_CANCELCOMMAND                               DxgkDdiCancelCommand;
    PDXGKDDI_GET_CHILD_CONTAINER_ID                      DxgkDdiGetChildContainerId;
    PDXGKDDIPOWERRUNTIMECONTROLREQUEST                   DxgkDdiPowerRuntimeControlRequest;
    PDXGKDDI_SETVIDPNSOURCEADDRESSWITHMULTIPLANEOVERLAY  DxgkDdiSetVidPnSourceAddressWithMultiPlaneOverlay;
    PDXGKDDI_NOTIFY_SURPRISE_REMOVAL                     DxgkDdiNotifySurpriseRemoval;
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
    PDXGKDDI_GETNODEMETADATA                             DxgkDdiGetNodeMetadata;
    PDXGKDDISETPOWERPSTATE                               DxgkDdiSetPowerPState;
    PDXGKDDI_CONTROLINTERRUPT2                           DxgkDdiControlInterrupt2;
    PDXGKDDI_CHECKMULTIPLANEOVERLAYSUPPORT               DxgkDdiCheckMultiPlaneOverlaySupport;
    PDXGKDDI_CALIBRATEGPUCLOCK                           DxgkDdiCalibrateGpuClock;
    PDXGKDDI_FORMATHISTORYBUFFER                         DxgkDdiFormatHistoryBuffer;
#endif /* WDDM1_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    PDXGKDDI_RENDERGDI                                   DxgkDdiRenderGdi;
    PDXGKDDI_SUBMITCOMMANDVIRTUAL                        DxgkDdiSubmitCommandVirtual;
    PDXGKDDI_SETROOTPAGETABLE                            DxgkDdiSetRootPageTable;
    PDXGKDDI_GETROOTPAGETABLESIZE                        DxgkDdiGetRootPageTableSize;
    PDXGKDDI_MAPCPUHOSTAPERTURE                          DxgkDdiMapCpuHostAperture;
    PDXGKDDI_UNMAPCPUHOSTAPERTURE                        DxgkDdiUnmapCpuHostAperture;
    PDXGKDDI_CHECKMULTIPLANEOVERLAYSUPPORT2              DxgkDdiCheckMultiPlaneOverlaySupport2;
    PDXGKDDI_CREATEPROCESS                               DxgkDdiCreateProcess;
    PDXGKDDI_DESTROYPROCESS                              DxgkDdiDestroyProcess;
    PDXGKDDI_SETVIDPNSOURCEADDRESSWITHMULTIPLANEOVERLAY2 DxgkDdiSetVidPnSourceAddressWithMultiPlaneOverlay2;
    PVOID                                                Reserved1;
    PVOID                                                Reserved2;
    PDXGKDDI_POWERRUNTIMESETDEVICEHANDLE                 DxgkDdiPowerRuntimeSetDeviceHandle;
    PDXGKDDI_SETSTABLEPOWERSTATE                         DxgkDdiSetStablePowerState;
    PDXGKDDI_SETVIDEOPROTECTEDREGION                     DxgkDdiSetVideoProtectedRegion;
#endif /* WDDM2_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
    PDXGKDDI_CHECKMULTIPLANEOVERLAYSUPPORT3              DxgkDdiCheckMultiPlaneOverlaySupport3;
    PDXGKDDI_SETVIDPNSOURCEADDRESSWITHMULTIPLANEOVERLAY3 DxgkDdiSetVidPnSourceAddressWithMultiPlaneOverlay3;
    PDXGKDDI_POSTMULTIPLANEOVERLAYPRESENT                DxgkDdiPostMultiPlaneOverlayPresent;
    PDXGKDDI_VALIDATEUPDATEALLOCATIONPROPERTY            DxgkDdiValidateUpdateAllocationProperty;
    PDXGKDDI_CONTROLMODEBEHAVIOR                         DxgkDdiControlModeBehavior;
    PDXGKDDI_UPDATEMONITORLINKINFO                       DxgkDdiUpdateMonitorLinkInfo;
#endif /* WDDM2_1 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    PDXGKDDI_CREATEHWCONTEXT                             DxgkDdiCreateHwContext;
    PDXGKDDI_DESTROYHWCONTEXT                            DxgkDdiDestroyHwContext;
    PDXGKDDI_CREATEHWQUEUE                               DxgkDdiCreateHwQueue;
    PDXGKDDI_DESTROYHWQUEUE                              DxgkDdiDestroyHwQueue;
    PDXGKDDI_SUBMITCOMMANDTOHWQUEUE                      DxgkDdiSubmitCommandToHwQueue;
    PDXGKDDI_SWITCHTOHWCONTEXTLIST                       DxgkDdiSwitchToHwContextList;
    PDXGKDDI_RESETHWENGINE                               DxgkDdiResetHwEngine;
    PDXGKDDI_CREATEPERIODICFRAMENOTIFICATION             DxgkDdiCreatePeriodicFrameNotification;
    PDXGKDDI_DESTROYPERIODICFRAMENOTIFICATION            DxgkDdiDestroyPeriodicFrameNotification;
    PDXGKDDI_SETTIMINGSFROMVIDPN                         DxgkDdiSetTimingsFromVidPn;
    PDXGKDDI_SETTARGETGAMMA                              DxgkDdiSetTargetGamma;
    PDXGKDDI_SETTARGETCONTENTTYPE                        DxgkDdiSetTargetContentType;
    PDXGKDDI_SETTARGETANALOGCOPYPROTECTION               DxgkDdiSetTargetAnalogCopyProtection;
    PDXGKDDI_SETTARGETADJUSTEDCOLORIMETRY                DxgkDdiSetTargetAdjustedColorimetry;
    PDXGKDDI_DISPLAYDETECTCONTROL                        DxgkDdiDisplayDetectControl;
    PDXGKDDI_QUERYCONNECTIONCHANGE                       DxgkDdiQueryConnectionChange;
    PDXGKDDI_EXCHANGEPRESTARTINFO                        DxgkDdiExchangePreStartInfo;
    PDXGKDDI_GETMULTIPLANEOVERLAYCAPS                    DxgkDdiGetMultiPlaneOverlayCaps;
    PDXGKDDI_GETPOSTCOMPOSITIONCAPS                      DxgkDdiGetPostCompositionCaps;
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
    PDXGKDDI_UPDATEHWCONTEXTSTATE                        DxgkDdiUpdateHwContextState;
    PDXGKDDI_CREATEPROTECTEDSESSION                      DxgkDdiCreateProtectedSession;
    PDXGKDDI_DESTROYPROTECTEDSESSION                     DxgkDdiDestroyProtectedSession;
#endif /* WDDM2_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    PDXGKDDI_SETSCHEDULINGLOGBUFFER                      DxgkDdiSetSchedulingLogBuffer;
    PDXGKDDI_SETUPPRIORITYBANDS                          DxgkDdiSetupPriorityBands;
    PDXGKDDI_NOTIFYFOCUSPRESENT                          DxgkDdiNotifyFocusPresent;
    PDXGKDDI_SETCONTEXTSCHEDULINGPROPERTIES              DxgkDdiSetContextSchedulingProperties;
    PDXGKDDI_SUSPENDCONTEXT                              DxgkDdiSuspendContext;
    PDXGKDDI_RESUMECONTEXT                               DxgkDdiResumeContext;
    PDXGKDDI_SETVIRTUALMACHINEDATA                       DxgkDdiSetVirtualMachineData;
    PDXGKDDI_BEGINEXCLUSIVEACCESS                        DxgkDdiBeginExclusiveAccess;
    PDXGKDDI_ENDEXCLUSIVEACCESS                          DxgkDdiEndExclusiveAccess;
    PDXGKDDI_QUERYDIAGNOSTICTYPESSUPPORT                 DxgkDdiQueryDiagnosticTypesSupport;
    PDXGKDDI_CONTROLDIAGNOSTICREPORTING                  DxgkDdiControlDiagnosticReporting;
    PDXGKDDI_RESUMEHWENGINE                              DxgkDdiResumeHwEngine;
#endif /* WDDM2_4 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
    PDXGKDDI_SIGNALMONITOREDFENCE                        DxgkDdiSignalMonitoredFence;
    PDXGKDDI_PRESENTTOHWQUEUE                            DxgkDdiPresentToHwQueue;
    PDXGKDDI_VALIDATESUBMITCOMMAND                       DxgkDdiValidateSubmitCommand;
    PDXGKDDI_SETTARGETADJUSTEDCOLORIMETRY2               DxgkDdiSetTargetAdjustedColorimetry2;
    PDXGKDDI_SETTRACKEDWORKLOADPOWERLEVEL                DxgkDdiSetTrackedWorkloadPowerLevel;
#endif /* WDDM2_5 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
    PDXGKDDI_SAVEMEMORYFORHOTUPDATE                      DxgkDdiSaveMemoryForHotUpdate;
    PDXGKDDI_RESTOREMEMORYFORHOTUPDATE                   DxgkDdiRestoreMemoryForHotUpdate;
    PDXGKDDI_COLLECTDIAGNOSTICINFO                       DxgkDdiCollectDiagnosticInfo;
    PVOID                                                Reserved3;
#endif /* WDDM2_6 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_7)
    PDXGKDDI_CONTROLINTERRUPT3                           DxgkDdiControlInterrupt3;
#endif /* WDDM2_7 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
    PDXGKDDI_SETFLIPQUEUELOGBUFFER                       DxgkDdiSetFlipQueueLogBuffer;
    PDXGKDDI_UPDATEFLIPQUEUELOG                          DxgkDdiUpdateFlipQueueLog;
    PDXGKDDI_CANCELQUEUEDFLIPS                           DxgkDdiCancelQueuedFlips;
    PDXGKDDI_SETINTERRUPTTARGETPRESENTID                 DxgkDdiSetInterruptTargetPresentId;
#endif /* WDDM2_9 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_0)
    PDXGKDDI_SETALLOCATIONBACKINGSTORE                   DxgkDdiSetAllocationBackingStore;
    PDXGKDDI_CREATECPUEVENT                              DxgkDdiCreateCpuEvent;
    PDXGKDDI_DESTROYCPUEVENT                             DxgkDdiDestroyCpuEvent;
    PDXGKDDI_CANCELFLIPS                                 DxgkDdiCancelFlips;
#endif /* WDDM3_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
    PDXGKDDI_CREATENATIVEFENCE                           DxgkDdiCreateNativeFence;
    PDXGKDDI_DESTROYNATIVEFENCE                          DxgkDdiDestroyNativeFence;
    PDXGKDDI_UPDATEMONITOREDVALUES                       DxgkDdiUpdateMonitoredValues;
    PDXGKDDI_UPDATECURRENTVALUESFROMCPU                  DxgkDdiUpdateCurrentValuesFromCpu;
    PDXGKDDI_CREATEDOORBELL                              DxgkDdiCreateDoorbell;
    PDXGKDDI_CONNECTDOORBELL                             DxgkDdiConnectDoorbell;
    PDXGKDDI_DISCONNECTDOORBELL                          DxgkDdiDisconnectDoorbell;
    PDXGKDDI_DESTROYDOORBELL                             DxgkDdiDestroyDoorbell;
    PDXGKDDI_NOTIFYWORKSUBMISSION                        DxgkDdiNotifyWorkSubmission;
    PVOID                                                Reserved4;
#endif /* WDDM3_1 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
    PDXGKDDI_CREATEMEMORYBASIS                           DxgkDdiCreateMemoryBasis;
    PDXGKDDI_DESTROYMEMORYBASIS                          DxgkDdiDestroyMemoryBasis;
    PDXGKDDI_STARTDIRTYTRACKING                          DxgkDdiStartDirtyTracking;
    PDXGKDDI_STOPDIRTYTRACKING                           DxgkDdiStopDirtyTracking;
    PDXGKDDI_QUERYDIRTYBITDATA                           DxgkDdiQueryDirtyBitData;
    PDXGKDDI_PREPARELIVEMIGRATION                        DxgkDdiPrepareLiveMigration;
    PDXGKDDI_SAVEIMMUTABLEMIGRATIONDATA                  DxgkDdiSaveImmutableMigrationData;
    PDXGKDDI_SAVEMUTABLEMIGRATIONDATA                    DxgkDdiSaveMutableMigrationData;
    PDXGKDDI_ENDLIVEMIGRATION                            DxgkDdiEndLiveMigration;
    PDXGKDDI_RESTOREIMMUTABLEMIGRATIONDATA               DxgkDdiRestoreImmutableMigrationData;
    PDXGKDDI_RESTOREMUTABLEMIGRATIONDATA                 DxgkDdiRestoreMutableMigrationData;
    PDXGKDDI_WRITEVIRTUALIZEDINTERRUPT                   DxgkDdiWriteVirtualizedInterrupt;
    PDXGKDDI_SETVIRTUALGPURESOURCES2                     DxgkDdiSetVirtualGpuResources2;
    PDXGKDDI_SETVIRTUALFUNCTIONPAUSESTATE                DxgkDdiSetVirtualFunctionPauseState;
    PDXGKDDI_OPENNATIVEFENCE                             DxgkDdiOpenNativeFence;
    PDXGKDDI_CLOSENATIVEFENCE                            DxgkDdiCloseNativeFence;
    PDXGKDDI_SETNATIVEFENCELOGBUFFER                     DxgkDdiSetNativeFenceLogBuffer;
    PDXGKDDI_UPDATENATIVEFENCELOGS                       DxgkDdiUpdateNativeFenceLogs;
    PDXGKDDI_COLLECTDBGINFO2                             DxgkDdiCollectDbgInfo2;
    PDXGKDDI_NOTIFYCONTEXTPRIORITYCHANGE                 DxgkDdiNotifyContextPriorityChange;
    PDXGKDDI_RESETDISPLAYENGINE                          DxgkDdiResetDisplayEngine;
#endif /* WDDM3_2 */
} DRIVER_INITIALIZATION_DATA, *PDRIVER_INITIALIZATION_DATA;

#endif /* DXGK_DISPMPRT_H */
