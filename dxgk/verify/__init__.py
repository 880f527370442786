"""`python -m dxgk verify-header`: dxgk's structures against a real Windows SDK / WDK.

What it owns: reading the display headers of a Windows Kits `Include\\<version>` folder
(or of any folder holding them) with dxgk's own layout engine, and comparing, struct by
struct and ABI by ABI, what that SDK says with what dxgk's header subset says.

The pipeline for one ABI (`layouts.layout_sdk`), after `sdk` has found the headers:

1. **Preprocess** (`preprocess`) each translation unit -- kernel mode (dispmprt.h,
   d3dkmddi.h) and user mode (d3dumddi.h), each followed by d3dukmdt.h -- with pcpp and
   exactly the macros MSVC predefines for the ABI plus the caller's `-D`s. What the rest
   of the SDK would supply (windows.h, wdm.h, video.h, winapifamily.h, sal.h, ...) comes
   from dxgk's stand-ins in `dxgk/sdk_shims/`, which always win over the SDK's own copies.
   An include found nowhere is skipped with a note; so is an `#error`.
2. **Clean** (`msvc`; applied to each declaration once split) MSVC spellings that
   pycparser cannot read and that carry no layout: SAL annotations (`_In_`,
   `_Field_size_(n)`, `__drv_xxx`, ...), `__declspec(...)` other than `align`,
   `DECLSPEC_xxx` decorations, `__attribute__((...))`; `__pragma(pack(...))` becomes a
   `#pragma`. `__declspec(align(n))` is kept (the layout engine honours it).
3. **Split** (`split`) the text into top-level declarations (by brace and parenthesis
   depth and `;`, a function body ending at its `}`) and **parse** them (`parse`) with one
   pycparser parser whose typedef names persist from one batch to the next. A batch that
   fails is cut at the declaration the error points to (or bisected) so that only the
   failing declaration is lost: it is skipped with a note, never fatal. A failing typedef
   of a function or function pointer (usually a callback whose parameter list uses a
   kernel type dxgk does not declare) is stood in for by an opaque function / pointer
   typedef, which lays out exactly the same.
4. **Lay out** (`engine`) with `dxgk.layout.engine.LayoutEngine` (the MSVC rules), which
   also records where each declaration came from and checks the SDK's own `C_ASSERT`s /
   `static_assert`s under dxgk's layout.

Then `compare` compares each record of dxgk's subset (`layouts.dxgk_layouts`) with the
SDK's, `report` gathers the results of every ABI (`verify`), and `command` is the body of
the command (`run_command`; its options are defined in dxgk/cli.py). Each module imports
only modules before it in that order: sdk, limits, preprocess, msvc, split, parse, engine,
layouts, compare, report, command.

Reading is bounded (`limits`: time, size of a header, text per translation unit, include
depth, tokens one macro expansion adds; `--limit NAME=VALUE` raises a bound), and so is
what a layout may be (dxgk.layout.engine refuses what MSVC refuses: a negative array, an
alignment that is not a power of two up to 8192, an object larger than the ABI allows).

Invariant kept: nothing the SDK headers contain can make the tool fail as a whole, except
a header past one of the bounds or one that is not text, which ends the run with one
line naming the file and line (exit status 2), never a traceback; every declaration that
could not be used is named in a note with its file and line, and a struct of dxgk's
subset that the SDK does not lay out is reported as a difference (with the reason), never
silently dropped; no impossible layout is ever reported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The names below are imported on first use (PEP 562), so that importing one stage --
# the command line reads dxgk.verify.limits for its help text -- does not load them all.
if TYPE_CHECKING:
    from .command import parse_defines, run_command
    from .compare import Difference, compare_layouts
    from .limits import HeaderLimitError, Limits, parse_limits
    from .layouts import BASE_HEADER, SdkLayouts, base_type_names, dxgk_layouts, layout_sdk
    from .msvc import clean_msvc
    from .parse import _ChunkParser as _ChunkParser
    from .parse import _stand_in as _stand_in
    from .preprocess import VERSION_MACROS, subset_default_versions
    from .report import Report, StructResult, sdk_struct_layouts, verify
    from .sdk import (
        SHIM_BASE,
        SHIMS_DIR,
        SUBSET_FILES,
        Note,
        Origin,
        SdkTree,
        VerifyUsageError,
        locate_sdk,
    )
    from .split import Chunk, split_declarations

_HOME: dict[str, str] = {
    "parse_defines": "command", "run_command": "command", "Difference": "compare",
    "compare_layouts": "compare", "HeaderLimitError": "limits", "Limits": "limits",
    "parse_limits": "limits", "BASE_HEADER": "layouts", "SdkLayouts": "layouts",
    "base_type_names": "layouts", "dxgk_layouts": "layouts", "layout_sdk": "layouts",
    "clean_msvc": "msvc", "_ChunkParser": "parse", "_stand_in": "parse",
    "VERSION_MACROS": "preprocess", "subset_default_versions": "preprocess",
    "Report": "report", "StructResult": "report", "sdk_struct_layouts": "report",
    "verify": "report", "SHIM_BASE": "sdk", "SHIMS_DIR": "sdk", "SUBSET_FILES": "sdk",
    "Note": "sdk", "Origin": "sdk", "SdkTree": "sdk", "VerifyUsageError": "sdk",
    "locate_sdk": "sdk", "Chunk": "split", "split_declarations": "split",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "SUBSET_FILES", "SHIMS_DIR", "SHIM_BASE", "BASE_HEADER", "VERSION_MACROS",
    "VerifyUsageError", "SdkTree", "Note", "Origin", "Chunk", "SdkLayouts", "Difference",
    "StructResult", "Report", "locate_sdk", "subset_default_versions", "clean_msvc",
    "split_declarations", "layout_sdk", "base_type_names", "dxgk_layouts", "compare_layouts",
    "verify", "sdk_struct_layouts", "parse_defines", "run_command", "Limits",
    "HeaderLimitError", "parse_limits",
]
