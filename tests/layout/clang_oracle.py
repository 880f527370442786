"""The independent layout oracle: libclang's MSVC record layout, in dxgk's layout JSON schema.

dxgk's own layout engine (``dxgk.layout``) preprocesses the headers, parses them with
pycparser and applies MSVC's record-layout rules itself.  This module shares none of that:
it hands the same headers to clang (the ``libclang`` wheel, ``clang.cindex``) with a
``*-pc-windows-msvc`` target, whose ``MicrosoftRecordLayoutBuilder`` is clang's
implementation of MSVC's layout, and reads sizes, alignments and field offsets back
through the libclang C API.  The result is rendered in exactly the schema of
``python -m dxgk layout --json`` (DESIGN.md), so a test can compare the two with ``==``:

    {NAME: {"size": bytes, "align": bytes,
            "fields": [{"name": str, "offset_bits": int, "size_bits": int}, ...]}}

Keys: every typedef name whose canonical type is a complete struct/union, declared in one
of the processed files (the given headers and every file under the include dirs - never
a system header), plus every complete tagged record of those files that no such typedef
names (keyed by its tag).  Pointer typedefs are not records; records defined only
anonymously inside other records are not keys.

Fields: flattened depth-first in declaration order.  An anonymous struct/union member is
not listed; its members are, under the path of the enclosing named members.  A named
member of record type is listed, then its members as ``outer.inner``.  Bitfields carry
their absolute bit offset and their width; unnamed bitfields (padding and ``:0``) are not
listed.  Arrays are one entry, never expanded.

The oracle fails loudly (``OracleError``) rather than guess: on any clang diagnostic of
severity error or worse, on a target that did not take effect, on a field whose size clang
cannot give, and when the two independent anonymity tests below disagree.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

try:
    import clang.cindex as ci
except ImportError as e:  # the tests skip, with this reason, when libclang is missing
    ci = None
    IMPORT_ERROR: ImportError | None = e
else:
    IMPORT_ERROR = None

REPO_ROOT = Path(__file__).resolve().parents[2]
HEADERS_DIR = REPO_ROOT / "headers"
SUBSET_HEADER_NAMES = ("d3dukmdt.h", "d3dkmddi.h", "d3dumddi.h", "dispmprt.h",
                       "d3dkmthk.h")
TORTURE_HEADER = Path(__file__).resolve().with_name("torture.h")

# Per-ABI target triple and the predefined macros of issue #2 / DESIGN.md.  -x c always;
# DXGK_LAYOUT_ENGINE is deliberately NOT defined: clang takes windows_base.h's
# `__declspec(align(x))` branch through __clang__, like MSVC does through _MSC_VER.
ABI_ARGS: dict[str, tuple[str, ...]] = {
    "x86": ("-target", "i686-pc-windows-msvc", "-D_WIN32", "-D_M_IX86", "-D_X86_"),
    "x64": ("-target", "x86_64-pc-windows-msvc", "-D_WIN32", "-D_WIN64", "-D_M_X64",
            "-D_AMD64_"),
    "arm64": ("-target", "aarch64-pc-windows-msvc", "-D_WIN32", "-D_WIN64", "-D_M_ARM64",
              "-D_ARM64_"),
}
ABIS: tuple[str, ...] = tuple(ABI_ARGS)
COMMON_ARGS: tuple[str, ...] = ("-x", "c", "-std=gnu11", "-fms-extensions",
                                "-fms-compatibility", "-ferror-limit=0")

# A probe record, declared in the synthetic main file (so never a key), whose layout tells
# an MSVC target from anything else: on x86 MSVC puts a 64-bit member at 8 (SysV i386: 4),
# pointers have the ABI's width, and `long` is 32 bits on every Windows target (LP64: 64).
_PROBE_NAME = "dxgk_oracle_probe_"
_PROBE_SRC = (f"typedef struct {{ char c; unsigned long long q; void *p; long l; }} "
              f"{_PROBE_NAME};\n")
_PROBE_EXPECT = {  # abi -> (size, offset of q, sizeof(void *), sizeof(long)), in bytes
    "x86": (24, 8, 4, 4),
    "x64": (32, 8, 8, 4),
    "arm64": (32, 8, 8, 4),
}
_MAIN_FILE = "dxgk_clang_oracle_main.c"

class OracleError(RuntimeError):
    """libclang could not give a trustworthy layout (parse error, unknown size, ...)."""


def _require_clang() -> None:
    if ci is None:
        raise OracleError(f"clang.cindex is not importable (pip install libclang): {IMPORT_ERROR}")


def subset_header_paths() -> list[Path]:
    """The default header subset, located independently of dxgk.layout."""
    return [HEADERS_DIR / name for name in SUBSET_HEADER_NAMES]


def _is_anonymous_record_decl_fn():
    """clang_Cursor_isAnonymousRecordDecl (libclang >= 9) or None if the library lacks it.

    The Python bindings of libclang 18 do not wrap it, so bind it through ctypes.
    """
    lib = ci.conf.lib
    try:
        fn = lib.clang_Cursor_isAnonymousRecordDecl
    except AttributeError:
        return None
    fn.argtypes = [ci.Cursor]
    fn.restype = ctypes.c_uint
    return fn


_IS_ANON_RECORD_DECL = None
_IS_ANON_RECORD_DECL_BOUND = False


def _anon_record_decl(decl: ci.Cursor) -> bool | None:
    global _IS_ANON_RECORD_DECL, _IS_ANON_RECORD_DECL_BOUND
    if not _IS_ANON_RECORD_DECL_BOUND:
        _IS_ANON_RECORD_DECL = _is_anonymous_record_decl_fn()
        _IS_ANON_RECORD_DECL_BOUND = True
    if _IS_ANON_RECORD_DECL is None:
        return None
    return bool(_IS_ANON_RECORD_DECL(decl))


def is_anonymous_member(field: ci.Cursor) -> bool:
    """True if FIELD_DECL `field` is an anonymous struct/union member (`union { ... };`).

    Two independent tests, which must agree:
      1. clang's own answer, RecordDecl::isAnonymousStructOrUnion() on the member's record
         (clang_Cursor_isAnonymousRecordDecl), when the library exports it;
      2. the member has no C identifier as its name (clang spells the implicit field of an
         anonymous member "" or "union _S::(anonymous at f.h:4:5)", depending on the
         version) and its record type has no tag and no typedef name (is_anonymous()).
    Note that is_anonymous() alone is not enough: `struct { int e; } Named;` is an unnamed
    record type but a *named* member, which is listed.
    """
    canon = field.type.get_canonical()
    if canon.kind != ci.TypeKind.RECORD:
        return False
    decl = canon.get_declaration()
    by_name = (not field.spelling.isidentifier()) and decl.is_anonymous()
    by_clang = _anon_record_decl(decl)
    if by_clang is not None and by_clang != by_name:
        raise OracleError(
            f"anonymity tests disagree for member {field.spelling!r} of type "
            f"{field.type.spelling!r} at {_where(field)}: "
            f"isAnonymousRecordDecl={by_clang}, name/is_anonymous={by_name}")
    return by_name if by_clang is None else by_clang


def _where(c: ci.Cursor) -> str:
    loc = c.location
    return f"{loc.file.name if loc.file else '?'}:{loc.line}:{loc.column}"


def _size_bytes(t: ci.Type, what: str) -> int:
    n = t.get_size()
    if n < 0:
        raise OracleError(f"clang cannot size {what} (type {t.spelling!r}, error {n})")
    return n


def _flatten(record: ci.Type, base_bits: int, prefix: str, out: list[dict[str, Any]]) -> None:
    """Append the fields of `record` (placed at absolute bit `base_bits`) to `out`."""
    for f in record.get_fields():
        rel = f.get_field_offsetof()
        if rel < 0:
            raise OracleError(f"clang gives no offset for {prefix}{f.spelling!r} at {_where(f)}")
        off = base_bits + rel
        canon = f.type.get_canonical()
        if f.is_bitfield():
            width = f.get_bitfield_width()
            if width < 0:
                raise OracleError(f"clang gives no width for bitfield at {_where(f)}")
            if width == 0 or not f.spelling:
                continue  # `T :0;` and unnamed padding bitfields are not listed
            out.append({"name": prefix + f.spelling, "offset_bits": off, "size_bits": width})
            continue
        if is_anonymous_member(f):
            _flatten(canon, off, prefix, out)
            continue
        if not f.spelling.isidentifier():
            raise OracleError(f"unnamed non-anonymous member {f.spelling!r} at {_where(f)}")
        name = prefix + f.spelling
        out.append({"name": name, "offset_bits": off,
                    "size_bits": 8 * _size_bytes(f.type, name)})
        if canon.kind == ci.TypeKind.RECORD:
            _flatten(canon, off, name + ".", out)


def record_layout(t: ci.Type) -> dict[str, Any]:
    """The layout JSON of one complete record type."""
    canon = t.get_canonical()
    fields: list[dict[str, Any]] = []
    _flatten(canon, 0, "", fields)
    align = canon.get_align()
    if align < 0:
        raise OracleError(f"clang cannot align {t.spelling!r} (error {align})")
    return {"size": _size_bytes(canon, t.spelling), "align": align, "fields": fields}


def _arguments(abi: str, include_dirs: Sequence[Path],
               defines: Mapping[str, str | None] | None) -> list[str]:
    if abi not in ABI_ARGS:
        raise ValueError(f"unknown abi {abi!r}; expected one of {', '.join(ABIS)}")
    args = [*COMMON_ARGS, *ABI_ARGS[abi]]
    args += [f"-I{d}" for d in include_dirs]
    for name, value in (defines or {}).items():
        args.append(f"-D{name}" if value is None else f"-D{name}={value}")
    return args


def _check_target(abi: str, tu: ci.TranslationUnit) -> None:
    for c in tu.cursor.get_children():
        if c.kind == ci.CursorKind.TYPEDEF_DECL and c.spelling == _PROBE_NAME:
            t = c.underlying_typedef_type.get_canonical()
            member = {f.spelling: f.type for f in t.get_fields()}
            got = (t.get_size(), t.get_offset("q") // 8, member["p"].get_size(),
                   member["l"].get_size())
            if got != _PROBE_EXPECT[abi]:
                raise OracleError(f"clang did not apply the {abi} MSVC target: probe record "
                                  f"(size, q offset, sizeof(void *), sizeof(long)) = {got}, "
                                  f"expected {_PROBE_EXPECT[abi]}")
            return
    raise OracleError("probe record missing from the translation unit")


def _walk_decls(cursor: ci.Cursor) -> Iterable[ci.Cursor]:
    """Typedefs and record definitions at file scope and nested inside records."""
    for c in cursor.get_children():
        # A definition inside `typedef struct _X {...} X;` is also a child of the
        # translation unit itself, so typedef children need no visit.
        if c.kind == ci.CursorKind.TYPEDEF_DECL:
            yield c
        elif c.kind in (ci.CursorKind.STRUCT_DECL, ci.CursorKind.UNION_DECL):
            yield c
            yield from _walk_decls(c)


def parse(abi: str, headers: Sequence[os.PathLike[str] | str],
          include_dirs: Sequence[os.PathLike[str] | str],
          defines: Mapping[str, str | None] | None = None) -> ci.TranslationUnit:
    """Parse `headers` (in order, one translation unit) for `abi`; raise on any error."""
    _require_clang()
    incs = [Path(d).resolve() for d in include_dirs]
    src = "".join(f'#include "{Path(h).resolve()}"\n' for h in headers) + _PROBE_SRC
    index = ci.Index.create()
    try:
        tu = index.parse(_MAIN_FILE, args=_arguments(abi, incs, defines),
                         unsaved_files=[(_MAIN_FILE, src)])
    except ci.TranslationUnitLoadError as e:
        raise OracleError(f"libclang could not parse {list(map(str, headers))}: {e}") from e
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        msg = "\n".join(f"  {d.location.file}:{d.location.line}:{d.location.column}: "
                        f"{d.spelling}" for d in errors)
        raise OracleError(f"libclang ({abi}) reports {len(errors)} error(s):\n{msg}")
    _check_target(abi, tu)
    return tu


def clang_layouts(abi: str = "x64",
                  headers: Sequence[os.PathLike[str] | str] | None = None,
                  defines: Mapping[str, str | None] | None = None,
                  include_dirs: Sequence[os.PathLike[str] | str] | None = None,
                  ) -> dict[str, dict[str, Any]]:
    """Layouts of every record of `headers` for `abi`, as computed by libclang.

    headers: header paths, parsed in order as one translation unit (default: the four
    subset headers of headers/).  include_dirs: -I directories (default: headers/).
    defines: NAME -> value (None for a bare -DNAME).  Returns {name: layout JSON}, in
    declaration order.
    """
    hdrs = [Path(h).resolve() for h in (headers if headers is not None
                                       else subset_header_paths())]
    incs = [Path(d).resolve() for d in (include_dirs if include_dirs is not None
                                       else [HEADERS_DIR])]
    for h in hdrs:
        if not h.is_file():
            raise OracleError(f"header {h} does not exist")
    tu = parse(abi, hdrs, incs, defines)

    processed_files = {str(h) for h in hdrs}
    inc_prefixes = [str(d) + os.sep for d in incs]

    def processed(c: ci.Cursor) -> bool:
        f = c.location.file
        if f is None:
            return False
        p = str(Path(f.name).resolve())
        return p in processed_files or any(p.startswith(pre) for pre in inc_prefixes)

    typedefs: dict[str, ci.Type] = {}
    tagged: dict[str, ci.Cursor] = {}  # USR -> record definition
    order: list[tuple[str, str]] = []  # ("typedef", name) / ("tag", usr), declaration order
    for c in _walk_decls(tu.cursor):
        if not processed(c):
            continue
        if c.kind == ci.CursorKind.TYPEDEF_DECL:
            canon = c.underlying_typedef_type.get_canonical()
            if canon.kind != ci.TypeKind.RECORD or canon.get_size() < 0:
                continue  # not a record, or an incomplete one (`typedef struct _X X;` only)
            if c.spelling not in typedefs:
                order.append(("typedef", c.spelling))
            typedefs[c.spelling] = canon
        elif c.is_definition() and not c.is_anonymous():
            usr = c.get_usr()
            if usr not in tagged:
                tagged[usr] = c
                order.append(("tag", usr))

    typedef_usrs = {t.get_declaration().get_usr() for t in typedefs.values()}
    result: dict[str, dict[str, Any]] = {}
    for kind, key in order:
        if kind == "typedef":
            result[key] = record_layout(typedefs[key])
            continue
        rec = tagged[key]
        if key in typedef_usrs:
            continue  # named by a typedef: listed under that name
        kw = "struct" if rec.kind == ci.CursorKind.STRUCT_DECL else "union"
        if rec.type.get_canonical().spelling != f"{kw} {rec.spelling}":
            continue  # `typedef struct {..} X;` without its typedef in view: not a tag
        if rec.spelling in result:
            raise OracleError(f"tag {rec.spelling!r} collides with a typedef name")
        result[rec.spelling] = record_layout(rec.type)
    return result


def format_layout(name: str, layout: Mapping[str, Any]) -> str:
    """A small pahole-like rendering, for assertion messages."""
    lines = [f"{name}: size {layout['size']} align {layout['align']}"]
    for f in layout["fields"]:
        off, size = f["offset_bits"], f["size_bits"]
        lines.append(f"  {f['name']:<48} bit {off:>6} (byte {off // 8:>4}+{off % 8})"
                     f"  {size:>5} bits")
    return "\n".join(lines)
