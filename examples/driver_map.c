/* examples/driver_map.c -- the README's C worked example: a driver-shaped C file that
 * keeps the DXGKRNL_INTERFACE it is handed (as a KMD does at DxgkDdiStartDevice) and
 * creates and maps a context allocation through that table only; no dxgk symbol is
 * linked. Build: `make example-c` (build/examples/libdriver_map.so). */
#include <string.h>
#include "dispmprt.h"

static DXGKRNL_INTERFACE g_dxgk;                 /* saved at "DxgkDdiStartDevice" */

int drv_start_device(const DXGKRNL_INTERFACE *iface)
{
    if (iface->Size != sizeof *iface)
        return -1;
    g_dxgk = *iface;
    return 0;
}

/* Creates a context allocation of `size` bytes in segment 2 and maps all of it
 * writable at the lowest fit: its VA, or 0 on failure. */
D3DGPU_VIRTUAL_ADDRESS drv_create_and_map(HANDLE hDevice, SIZE_T size)
{
    DXGKARGCB_CREATECONTEXTALLOCATION c;
    DXGKARGCB_MAPCONTEXTALLOCATION m;

    memset(&c, 0, sizeof c);
    c.hAdapter = g_dxgk.DeviceHandle;
    c.hDevice = hDevice;
    c.Size = size;
    c.SupportedSegmentSet = 0x2;                 /* segment 2 */
    if (g_dxgk.DxgkCbCreateContextAllocation(&c) != STATUS_SUCCESS)
        return 0;

    memset(&m, 0, sizeof m);
    m.hAllocation = c.hAllocation;
    m.SizeInPages = size / 4096;
    m.Protection.Write = 1;
    return g_dxgk.DxgkCbMapContextAllocation(g_dxgk.DeviceHandle, &m);   /* 0 on failure */
}
