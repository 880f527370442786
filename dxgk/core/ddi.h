/*
 * ddi.h -- the DxgkCb* context-allocation / GPU VA callback family with the exact
 * signatures of their typedefs in d3dkmddi.h, the DXGKRNL_INTERFACE table that hands
 * them to a driver, and the per-thread status that says why the last call failed.
 */
#ifndef DXGK_DDI_H
#define DXGK_DDI_H

#include <stdint.h>

#include "dispmprt.h"

NTSTATUS APIENTRY CALLBACK DxgkCbCreateContextAllocation(
    INOUT_PDXGKARGCB_CREATECONTEXTALLOCATION pArgs);
NTSTATUS APIENTRY CALLBACK DxgkCbDestroyContextAllocation(
    IN_CONST_HANDLE hAdapter, IN_CONST_HANDLE hAllocation);
D3DGPU_VIRTUAL_ADDRESS APIENTRY CALLBACK DxgkCbMapContextAllocation(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARGCB_MAPCONTEXTALLOCATION pArgs);
NTSTATUS APIENTRY CALLBACK DxgkCbUpdateContextAllocation(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARGCB_UPDATECONTEXTALLOCATION pArgs);
NTSTATUS APIENTRY CALLBACK DxgkCbReserveGpuVirtualAddressRange(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE pArgs);

/* NTSTATUS of the calling thread's last DDI call (STATUS_SUCCESS before any). */
NTSTATUS dxgk_last_status(void);
/* Records st as the thread's last status (the D3DKMT thunks, kmt.c) and returns it. */
NTSTATUS dxgk_set_last_status(NTSTATUS st);

/* Fills *out for an adapter as Dxgkrnl does at DxgkDdiStartDevice: Size, Version
 * (DXGKDDI_INTERFACE_VERSION), DeviceHandle = the adapter handle, the five members of
 * this family; every other member NULL. STATUS_INVALID_HANDLE for a non-adapter. */
NTSTATUS dxgk_fill_interface(uint64_t adapter, DXGKRNL_INTERFACE *out);

/* Integer-handle entry points for the Python facade: each calls the DDI function above
 * (so behaviour and last status are identical), with the struct pointer as an address. */
uint64_t dxgk_py_map(uint64_t adapter, uintptr_t args);
int32_t dxgk_py_create(uintptr_t args);
int32_t dxgk_py_destroy(uint64_t adapter, uint64_t allocation);
int32_t dxgk_py_update(uint64_t adapter, uintptr_t args);
int32_t dxgk_py_reserve(uint64_t adapter, uintptr_t args);
/* A call that does nothing, to measure the cost of a cffi call next to the facade's. */
uint64_t dxgk_py_noop(uint64_t adapter, uintptr_t args);

#endif /* DXGK_DDI_H */
