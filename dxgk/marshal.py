"""Argument marshalling shared by the Python facades (:mod:`dxgk.ddi`, :mod:`dxgk.kmt`):
how one Windows struct argument -- a ``dxgk.structs`` instance, a ctypes pointer or
``byref``, an exact-size buffer, a cffi cdata, or ``None`` -- becomes the address the C
core reads, with the size, type and ABI checks that make a wrong argument a
``TypeError``/``ValueError`` naming the struct and its size; and the x86 layout's
conversion to the host layout and back.

What it owns: :class:`Spec` (one struct argument of one entry point, computed once),
the x86 conversion plans, and the 32-bit aliases of dxgk's 64-bit kernel handles.
Invariant: an accepted argument is never copied on the host layout (the C core reads
and writes the caller's own memory); an x86 argument is converted into a host copy and
its out-fields are written back only when the call succeeded.

x86 layout (a 32-bit driver's view)
-----------------------------------
``abi="x86"``, or an instance of a ``dxgk.structs.x86`` class (detected), says the bytes
are in the x86 layout. The facade converts them into a host-layout copy field by field
from the layout engine's field tables (``dxgk.layout.cached_layouts``), calls, and writes
the out-fields back into the caller's x86 buffer. Pointer-sized members zero-extend.

dxgk's handles are 64-bit values (a generation lives in bits 40..63), so none of them
fits an x86 HANDLE. The facade therefore keeps a *32-bit alias* per handle, like a
32-bit kernel would hand out: :func:`x86_handle` gives the alias of a handle (the same
one for the handle's whole life), :func:`host_handle` the handle behind an alias. In x86
buffers the dxgk handle members (hAdapter, hDevice, hContext, hAllocation,
hDxgkProcess) are read through the aliases, an out-handle (Create's hAllocation) is
written back as an alias, and the ``hAdapter``/``hAllocation`` int arguments of an
``abi="x86"`` call may be aliases too. A 32-bit value that is no alias zero-extends (and
so is an invalid handle to the core: the DDI's answer, not a Python error).
``hDriverAllocation`` is the driver's own value and is never translated. A 32-bit
``pPrivateDriverData`` (Update) zero-extends too: it must address memory of this process
below 4 GiB (e.g. an ``mmap`` with ``MAP_32BIT``); otherwise use the host layout.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Any, Final

from . import structs
from ._core import ffi, lib
from .argcheck import described, integer
from .layout import cached_layouts
from .structs import StructBase

# ---- x86 handle aliases --------------------------------------------------------------------

_ALIAS_FIRST: Final[int] = 0x00010000
_ALIAS_LAST: Final[int] = 0xFFFFFFFF
_alias_lock = threading.Lock()
_handle_to_alias: dict[int, int] = {}
_alias_to_handle: dict[int, int] = {}
_alias_next = _ALIAS_FIRST
_alias_prune_at = 4096


def _prune_aliases() -> None:
    """Drops the aliases of dead handles (caller holds _alias_lock). Alias values are never
    reused, so a dropped alias zero-extends to a value no handle can have: still invalid."""
    global _alias_prune_at
    for h in [h for h in _handle_to_alias if lib.dxgk_vm_handle_type(h) == 0]:
        del _alias_to_handle[_handle_to_alias.pop(h)]
    _alias_prune_at = max(4096, 2 * len(_handle_to_alias))


def x86_handle(handle: int) -> int:
    """The 32-bit value that stands for `handle` in x86-layout buffers.

    A value that already fits 32 bits is returned unchanged; a dxgk handle (always wider)
    gets an alias, the same one for as long as the handle lives. Aliases are never reused.
    """
    global _alias_next
    h = _as_u64(handle, "handle")
    if h <= 0xFFFFFFFF:
        return h
    with _alias_lock:
        a = _handle_to_alias.get(h)
        if a is not None:
            return a
        if len(_handle_to_alias) >= _alias_prune_at:
            _prune_aliases()
        if _alias_next > _ALIAS_LAST:
            raise OverflowError("all 32-bit x86 handle aliases have been handed out")
        a = _alias_next
        _alias_next += 1
        _handle_to_alias[h] = a
        _alias_to_handle[a] = h
        return a


def host_handle(value: int) -> int:
    """The handle a 32-bit x86 value stands for: the handle behind an alias made by
    :func:`x86_handle`, else the value itself (zero-extended)."""
    v = integer(value, "host_handle: an x86 handle", 0, 0xFFFFFFFF,
                width="32-bit unsigned value")
    return _alias_to_handle.get(v, v)


# ---- argument resolution -------------------------------------------------------------------

_HOST_ABI: Final[str] = structs.HOST_ABI
_UINTPTR = ffi.typeof("uintptr_t")
_CArgObject: Final[type] = type(ctypes.byref(ctypes.c_int()))
_CData: Final[type] = ffi.CData
# dxgk handle members of the argument structs: translated through the x86 aliases.
# (hDriverAllocation is the driver's own value and passes through untouched.)
_DXGK_HANDLE_FIELDS: Final[frozenset[str]] = frozenset(
    {"hAdapter", "hDevice", "hContext", "hAllocation", "hDxgkProcess"})


def _as_u64(value: Any, what: str) -> int:
    if isinstance(value, int):
        v = value
    elif hasattr(value, "handle"):
        v = value.handle
    else:
        try:
            v = int(value.__index__())
        except AttributeError:
            raise TypeError(f"{what} must be an int handle (or an object with .handle); "
                            f"got {type(value).__name__}") from None
    if not 0 <= v <= 0xFFFFFFFFFFFFFFFF:
        raise ValueError(f"{what} must be a 64-bit unsigned handle; got {v:#x}")
    return v


def _describe(obj: Any) -> str:
    """'a bytearray', 'an int', 'a dxgk.structs.x86.DXGK_PTE' -- for error messages: a
    struct by its dxgk.structs name, anything else as :func:`argcheck.described` says."""
    if isinstance(obj, StructBase):
        t = type(obj)
        return f"a dxgk.structs.{t._dxgk_abi_}.{t._dxgk_name_}"
    return described(obj)


class X86Plan:
    """How one struct's x86 bytes become host-layout bytes and back (built once)."""

    def __init__(self, name: str) -> None:
        xf = cached_layouts("x86")[name]
        hf = cached_layouts(_HOST_ABI)[name]
        self.cls: type[StructBase] = getattr(structs.x86, name)
        self.size: int = xf["size"]
        self.host_size: int = hf["size"]
        host = {f["name"]: f for f in hf["fields"]}
        x86 = xf["fields"]
        children: dict[str, list[dict[str, Any]]] = {}
        for f in x86:
            if "." in f["name"]:
                children.setdefault(f["name"].rsplit(".", 1)[0], []).append(f)

        def same_shape(f: dict[str, Any]) -> bool:
            """Every member under f sits at the same relative place in both ABIs."""
            h = host[f["name"]]
            if f["size_bits"] != h["size_bits"]:
                return False
            for c in children.get(f["name"], ()):
                hc = host[c["name"]]
                if (c["offset_bits"] - f["offset_bits"] != hc["offset_bits"] - h["offset_bits"]
                        or c["size_bits"] != hc["size_bits"] or not same_shape(c)):
                    return False
            return True

        # (x86 byte offset, x86 size, host byte offset, host size, is_dxgk_handle)
        self.ints: list[tuple[int, int, int, int, bool]] = []
        self.copies: list[tuple[int, int, int]] = []      # (x86 off, host off, size)
        self.bits: list[tuple[int, int, int]] = []        # (x86 bit, host bit, width)
        covered: list[tuple[int, int]] = []

        def is_covered(lo: int, n: int) -> bool:
            return any(a <= lo and lo + n <= b for a, b in covered)

        for f in x86:
            if f["bitfield"] or is_covered(f["offset_bits"], f["size_bits"]):
                continue
            h = host[f["name"]]
            leaf = f["name"].rsplit(".", 1)[-1]
            if same_shape(f):
                self.copies.append((f["offset_bits"] // 8, h["offset_bits"] // 8,
                                    f["size_bits"] // 8))
            elif f["name"] in children:
                continue                    # a record holding pointers: its members follow
            else:                           # a pointer-sized scalar: 4 bytes here, 8 there
                self.ints.append((f["offset_bits"] // 8, f["size_bits"] // 8,
                                  h["offset_bits"] // 8, h["size_bits"] // 8,
                                  leaf in _DXGK_HANDLE_FIELDS))
            covered.append((f["offset_bits"], f["offset_bits"] + f["size_bits"]))
        for f in x86:
            if f["bitfield"] and not is_covered(f["offset_bits"], f["size_bits"]):
                self.bits.append((f["offset_bits"], host[f["name"]]["offset_bits"],
                                  f["size_bits"]))
        self.by_name = {f["name"]: (f, host[f["name"]]) for f in x86}

    def to_host(self, src: memoryview) -> bytearray:
        dst = bytearray(self.host_size)
        for xo, ho, n in self.copies:
            dst[ho:ho + n] = src[xo:xo + n]
        for xo, xn, ho, hn, is_handle in self.ints:
            v = int.from_bytes(src[xo:xo + xn], "little")
            if is_handle and v:
                v = _alias_to_handle.get(v, v)
            dst[ho:ho + hn] = v.to_bytes(hn, "little")
        if self.bits:
            s = int.from_bytes(src, "little")
            d = int.from_bytes(dst, "little")
            for xb, hb, w in self.bits:
                m = (1 << w) - 1
                d = (d & ~(m << hb)) | (((s >> xb) & m) << hb)
            dst[:] = d.to_bytes(self.host_size, "little")
        assert len(dst) == self.host_size
        return dst

    def write_back(self, host: bytearray, dst: memoryview, names: tuple[str, ...]) -> None:
        """Copies out-fields from the host copy into the caller's x86 bytes."""
        for name in names:
            f, h = self.by_name[name]
            xo, xn = f["offset_bits"] // 8, f["size_bits"] // 8
            ho, hn = h["offset_bits"] // 8, h["size_bits"] // 8
            v = int.from_bytes(host[ho:ho + hn], "little")
            if xn < hn and v >> (8 * xn):
                if name.rsplit(".", 1)[-1] in _DXGK_HANDLE_FIELDS:
                    v = x86_handle(v)
                else:
                    raise ValueError(f"{name} = {v:#x} does not fit the {xn}-byte x86 field")
            dst[xo:xo + xn] = v.to_bytes(xn, "little")


class Spec:
    """One callback's argument struct: everything the facade needs, computed once."""

    def __init__(self, func: str, name: str, out_fields: tuple[str, ...]) -> None:
        self.func = func
        self.name = name
        self.cls: type[StructBase] = getattr(structs, name)
        self.size: int = ctypes.sizeof(self.cls)
        self.out_fields = out_fields
        self.writes = bool(out_fields)
        self._x86: X86Plan | None = None
        host = cached_layouts(_HOST_ABI)[name]
        # 64-bit ABIs whose layout of this struct is the host's (arm64 == x64 here)
        self.host_like = frozenset(
            abi for abi in ("x64", "arm64")
            if cached_layouts(abi)[name]["fields"] == host["fields"]
            and cached_layouts(abi)[name]["size"] == host["size"])

    @property
    def x86(self) -> X86Plan:
        if self._x86 is None:
            self._x86 = X86Plan(self.name)
        return self._x86

    def size_for(self, is_x86: bool) -> int:
        return self.x86.size if is_x86 else self.size

    def abi_label(self, is_x86: bool) -> str:
        return "x86" if is_x86 else _HOST_ABI

    # -- errors --

    def type_error(self, args: Any, is_x86: bool | None) -> TypeError:
        n = self.size_for(bool(is_x86))
        return TypeError(
            f"{self.func} takes a {self.name} (dxgk.structs), a ctypes pointer or byref() to "
            f"one, or a buffer of exactly {n} bytes ({self.name} on "
            f"{self.abi_label(bool(is_x86))}); got {_describe(args)}")

    def size_error(self, got: int, what: str, is_x86: bool) -> ValueError:
        return ValueError(f"{self.name} is {self.size_for(is_x86)} bytes on "
                          f"{self.abi_label(is_x86)}; got a {got}-byte {what}")

    def readonly_error(self, args: Any) -> TypeError:
        return TypeError(
            f"{self.func} writes {', '.join(self.out_fields)} back into its {self.name}: "
            f"the {type(args).__name__} given is read-only; pass a writable buffer "
            f"(bytearray, numpy array, ...) or a dxgk.structs.{self.name}")

    # -- resolution --

    def want_x86(self, abi: str | None) -> bool | None:
        if abi is None:
            return None
        if abi == "x86":
            return True
        if abi in self.host_like:
            return False
        if abi in ("x64", "arm64"):
            raise ValueError(f"{self.name} is laid out differently on {abi} than on this "
                             f"host ({_HOST_ABI}); convert it first")
        raise ValueError(f"unknown ABI {abi!r}: expected 'x86', 'x64' or 'arm64'")

    def struct_abi(self, cls: type[StructBase], args: Any, want: bool | None) -> bool:
        """Whether an instance of the generated class `cls` is x86-layout (TypeError if it is
        another struct or its ABI contradicts `want`)."""
        name, abi = cls._dxgk_name_, cls._dxgk_abi_
        if name != self.name:
            raise self.type_error(args, want)
        is_x86 = abi == "x86"
        if not is_x86 and abi not in self.host_like:
            raise TypeError(f"{self.func}: a {abi} {self.name} is laid out differently from "
                            f"this host's ({_HOST_ABI})")
        if want is not None and want != is_x86:
            raise TypeError(f"{self.func}: abi={'x86' if want else _HOST_ABI!r} but the "
                            f"argument is a dxgk.structs.{abi}.{name}")
        return is_x86

    def resolve(self, args: Any, abi: str | None) -> tuple[int, Any, bool]:
        """(address, object keeping the memory alive, is_x86) for any accepted `args`."""
        want = self.want_x86(abi)
        if args is None:
            return 0, None, bool(want)
        if isinstance(args, StructBase):
            return ctypes.addressof(args), args, self.struct_abi(type(args), args, want)
        if isinstance(args, ctypes._Pointer):
            target = type(args)._type_
            if isinstance(target, type) and issubclass(target, StructBase):
                is_x86 = self.struct_abi(target, args, want)
            elif ctypes.sizeof(target) == self.size_for(bool(want)):
                is_x86 = bool(want)
            else:
                raise self.size_error(ctypes.sizeof(target),
                                      f"ctypes pointee ({target.__name__})", bool(want))
            return (ctypes.cast(args, ctypes.c_void_p).value or 0), args, is_x86
        if type(args) is _CArgObject:
            return self._resolve_byref(args, want)
        if isinstance(args, _CData):
            return self._resolve_cdata(args, want)
        return self._resolve_buffer(args, want)

    def _resolve_byref(self, args: Any, want: bool | None) -> tuple[int, Any, bool]:
        obj = args._obj
        addr = ctypes.cast(args, ctypes.c_void_p).value or 0
        off = addr - ctypes.addressof(obj)
        cls = type(obj)
        if issubclass(cls, StructBase):
            is_x86 = self.struct_abi(cls, obj, want)
            if off != 0:
                raise ValueError(f"{self.func}: byref() to a {self.name} must have offset 0; "
                                 f"got {off}")
            return addr, args, is_x86
        elem = getattr(cls, "_type_", None)
        if issubclass(cls, ctypes.Array) and isinstance(elem, type) \
                and issubclass(elem, StructBase):
            is_x86 = self.struct_abi(elem, obj, want)
            n = ctypes.sizeof(elem)
            if off % n or not 0 <= off <= ctypes.sizeof(obj) - n:
                raise ValueError(f"{self.func}: byref() into an array of {self.name} must "
                                 f"point at an element; offset {off} is not one")
            return addr, args, is_x86
        is_x86 = bool(want)
        rest = ctypes.sizeof(obj) - off
        if rest != self.size_for(is_x86):
            raise self.size_error(rest, f"ctypes object ({cls.__name__}) from the byref() "
                                  f"offset", is_x86)
        return addr, args, is_x86

    def _resolve_cdata(self, args: Any, want: bool | None) -> tuple[int, Any, bool]:
        is_x86 = bool(want)
        t = ffi.typeof(args)
        if t.kind == "array":
            n = ffi.sizeof(args)
        elif t.kind == "pointer" and t.item.kind not in ("void", "function"):
            if t.item.kind == "array" and t.item.length is None:
                raise self.type_error(args, want)
            n = ffi.sizeof(t.item)
            if t.item.kind == "primitive" and n == 1:
                raise TypeError(f"{self.func}: a cffi {t.cname} carries no size; pass the "
                                f"{self.size_for(is_x86)}-byte array itself (or "
                                f"ffi.buffer(p, {self.size_for(is_x86)}))")
        else:
            raise self.type_error(args, want)
        if n != self.size_for(is_x86):
            raise self.size_error(n, f"cffi {t.cname}", is_x86)
        return int(ffi.cast(_UINTPTR, args)), args, is_x86

    def _resolve_buffer(self, args: Any, want: bool | None) -> tuple[int, Any, bool]:
        is_x86 = bool(want)
        try:
            mv = memoryview(args)
        except TypeError:
            raise self.type_error(args, want) from None
        if mv.nbytes != self.size_for(is_x86):
            raise self.size_error(mv.nbytes, type(args).__name__, is_x86)
        if not mv.c_contiguous:
            raise TypeError(f"{self.func}: the {type(args).__name__} holding the "
                            f"{self.name} is not contiguous")
        if self.writes and mv.readonly:
            raise self.readonly_error(args)
        buf = ffi.from_buffer(mv)
        return int(ffi.cast(_UINTPTR, buf)), (mv, buf), is_x86

    # -- the whole call for everything but the fast path --

    def call(self, invoke: Callable[[int], int], args: Any, abi: str | None,
             ok: Callable[[int], bool]) -> int:
        addr, keep, is_x86 = self.resolve(args, abi)
        if not is_x86 or addr == 0:
            r = invoke(addr)
            del keep
            return r
        plan = self.x86
        src = memoryview((ctypes.c_ubyte * plan.size).from_address(addr)).cast("B")
        host = plan.to_host(src)
        hbuf = ffi.from_buffer(host)
        r = invoke(int(ffi.cast(_UINTPTR, hbuf)))
        if self.writes and ok(r):
            plan.write_back(host, src, self.out_fields)
        del keep
        return r


