"""The three Windows ABIs dxgk lays structures out for, and the host's.

Each ABI is a target triple for libclang (the independent checker), the macros the
Windows compilers predefine for it, and the widths of the C scalar types under MSVC
(LLP64 on 64-bit: `long` is 4 bytes; on x86, `long long` and `double` are 8-aligned
inside structs, unlike the Linux i386 ABI).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

__all__ = ["Abi", "ABIS", "ABI_NAMES", "get_abi", "host_abi"]


@dataclass(frozen=True)
class Abi:
    name: str
    pointer_size: int
    clang_target: str
    macros: dict[str, str] = field(default_factory=dict)

    # (size, align) of every scalar the C front end can name.
    def scalar(self, kind: str) -> tuple[int, int]:
        table = {
            "char": (1, 1), "short": (2, 2), "int": (4, 4), "long": (4, 4),
            "long long": (8, 8), "float": (4, 4), "double": (8, 8),
            "long double": (8, 8), "_Bool": (1, 1),
            "pointer": (self.pointer_size, self.pointer_size),
            "enum": (4, 4),
        }
        return table[kind]


ABIS: dict[str, Abi] = {
    "x86": Abi("x86", 4, "i686-pc-windows-msvc",
               {"_WIN32": "1", "_M_IX86": "600", "_X86_": "1"}),
    "x64": Abi("x64", 8, "x86_64-pc-windows-msvc",
               {"_WIN32": "1", "_WIN64": "1", "_M_X64": "100", "_M_AMD64": "100", "_AMD64_": "1"}),
    "arm64": Abi("arm64", 8, "aarch64-pc-windows-msvc",
                 {"_WIN32": "1", "_WIN64": "1", "_M_ARM64": "1", "_ARM64_": "1"}),
}
ABI_NAMES = tuple(ABIS)


def get_abi(name: str) -> Abi:
    try:
        return ABIS[name]
    except KeyError:
        raise ValueError(f"unknown ABI {name!r}: expected one of {', '.join(ABI_NAMES)}") from None


def host_abi() -> str:
    """The Windows 64-bit ABI whose layout equals this host's C compiler's (x64 or arm64)."""
    machine = platform.machine().lower()
    if machine in ("aarch64", "arm64"):
        return "arm64"
    return "x64"
