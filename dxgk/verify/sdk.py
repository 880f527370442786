"""Where the headers are: an SDK include folder and the display headers found in it; and
the notes that say what could not be used.

What it owns: finding d3dukmdt.h, d3dkmddi.h, d3dumddi.h and dispmprt.h (and d3dkmdt.h,
d3dkmthk.h)
under a Windows Kits `Include\\<version>` folder (shared/um/km), a Windows Kits `Include`
folder (its newest version is taken) or any folder holding them, case-insensitively (a
Linux copy of the tree); where dxgk's stand-ins for the rest of the SDK live
(`dxgk/sdk_shims/`); `Note`, one thing the tool could not use and why; and
`VerifyUsageError`, bad input from the user (exit status 2).

Invariant kept: a folder holding none of the display headers is a usage error, never an
empty comparison; a path in a message is relative to the SDK folder, marked as one of
dxgk's stand-ins, or else absolute.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SUBSET_FILES", "SHIMS_DIR", "SHIM_BASE", "VerifyUsageError", "SdkTree", "Note",
           "Origin", "locate_sdk"]

SUBSET_FILES = ("d3dukmdt.h", "d3dkmddi.h", "d3dumddi.h", "dispmprt.h")
#: read when present: d3dkmdt.h (the VidPN types d3dkmddi.h includes) and d3dkmthk.h (the
#: D3DKMT_* thunk structures, laid out with the user-mode translation unit)
OPTIONAL_FILES = ("d3dkmdt.h", "d3dkmthk.h")
SHIMS_DIR = Path(__file__).resolve().parent.parent / "sdk_shims"
SHIM_BASE = SHIMS_DIR / "dxgk_sdk_base.h"
_SHIMS_REAL = os.path.realpath(SHIMS_DIR)


class VerifyUsageError(ValueError):
    """Bad input from the user (no such folder, no display header, bad -D, ...): exit 2."""


# ---- where the headers are ----------------------------------------------------------

@dataclass(frozen=True)
class SdkTree:
    """An SDK include folder: the include search path and the display headers found."""

    root: Path
    include_dirs: tuple[Path, ...]
    files: Mapping[str, Path]          # display header name -> path (only those found)

    def rel(self, path: str | os.PathLike[str]) -> str:
        """A path for messages: relative to the SDK folder, or marked as a dxgk stand-in."""
        p = Path(os.path.abspath(path))
        for cand in (p, p.resolve()):
            try:
                return cand.relative_to(self.root).as_posix()
            except ValueError:
                pass
        try:
            return f"[dxgk stand-in] {p.resolve().relative_to(SHIMS_DIR).as_posix()}"
        except ValueError:
            return str(p.resolve())


_VERSION_DIR = re.compile(r"^\d+(\.\d+)+$")


def locate_sdk(directory: str | os.PathLike[str]) -> SdkTree:
    """Find the display headers under an SDK `Include\\<version>` folder (shared/um/km), a
    Windows Kits `Include` folder (its newest version is taken) or a folder holding them."""
    root = Path(directory).expanduser()
    if not root.is_dir():
        raise VerifyUsageError(f"--sdk-include {directory}: no such directory")
    root = root.resolve()
    subdirs = ("shared", "um", "km")
    if not any((root / s).is_dir() for s in subdirs):
        versions = sorted((d for d in root.iterdir()
                           if d.is_dir() and _VERSION_DIR.match(d.name)
                           and any((d / s).is_dir() for s in subdirs)),
                          key=lambda d: tuple(int(x) for x in d.name.split(".")))
        if versions:
            root = versions[-1]
    dirs = [root / s for s in subdirs if (root / s).is_dir()] + [root]
    files: dict[str, Path] = {}
    for name in SUBSET_FILES + OPTIONAL_FILES:
        for d in dirs:
            hit = _find_case_insensitive(d, name)
            if hit is not None:
                files[name] = hit
                break
    if not any(n in files for n in SUBSET_FILES):
        looked = ", ".join(str(d) for d in dirs)
        raise VerifyUsageError(
            f"--sdk-include {directory}: none of {', '.join(SUBSET_FILES)} found "
            f"(looked in {looked}); give a Windows Kits Include\\<version> folder "
            f"(with shared, um and km below it) or a folder holding those headers")
    return SdkTree(root, tuple(dirs), files)


def _find_case_insensitive(directory: Path, name: str) -> Path | None:
    exact = directory / name
    if exact.is_file():
        return exact
    try:
        for entry in directory.iterdir():
            if entry.name.lower() == name.lower() and entry.is_file():
                return entry
    except OSError:
        return None
    return None


# ---- notes --------------------------------------------------------------------------

@dataclass(frozen=True)
class Note:
    """Something the tool could not use, and why. `names`: what the declaration declares."""

    where: str                    # "km/d3dkmddi.h:120" (or "" when unknown)
    message: str
    names: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "declares": list(self.names), "message": self.message,
                "text": self.text()}


Origin = tuple[str, int]   # (file path, line)
