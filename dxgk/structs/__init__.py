"""ctypes classes for every struct and union of dxgk's header subset, byte-exact.

`dxgk.structs.NAME` is the class for the host's 64-bit Windows ABI (x64 on x86-64
hosts, ARM64 on AArch64 hosts); `dxgk.structs.x86`, `.x64` and `.arm64` hold the
classes of each ABI. Classes are named exactly as the header typedefs and are built on
first use from the layout engine's precomputed layouts (no header is parsed at import).

    >>> from dxgk import structs
    >>> a = structs.DXGKARGCB_MAPCONTEXTALLOCATION(SizeInPages=16)
    >>> a.Protection.Write = 1
    >>> len(bytes(a))
    64

Bitfields are not ctypes bitfields (ctypes on Linux does not place them as MSVC does):
each storage unit is a hidden integer field at the offset MSVC gives it, and each
bitfield is a property that reads and writes its bits there. Pointers and HANDLEs are
unsigned integers of the ABI's pointer width.
"""

from __future__ import annotations

from typing import Any

from ..layout.abi import ABI_NAMES, host_abi
from ._gen import StructBase, StructNamespace

__all__ = ["StructBase", "StructNamespace", "x86", "x64", "arm64", "HOST_ABI", "namespace"]

HOST_ABI = host_abi()
x86 = StructNamespace("x86")
x64 = StructNamespace("x64")
arm64 = StructNamespace("arm64")
_NAMESPACES = {"x86": x86, "x64": x64, "arm64": arm64}
_host = _NAMESPACES[HOST_ABI]


def namespace(abi: str) -> StructNamespace:
    """The classes of one ABI ("x86", "x64", "arm64")."""
    try:
        return _NAMESPACES[abi]
    except KeyError:
        raise ValueError(f"unknown ABI {abi!r}: expected one of {', '.join(ABI_NAMES)}") from None


def __getattr__(name: str) -> Any:
    try:
        return getattr(_host, name)
    except AttributeError:
        raise AttributeError(f"module 'dxgk.structs' has no struct or union {name!r}") from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_host.names()))
