/*
 * kmt.h -- the D3DKMT GPU VA thunks (d3dkmthk.h) as real C functions with the exact
 * signatures of their PFND3DKMT_* typedefs, and the GPU VA members of the UMD callback
 * table (D3DDDI_DEVICECALLBACKS, d3dumddi.h) that a user-mode driver calls
 * (docs/behaviour.md 9). Each records its NTSTATUS as the thread's last status.
 */
#ifndef DXGK_KMT_H
#define DXGK_KMT_H

#include <stdint.h>

#include "d3dkmthk.h"
#include "d3dumddi.h"

NTSTATUS APIENTRY D3DKMTCreatePagingQueue(D3DKMT_CREATEPAGINGQUEUE *pArgs);
NTSTATUS APIENTRY D3DKMTDestroyPagingQueue(D3DDDI_DESTROYPAGINGQUEUE *pArgs);
NTSTATUS APIENTRY D3DKMTReserveGpuVirtualAddress(D3DDDI_RESERVEGPUVIRTUALADDRESS *pArgs);
NTSTATUS APIENTRY D3DKMTMapGpuVirtualAddress(D3DDDI_MAPGPUVIRTUALADDRESS *pArgs);
NTSTATUS APIENTRY D3DKMTFreeGpuVirtualAddress(CONST D3DKMT_FREEGPUVIRTUALADDRESS *pArgs);
NTSTATUS APIENTRY D3DKMTUpdateGpuVirtualAddress(CONST D3DKMT_UPDATEGPUVIRTUALADDRESS *pArgs);
/* docs/behaviour.md 10.5: allocations through the attached driver. */
NTSTATUS APIENTRY D3DKMTCreateAllocation2(D3DKMT_CREATEALLOCATION *pArgs);
NTSTATUS APIENTRY D3DKMTDestroyAllocation2(CONST D3DKMT_DESTROYALLOCATION2 *pArgs);

/* The HRESULT a UMD callback returns for an NTSTATUS (docs/behaviour.md 9.9). */
HRESULT dxgk_kmt_hresult(NTSTATUS status);

/* Fills *out for device `device` (its D3DKMT handle): the six GPU VA callbacks set,
 * every other member NULL. STATUS_INVALID_HANDLE when device names no live device.
 * The callbacks take the device's D3DKMT handle, zero-extended, as their HANDLE. */
NTSTATUS dxgk_kmt_fill_callbacks(uint32_t device, D3DDDI_DEVICECALLBACKS *out);

/* Address-taking entry points for the Python facade: each calls the thunk above. */
int32_t dxgk_py_kmt_create_paging_queue(uintptr_t args);
int32_t dxgk_py_kmt_destroy_paging_queue(uintptr_t args);
int32_t dxgk_py_kmt_reserve(uintptr_t args);
int32_t dxgk_py_kmt_map(uintptr_t args);
int32_t dxgk_py_kmt_free(uintptr_t args);
int32_t dxgk_py_kmt_update(uintptr_t args);
int32_t dxgk_py_kmt_create_allocation2(uintptr_t args);
int32_t dxgk_py_kmt_destroy_allocation2(uintptr_t args);

#endif /* DXGK_KMT_H */
