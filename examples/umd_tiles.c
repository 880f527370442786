/* examples/umd_tiles.c -- the README's user-mode C example: a UMD-shaped C file that keeps
 * the D3DDDI_DEVICECALLBACKS it is handed (as a UMD keeps the runtime's table) and builds
 * a tiled resource through that table only: a paging queue, a reservation, then one
 * Update batch that maps the tiles in reverse order. No dxgk symbol is linked.
 * Build: `make example-c` (build/examples/libumd_tiles.so). */
#include <string.h>
#include "d3dumddi.h"

#define TILE 0x10000u                            /* 64 KB */

static D3DDDI_DEVICECALLBACKS g_cb;              /* saved at "CreateDevice" */
static HANDLE g_device;

int umd_create_device(const D3DDDI_DEVICECALLBACKS *cb, HANDLE hDevice)
{
    if (!cb->pfnReserveGpuVirtualAddressCb || !cb->pfnUpdateGpuVirtualAddressCb)
        return -1;
    g_cb = *cb;
    g_device = hDevice;
    return 0;
}

/* Reserves `tiles` 64 KB tiles of VA and maps tile i to tile tiles-1-i of hAllocation in
 * one Update batch on hContext: the VA, or 0 on failure (*hr says why). */
D3DGPU_VIRTUAL_ADDRESS umd_tiled_resource(D3DKMT_HANDLE hAllocation, HANDLE hContext,
                                          UINT tiles, HRESULT *hr)
{
    D3DDDICB_CREATEPAGINGQUEUE q;
    D3DDDI_RESERVEGPUVIRTUALADDRESS r;
    D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION ops[64];
    D3DDDICB_UPDATEGPUVIRTUALADDRESS u;

    if (tiles == 0 || tiles > 64)
        return 0;
    memset(&q, 0, sizeof q);
    if ((*hr = g_cb.pfnCreatePagingQueueCb(g_device, &q)) != S_OK)
        return 0;

    memset(&r, 0, sizeof r);                     /* hPagingQueue 0: the process's adapter */
    r.Size = (D3DGPU_SIZE_T)tiles * TILE;
    r.ReservationType = D3DDDIGPUVIRTUALADDRESS_RESERVE_NO_ACCESS;
    if ((*hr = g_cb.pfnReserveGpuVirtualAddressCb(g_device, &r)) != S_OK)
        return 0;

    memset(ops, 0, sizeof ops);
    for (UINT i = 0; i < tiles; i++) {
        ops[i].OperationType = D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP;
        ops[i].Map.BaseAddress = r.VirtualAddress + (D3DGPU_VIRTUAL_ADDRESS)i * TILE;
        ops[i].Map.SizeInBytes = TILE;
        ops[i].Map.hAllocation = hAllocation;
        ops[i].Map.AllocationOffsetInBytes = (D3DGPU_SIZE_T)(tiles - 1 - i) * TILE;
    }
    memset(&u, 0, sizeof u);
    u.hContext = hContext;
    u.hFenceObject = q.hSyncObject;              /* signalled to FenceValue + 1 = 1 */
    u.NumOperations = tiles;
    u.Operations = ops;
    if ((*hr = g_cb.pfnUpdateGpuVirtualAddressCb(g_device, &u)) != S_OK)
        return 0;
    return r.VirtualAddress;
}
