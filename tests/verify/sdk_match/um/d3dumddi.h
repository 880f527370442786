/*==========================================================================;
 *
 *  File:       d3dumddi.h
 *  Content:    Imitation, written for dxgk's tests, of the user-mode display
 *              driver interface header: runtime callbacks returning HRESULT,
 *              GDI types from windef.h, and the two GPU VA callback arguments.
 *
 ***************************************************************************/
#ifndef _D3DUMDDI_H_
#define _D3DUMDDI_H_

#include <winapifamily.h>

#pragma region Desktop Family
#if WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP)

#include <windows.h>
#include "d3dukmdt.h"

#pragma warning(push)
#pragma warning(disable:4201) // anonymous unions warning

typedef struct _D3DDDIARG_BLT
{
    HANDLE          hSrcResource;
    UINT            SrcSubResourceIndex;
    RECT            SrcRect;
    HANDLE          hDstResource;
    UINT            DstSubResourceIndex;
    RECT            DstRect;
    UINT            ColorKey;
    UINT            Flags;
} D3DDDIARG_BLT;

typedef struct _D3DDDICB_ALLOCATE
{
    _Field_size_bytes_(PrivateDriverDataSize)
    CONST VOID*                 pPrivateDriverData;
    UINT                        PrivateDriverDataSize;
    HANDLE                      hResource;
    D3DKMT_HANDLE               hKMResource;
    UINT                        NumAllocations;
    _Field_size_(NumAllocations)
    D3DDDI_ALLOCATIONINFO*      pAllocationInfo;
} D3DDDICB_ALLOCATE;

typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_ALLOCATECB)(
        _In_ HANDLE hDevice, _Inout_ D3DDDICB_ALLOCATE*);

typedef struct _D3DDDI_DEVICECALLBACKS_IMITATION
{
    PFND3DDDI_ALLOCATECB        pfnAllocateCb;
    HDC                         hDcForTests;
    PALETTEENTRY                Entries[4];
} D3DDDI_DEVICECALLBACKS_IMITATION;

#if (D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0)

typedef struct _D3DDDICB_UPDATEGPUVIRTUALADDRESS
{
    HANDLE                                      hContext;           // in
    D3DKMT_HANDLE                               hFenceObject;       // in
    UINT                                        NumOperations;      // in
    _Field_size_(NumOperations)
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION*   Operations;         // in
    UINT                                        Reserved0;
    UINT64                                      Reserved1;
    UINT64                                      FenceValue;         // in
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

typedef struct _D3DDDICB_FREEGPUVIRTUALADDRESS
{
    D3DGPU_VIRTUAL_ADDRESS  BaseAddress;   // in: start of the range, bytes
    D3DGPU_SIZE_T           Size;          // in: bytes
} D3DDDICB_FREEGPUVIRTUALADDRESS;

typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_UPDATEGPUVIRTUALADDRESSCB)(
        _In_ HANDLE hDevice, _In_ CONST D3DDDICB_UPDATEGPUVIRTUALADDRESS*);
typedef _Check_return_ HRESULT (APIENTRY CALLBACK *PFND3DDDI_FREEGPUVIRTUALADDRESSCB)(
        _In_ HANDLE hDevice, _In_ CONST D3DDDICB_FREEGPUVIRTUALADDRESS*);

#endif // D3D_UMD_INTERFACE_VERSION >= D3D_UMD_INTERFACE_VERSION_WDDM2_0

#pragma warning(pop)

#endif /* WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP) */
#pragma endregion

#endif /* _D3DUMDDI_H_ */
