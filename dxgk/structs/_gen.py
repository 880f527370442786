"""Builds byte-exact ctypes classes from the layout engine's record descriptions.

Every generated class is a `_pack_ = 1` ctypes Structure/Union whose `_fields_` put
each member at exactly the offset the engine computed, with explicit padding fields,
so ctypes never chooses an offset itself. Bitfields become properties over hidden
storage-unit fields; members of anonymous structs/unions are reachable from the outer
record through delegating properties (`args.Protection.Write`).
"""

from __future__ import annotations

import ctypes
import re
import sys
import types
from typing import TYPE_CHECKING, Any, Callable, Final, Iterator

from ..argcheck import integer
from ..layout import cached_layouts

__all__ = ["StructBase", "StructNamespace"]

_INTS = {
    (1, False): ctypes.c_uint8, (1, True): ctypes.c_int8,
    (2, False): ctypes.c_uint16, (2, True): ctypes.c_int16,
    (4, False): ctypes.c_uint32, (4, True): ctypes.c_int32,
    (8, False): ctypes.c_uint64, (8, True): ctypes.c_int64,
}


# what _dxgk_ranges_.get gives for a name that is no member (compared by identity only)
_NOT_A_MEMBER: Final[tuple[int, int, str]] = (0, 0, "")

if TYPE_CHECKING:
    # every StructBase is a ctypes Structure or Union (the generator puts one after it in
    # the bases): so mypy knows that ctypes.addressof / sizeof take one
    _CtypesRecord = ctypes.Structure
else:
    _CtypesRecord = object


class StructBase(_CtypesRecord):
    """Behaviour shared by every generated struct/union class (mixed into ctypes)."""

    _dxgk_name_: str = ""
    _dxgk_abi_: str = ""
    _dxgk_members_: tuple[str, ...] = ()     # public top-level names, in declaration order
    # every public member: an integer one (not a bitfield) -> (lowest, highest,
    # "64-bit unsigned field"), any other -> None
    _dxgk_ranges_: dict[str, tuple[int, int, str] | None] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args:
            raise TypeError(f"{self._dxgk_name_}() takes keyword arguments only")
        super().__init__()
        for key, value in kwargs.items():
            self._assign(key, value)

    def _assign(self, key: str, value: Any) -> None:
        """Sets one member from a constructor keyword or a dict: an integer member takes
        only an int inside its range (TypeError / ValueError naming it, never a silent
        wrap; docs/behaviour.md section 8.6), a struct member a dict of its members."""
        r = self._dxgk_ranges_.get(key, _NOT_A_MEMBER)
        if type(value) is int and r is not None and r is not _NOT_A_MEMBER \
                and r[0] <= value <= r[1]:
            setattr(self, key, value)               # the common case: an int that fits
            return
        if r is _NOT_A_MEMBER:
            raise TypeError(f"{self._dxgk_name_} has no member {key!r}")
        if isinstance(value, dict):
            target = getattr(self, key)
            if not isinstance(target, StructBase):
                raise TypeError(f"{self._dxgk_name_}.{key} is not a struct or union; "
                                f"a dict cannot be assigned to it")
            for k, v in value.items():
                target._assign(k, v)
            return
        if r is not None:
            value = integer(value, f"{_shown(self._dxgk_name_)}.{key}", r[0], r[1],
                            width=r[2])
        setattr(self, key, value)

    @classmethod
    def _members(cls) -> tuple[str, ...]:
        return cls._dxgk_members_

    def to_dict(self) -> dict[str, Any]:
        """Members by name (nested records as dicts, arrays as lists)."""
        out: dict[str, Any] = {}
        for name in self._dxgk_members_:
            out[name] = _plain(getattr(self, name))
        return out

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items())
        return f"{self._dxgk_name_}({inner})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StructBase):
            return type(self) is type(other) and bytes(self) == bytes(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def _plain(v: Any) -> Any:
    if isinstance(v, StructBase):
        return v.to_dict()
    if isinstance(v, ctypes.Array):
        return [_plain(x) for x in v]
    return v


def _bit_property(unit: str, shift: int, width: int, signed: bool, label: str) -> property:
    mask = (1 << width) - 1
    lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, mask)

    def get(self: Any) -> int:
        v: int = (getattr(self, unit) >> shift) & mask
        if signed and v >> (width - 1):
            v -= 1 << width
        return v

    kind = f"{width}-bit {'signed' if signed else 'unsigned'} bitfield"

    def set_(self: Any, value: int) -> None:
        # a one-bit flag may be set from a bool; nothing is truncated into the field
        if not (type(value) is int and lo <= value <= hi):
            value = integer(value, label, lo, hi, allow_bool=width == 1, width=kind)
        cur = getattr(self, unit)
        setattr(self, unit, (cur & ~(mask << shift)) | ((value & mask) << shift))

    return property(get, set_, doc=f"bits {shift}..{shift + width - 1} of a storage unit")


def _shown(name: str) -> str:
    """A generated record's name as a message shows it: an anonymous struct or union
    (``DXGK_GPUMMUCAPS_anon0_anon0``) by the record that holds it."""
    return re.sub(r"_anon\d+", "", name)


def _delegate(anon: str, name: str) -> property:
    def get(self: Any) -> Any:
        return getattr(getattr(self, anon), name)

    def set_(self: Any, value: Any) -> None:
        getattr(self, anon)._assign(name, value)

    return property(get, set_)


class _Builder:
    def __init__(self, abi: str, resolve: Callable[[str], type]) -> None:
        self.abi = abi
        self.resolve = resolve

    def ctype(self, t: dict[str, Any], hint: str) -> Any:
        k = t["k"]
        if k in ("int", "enum"):
            return _INTS[(t["size"], bool(t.get("signed")))]
        if k == "ptr":
            return _INTS[(t["size"], False)]
        if k == "float":
            return ctypes.c_float if t["size"] == 4 else ctypes.c_double
        if k == "record":
            if "ref" in t:
                return self.resolve(t["ref"])
            return self.build(hint, t["inline"])
        if k == "array":
            return self.ctype(t["elem"], hint + "_elem") * t["count"]
        raise TypeError(f"cannot express a {k} member in ctypes ({hint})")

    def build(self, name: str, desc: dict[str, Any]) -> type:
        is_union = desc["kind"] == "union"
        size = desc["size"]
        fields: list[tuple[str, Any]] = []
        ns: dict[str, Any] = {}
        public: list[str] = []
        cursor = 0
        units: dict[tuple[int, int], str] = {}
        ranges: dict[str, tuple[int, int, str] | None] = {}
        anon_count = 0

        def pad_to(off: int) -> None:
            nonlocal cursor
            if off > cursor:
                fields.append((f"_pad_{cursor}", ctypes.c_uint8 * (off - cursor)))
                cursor = off

        for m in desc["members"]:
            t = m["type"]
            off = m["offset"]
            if m["bit_width"] is not None:
                key = (off, t["size"])
                unit = units.get(key)
                if unit is None:
                    unit = f"_bits_{off}_{t['size']}" if not is_union else f"_bits_u{len(units)}"
                    units[key] = unit
                    if not is_union:
                        pad_to(off)
                        cursor = off + t["size"]
                    fields.append((unit, _INTS[(t["size"], False)]))
                if m["name"]:
                    ns[m["name"]] = _bit_property(unit, m["bit_offset"], m["bit_width"],
                                                  bool(t.get("signed")),
                                                  f"{_shown(name)}.{m['name']}")
                    public.append(m["name"])
                continue
            fname = m["name"]
            hint = f"{name}_{fname}" if fname else f"{name}_anon{anon_count}"
            ct = self.ctype(t, hint)
            if fname is None:
                fname = f"_anon{anon_count}"
                anon_count += 1
                for inner in ct._dxgk_members_:
                    if inner not in ns and inner not in public:
                        ns[inner] = _delegate(fname, inner)
                        public.append(inner)
            else:
                public.append(fname)
                if t["k"] in ("int", "enum", "ptr"):
                    bits = 8 * t["size"]
                    if t["k"] != "ptr" and t.get("signed"):
                        ranges[fname] = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1,
                                         f"{bits}-bit signed field")
                    else:
                        ranges[fname] = (0, (1 << bits) - 1, f"{bits}-bit unsigned field")
            if not is_union:
                pad_to(off)
                cursor = off + t["size"]
            fields.append((fname, ct))
        if is_union:
            fields.append(("_pad_all", ctypes.c_uint8 * size))
        else:
            pad_to(size)
        base = ctypes.Union if is_union else ctypes.Structure
        ns.update({
            "_pack_": 1,
            "_layout_": "ms",
            "_fields_": fields,
            "_dxgk_name_": name,
            "_dxgk_abi_": self.abi,
            "_dxgk_members_": tuple(public),
            "_dxgk_ranges_": {n: ranges.get(n) for n in public},
            "__module__": f"dxgk.structs.{self.abi}",
            "__qualname__": name,
        })
        cls = type(name, (StructBase, base), ns)
        if ctypes.sizeof(cls) != size:  # pragma: no cover - would be an engine/generator bug
            raise AssertionError(f"{name}: ctypes size {ctypes.sizeof(cls)} != layout {size}")
        return cls


class StructNamespace(types.ModuleType):
    """`dxgk.structs.<abi>`: the classes of one ABI, built on first access."""

    def __init__(self, abi: str) -> None:
        super().__init__(f"dxgk.structs.{abi}", f"dxgk struct classes for the {abi} ABI")
        self.abi = abi
        self._classes: dict[str, type] = {}
        sys.modules[self.__name__] = self

    def names(self) -> list[str]:
        return list(cached_layouts(self.abi))

    def __getattr__(self, name: str) -> type:
        if name.startswith("__"):
            raise AttributeError(name)
        classes = self.__dict__["_classes"]
        if name in classes:
            found: type = classes[name]
            return found
        table = cached_layouts(self.__dict__["abi"])
        entry = table.get(name)
        if entry is None:
            raise AttributeError(f"dxgk.structs.{self.abi} has no struct or union {name!r}")
        cls: type
        if "alias_of" in entry:
            cls = getattr(self, entry["alias_of"])
        else:
            cls = _Builder(self.abi, lambda ref: getattr(self, ref)).build(name, entry["record"])
        classes[name] = cls
        return cls

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.names()))

    def __iter__(self) -> Iterator[type]:
        return (getattr(self, n) for n in self.names())
