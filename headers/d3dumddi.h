/*
 * d3dumddi.h -- dxgk's subset of the WDDM user-mode display driver interface.
 *
 * Written for dxgk from the public WDK reference (MicrosoftDocs
 * windows-driver-docs-ddi, pages under wdk-ddi-src/content/d3dumddi/): the runtime's
 * callback table a user-mode driver receives (D3DDDI_DEVICECALLBACKS) and the
 * arguments of its GPU VA callbacks, which talk to the same VidMm the kernel-mode
 * callbacks do. Names, member order and types follow the documentation; the comments
 * are ours.
 *
 * Callback types: every PFND3DDDI_xxxCB is a pointer-to-function type returning an
 * HRESULT, taking the runtime's device handle first. The six GPU VA callbacks
 * (paging queues, reserve, map, free, update) carry their real parameter lists; the
 * rest of the table uses the same names with an elided "(void)" parameter list, so
 * the table has its exact shape and position of every member while a callback
 * outside the GPU VA family cannot be called by mistake through this subset.
 *
 * Version guards: D3D_UMD_INTERFACE_VERSION (default WDDM 3.2 in d3dukmdt.h); the
 * table grows at WIN8, WDDM 1.3, 2.0, 2.1.1, 2.1.2, 2.1.3, 2.2.1, 2.4.2, 2.5.2 and
 * 2.6.4 (no member after that, through WDK 10.0.26100).
 */
#ifndef DXGK_D3DUMDDI_H
#define DXGK_D3DUMDDI_H

#include "d3dukmdt.h"

/* ------------------------------------------------------------------------------
 * Opaque runtime callbacks (outside the GPU VA family), in table order.
 * ---------------------------------------------------------------------------- */
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_ALLOCATECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DEALLOCATECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SETPRIORITYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_QUERYRESIDENCYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SETDISPLAYMODECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_PRESENTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_RENDERCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_LOCKCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_UNLOCKCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_ESCAPECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATEOVERLAYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_UPDATEOVERLAYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_FLIPOVERLAYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DESTROYOVERLAYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATECONTEXTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DESTROYCONTEXTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATESYNCHRONIZATIONOBJECTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DESTROYSYNCHRONIZATIONOBJECTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SETASYNCCALLBACKSCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SETDISPLAYPRIVATEDRIVERFORMATCB)(void);

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN8)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_OFFERALLOCATIONSCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_RECLAIMALLOCATIONSCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATESYNCHRONIZATIONOBJECT2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECT2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECT2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_PRESENTMULTIPLANEOVERLAYCB)(void);
#endif /* WIN8 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM1_3)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_LOGUMDMARKERCB)(void);
#endif /* WDDM1_3 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_MAKERESIDENTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_EVICTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECTFROMCPUCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTFROMCPUCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECTFROMGPUCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTFROMGPUCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_LOCK2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_UNLOCK2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_INVALIDATECACHECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATECONTEXTVIRTUALCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITCOMMANDCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DEALLOCATE2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTFROMGPU2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_RECLAIMALLOCATIONS2CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_GETRESOURCEPRESENTPRIVATEDRIVERDATACB)(void);
#endif /* WDDM2_0 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_1_1)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_UPDATEALLOCATIONPROPERTYCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_OFFERALLOCATIONS2CB)(void);
#endif /* WDDM2_1_1 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_1_2)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_RECLAIMALLOCATIONS3CB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SYNCTOKENCB)(void);
#endif /* WDDM2_1_2 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_2_1)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATEHWCONTEXTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DESTROYHWCONTEXTCB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATEHWQUEUECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_DESTROYHWQUEUECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITCOMMANDTOHWQUEUECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITWAITFORSYNCOBJECTSTOHWQUEUECB)(void);
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITSIGNALSYNCOBJECTSTOHWQUEUECB)(void);
#endif /* WDDM2_2_1 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_4_2)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITPRESENTBLTTOHWQUEUECB)(void);
#endif /* WDDM2_4_2 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_5_2)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITPRESENTTOHWQUEUECB)(void);
#endif /* WDDM2_5_2 */

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_6_4)
typedef HRESULT (APIENTRY CALLBACK *PFND3DDDI_SUBMITHISTORYSEQUENCECB)(void);
#endif /* WDDM2_6_4 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0)

/* Docs: ns-d3dumddi-d3dddicb_createpagingqueue -- pfnCreatePagingQueueCb's argument:
 * the thunk's D3DKMT_CREATEPAGINGQUEUE without hDevice (the callback's first parameter
 * names the device). The tag has no leading underscore, as in the SDK. */
typedef struct D3DDDICB_CREATEPAGINGQUEUE
{
    D3DDDI_PAGINGQUEUE_PRIORITY Priority;
    D3DKMT_HANDLE               hPagingQueue;                 /* out */
    D3DKMT_HANDLE               hSyncObject;                  /* out: its monitored fence */
    VOID                       *FenceValueCPUVirtualAddress;  /* out: the fence's value */
    UINT                        PhysicalAdapterIndex;
} D3DDDICB_CREATEPAGINGQUEUE;

/* Docs: ns-d3dumddi-_d3dddicb_updategpuvirtualaddress -- a batch of VA operations
 * (pfnUpdateGpuVirtualAddressCb) executed on hContext's engine and fenced with
 * hFenceObject/FenceValue. Flags is a named member whose type is an unnamed union
 * of the bit view and the whole word. */
typedef struct _D3DDDICB_UPDATEGPUVIRTUALADDRESS
{
    HANDLE                                    hContext;
    D3DKMT_HANDLE                             hFenceObject;
    UINT                                      NumOperations;
    _Field_size_(NumOperations)
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION *Operations;
    UINT                                      Reserved0;
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
} D3DDDICB_UPDATEGPUVIRTUALADDRESS;

/* Docs: ns-d3dumddi-_d3dddicb_freegpuvirtualaddress -- release a reserved or mapped
 * range (pfnFreeGpuVirtualAddressCb); both values are bytes, 4 KB aligned. */
typedef struct _D3DDDICB_FREEGPUVIRTUALADDRESS
{
    D3DGPU_VIRTUAL_ADDRESS BaseAddress;
    D3DGPU_SIZE_T          Size;
} D3DDDICB_FREEGPUVIRTUALADDRESS;

/* The GPU VA callbacks of D3DDDI_DEVICECALLBACKS (docs: nc-d3dumddi-pfnd3dddi_*cb):
 * each takes the runtime's device handle and returns an HRESULT. */
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_CREATEPAGINGQUEUECB)(
    _In_ HANDLE hDevice, _Out_ D3DDDICB_CREATEPAGINGQUEUE *pArgs);
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_DESTROYPAGINGQUEUECB)(
    _In_ HANDLE hDevice, _In_ const D3DDDI_DESTROYPAGINGQUEUE *pArgs);
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_MAPGPUVIRTUALADDRESSCB)(
    _In_ HANDLE hDevice, _Inout_ D3DDDI_MAPGPUVIRTUALADDRESS *pArgs);
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_FREEGPUVIRTUALADDRESSCB)(
    _In_ HANDLE hDevice, _In_ CONST D3DDDICB_FREEGPUVIRTUALADDRESS *pArgs);
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_RESERVEGPUVIRTUALADDRESSCB)(
    _In_ HANDLE hDevice, _Inout_ D3DDDI_RESERVEGPUVIRTUALADDRESS *pArgs);
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_UPDATEGPUVIRTUALADDRESSCB)(
    _In_ HANDLE hDevice, _In_ CONST D3DDDICB_UPDATEGPUVIRTUALADDRESS *pArgs);

#endif /* D3D_UMD >= WDDM2_0 */

/* Docs: ns-d3dumddi-_d3dddi_devicecallbacks -- the runtime services a user-mode driver
 * receives when its device is created: every member, in header order, one pointer
 * each, under the version guard that adds it. (pfnAcquireResourceCb and
 * pfnReleaseResourceCb share one callback type.) */
typedef struct _D3DDDI_DEVICECALLBACKS
{
    PFND3DDDI_ALLOCATECB                            pfnAllocateCb;
    PFND3DDDI_DEALLOCATECB                          pfnDeallocateCb;
    PFND3DDDI_SETPRIORITYCB                         pfnSetPriorityCb;
    PFND3DDDI_QUERYRESIDENCYCB                      pfnQueryResidencyCb;
    PFND3DDDI_SETDISPLAYMODECB                      pfnSetDisplayModeCb;
    PFND3DDDI_PRESENTCB                             pfnPresentCb;
    PFND3DDDI_RENDERCB                              pfnRenderCb;
    PFND3DDDI_LOCKCB                                pfnLockCb;
    PFND3DDDI_UNLOCKCB                              pfnUnlockCb;
    PFND3DDDI_ESCAPECB                              pfnEscapeCb;
    PFND3DDDI_CREATEOVERLAYCB                       pfnCreateOverlayCb;
    PFND3DDDI_UPDATEOVERLAYCB                       pfnUpdateOverlayCb;
    PFND3DDDI_FLIPOVERLAYCB                         pfnFlipOverlayCb;
    PFND3DDDI_DESTROYOVERLAYCB                      pfnDestroyOverlayCb;
    PFND3DDDI_CREATECONTEXTCB                       pfnCreateContextCb;
    PFND3DDDI_DESTROYCONTEXTCB                      pfnDestroyContextCb;
    PFND3DDDI_CREATESYNCHRONIZATIONOBJECTCB         pfnCreateSynchronizationObjectCb;
    PFND3DDDI_DESTROYSYNCHRONIZATIONOBJECTCB        pfnDestroySynchronizationObjectCb;
    PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECTCB        pfnWaitForSynchronizationObjectCb;
    PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTCB         pfnSignalSynchronizationObjectCb;
    PFND3DDDI_SETASYNCCALLBACKSCB                   pfnSetAsyncCallbacksCb;
    PFND3DDDI_SETDISPLAYPRIVATEDRIVERFORMATCB       pfnSetDisplayPrivateDriverFormatCb;
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WIN8)
    PFND3DDDI_OFFERALLOCATIONSCB                    pfnOfferAllocationsCb;
    PFND3DDDI_RECLAIMALLOCATIONSCB                  pfnReclaimAllocationsCb;
    PFND3DDDI_CREATESYNCHRONIZATIONOBJECT2CB        pfnCreateSynchronizationObject2Cb;
    PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECT2CB       pfnWaitForSynchronizationObject2Cb;
    PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECT2CB        pfnSignalSynchronizationObject2Cb;
    PFND3DDDI_PRESENTMULTIPLANEOVERLAYCB            pfnPresentMultiPlaneOverlayCb;
#endif /* WIN8 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM1_3)
    PFND3DDDI_LOGUMDMARKERCB                        pfnLogUMDMarkerCb;
#endif /* WDDM1_3 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0)
    PFND3DDDI_MAKERESIDENTCB                        pfnMakeResidentCb;
    PFND3DDDI_EVICTCB                               pfnEvictCb;
    PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECTFROMCPUCB pfnWaitForSynchronizationObjectFromCpuCb;
    PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTFROMCPUCB  pfnSignalSynchronizationObjectFromCpuCb;
    PFND3DDDI_WAITFORSYNCHRONIZATIONOBJECTFROMGPUCB pfnWaitForSynchronizationObjectFromGpuCb;
    PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTFROMGPUCB  pfnSignalSynchronizationObjectFromGpuCb;
    PFND3DDDI_CREATEPAGINGQUEUECB                   pfnCreatePagingQueueCb;
    PFND3DDDI_DESTROYPAGINGQUEUECB                  pfnDestroyPagingQueueCb;
    PFND3DDDI_LOCK2CB                               pfnLock2Cb;
    PFND3DDDI_UNLOCK2CB                             pfnUnlock2Cb;
    PFND3DDDI_INVALIDATECACHECB                     pfnInvalidateCacheCb;
    PFND3DDDI_RESERVEGPUVIRTUALADDRESSCB            pfnReserveGpuVirtualAddressCb;
    PFND3DDDI_MAPGPUVIRTUALADDRESSCB                pfnMapGpuVirtualAddressCb;
    PFND3DDDI_FREEGPUVIRTUALADDRESSCB               pfnFreeGpuVirtualAddressCb;
    PFND3DDDI_UPDATEGPUVIRTUALADDRESSCB             pfnUpdateGpuVirtualAddressCb;
    PFND3DDDI_CREATECONTEXTVIRTUALCB                pfnCreateContextVirtualCb;
    PFND3DDDI_SUBMITCOMMANDCB                       pfnSubmitCommandCb;
    PFND3DDDI_DEALLOCATE2CB                         pfnDeallocate2Cb;
    PFND3DDDI_SIGNALSYNCHRONIZATIONOBJECTFROMGPU2CB pfnSignalSynchronizationObjectFromGpu2Cb;
    PFND3DDDI_RECLAIMALLOCATIONS2CB                 pfnReclaimAllocations2Cb;
    PFND3DDDI_GETRESOURCEPRESENTPRIVATEDRIVERDATACB pfnGetResourcePresentPrivateDriverDataCb;
#endif /* WDDM2_0 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_1_1)
    PFND3DDDI_UPDATEALLOCATIONPROPERTYCB            pfnUpdateAllocationPropertyCb;
    PFND3DDDI_OFFERALLOCATIONS2CB                   pfnOfferAllocations2Cb;
#endif /* WDDM2_1_1 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_1_2)
    PFND3DDDI_RECLAIMALLOCATIONS3CB                 pfnReclaimAllocations3Cb;
    PFND3DDDI_SYNCTOKENCB                           pfnAcquireResourceCb;
#endif /* WDDM2_1_2 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_1_3)
    PFND3DDDI_SYNCTOKENCB                           pfnReleaseResourceCb;
#endif /* WDDM2_1_3 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_2_1)
    PFND3DDDI_CREATEHWCONTEXTCB                     pfnCreateHwContextCb;
    PFND3DDDI_DESTROYHWCONTEXTCB                    pfnDestroyHwContextCb;
    PFND3DDDI_CREATEHWQUEUECB                       pfnCreateHwQueueCb;
    PFND3DDDI_DESTROYHWQUEUECB                      pfnDestroyHwQueueCb;
    PFND3DDDI_SUBMITCOMMANDTOHWQUEUECB              pfnSubmitCommandToHwQueueCb;
    PFND3DDDI_SUBMITWAITFORSYNCOBJECTSTOHWQUEUECB   pfnSubmitWaitForSyncObjectsToHwQueueCb;
    PFND3DDDI_SUBMITSIGNALSYNCOBJECTSTOHWQUEUECB    pfnSubmitSignalSyncObjectsToHwQueueCb;
#endif /* WDDM2_2_1 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_4_2)
    PFND3DDDI_SUBMITPRESENTBLTTOHWQUEUECB           pfnSubmitPresentBltToHwQueueCb;
#endif /* WDDM2_4_2 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_5_2)
    PFND3DDDI_SUBMITPRESENTTOHWQUEUECB              pfnSubmitPresentToHwQueueCb;
#endif /* WDDM2_5_2 */
#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_6_4)
    PFND3DDDI_SUBMITHISTORYSEQUENCECB               pfnSubmitHistorySequenceCb;
#endif /* WDDM2_6_4 */
} D3DDDI_DEVICECALLBACKS;

#endif /* DXGK_D3DUMDDI_H */
