/*
 * d3dumddi.h -- dxgk's subset of the WDDM user-mode display driver interface.
 *
 * Written for dxgk from the public WDK reference (MicrosoftDocs
 * windows-driver-docs-ddi, pages under wdk-ddi-src/content/d3dumddi/): the two
 * user-mode GPU VA callback arguments that talk to the same VidMm the kernel-mode
 * callbacks do. Names, member order and types follow the documentation; the
 * comments are ours.
 *
 * Version guard: both structures belong to the WDDM 2.0 user-mode interface
 * (D3D_UMD_INTERFACE_VERSION >= WDDM2_0, default WDDM 3.2 in d3dukmdt.h); the
 * operation type they use is declared in d3dukmdt.h under the matching guard.
 */
#ifndef DXGK_D3DUMDDI_H
#define DXGK_D3DUMDDI_H

#include "d3dukmdt.h"

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0)

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

#endif /* D3D_UMD >= WDDM2_0 */

#endif /* DXGK_D3DUMDDI_H */
