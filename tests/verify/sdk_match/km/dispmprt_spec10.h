/*
 * dispmprt_spec10.h -- part of the imitation dispmprt.h (written for dxgk's tests): the SPEC 10
 * declarations (paging buffer, allocations, the driver's DDI table), declared as in
 * dxgk's subset. Included by sdk_match/km/dispmprt.h and by sdk_diff/dispmprt.h, which have
 * no deliberate difference here.
 */
typedef _In_ CONST PVOID IN_CONST_PVOID;
typedef NTSTATUS (APIENTRY *PDXGKDDI_START_DEVICE)(void);

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

