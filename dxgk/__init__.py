"""dxgk — a byte-exact model of the Windows display kernel's GPU virtual address services.

    import dxgk
    a = dxgk.Adapter()                  # the default adapter (docs/behaviour.md 3.4)
    p = a.create_process(); d = p.create_device()
    args = dxgk.structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=16)
    va = dxgk.DxgkCbMapContextAllocation(a.handle, args)   # 0 on failure, then:
    dxgk.status_name(dxgk.last_status())
    dxgk.layout_of("DXGKARGCB_MAPCONTEXTALLOCATION", abi="x86")
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING, Any

from . import structs
from ._version import __version__
from .ddi import (
    STATUS_CONFLICTING_ADDRESSES,
    STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER,
    STATUS_NO_MEMORY,
    STATUS_SUCCESS,
    DdiError,
    DxgkCbCreateContextAllocation,
    DxgkCbDestroyContextAllocation,
    DxgkCbMapContextAllocation,
    DxgkCbReserveGpuVirtualAddressRange,
    DxgkCbUpdateContextAllocation,
    host_handle,
    last_status,
    live_handles,
    status_name,
    x86_handle,
)
from .driver import STATUS_DEVICE_REMOVED, STATUS_NOT_SUPPORTED, DdiCall, DriverFault
from .kmt import (
    STATUS_PENDING,
    D3DKMTCreateAllocation2,
    D3DKMTCreatePagingQueue,
    D3DKMTDestroyAllocation2,
    D3DKMTDestroyPagingQueue,
    D3DKMTFreeGpuVirtualAddress,
    D3DKMTMapGpuVirtualAddress,
    D3DKMTReserveGpuVirtualAddress,
    D3DKMTUpdateGpuVirtualAddress,
)
from .layout import FieldInfo, StructLayout, layout_of
from .model import (
    Adapter,
    AdapterStats,
    AllocationInfo,
    ClosedError,
    Context,
    Device,
    Fence,
    Mapping,
    PageTableStats,
    PagingOp,
    PagingQueue,
    PagingRecord,
    Process,
    Reservation,
    Segment,
    SegmentInfo,
    Translation,
    Vad,
    WalkLevel,
)

if TYPE_CHECKING:
    from .trace import Recorder



def record(target: str | os.PathLike[str] | IO[str], *,
           meta: dict[str, Any] | None = None, version: int = 2) -> Recorder:
    """``with dxgk.record("run.jsonl"):`` records every DDI call made through the facade
    (and every object created or destroyed) as a trace, in format `version` (2: compact
    lines, 1: object lines); see :func:`dxgk.trace.record`. (Imported on first use:
    ``import dxgk`` stays free of numpy.)"""
    from .trace import record as _record
    return _record(target, meta=meta, version=version)


__all__ = [
    "STATUS_CONFLICTING_ADDRESSES",
    "STATUS_DEVICE_REMOVED",
    "STATUS_INVALID_HANDLE",
    "STATUS_INVALID_PARAMETER",
    "STATUS_NO_MEMORY",
    "STATUS_NOT_SUPPORTED",
    "STATUS_PENDING",
    "STATUS_SUCCESS",
    "Adapter",
    "AdapterStats",
    "AllocationInfo",
    "ClosedError",
    "Context",
    "D3DKMTCreateAllocation2",
    "D3DKMTCreatePagingQueue",
    "D3DKMTDestroyAllocation2",
    "D3DKMTDestroyPagingQueue",
    "D3DKMTFreeGpuVirtualAddress",
    "D3DKMTMapGpuVirtualAddress",
    "D3DKMTReserveGpuVirtualAddress",
    "D3DKMTUpdateGpuVirtualAddress",
    "DdiCall",
    "DdiError",
    "Device",
    "DriverFault",
    "DxgkCbCreateContextAllocation",
    "DxgkCbDestroyContextAllocation",
    "DxgkCbMapContextAllocation",
    "DxgkCbReserveGpuVirtualAddressRange",
    "DxgkCbUpdateContextAllocation",
    "FieldInfo",
    "Fence",
    "Mapping",
    "PageTableStats",
    "PagingOp",
    "PagingQueue",
    "PagingRecord",
    "Process",
    "Reservation",
    "Segment",
    "SegmentInfo",
    "StructLayout",
    "Translation",
    "Vad",
    "WalkLevel",
    "__version__",
    "host_handle",
    "last_status",
    "layout_of",
    "live_handles",
    "record",
    "status_name",
    "structs",
    "x86_handle",
]
