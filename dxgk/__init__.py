"""dxgk — a byte-exact model of the Windows display kernel's GPU virtual address services.

    import dxgk
    dxgk.layout_of("DXGKARGCB_MAPCONTEXTALLOCATION", abi="x86")
    from dxgk import structs
"""

from __future__ import annotations

from . import structs
from .layout import FieldInfo, StructLayout, layout_of

__version__ = "0.1.0"

__all__ = ["FieldInfo", "StructLayout", "layout_of", "structs", "__version__"]
