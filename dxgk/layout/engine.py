"""MSVC record layout over a pycparser AST, for one Windows ABI.

What it owns: turning C declarations into sizes, alignments and member offsets exactly
as Microsoft's compiler lays them out (the rules clang implements as its MS record
layout, which the tests use as the independent check):

* scalars have their natural alignment; on x86 `long long`/`double` are 8-aligned;
  `long` is 4 bytes (LLP64); enums are 4 bytes; pointers are 4 or 8 by ABI;
* a field's alignment is min(natural, pack) raised to any `__declspec(align)` on the
  field or required by its type; the record's alignment is the max of its fields'
  and its own `__declspec(align)`; `#pragma pack` values larger than the pointer size
  are ignored (MS ABI);
* bitfields live in storage units of their declared type: a bitfield joins the
  current unit only if the previous field was a non-zero-width bitfield whose declared
  type has the same size and the unit still has room; otherwise a new unit starts at
  the next offset aligned for the type.  A zero-width bitfield ends the run (and
  aligns) only if it follows a non-zero-width bitfield; otherwise it is ignored.
  In unions, bitfield alignment is ignored (MSVC quirk);
* the size is rounded up to the alignment; an empty C struct has size 4.

What MSVC refuses is refused (a `LayoutError`), never laid out: an alignment that is not
a power of two from 1 to 8192 (C2345), an array of negative size, a bitfield of negative
width, a type larger than the ABI's largest object (2^31 - 1 bytes on x86, 2^63 - 1 on
64-bit; C2148 / C2089); a `#pragma pack` value other than 1, 2, 4, 8, 16 is ignored
(C4086); a constant expression stays within 64 bits.

Invariant kept: every `RecordLayout` is immutable once built; fields are in
declaration order with absolute bit offsets, so flattening is a pure function; every
size, offset and alignment is one the target compiler could produce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pycparser import c_ast

from .abi import Abi

__all__ = ["LayoutError", "TypeInfo", "Member", "RecordLayout", "LayoutEngine"]


class LayoutError(ValueError):
    """A declaration could not be laid out (unknown type, bad bitfield, ...)."""


@dataclass
class TypeInfo:
    """A laid-out C type. kind: int, float, ptr, enum, record, array, func."""

    kind: str
    size: int
    align: int
    signed: bool = False
    name: str | None = None            # typedef/tag name for records and enums
    record: "RecordLayout | None" = None
    elem: "TypeInfo | None" = None     # arrays
    count: int = 0                     # arrays
    required_align: int = 0            # __declspec(align) carried by the type

    def describe(self) -> dict[str, Any]:
        """JSON description used by the ctypes generator and the cache."""
        d: dict[str, Any] = {"k": self.kind, "size": self.size, "align": self.align}
        if self.kind in ("int", "enum"):
            d["signed"] = self.signed
        if self.kind == "enum" and self.name:
            d["name"] = self.name
        if self.kind == "record":
            assert self.record is not None
            if self.record.public:
                d["ref"] = self.record.public
            else:
                d["inline"] = self.record.describe()
        if self.kind == "array":
            assert self.elem is not None
            d["elem"] = self.elem.describe()
            d["count"] = self.count
        return d


@dataclass
class Member:
    name: str | None          # None for an anonymous struct/union member
    type: TypeInfo
    offset: int               # bytes from the start of the enclosing record
    bit_offset: int = 0       # bitfields: bit offset inside the storage unit
    bit_width: int | None = None
    type_name: str = ""       # the declared type as written (for tables)

    @property
    def is_bitfield(self) -> bool:
        return self.bit_width is not None


@dataclass
class RecordLayout:
    kind: str                 # "struct" | "union"
    name: str | None
    size: int
    align: int
    members: list[Member] = field(default_factory=list)
    anonymous: bool = False
    required_align: int = 0
    pack: int = 0
    public: str | None = None   # the first public (typedef or tag) name it was given

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "size": self.size,
            "align": self.align,
            "members": [
                {
                    "name": m.name,
                    "offset": m.offset,
                    "bit_offset": m.bit_offset,
                    "bit_width": m.bit_width,
                    "type_name": m.type_name,
                    "type": m.type.describe(),
                }
                for m in self.members
            ],
        }

    def flat_fields(self, detail: bool = False) -> list[dict[str, Any]]:
        """DESIGN.md's flattened field list: depth-first, absolute bit offsets.

        With `detail`, each entry also carries "bitfield" (bool) and "type" (as declared).
        """
        out: list[dict[str, Any]] = []
        _flatten(self, 0, "", out)
        if not detail:
            for f in out:
                del f["bitfield"], f["type"]
        return out

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "align": self.align, "fields": self.flat_fields()}


def _flatten(rec: RecordLayout, base_bits: int, prefix: str, out: list[dict[str, Any]]) -> None:
    for m in rec.members:
        start = base_bits + m.offset * 8
        if m.name is None:
            if m.type.kind == "record" and m.type.record is not None:
                _flatten(m.type.record, start, prefix, out)
            continue
        path = prefix + m.name
        if m.is_bitfield:
            out.append({"name": path, "offset_bits": start + m.bit_offset,
                        "size_bits": m.bit_width, "bitfield": True, "type": m.type_name})
            continue
        out.append({"name": path, "offset_bits": start, "size_bits": m.type.size * 8,
                    "bitfield": False, "type": m.type_name})
        if m.type.kind == "record" and m.type.record is not None:
            _flatten(m.type.record, start, path + ".", out)


MAX_ALIGN = 8192                      # the largest __declspec(align(n)) MSVC accepts
PACK_VALUES = (1, 2, 4, 8, 16)         # what #pragma pack(n) accepts (others: C4086)


def max_object_size(abi: Abi) -> int:
    """The largest object the ABI can hold: PTRDIFF_MAX (2^31 - 1 or 2^63 - 1 bytes)."""
    return (1 << (abi.pointer_size * 8 - 1)) - 1


def checked_align(value: int) -> int:
    """`value` if it is a valid alignment (a power of two from 1 to 8192), else LayoutError."""
    if not 1 <= value <= MAX_ALIGN or value & (value - 1):
        raise LayoutError(f"__declspec(align({value})): an alignment must be a power of two "
                          f"from 1 to {MAX_ALIGN}")
    return value


def _in_range(value: int) -> int:
    """A constant as MSVC can hold it: within 64 bits (signed or unsigned), else LayoutError
    (so that no expression grows a number without bound)."""
    if not -(1 << 63) <= value < (1 << 64):
        raise LayoutError(f"constant {value if abs(value) < 1 << 100 else '(huge)'} out of "
                          f"the 64-bit range")
    return value


def _align_to(n: int, a: int) -> int:
    return (n + a - 1) // a * a if a > 1 else n


_INT_SPECS = {
    ("char",): ("char", True), ("signed", "char"): ("char", True),
    ("unsigned", "char"): ("char", False),
    ("short",): ("short", True), ("short", "int"): ("short", True),
    ("signed", "short"): ("short", True), ("signed", "short", "int"): ("short", True),
    ("unsigned", "short"): ("short", False), ("unsigned", "short", "int"): ("short", False),
    ("int",): ("int", True), ("signed",): ("int", True), ("signed", "int"): ("int", True),
    ("unsigned",): ("int", False), ("unsigned", "int"): ("int", False),
    ("long",): ("long", True), ("long", "int"): ("long", True),
    ("signed", "long"): ("long", True), ("signed", "long", "int"): ("long", True),
    ("unsigned", "long"): ("long", False), ("unsigned", "long", "int"): ("long", False),
    ("long", "long"): ("long long", True), ("long", "long", "int"): ("long long", True),
    ("signed", "long", "long"): ("long long", True),
    ("signed", "long", "long", "int"): ("long long", True),
    ("unsigned", "long", "long"): ("long long", False),
    ("unsigned", "long", "long", "int"): ("long long", False),
    ("_Bool",): ("_Bool", False),
}


class LayoutEngine:
    """Walks a FileAST in order, keeping typedefs, tags, enum constants and the pack stack."""

    def __init__(self, abi: Abi) -> None:
        self.abi = abi
        self.typedef_info: dict[str, TypeInfo] = {}
        # typedefs of a tag not (yet) defined: resolved when used, and at the end of run()
        self.fwd_typedefs: dict[str, tuple[str, str]] = {}
        self.tags: dict[tuple[str, str], RecordLayout] = {}
        self.constants: dict[str, int] = {}
        self.pack_stack: list[int] = []
        self.pack = 0
        self.records: dict[str, RecordLayout] = {}   # public name -> layout, in order
        self.skipped: list[str] = []
        # (name, record or (kind, tag), named by a typedef?) in declaration order
        self._names: list[tuple[str, RecordLayout | tuple[str, str], bool]] = []

    # ---- pragmas -------------------------------------------------------------------
    def pragma(self, text: str) -> None:
        text = text.strip()
        if not text.startswith("pack"):
            return
        inner = text[text.find("(") + 1:text.rfind(")")] if "(" in text else ""
        args = [a.strip() for a in inner.split(",") if a.strip()]
        if not args:
            self.pack = 0
            return
        if args[0] == "push":
            self.pack_stack.append(self.pack)
            nums = [a for a in args[1:] if a.isdigit()]
            if nums:
                self._set_pack(int(nums[-1]))
        elif args[0] == "pop":
            if self.pack_stack:
                self.pack = self.pack_stack.pop()
            nums = [a for a in args[1:] if a.isdigit()]
            if nums:
                self._set_pack(int(nums[-1]))
        elif args[0] == "show":
            return
        elif args[0].isdigit():
            self._set_pack(int(args[0]))

    def _set_pack(self, value: int) -> None:
        """MSVC ignores a pack value other than 1, 2, 4, 8, 16 (warning C4086)."""
        if value in PACK_VALUES:
            self.pack = value
        else:
            self.ignored_pack(value)

    def ignored_pack(self, value: int) -> None:
        """Hook: a `#pragma pack(value)` ignored because MSVC ignores it."""

    # ---- constant expressions ----------------------------------------------------------
    def const(self, node: c_ast.Node) -> int:
        if isinstance(node, c_ast.Constant):
            if node.type == "char":
                return ord(node.value.strip("'")[-1])
            v = node.value.rstrip("uUlL")
            if len(v) > 40:
                raise LayoutError(f"integer constant {v[:20]}... out of the 64-bit range")
            if len(v) > 1 and v[0] == "0" and v[1] not in "xXbB":
                return _in_range(int(v, 8))
            return _in_range(int(v, 0))
        if isinstance(node, c_ast.ID):
            if node.name in self.constants:
                return self.constants[node.name]
            raise LayoutError(f"unknown constant {node.name}")
        if isinstance(node, c_ast.UnaryOp):
            if node.op == "sizeof":
                if isinstance(node.expr, c_ast.ID):
                    return self.const(node.expr)
                return self.type_of(node.expr).size
            v = self.const(node.expr)
            return {"-": -v, "+": v, "~": ~v, "!": int(not v)}[node.op]
        if isinstance(node, c_ast.BinaryOp):
            a, b = self.const(node.left), self.const(node.right)
            if node.op in ("<<", ">>") and not 0 <= b < 128:
                raise LayoutError(f"a shift by {b} bits in a constant expression")
            if node.op in ("/", "%") and b == 0:
                raise LayoutError("a division by zero in a constant expression")
            ops = {
                "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                "/": lambda: int(a / b), "%": lambda: a % b, "<<": lambda: a << b,
                ">>": lambda: a >> b, "&": lambda: a & b, "|": lambda: a | b,
                "^": lambda: a ^ b, "&&": lambda: int(bool(a and b)),
                "||": lambda: int(bool(a or b)), "==": lambda: int(a == b),
                "!=": lambda: int(a != b), "<": lambda: int(a < b), ">": lambda: int(a > b),
                "<=": lambda: int(a <= b), ">=": lambda: int(a >= b),
            }
            return _in_range(ops[node.op]())
        if isinstance(node, c_ast.Cast):
            return self.const(node.expr)
        if isinstance(node, c_ast.TernaryOp):
            return self.const(node.iftrue) if self.const(node.cond) else self.const(node.iffalse)
        raise LayoutError(f"not a constant expression: {type(node).__name__}")

    # ---- types -----------------------------------------------------------------------
    def type_of(self, node: c_ast.Node) -> TypeInfo:
        if isinstance(node, c_ast.Typename):
            return self.type_of(node.type)
        if isinstance(node, c_ast.TypeDecl):
            return self.type_of(node.type)
        if isinstance(node, c_ast.PtrDecl):
            s, a = self.abi.scalar("pointer")
            return TypeInfo("ptr", s, a)
        if isinstance(node, c_ast.ArrayDecl):
            elem = self.type_of(node.type)
            if node.dim is None:
                count = 0
            else:
                count = self.const(node.dim)
            if count < 0:
                raise LayoutError(f"array of negative size [{count}]")
            self._check_size(elem.size * count, f"array [{count}] of {elem.size}-byte elements")
            return TypeInfo("array", elem.size * count, elem.align, elem=elem, count=count,
                            required_align=elem.required_align)
        if isinstance(node, c_ast.FuncDecl):
            return TypeInfo("func", 0, 1)
        if isinstance(node, c_ast.IdentifierType):
            names = tuple(n for n in node.names if n not in ("const", "volatile"))
            if len(names) == 1 and names[0] in self.typedef_info:
                return self.typedef_info[names[0]]
            if len(names) == 1 and names[0] in self.fwd_typedefs:
                kind, tag = self.fwd_typedefs[names[0]]
                if (kind, tag) not in self.tags:
                    raise LayoutError(f"{names[0]} names the incomplete {kind} {tag}")
                rec = self.tags[(kind, tag)]
                return TypeInfo("record", rec.size, rec.align, name=rec.name, record=rec,
                                required_align=rec.required_align)
            if names == ("void",):
                return TypeInfo("void", 0, 1)
            if names in (("float",), ("double",), ("long", "double")):
                s, a = self.abi.scalar(" ".join(names))
                return TypeInfo("float", s, a, signed=True)
            key = tuple([n for n in names if n in ("signed", "unsigned")]
                        + [n for n in names if n not in ("signed", "unsigned")])
            if key in _INT_SPECS:
                base, signed = _INT_SPECS[key]
                s, a = self.abi.scalar(base)
                return TypeInfo("int", s, a, signed=signed, name=" ".join(names))
            raise LayoutError(f"unknown type {' '.join(node.names)}")
        if isinstance(node, c_ast.Struct) or isinstance(node, c_ast.Union):
            rec = self.record(node)
            return TypeInfo("record", rec.size, rec.align, name=rec.name, record=rec,
                            required_align=rec.required_align)
        if isinstance(node, c_ast.Enum):
            self.enum(node)
            s, a = self.abi.scalar("enum")
            return TypeInfo("enum", s, a, signed=True, name=node.name)
        raise LayoutError(f"unsupported type node {type(node).__name__}")

    def _check_size(self, size: int, what: str) -> None:
        limit = max_object_size(self.abi)
        if size > limit:
            raise LayoutError(f"{what} is {size} bytes, larger than the largest "
                              f"{self.abi.name} object ({limit:#x} bytes)")

    def enum(self, node: c_ast.Enum) -> None:
        if node.values is None:
            return
        value = -1
        for e in node.values.enumerators:
            value = self.const(e.value) if e.value is not None else value + 1
            self.constants[e.name] = value

    def record(self, node: c_ast.Struct | c_ast.Union) -> RecordLayout:
        kind = "union" if isinstance(node, c_ast.Union) else "struct"
        if node.decls is None:
            if node.name and (kind, node.name) in self.tags:
                return self.tags[(kind, node.name)]
            raise LayoutError(f"incomplete {kind} {node.name}")
        rec = self._layout_record(kind, node)
        if node.name:
            self.tags[(kind, node.name)] = rec
        return rec

    def _layout_record(self, kind: str, node: c_ast.Struct | c_ast.Union) -> RecordLayout:
        is_union = kind == "union"
        ptr_bytes = self.abi.pointer_size
        max_field_align = self.pack if 0 < self.pack <= ptr_bytes else 0
        decls = list(node.decls or [])
        own_align = 0
        if (decls and isinstance(decls[0], c_ast.Pragma)
                and decls[0].string.startswith("dxgk_record_align")):
            own_align = checked_align(int(decls[0].string.split("(")[1].split(")")[0]))
            decls = decls[1:]
        size = 0
        align = 1
        required = 1 if ptr_bytes == 8 else 0
        last_bitfield = False
        unit_size = 0
        remaining = 0
        members: list[Member] = []
        for d in decls:
            if isinstance(d, c_ast.Pragma):
                self.pragma(d.string)
                continue
            t = self.type_of(d.type)
            field_req = max((checked_align(self.const(a.alignment)) for a in (d.align or [])),
                            default=0)
            if t.required_align:
                field_req = max(field_req, t.required_align)
            info_align = t.align
            type_name = _type_text(d.type)
            if d.bitsize is not None:
                width = self.const(d.bitsize)
                if t.kind not in ("int", "enum"):
                    raise LayoutError(f"bitfield {d.name} of non-integer type")
                if width > t.size * 8:
                    raise LayoutError(f"bitfield {d.name} wider than its type")
                if width < 0:
                    raise LayoutError(f"bitfield {d.name} of negative width {width}")
                info_align = max(info_align, field_req)
                if max_field_align:
                    info_align = min(info_align, max_field_align)
                info_align = max(info_align, field_req)
                if width == 0:
                    if not last_bitfield:
                        continue
                    last_bitfield = False
                    if is_union:
                        size = max(size, t.size)
                    else:
                        size = _align_to(size, info_align)
                        align = max(align, info_align)
                    continue
                if (not is_union and last_bitfield and unit_size == t.size
                        and width <= remaining):
                    bit_pos = t.size * 8 - remaining
                    members.append(Member(d.name, t, size - t.size, bit_pos, width, type_name))
                    remaining -= width
                    continue
                last_bitfield = True
                unit_size = t.size
                if is_union:
                    members.append(Member(d.name, t, 0, 0, width, type_name))
                    size = max(size, t.size)
                else:
                    off = _align_to(size, info_align)
                    members.append(Member(d.name, t, off, 0, width, type_name))
                    size = off + t.size
                    align = max(align, info_align)
                    remaining = t.size * 8 - width
                continue
            # non-bitfield
            last_bitfield = False
            if t.kind == "record" or (t.kind == "array" and t.elem is not None):
                base = t
                while base.kind == "array" and base.elem is not None:
                    base = base.elem
                if base.kind == "record" and base.record is not None:
                    field_req = max(field_req, base.record.required_align)
            required = max(required, field_req)
            if max_field_align:
                info_align = min(info_align, max_field_align)
            info_align = max(info_align, field_req)
            align = max(align, info_align)
            name = d.name
            if name is None and t.kind == "record" and t.record is not None:
                t.record.anonymous = True
            if is_union:
                members.append(Member(name, t, 0, type_name=type_name))
                size = max(size, t.size)
            else:
                off = _align_to(size, info_align)
                members.append(Member(name, t, off, type_name=type_name))
                size = off + t.size
            self._check_size(size, f"{kind} {node.name or '(unnamed)'}")
        size = _align_to(size, align)
        required = max(required, own_align)
        if required:
            align = max(align, required)
            rounding = align
            if max_field_align:
                rounding = min(rounding, max_field_align)
            rounding = max(rounding, required)
            size = _align_to(size, rounding)
        if size == 0:
            size = align if required >= 4 else 4
        self._check_size(size, f"{kind} {node.name or '(unnamed)'}")
        return RecordLayout(kind, node.name, size, align, members,
                            required_align=required, pack=max_field_align)

    # ---- top level -------------------------------------------------------------------
    def run(self, ast: c_ast.FileAST) -> dict[str, RecordLayout]:
        for ext in ast.ext:
            if isinstance(ext, c_ast.Pragma):
                self.pragma(ext.string)
                continue
            try:
                self._external(ext)
            except LayoutError as e:
                name = getattr(ext, "name", None) or "<anonymous>"
                self.skipped.append(f"{name}: {e}")
        self._finish_names()
        return self.records

    def _external(self, ext: c_ast.Node) -> None:
        if isinstance(ext, c_ast.Typedef):
            inner = ext.type.type if isinstance(ext.type, c_ast.TypeDecl) else None
            if (isinstance(inner, (c_ast.Struct, c_ast.Union)) and inner.decls is None
                    and inner.name):
                kind = "union" if isinstance(inner, c_ast.Union) else "struct"
                if (kind, inner.name) not in self.tags:
                    # `typedef struct _X X;` before `struct _X {...}`: bind by tag, later.
                    self.fwd_typedefs[ext.name] = (kind, inner.name)
                    self._names.append((ext.name, (kind, inner.name), True))
                    return
            t = self.type_of(ext.type)
            if t.kind == "record" and t.record is not None:
                rec = t.record
                if rec.name is None:
                    rec.name = ext.name
                self._names.append((ext.name, rec, True))
            self.typedef_info[ext.name] = t
            return
        if isinstance(ext, c_ast.Decl):
            if isinstance(ext.type, (c_ast.Struct, c_ast.Union)):
                if ext.type.decls is None:
                    return  # a forward declaration: nothing to lay out yet
                rec = self.record(ext.type)
                if ext.type.name:
                    self._names.append((ext.type.name, rec, False))
                return
            if isinstance(ext.type, c_ast.Enum):
                self.enum(ext.type)
                return
            # variable or function declarations carry no layout
            return

    def _finish_names(self) -> None:
        """Public names: every typedef of a record; a tag only when no typedef names it."""
        resolved: list[tuple[str, RecordLayout, bool]] = []
        for name, target, via_typedef in self._names:
            if isinstance(target, tuple):
                rec = self.tags.get(target)
                if rec is None:
                    self.skipped.append(f"{name}: names the incomplete {target[0]} {target[1]}")
                    continue
            else:
                rec = target
            resolved.append((name, rec, via_typedef))
        has_typedef = {id(rec) for _, rec, via in resolved if via}
        for name, rec, via_typedef in resolved:
            if not via_typedef and id(rec) in has_typedef:
                continue
            if rec.public is None:
                rec.public = name
            self.records.setdefault(name, rec)


def _type_text(node: c_ast.Node) -> str:
    if isinstance(node, c_ast.TypeDecl):
        return _type_text(node.type)
    if isinstance(node, c_ast.IdentifierType):
        return " ".join(node.names)
    if isinstance(node, c_ast.PtrDecl):
        return _type_text(node.type) + " *"
    if isinstance(node, c_ast.ArrayDecl):
        return _type_text(node.type) + "[]"
    if isinstance(node, c_ast.Struct):
        return f"struct {node.name}" if node.name else "struct"
    if isinstance(node, c_ast.Union):
        return f"union {node.name}" if node.name else "union"
    if isinstance(node, c_ast.Enum):
        return f"enum {node.name}" if node.name else "enum"
    if isinstance(node, c_ast.FuncDecl):
        return "function"
    return type(node).__name__
