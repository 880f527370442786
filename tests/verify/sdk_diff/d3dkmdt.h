/******************************Module*Header************************************\
*
* Module Name: d3dkmdt.h
*
* Content: imitation with DELIBERATE DIFFERENCES (see the DIFF n comments), written for dxgk's tests, of the kernel-mode display driver
*          type header (VidPN types); like the SDK's, it is what brings in
*          d3dukmdt.h for kernel-mode drivers.
*
\*******************************************************************************/
#ifndef _D3DKMDT_H
#define _D3DKMDT_H

#include <winapifamily.h>

#pragma region Desktop Family
#if WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP)

#if !defined(_D3DKMDDI_H_) && !defined(_DISPMPRT_H_)
#include <ntddk.h>
#endif

#include <d3dukmdt.h>

#pragma warning(push)
#pragma warning(disable:4201) // anonymous unions warning

typedef struct _D3DKMDT_2DREGION
{
    UINT cx;
    UINT cy;
} D3DKMDT_2DREGION;

typedef enum _D3DKMDT_VIDEO_SIGNAL_STANDARD
{
    D3DKMDT_VSS_UNINITIALIZED =  0,
    D3DKMDT_VSS_VESA_DMT      =  1,
    D3DKMDT_VSS_OTHER         = 255
} D3DKMDT_VIDEO_SIGNAL_STANDARD;

typedef struct _D3DKMDT_VIDEO_SIGNAL_INFO
{
    D3DKMDT_VIDEO_SIGNAL_STANDARD VideoStandard;
    D3DKMDT_2DREGION              TotalSize;
    D3DKMDT_2DREGION              ActiveSize;
    D3DDDI_RATIONAL               VSyncFreq;
    D3DDDI_RATIONAL               HSyncFreq;
    SIZE_T                        PixelRate;
    union
    {
        UINT                      ScanLineOrdering;
        UINT                      Reserved;
    };
} D3DKMDT_VIDEO_SIGNAL_INFO;

typedef enum _D3DKMDT_VIDEO_OUTPUT_TECHNOLOGY
{
    D3DKMDT_VOT_UNINITIALIZED = -2,
    D3DKMDT_VOT_OTHER         = -1,
    D3DKMDT_VOT_HD15          =  0,
    D3DKMDT_VOT_INTERNAL      = 0x80000000,
} D3DKMDT_VIDEO_OUTPUT_TECHNOLOGY;

#pragma warning(pop)

#endif /* WINAPI_FAMILY_PARTITION(WINAPI_PARTITION_DESKTOP) */
#pragma endregion

#endif /* _D3DKMDT_H */
