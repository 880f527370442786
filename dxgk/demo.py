"""`python -m dxgk demo`: the main job."""

from __future__ import annotations

from .cli import format_layout
from .layout import ABI_NAMES, layout_of


def run_demo() -> int:
    print("DXGKARGCB_MAPCONTEXTALLOCATION, the argument of DxgkCbMapContextAllocation,\n"
          "as MSVC lays it out for each Windows ABI:\n")
    for abi in ABI_NAMES:
        print(format_layout(layout_of("DXGKARGCB_MAPCONTEXTALLOCATION", abi)))
        print()
    return 0
