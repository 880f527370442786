"""`python -m dxgk verify-header`: dxgk's structures against a real Windows SDK / WDK.

What it owns: reading the display headers of a Windows Kits `Include\\<version>` folder
(or of any folder holding them) with dxgk's own layout engine, and comparing, struct by
struct and ABI by ABI, what that SDK says with what dxgk's header subset says.

The pipeline for one ABI:

1. **Preprocess** each translation unit -- kernel mode (dispmprt.h, d3dkmddi.h) and
   user mode (d3dumddi.h), each followed by d3dukmdt.h -- with pcpp and exactly the
   macros MSVC predefines for the ABI plus the caller's `-D`s. What the rest of the SDK
   would supply (windows.h, wdm.h, video.h, winapifamily.h, sal.h, ...) comes from
   dxgk's stand-ins in `dxgk/sdk_shims/`, which always win over the SDK's own copies.
   An include found nowhere is skipped with a note; so is an `#error`.
2. **Clean** MSVC spellings that pycparser cannot read and that carry no layout: SAL
   annotations (`_In_`, `_Field_size_(n)`, `__drv_xxx`, ...), `__declspec(...)` other
   than `align`, `DECLSPEC_xxx` decorations, `__attribute__((...))`; `__pragma(pack(...))`
   becomes a `#pragma`. `__declspec(align(n))` is kept (the layout engine honours it).
3. **Split** the text into top-level declarations (by brace and parenthesis depth and
   `;`, a function body ending at its `}`) and **parse** them with one pycparser parser
   whose typedef names persist from one batch to the next. A batch that fails is cut at
   the declaration the error points to (or bisected) so that only the failing
   declaration is lost: it is skipped with a note, never fatal. A failing typedef of a
   function or function pointer (usually a callback whose parameter list uses a kernel
   type dxgk does not declare) is stood in for by an opaque function / pointer typedef,
   which lays out exactly the same.
4. **Lay out** with `dxgk.layout.engine.LayoutEngine` (the MSVC rules), which also
   records where each declaration came from and checks the SDK's own `C_ASSERT`s /
   `static_assert`s under dxgk's layout.

Invariant kept: nothing the SDK headers contain can make the tool fail as a whole; every
declaration that could not be used is named in a note with its file and line, and a
struct of dxgk's subset that the SDK does not lay out is reported as a difference
(with the reason), never silently dropped.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import difflib
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layout import ABI_NAMES, HEADERS_DIR, FieldInfo, StructLayout, get_abi

__all__ = [
    "SUBSET_FILES", "SHIMS_DIR", "VerifyUsageError", "SdkTree", "Note", "SdkLayouts",
    "Difference", "StructResult", "Report", "locate_sdk", "layout_sdk", "compare_layouts",
    "verify", "sdk_struct_layouts", "parse_defines", "add_arguments", "run_cli",
]

SUBSET_FILES = ("d3dukmdt.h", "d3dkmddi.h", "d3dumddi.h", "dispmprt.h")
SHIMS_DIR = Path(__file__).resolve().parent / "sdk_shims"
SHIM_BASE = SHIMS_DIR / "dxgk_sdk_base.h"
_SHIMS_REAL = os.path.realpath(SHIMS_DIR)
# Records of headers/windows_base.h: in an SDK run they come from dxgk's stand-ins, so
# comparing them would compare dxgk with itself.
BASE_HEADER = HEADERS_DIR / "windows_base.h"


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
    for name in SUBSET_FILES + ("d3dkmdt.h",):
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


# ---- preprocessing ------------------------------------------------------------------

def _stand_in_names() -> frozenset[str]:
    return frozenset(p.name.lower() for p in SHIMS_DIR.glob("*.h"))


def _preprocess(tree: SdkTree, headers: Sequence[Path], macros: Mapping[str, str],
                notes: list[Note],
                versions: dict[str, int | None] | None = None) -> list[tuple[Origin, str]]:
    """Run pcpp over `headers` (one translation unit); return (origin, text) per line.
    `versions` receives the value each of VERSION_MACROS ends up with (None: unknown)."""
    from pcpp import Preprocessor
    from pcpp.preprocessor import Action, OutputDirective

    from .layout.preprocess import _EMPTY_MACROS

    stand_ins = _stand_in_names()
    shims = os.path.realpath(SHIMS_DIR)

    class SdkPreprocessor(Preprocessor):
        def on_error(self, file, line, msg):  # pcpp hook
            notes.append(Note(f"{tree.rel(file)}:{line}" if file else "",
                              f"preprocessor: {msg}"))

        def on_include_not_found(self, is_malformed, is_system_include, curdir, includepath):
            where = self.lastdirective
            loc = f"{tree.rel(where.source)}:{where.lineno}" if where is not None else ""
            spelled = f"<{includepath}>" if is_system_include else f'"{includepath}"'
            what = "malformed #include" if is_malformed else "#include"
            notes.append(Note(loc, f"{what} {spelled} not found in the SDK folder nor among "
                                   f"dxgk's stand-ins: skipped"))
            raise OutputDirective(Action.IgnoreAndRemove)

        def on_file_open(self, is_system_include, includepath):
            base = os.path.basename(includepath).lower()
            if base in stand_ins and not os.path.realpath(includepath).startswith(shims):
                # the SDK's own windows.h / wdm.h / ...: dxgk's stand-in is used instead
                raise OSError(f"{includepath}: replaced by dxgk's stand-in")
            try:
                return super().on_file_open(is_system_include, includepath)
            except OSError:
                # a Linux copy of the Include folder: `#include <Foo.h>` for foo.h
                d, name = os.path.split(includepath)
                hit = _find_case_insensitive(Path(d), name) if os.path.isdir(d) else None
                if hit is None:
                    raise
                return super().on_file_open(is_system_include, str(hit))

        def on_directive_unknown(self, directive, toks, ifpassthru, precedingtoks):
            if directive.value in ("error", "warning"):
                text = "".join(t.value for t in toks).strip()
                notes.append(Note(f"{tree.rel(directive.source)}:{directive.lineno}",
                                  f"#{directive.value} {text}"))
                return True
            return super().on_directive_unknown(directive, toks, ifpassthru, precedingtoks)

    pre = SdkPreprocessor()
    pre.line_directive = "#line"
    pre.compress = 0
    for d in (SHIMS_DIR, *tree.include_dirs):
        pre.add_path(str(d))
    for name, value in {**_EMPTY_MACROS, **dict(macros)}.items():
        pre.define(f"{name} {value}")
    source = f'#include "{SHIM_BASE}"\n' + "".join(f'#include "{h}"\n' for h in headers)
    pre.parse(source, "<dxgk-verify>")
    out = io.StringIO()
    pre.write(out)
    if versions is not None:
        for name in VERSION_MACROS:
            value = _macro_int(pre.macros, name)
            if value is not None:
                versions[name] = value
    return _origin_lines(out.getvalue())


# The interface-version macros: the SDK's headers default them to the newest version
# they know, which need not be dxgk's default (SPEC section 2: WDDM 3.2).
VERSION_MACROS = ("DXGKDDI_INTERFACE_VERSION", "D3D_UMD_INTERFACE_VERSION")


def _macro_int(macros: Mapping[str, Any], name: str, depth: int = 0) -> int | None:
    """The integer an object-like macro expands to (through other macros), or None."""
    m = macros.get(name)
    if m is None or getattr(m, "arglist", None) is not None or depth > 16:
        return None
    text = "".join(t.value for t in m.value).strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if re.fullmatch(r"[A-Za-z_]\w*", text):
        return _macro_int(macros, text, depth + 1)
    lit = re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*", text)
    return int(lit.group(1), 0) if lit else None


_SUBSET_VERSIONS: dict[str, int | None] = {}


def subset_default_versions() -> dict[str, int | None]:
    """dxgk's own default interface versions (headers/d3dukmdt.h)."""
    if not _SUBSET_VERSIONS:
        from pcpp import Preprocessor

        pre = Preprocessor()
        pre.add_path(str(HEADERS_DIR))
        pre.parse(f'#include "{HEADERS_DIR / "d3dukmdt.h"}"\n', "<dxgk-versions>")
        pre.write(io.StringIO())
        for name in VERSION_MACROS:
            _SUBSET_VERSIONS[name] = _macro_int(pre.macros, name)
    return dict(_SUBSET_VERSIONS)


_LINE_DIRECTIVE = re.compile(r'^#line\s+(\d+)(?:\s+"(.*)")?\s*$')


def _origin_lines(text: str) -> list[tuple[Origin, str]]:
    """Drop pcpp's `#line` markers, remembering the file and line of every other line."""
    out: list[tuple[Origin, str]] = []
    cur_file, cur_line = "<dxgk-verify>", 1
    absolute: dict[str, str] = {}
    for line in text.split("\n"):
        m = _LINE_DIRECTIVE.match(line)
        if m:
            cur_line = int(m.group(1))
            if m.group(2) is not None:
                f = m.group(2)
                if f not in absolute:   # pcpp names files relative to the working directory
                    absolute[f] = os.path.realpath(f) if not f.startswith("<") else f
                cur_file = absolute[f]
            continue
        if line.strip():
            out.append(((cur_file, cur_line), line))
        cur_line += 1
    return out


# ---- cleaning MSVC spellings -----------------------------------------------------------

# SAL 2 annotations: `_In_`, `_Field_size_bytes_(n)`, `_IRQL_requires_max_(x)`, ... all
# spelt _Capitalised_..._ ; SAL 1 / driver annotations: `__in`, `__out_ecount(n)`,
# `__drv_when(...)`, ...
_SAL2 = r"_[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_"
_SAL1 = (r"__(?:drv_\w+|in|out|inout|deref|field|bcount|ecount|xcount|nullterminated|"
         r"nullnullterminated|possibly_notnullterminated|success|checkReturn|reserved|"
         r"callback|range|typefix|override|format_string|control_entrypoint|rpc_entry|"
         r"kernel_entry|gdi_entry|allowed|analysis_assume|struct_bcount|notnull|maybenull|"
         r"readonly|opt|post|pre|valid|notvalid|exceptthat|refparam|blocksOn)"
         r"(?:_[A-Za-z0-9_]*)?")
_ANNOTATION = re.compile(rf"(?<![\w$])(?:(?P<tag>struct|union|enum)\s+)?"
                         rf"(?P<name>{_SAL2}|{_SAL1}|DECLSPEC_[A-Za-z0-9_]+|__declspec|"
                         rf"__attribute__|__pragma|_Pragma)(?![\w$])")


def _matching_paren(text: str, open_at: int) -> int:
    """Index of the `)` matching the `(` at `open_at` (strings skipped), or -1."""
    depth = 0
    i = open_at
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_literal(text, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _skip_literal(text: str, i: int) -> int:
    quote = text[i]
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote or text[i] == "\n":
            return i + 1
        i += 1
    return i


def clean_msvc(text: str) -> str:
    """Remove annotations that carry no layout; keep `__declspec(align(n))`; turn
    `__pragma(pack(...))` into a `#pragma` line. Then dxgk's usual MSVC rewrite."""
    from .layout.preprocess import _msvc_rewrite

    out: list[str] = []
    pos = 0
    for m in _ANNOTATION.finditer(text):
        if m.start() < pos:
            continue
        name = m.group("name")
        keyword = name in ("__declspec", "__attribute__") or name.startswith("DECLSPEC_")
        if m.group("tag") and not keyword:   # `struct _TAG_` is a tag, not an annotation
            continue
        j = m.end()
        while j < len(text) and text[j] in " \t\r\n":
            j += 1
        args = None
        end = m.end()
        if j < len(text) and text[j] == "(":
            close = _matching_paren(text, j)
            if close < 0:
                continue
            args = text[j + 1:close]
            end = close + 1
        elif name in ("__declspec", "__attribute__", "__pragma", "_Pragma"):
            continue                  # not a use of the keyword: leave it to the parser
        replacement = ""
        if name == "__declspec" and args is not None and re.match(r"\s*align\s*\(", args):
            replacement = _align_declspec(args)
        elif name in ("__pragma", "_Pragma") and args is not None:
            inner = args.strip()
            if name == "_Pragma":
                inner = inner.strip('"').replace('\\"', '"').replace("\\\\", "\\")
            if re.match(r"pack\b", inner):
                replacement = f"\n#pragma {inner}\n"
        out.append(text[pos:m.start("name")])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return _msvc_rewrite("".join(out))


def _align_declspec(args: str) -> str:
    """`__declspec(align(EXPR))` with EXPR folded to a number (dxgk's rewrite reads numbers
    only). An alignment dxgk cannot evaluate becomes a token the parser rejects, so that
    the declaration is skipped with a note instead of silently losing its alignment."""
    inner = args[args.index("(") + 1:args.rindex(")")] if ")" in args else ""
    value = _int_expr(inner)
    if value is None:
        return " __declspec_align_not_a_constant "
    return f"__declspec(align({value}))"


def _int_expr(text: str) -> int | None:
    """Value of an integer constant expression of literals and + - * / % << >> | & ~."""
    import ast

    text = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", text.strip())
    if not text or not re.fullmatch(r"[0-9a-fA-FxX\s()+\-*/%<>|&~]+", text):
        return None
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a // b if b else None,
           ast.FloorDiv: lambda a, b: a // b if b else None,
           ast.Mod: lambda a, b: a % b if b else None, ast.LShift: lambda a, b: a << b,
           ast.RShift: lambda a, b: a >> b, ast.BitOr: lambda a, b: a | b,
           ast.BitAnd: lambda a, b: a & b}

    def ev(node: ast.AST) -> int | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            v = ev(node.operand)
            if v is None or isinstance(node.op, ast.UAdd):
                return v
            return -v if isinstance(node.op, ast.USub) else ~v
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            a, b = ev(node.left), ev(node.right)
            return None if a is None or b is None else ops[type(node.op)](a, b)
        return None

    try:
        return ev(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, RecursionError):
        return None


# ---- top-level declarations --------------------------------------------------------------

@dataclass
class Chunk:
    """One top-level declaration (or pragma) of the preprocessed text."""

    text: str
    origin: Origin
    is_pragma: bool = False


_DECORATION_CALLS = re.compile(rf"__declspec|__attribute__|DECLSPEC_\w+|_Alignas|align|{_SAL2}")
_RESYNC = re.compile(r"typedef\b")


def split_declarations(lines: Sequence[tuple[Origin, str]],
                       notes: list[Note] | None = None,
                       rel: Any = str) -> list[Chunk]:
    """Cut preprocessed lines into top-level declarations: a declaration ends at a `;`
    outside braces and parentheses, a function definition at the `}` closing its body.
    Pragma lines at top level are chunks of their own (the layout engine needs them in
    order); other leftover directives are dropped with a note."""
    chunks: list[Chunk] = []
    buf: list[str] = []
    start: Origin | None = None
    depth = 0                 # braces
    paren_ids: list[str] = []  # for each open parenthesis: the identifier before it
    fn_body = False
    last_sig = ""             # last significant character of the current chunk
    last_closed = ""          # identifier before the parenthesis that closed last

    def flush(origin: Origin) -> None:
        nonlocal buf, start
        text = "".join(buf).strip()
        if text and text != ";":
            chunks.append(Chunk(text, start or origin))
        buf = []
        start = None

    for origin, line in lines:
        stripped = line.lstrip()
        if (depth or paren_ids) and _RESYNC.match(stripped):
            # A `typedef` cannot start inside braces or parentheses: the declaration before
            # it is broken (unbalanced). Cut it off so that it costs only itself.
            flush(origin)
            depth, paren_ids, fn_body, last_sig = 0, [], False, ""
        if stripped.startswith("#"):
            if re.match(r"#\s*pragma\b", stripped):
                if depth == 0 and not paren_ids:
                    chunks.append(Chunk(stripped.rstrip(), origin, is_pragma=True))
                else:
                    buf.append("\n" + stripped.rstrip() + "\n")
            elif notes is not None:
                notes.append(Note(f"{rel(origin[0])}:{origin[1]}",
                                  f"directive skipped: {stripped.strip()[:80]}"))
            continue
        i = 0
        seg = 0
        n = len(line)
        while i < n:
            c = line[i]
            if c in "\"'":
                i = _skip_literal(line, i)
                last_sig = c
                continue
            if start is None and not c.isspace():
                start = origin
            if c == "{":
                if depth == 0 and not paren_ids:
                    fn_body = last_sig == ")" and not _DECORATION_CALLS.fullmatch(last_closed)
                depth += 1
            elif c == "}":
                depth = max(0, depth - 1)
                if depth == 0 and fn_body and not paren_ids:
                    fn_body = False
                    buf.append(line[seg:i + 1])
                    seg = i + 1
                    flush(origin)
                    last_sig = ""
                    i += 1
                    continue
            elif c == "(":
                m = re.search(r"(\w+)\s*$", line[:i])
                paren_ids.append(m.group(1) if m else "")
            elif c == ")":
                if paren_ids:
                    last_closed = paren_ids.pop()
            elif c == ";" and depth == 0 and not paren_ids:
                buf.append(line[seg:i + 1])
                seg = i + 1
                flush(origin)
                last_sig = ""
                i += 1
                continue
            if not c.isspace():
                last_sig = c
            i += 1
        rest = line[seg:]
        if rest.strip() or buf:
            buf.append(rest + "\n")
    if "".join(buf).strip():
        flush(lines[-1][0] if lines else ("<dxgk-verify>", 0))
    return chunks


# ---- parsing, one declaration at a time when need be -------------------------------------

def _make_parser() -> Any:
    from pycparser import c_parser

    class IncrementalParser(c_parser.CParser):
        """A CParser whose file-scope names (typedefs!) survive from one parse() to the
        next, so that a header can be parsed in pieces. pycparser's parse() starts by
        resetting its scope stack to one empty scope (2.x and 3.x alike): that reset is
        redirected to the persistent file scope."""

        def __init__(self) -> None:
            self.file_scope: dict[str, bool] = {}
            self._dxgk_stack = [self.file_scope]   # PLY (pycparser 2.x) reads it early
            super().__init__()

        @property
        def _scope_stack(self) -> list[dict[str, bool]]:
            return self._dxgk_stack

        @_scope_stack.setter
        def _scope_stack(self, value: list[dict[str, bool]]) -> None:
            if len(value) == 1 and not value[0]:
                value = [self.file_scope]
            self._dxgk_stack = value

    return IncrementalParser()


_ERROR_LINE = re.compile(r":(\d+)(?::\d+)?:")
_WINDOW = 12000
_FUNC_PTR_TYPEDEF = re.compile(
    r"\(\s*(?:[A-Za-z_]\w*\s+)*\*+\s*(?:(?:const|volatile)\s+)*([A-Za-z_]\w*)\s*\)\s*\(")
_FUNC_TYPEDEF = re.compile(r"([A-Za-z_]\w*)\s*\(")
_C_WORDS = frozenset((
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Alignas",
    "_Alignof", "_Atomic", "_Static_assert", "_Noreturn", "_Thread_local", "offsetof"))


class _ChunkParser:
    """Parses chunks in order; failing ones are isolated, stood in for or skipped."""

    def __init__(self, chunks: Sequence[Chunk], notes: list[Note], rel: Any) -> None:
        self.chunks = chunks
        self.notes = notes
        self.rel = rel
        self.parser = _make_parser()
        self.unlaid: dict[str, str] = {}     # declared name -> why it is missing

    def run(self) -> list[tuple[Any, int]]:
        """[(external declaration node, chunk index)] in source order."""
        out: list[tuple[Any, int]] = []
        # Windows of about _WINDOW characters: a failure costs re-parsing one window, not
        # the rest of the header.
        todo: collections.deque[tuple[int, int]] = collections.deque()
        lo, size = 0, 0
        for k, c in enumerate(self.chunks):
            size += len(c.text)
            if size >= _WINDOW:
                todo.append((lo, k + 1))
                lo, size = k + 1, 0
        todo.append((lo, len(self.chunks)))
        scope = self.parser.file_scope
        while todo:
            lo, hi = todo.popleft()
            if lo >= hi:
                continue
            texts = [self.chunks[k].text for k in range(lo, hi)]
            starts: list[int] = []
            line = 1
            for t in texts:
                starts.append(line)
                line += t.count("\n") + 1
            saved = dict(scope)
            try:
                # the final newline ends a trailing #pragma: pycparser 2.x's lexer would
                # otherwise stay in its pragma state into the next parse
                ast = self.parser.parse("\n".join(texts) + "\n", "<sdk>")
            except Exception as e:  # noqa: BLE001 - pycparser's ParseError, or whatever it trips on
                scope.clear()
                scope.update(saved)
                if hi - lo == 1:
                    out += self._fallback(lo, e)
                    continue
                m = _ERROR_LINE.search(str(e))
                j = lo + bisect.bisect_right(starts, int(m.group(1))) - 1 if m else -1
                if not lo <= j < hi:
                    mid = (lo + hi) // 2
                    todo.appendleft((mid, hi))
                    todo.appendleft((lo, mid))
                elif j == lo:
                    todo.appendleft((lo + 1, hi))
                    todo.appendleft((lo, lo + 1))
                else:
                    todo.appendleft((j, hi))
                    todo.appendleft((lo, j))
                continue
            last = lo
            for ext in ast.ext:
                coord = getattr(ext, "coord", None)
                if coord is not None and getattr(coord, "line", None):
                    last = lo + bisect.bisect_right(starts, coord.line) - 1
                out.append((ext, last))
        return out

    def _where(self, k: int) -> str:
        f, line = self.chunks[k].origin
        return f"{self.rel(f)}:{line}"

    def _fallback(self, k: int, err: Exception) -> list[tuple[Any, int]]:
        text = self.chunks[k].text
        names = _declared_names(text)
        reason = self._reason(text, err)
        stand_in = _stand_in(text)
        if stand_in is not None:
            name, src = stand_in
            saved = dict(self.parser.file_scope)
            try:
                ast = self.parser.parse(src, "<sdk>")
            except Exception:  # noqa: BLE001 - the stand-in did not parse either: skip
                self.parser.file_scope.clear()
                self.parser.file_scope.update(saved)
            else:
                kind = "function pointer" if "*" in src else "function"
                self.notes.append(Note(self._where(k), f"{name}: could not parse ({reason}); "
                                       f"stood in for by an opaque {kind} type (same layout)",
                                       (name,)))
                return [(ext, k) for ext in ast.ext]
        label = ", ".join(names) if names else _first_words(text)
        self.notes.append(Note(self._where(k), f"{label}: declaration skipped: {reason}",
                               tuple(names)))
        for n in names:
            self.unlaid.setdefault(n, f"its declaration at {self._where(k)} was skipped: {reason}")
        return []

    def _reason(self, text: str, err: Exception) -> str:
        unknown = _unknown_type_names(text, self.parser.file_scope)
        msg = re.sub(r"^[^:]*:(\d+:)?(\d+:)?\s*", "", str(err)).strip() or type(err).__name__
        if unknown:   # the usual cause: say it in C terms, not in the parser's
            s = "s" if len(unknown) > 1 else ""
            return f"unknown type name{s} {', '.join(unknown)}"
        return f"parse error: {msg}"


def _first_words(text: str) -> str:
    return " ".join(text.split())[:60] + ("..." if len(" ".join(text.split())) > 60 else "")


def _declared_names(text: str) -> list[str]:
    """Best-effort names a failed declaration would have declared: its typedef names
    (or, for a function / function-pointer typedef, its name) and a defined tag."""
    body = " ".join(text.split())
    names: list[str] = []
    if body.startswith("typedef"):
        fp = _FUNC_PTR_TYPEDEF.search(body)
        if "{" not in body and fp:
            names.append(fp.group(1))
        elif "{" not in body:
            head = body.split("(")[0]
            names += [n for n in re.findall(r"([A-Za-z_]\w*)\s*(?=[,;\[]|$)", head)
                      if n not in _C_WORDS]
        else:
            tail = body[body.rfind("}") + 1:]
            names += [n for n in re.findall(r"([A-Za-z_]\w*)\s*(?=[,;\[])", tail)
                      if n not in _C_WORDS]
    m = re.match(r"(?:typedef\s+)?(?:struct|union|enum)\s+([A-Za-z_]\w*)\s*\{", body)
    if m:
        names.append(m.group(1))
    if not names and not body.startswith("typedef"):   # a prototype or function definition
        fn = next((f for f in re.findall(r"([A-Za-z_]\w*)\s*\(", body) if f not in _C_WORDS), None)
        if fn:
            names.append(fn)
    return list(dict.fromkeys(names))


def _unknown_type_names(text: str, scope: Mapping[str, bool]) -> list[str]:
    """Identifiers used where a type name must be (followed by a declarator) that the
    parser does not know as typedef names."""
    found: list[str] = []
    for m in re.finditer(r"(?<![\w.>])(struct\s+|union\s+|enum\s+)?([A-Za-z_]\w*)"
                         r"(?=\s*(?:\*|\b[A-Za-z_]\w*\b\s*[;,\[\):=]|\bconst\b))", text):
        if m.group(1):
            continue
        name = m.group(2)
        if name in _C_WORDS or scope.get(name) or name in found:
            continue
        found.append(name)
    return found[:4]


def _stand_in(text: str) -> tuple[str, str] | None:
    """For a failed `typedef` of a function or function-pointer type: (name, C text of an
    opaque stand-in with the same layout). None for anything else."""
    body = " ".join(text.split())
    if not body.startswith("typedef") or "{" in body:
        return None
    rest = body[len("typedef"):]
    m = _FUNC_PTR_TYPEDEF.search(rest)
    if m:
        return m.group(1), f"typedef void *{m.group(1)};"
    depth = 0
    for m in _FUNC_TYPEDEF.finditer(rest):
        depth = rest[:m.start()].count("(") - rest[:m.start()].count(")")
        if depth == 0 and m.group(1) not in _C_WORDS:
            return m.group(1), f"typedef void {m.group(1)}(void);"
    return None


# ---- the engine, with origins ------------------------------------------------------------

def _make_engine(abi_name: str, notes: list[Note], rel: Any) -> Any:
    from pycparser import c_ast, c_generator

    from .layout.engine import LayoutEngine, LayoutError

    class SdkEngine(LayoutEngine):
        """The MSVC layout engine, told where each declaration came from; enumerations
        it cannot fully evaluate still have their (fixed, 4-byte) type; `offsetof` and
        `_Alignof` are understood so that the SDK's static assertions can be checked."""

        def __init__(self) -> None:
            super().__init__(get_abi(abi_name))
            self.origin: dict[str, Origin] = {}
            self.unlaid: dict[str, str] = {}
            self.asserts_checked: set[tuple[str, str]] = set()
            self.asserts_failed: list[tuple[str, str]] = []
            self._where = ""

        def enum(self, node: Any) -> None:
            if node.values is None:
                return
            value, known = -1, True
            for e in node.values.enumerators:
                if e.value is not None:
                    try:
                        value, known = self.const(e.value), True
                    except Exception as err:  # noqa: BLE001 - any unevaluable value
                        known = False
                        notes.append(Note(self._where, f"enum {node.name or '(unnamed)'}: value "
                                                       f"of {e.name} unknown ({err}); the "
                                                       f"enumeration still lays out (4 bytes)"))
                else:
                    value += 1
                if known:
                    self.constants[e.name] = value
                else:
                    self.constants.pop(e.name, None)

        def const(self, node: Any) -> int:
            if (isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID)
                    and node.name.name == "offsetof" and node.args is not None
                    and len(node.args.exprs) == 2):
                return self._offsetof(node.args.exprs[0], node.args.exprs[1])
            if isinstance(node, c_ast.UnaryOp) and node.op in ("_Alignof", "__alignof"):
                return self.type_of(node.expr).align
            return super().const(node)

        def _offsetof(self, typename: Any, member: Any) -> int:
            t = self.type_of(typename)
            if t.kind != "record" or t.record is None:
                raise LayoutError("offsetof of a non-record type")
            path: list[str] = []
            index_bytes = 0
            node = member
            while True:
                if isinstance(node, c_ast.ID):
                    path.insert(0, node.name)
                    break
                if isinstance(node, c_ast.StructRef) and isinstance(node.field, c_ast.ID):
                    path.insert(0, node.field.name)
                    node = node.name
                    continue
                raise LayoutError("unsupported offsetof designator")
            want = ".".join(path)
            for f in t.record.flat_fields(detail=True):
                if f["name"] == want:
                    if f["bitfield"]:
                        raise LayoutError("offsetof a bitfield")
                    return f["offset_bits"] // 8 + index_bytes
            raise LayoutError(f"no member {want}")

        def run_items(self, items: Iterable[tuple[Any, Origin]]) -> dict[str, Any]:
            gen = c_generator.CGenerator()
            for ext, origin in items:
                self._where = f"{rel(origin[0])}:{origin[1]}"
                shim = str(origin[0]).startswith(_SHIMS_REAL)
                if isinstance(ext, c_ast.Pragma):
                    self.pragma(ext.string)
                    continue
                if isinstance(ext, c_ast.StaticAssert):
                    self._check(ext, gen)
                    continue
                names = _node_names(ext)
                for n in names:
                    self.origin.setdefault(n, origin)
                try:
                    self._external(ext)
                except Exception as err:  # noqa: BLE001 - never fatal: one declaration lost
                    label = ", ".join(names) or type(ext).__name__
                    why = (str(err) if isinstance(err, LayoutError)
                           else f"{type(err).__name__}: {err}")
                    for n in names:
                        self.unlaid.setdefault(
                            n, f"declared at {self._where} but not laid out: {why}")
                    if not shim:
                        notes.append(Note(self._where, f"{label}: not laid out: {why}",
                                          tuple(names)))
            before = len(self.skipped)
            self._finish_names()
            for s in self.skipped[before:]:
                name, _, why = s.partition(": ")
                where = self.origin.get(name)
                at = f"{rel(where[0])}:{where[1]}" if where else "?"
                self.unlaid.setdefault(name, f"declared at {at} but not laid out: {why}")
            return self.records

        def _check(self, ext: Any, gen: Any) -> None:
            try:
                ok = self.const(ext.cond)
            except Exception:  # noqa: BLE001 - an assertion dxgk cannot evaluate is not checked
                return
            expr = gen.visit(ext.cond)
            self.asserts_checked.add((self._where, expr))
            if not ok:
                self.asserts_failed.append((self._where, expr))

    return SdkEngine()


def _node_names(ext: Any) -> list[str]:
    from pycparser import c_ast

    if isinstance(ext, c_ast.Typedef):
        return [ext.name]
    if isinstance(ext, c_ast.Decl) and isinstance(ext.type, (c_ast.Struct, c_ast.Union)):
        return [ext.type.name] if ext.type.name else []
    return []


# ---- one ABI: the SDK's layouts --------------------------------------------------------------

@dataclass
class SdkLayouts:
    """Every record the SDK headers lay out for one ABI, with where each came from."""

    abi: str
    records: dict[str, Any]                 # name -> RecordLayout
    origin: dict[str, str]                  # name -> "km/d3dkmddi.h:120"
    unlaid: dict[str, str]                  # name -> why it was not laid out
    notes: list[Note]
    asserts_checked: int = 0
    asserts_failed: list[tuple[str, str]] = field(default_factory=list)
    versions: dict[str, int | None] = field(default_factory=dict)   # VERSION_MACROS


def _translation_units(tree: SdkTree, notes: list[Note]) -> list[list[Path]]:
    f = tree.files
    shared = [f["d3dukmdt.h"]] if "d3dukmdt.h" in f else []
    km = [f[n] for n in ("dispmprt.h", "d3dkmddi.h") if n in f]
    if km and shared and "d3dkmdt.h" not in f:
        notes.append(Note("", "d3dkmdt.h not found next to the display headers: d3dukmdt.h "
                              "is included directly before the kernel-mode headers "
                              "(the VidPN types of d3dkmdt.h are missing)"))
        km = shared + km
    um = [f["d3dumddi.h"]] if "d3dumddi.h" in f else []
    units = [u + shared for u in (km, um) if u]
    return units or [shared]


_MSVC_ONLY_BLOCK = re.compile(r"(__if_exists|__if_not_exists)\b")
_CACHE: dict[Any, SdkLayouts] = {}


def layout_sdk(tree: SdkTree, abi: str, defines: Mapping[str, str] | None = None) -> SdkLayouts:
    """Lay out every struct/union of the SDK's display headers for `abi` (cached per
    process for unchanged header files)."""
    stamp = []
    for p in sorted(tree.files.values()):
        st = p.stat()
        stamp.append((str(p), st.st_mtime_ns, st.st_size))
    key = (str(tree.root), tuple(stamp), abi, tuple(sorted((defines or {}).items())))
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = _layout_sdk(tree, abi, defines)
    return _CACHE[key]


def _layout_sdk(tree: SdkTree, abi: str, defines: Mapping[str, str] | None) -> SdkLayouts:
    a = get_abi(abi)
    notes: list[Note] = []
    records: dict[str, Any] = {}
    origin: dict[str, str] = {}
    unlaid: dict[str, str] = {}
    checked: set[tuple[str, str]] = set()
    failed: list[tuple[str, str]] = []
    versions: dict[str, int | None] = dict.fromkeys(VERSION_MACROS)
    for unit in _translation_units(tree, notes):
        lines = _preprocess(tree, unit, {**a.macros, **dict(defines or {})}, notes, versions)
        chunks = []
        for c in split_declarations(lines, notes, tree.rel):
            if _MSVC_ONLY_BLOCK.match(c.text):
                notes.append(Note(f"{tree.rel(c.origin[0])}:{c.origin[1]}",
                                  f"{_first_words(c.text)}: MSVC-only block skipped"))
                continue
            c.text = clean_msvc(c.text)
            chunks.append(c)
        cp = _ChunkParser(chunks, notes, tree.rel)
        items = [(ext, chunks[k].origin) for ext, k in cp.run()]
        engine = _make_engine(abi, notes, tree.rel)
        recs = engine.run_items(items)
        for name, rec in recs.items():
            if name not in records:
                records[name] = rec
                o = engine.origin.get(name) or engine.origin.get(rec.name or "")
                if o:
                    origin[name] = f"{tree.rel(o[0])}:{o[1]}"
        for src in (cp.unlaid, engine.unlaid):
            for k, v in src.items():
                unlaid.setdefault(k, v)
        checked |= engine.asserts_checked
        failed += engine.asserts_failed
    return SdkLayouts(abi, records, origin, {k: v for k, v in unlaid.items() if k not in records},
                      sorted(_dedupe(notes), key=_note_order), len(checked), _dedupe(failed),
                      versions)


def _note_order(note: Note) -> tuple[str, int]:
    file, _, line = note.where.rpartition(":")
    return (file, int(line)) if line.isdigit() else ("", 0)


def _dedupe(items: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for it in items:
        if it not in seen:
            seen.add(it)
            out.append(it)
    return out


# ---- dxgk's side ---------------------------------------------------------------------------

_BASE_NAMES: dict[str, frozenset[str]] = {}


def base_type_names(abi: str = "x64") -> frozenset[str]:
    """Records of headers/windows_base.h (LARGE_INTEGER, LUID, ...): not compared."""
    if abi not in _BASE_NAMES:
        from .layout import compute_layouts
        _BASE_NAMES[abi] = frozenset(compute_layouts(abi, headers=[BASE_HEADER]))
    return _BASE_NAMES[abi]


def dxgk_layouts(abi: str, defines: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """dxgk's subset for `abi` (with `defines`): {name: {size, align, fields(detail)}}."""
    from .layout import cached_layouts, compute_layouts

    if not defines:
        recs = {n: {"size": d["size"], "align": d["align"], "fields": d["fields"]}
                for n, d in cached_layouts(abi).items()}
    else:
        recs = {n: {"size": r.size, "align": r.align, "fields": r.flat_fields(detail=True)}
                for n, r in compute_layouts(abi, defines=dict(defines)).items()}
    base = base_type_names(abi)
    return {n: r for n, r in recs.items() if n not in base}


def _as_json(rec: Any) -> dict[str, Any]:
    return {"size": rec.size, "align": rec.align, "fields": rec.flat_fields(detail=True)}


# ---- comparing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    kind: str                    # struct_missing, size, align, field_moved, field_resized,
    #                              field_moved_resized, field_kind, field_added,
    #                              field_removed, field_renamed, field_order
    message: str
    field: str | None = None
    dxgk: Any = None
    sdk: Any = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.field is not None:
            d["field"] = self.field
        d["dxgk"] = self.dxgk
        d["sdk"] = self.sdk
        return d


def _where(f: Mapping[str, Any]) -> str:
    return f"{_pos(f)} ({_extent(f)})"


def _pos(f: Mapping[str, Any]) -> str:
    off, size = f["offset_bits"], f["size_bits"]
    if f.get("bitfield") or off % 8 or size % 8:
        return f"bit {off}" if size == 1 else f"bits {off}-{off + size - 1}"
    return f"byte {off // 8}"


def _extent(f: Mapping[str, Any]) -> str:
    size = f["size_bits"]
    if f.get("bitfield") or size % 8:
        return f"{size} bit{'s' if size != 1 else ''}"
    return f"{size // 8} byte{'s' if size != 8 else ''}"


def _slim(f: Mapping[str, Any]) -> dict[str, Any]:
    return {"offset_bits": f["offset_bits"], "size_bits": f["size_bits"],
            "bitfield": bool(f.get("bitfield")), "type": f.get("type", "")}


def compare_layouts(name: str, ours: Mapping[str, Any],
                    theirs: Mapping[str, Any]) -> list[Difference]:
    """Every way the SDK's layout of `name` differs from dxgk's ([] when identical in size,
    alignment and every field's name, offset and bit range)."""
    diffs: list[Difference] = []
    if ours["size"] != theirs["size"]:
        diffs.append(Difference("size", f"size: dxgk {ours['size']} bytes, "
                                f"SDK {theirs['size']} bytes", None, ours["size"], theirs["size"]))
    if ours["align"] != theirs["align"]:
        diffs.append(Difference("align", f"alignment: dxgk {ours['align']}, SDK {theirs['align']}",
                                None, ours["align"], theirs["align"]))
    of = {f["name"]: f for f in ours["fields"]}
    tf = {f["name"]: f for f in theirs["fields"]}
    for n, a in of.items():
        b = tf.get(n)
        if b is None:
            continue
        moved = a["offset_bits"] != b["offset_bits"]
        resized = a["size_bits"] != b["size_bits"]
        kind_changed = bool(a.get("bitfield")) != bool(b.get("bitfield"))
        if kind_changed:
            what = "a bitfield" if b.get("bitfield") else "a plain field"
            diffs.append(Difference("field_kind", f"field {n} is {what} in the SDK: dxgk "
                                    f"{_where(a)}, SDK {_where(b)}", n, _slim(a), _slim(b)))
        elif moved and resized:
            diffs.append(Difference("field_moved_resized", f"field {n} moved and resized: dxgk "
                                    f"{_where(a)}, SDK {_where(b)}", n, _slim(a), _slim(b)))
        elif moved:
            diffs.append(Difference("field_moved", f"field {n} moved: dxgk {_pos(a)}, SDK "
                                    f"{_pos(b)} ({_extent(a)})", n, _slim(a), _slim(b)))
        elif resized:
            diffs.append(Difference("field_resized", f"field {n} resized: dxgk {_extent(a)}, SDK "
                                    f"{_extent(b)} (at {_pos(a)})", n, _slim(a), _slim(b)))
    only_ours = [n for n in of if n not in tf]
    only_theirs = [n for n in tf if n not in of]
    renamed: dict[str, str] = {}
    for n in only_ours:
        a = of[n]
        key = (a["offset_bits"], a["size_bits"], bool(a.get("bitfield")))
        cands = [m for m in only_theirs if m not in renamed.values()
                 and (tf[m]["offset_bits"], tf[m]["size_bits"], bool(tf[m].get("bitfield"))) == key
                 and m.count(".") == n.count(".")]
        if len(cands) == 1:
            renamed[n] = cands[0]
    for n in only_ours:
        a = of[n]
        if n in renamed:
            m = renamed[n]
            diffs.append(Difference("field_renamed", f"field {n} is named {m} in the SDK "
                                    f"(at {_pos(a)}, {_extent(a)})", n, _slim(a),
                                    {**_slim(tf[m]), "name": m}))
        else:
            diffs.append(Difference("field_removed", f"field {n} missing from the SDK (dxgk: "
                                    f"{_pos(a)}, {_extent(a)}, {a.get('type') or '?'})", n,
                                    _slim(a), None))
    for m in only_theirs:
        if m in renamed.values():
            continue
        b = tf[m]
        diffs.append(Difference("field_added", f"field {m} only in the SDK: {_where(b)}, "
                                f"{b.get('type') or '?'}", m, None, _slim(b)))
    common_ours = [n for n in of if n in tf]
    common_theirs = [n for n in tf if n in of]
    if common_ours != common_theirs:
        sm = difflib.SequenceMatcher(a=common_ours, b=common_theirs, autojunk=False)
        in_place = {common_ours[i + k]
                    for i, _, size in sm.get_matching_blocks() for k in range(size)}
        out_of_place = [n for n in common_ours if n not in in_place]
        diffs.append(Difference("field_order", "declaration order differs: "
                                f"{', '.join(out_of_place)} out of place", None,
                                common_ours, common_theirs))
    return diffs


# ---- the report ------------------------------------------------------------------------------

@dataclass
class StructResult:
    name: str
    abi: str
    status: str                         # match | differs | missing
    differences: list[Difference]
    dxgk: dict[str, Any]
    sdk: dict[str, Any] | None
    sdk_origin: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "sdk_origin": self.sdk_origin,
                "differences": [d.to_json() for d in self.differences],
                "dxgk": _public(self.dxgk), "sdk": _public(self.sdk) if self.sdk else None}


def _public(rec: Mapping[str, Any]) -> dict[str, Any]:
    return {"size": rec["size"], "align": rec["align"],
            "fields": [{"name": f["name"], "offset_bits": f["offset_bits"],
                        "size_bits": f["size_bits"]} for f in rec["fields"]]}


@dataclass
class Report:
    tree: SdkTree
    abis: list[str]
    defines: dict[str, str]
    results: dict[str, dict[str, StructResult]]      # abi -> name -> result
    notes: list[Note]
    asserts_checked: dict[str, int]
    asserts_failed: dict[str, list[tuple[str, str]]]
    # VERSION_MACROS -> {"sdk": value in the SDK, "dxgk": value dxgk's subset was laid out
    # with, "how": "default" | "sdk" (dxgk pinned to the SDK's) | "-D"}
    versions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def struct_names(self) -> list[str]:
        names: list[str] = []
        for abi in self.abis:
            for n in self.results[abi]:
                if n not in names:
                    names.append(n)
        return names

    @property
    def differing(self) -> list[StructResult]:
        return [r for abi in self.abis for r in self.results[abi].values() if r.status != "match"]

    def summary(self) -> str:
        n, m = len(self.struct_names), len(self.abis)
        head = f"{n} struct{'s' if n != 1 else ''} × {m} ABI{'s' if m != 1 else ''}"
        bad = self.differing
        if not bad:
            return f"{head}: all match"
        total = sum(len(self.results[a]) for a in self.abis)
        structs = len({r.name for r in bad})
        return (f"{head}: {len(bad)} of {total} layouts differ "
                f"({structs} struct{'s' if structs != 1 else ''})")

    @property
    def exit_code(self) -> int:
        return 1 if self.differing else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "sdk": str(self.tree.root),
            "include_dirs": [str(d) for d in self.tree.include_dirs],
            "headers": {k: self.tree.rel(v) for k, v in self.tree.files.items()},
            "abis": self.abis,
            "defines": self.defines,
            "structs": self.struct_names,
            "interface_versions": {k: {"sdk": v["sdk"], "dxgk": v["dxgk"], "how": v["how"]}
                                   for k, v in self.versions.items()},
            "not_compared": sorted(base_type_names()),
            "results": {abi: {n: r.to_json() for n, r in self.results[abi].items()}
                        for abi in self.abis},
            "static_asserts": {abi: {"checked": self.asserts_checked.get(abi, 0),
                                     "failed": [{"where": w, "expression": e}
                                                for w, e in self.asserts_failed.get(abi, [])]}
                               for abi in self.abis},
            "summary": {"structs": len(self.struct_names), "abis": len(self.abis),
                        "compared": sum(len(self.results[a]) for a in self.abis),
                        "differ": len(self.differing),
                        "differing_structs": sorted({r.name for r in self.differing}),
                        "all_match": not self.differing, "line": self.summary()},
            "notes": [n.to_json() for n in self.notes],
        }

    def to_text(self) -> str:
        t = self.tree
        dirs = ", ".join(t.rel(d) for d in t.include_dirs if d != t.root) or "flat folder"
        lines = [f"dxgk verify-header: {t.root} ({dirs})",
                 "  headers: " + ", ".join(t.rel(t.files[h]) for h in SUBSET_FILES
                                           if h in t.files)]
        missing = [h for h in SUBSET_FILES if h not in t.files]
        if missing:
            lines.append("  not found: " + ", ".join(missing))
        if self.defines:
            lines.append("  defines: " + " ".join(f"{k}={v}" for k, v in self.defines.items()))
        for name, v in self.versions.items():
            lines.append(f"  {name}: {_version_text(v)}")
        lines.append("")
        for name in self.struct_names:
            groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
            for abi in self.abis:
                r = self.results[abi].get(name)
                if r is None or r.status == "match":
                    continue
                key = (r.status, tuple(d.message for d in r.differences))
                groups.setdefault(key, []).append(abi)
            for (status, msgs), abis in groups.items():
                what = "missing from the SDK headers" if status == "missing" else "differs"
                lines.append(f"{name} [{', '.join(abis)}]: {what}")
                lines += [f"    {m}" for m in msgs]
        matching = [n for n in self.struct_names
                    if all(self.results[a].get(n) is None or self.results[a][n].status == "match"
                           for a in self.abis)]
        if self.differing and matching:
            lines.append(f"matching on every ABI: {', '.join(matching)}")
        lines.append(self.summary())
        return "\n".join(lines)

    def note_lines(self) -> list[str]:
        out = [n.text() for n in self.notes]
        for abi in self.abis:
            for where, expr in self.asserts_failed.get(abi, []):
                out.append(f"{where}: static assertion of the SDK fails under dxgk's {abi} "
                           f"layout: {expr}")
        checked = {self.asserts_checked.get(a, 0) for a in self.abis}
        if any(checked):
            failed = sum(len(self.asserts_failed.get(a, [])) for a in self.abis)
            per = "/".join(str(self.asserts_checked.get(a, 0)) for a in self.abis)
            out.append(f"static assertions of the SDK evaluated under dxgk's layouts "
                       f"({'/'.join(self.abis)}): {per}; "
                       + ("all hold" if not failed else f"{failed} fail"))
        return out


def _hex(v: int | None) -> str:
    return "not defined" if v is None else f"{v:#x}"


def _version_text(v: Mapping[str, Any]) -> str:
    if v["how"] == "-D":
        return f"{_hex(v['sdk'])} (set by -D, on both sides)"
    if v["how"] == "sdk":
        return (f"{_hex(v['sdk'])}, the SDK's default: dxgk's subset laid out at the same "
                f"version (dxgk's own default is {_hex(v['dxgk_default'])})")
    if v["sdk"] is None:
        return f"not defined by the SDK headers; dxgk's default {_hex(v['dxgk'])} used"
    return f"{_hex(v['sdk'])} (the SDK's default, and dxgk's)"


def verify(tree: SdkTree, abis: Sequence[str], defines: Mapping[str, str] | None = None) -> Report:
    """Compare dxgk's subset with the SDK at `tree` for each ABI."""
    defines = dict(defines or {})
    results: dict[str, dict[str, StructResult]] = {}
    notes: list[Note] = []
    checked: dict[str, int] = {}
    failed: dict[str, list[tuple[str, str]]] = {}
    versions: dict[str, dict[str, Any]] = {}
    for abi in abis:
        sdk = layout_sdk(tree, abi, defines)
        ours_defines, versions = _same_versions(defines, sdk.versions)
        ours = dxgk_layouts(abi, ours_defines)
        notes += sdk.notes
        checked[abi] = sdk.asserts_checked
        failed[abi] = sdk.asserts_failed
        per: dict[str, StructResult] = {}
        for name, mine in ours.items():
            rec = sdk.records.get(name)
            if rec is None:
                why = sdk.unlaid.get(name, "not declared in the SDK headers")
                per[name] = StructResult(name, abi, "missing",
                                         [Difference("struct_missing", why, None, None, None)],
                                         mine, None)
                continue
            theirs = _as_json(rec)
            diffs = compare_layouts(name, mine, theirs)
            per[name] = StructResult(name, abi, "differs" if diffs else "match", diffs,
                                     mine, theirs, sdk.origin.get(name))
        results[abi] = per
    return Report(tree, list(abis), defines, results, _dedupe(notes), checked, failed,
                  versions)


def _same_versions(defines: Mapping[str, str], sdk_versions: Mapping[str, int | None]
                   ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The defines to lay dxgk's subset out with so that both sides describe the same
    interface version: the caller's -D, else the SDK's own default when it differs from
    dxgk's (an older SDK defaults to an older WDDM version)."""
    ours = dict(defines)
    info: dict[str, dict[str, Any]] = {}
    mine = subset_default_versions()
    for name in VERSION_MACROS:
        theirs = sdk_versions.get(name)
        base = {"sdk": theirs, "dxgk_default": mine.get(name)}
        if name in defines:
            info[name] = {**base, "dxgk": theirs, "how": "-D"}
        elif theirs is not None and theirs != mine.get(name):
            ours[name] = hex(theirs)
            info[name] = {**base, "dxgk": theirs, "how": "sdk"}
        else:
            info[name] = {**base, "dxgk": mine.get(name), "how": "default"}
    return ours, info


def sdk_struct_layouts(tree: SdkTree, abis: Sequence[str], names: Sequence[str],
                       defines: Mapping[str, str] | None = None
                       ) -> tuple[dict[str, dict[str, StructLayout]], dict[str, str], list[Note]]:
    """`--struct`: the SDK's own layout of any struct/union, per ABI. Raises
    VerifyUsageError (with close matches) for a name the SDK does not lay out."""
    out: dict[str, dict[str, StructLayout]] = {}
    origins: dict[str, str] = {}
    notes: list[Note] = []
    for abi in abis:
        sdk = layout_sdk(tree, abi, defines)
        notes += sdk.notes
        unknown = [n for n in names if n not in sdk.records]
        if unknown:
            msgs = []
            for n in unknown:
                if n in sdk.unlaid:
                    msgs.append(f"{n}: {sdk.unlaid[n]}")
                    continue
                close = difflib.get_close_matches(n, list(sdk.records), n=5, cutoff=0.5)
                hint = f" (close matches: {', '.join(close)})" if close else ""
                msgs.append(f"no struct or union named {n!r} in the SDK headers{hint}")
            raise VerifyUsageError("; ".join(msgs))
        out[abi] = {}
        for n in names:
            rec = sdk.records[n]
            out[abi][n] = StructLayout(n, abi, rec.size, rec.align, tuple(
                FieldInfo(f["name"], f["offset_bits"], f["size_bits"], f["bitfield"], f["type"])
                for f in rec.flat_fields(detail=True)))
            if n in sdk.origin:
                origins[n] = sdk.origin[n]
    return out, origins, _dedupe(notes)


# ---- command line --------------------------------------------------------------------------------

def parse_defines(items: Iterable[str]) -> dict[str, str]:
    """`-D NAME=VALUE` / `-D NAME` (= 1) -> {NAME: VALUE}."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise VerifyUsageError(f"-D {item}: expected NAME or NAME=VALUE")
        out[name] = value.strip() if eq else "1"
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `python -m dxgk verify-header`."""
    p.description = ("Lay out the display headers of a Windows SDK/WDK with dxgk's engine and "
                     "compare every struct of dxgk's subset with them, per ABI: size, "
                     "alignment, every field. Exit status 0: all match; 1: differences; "
                     "2: usage error. Declarations that cannot be read are skipped with a "
                     "note on stderr.")
    p.add_argument("--sdk-include", required=True, metavar="DIR",
                   help="a Windows Kits Include\\<version> folder (shared, um, km below it), "
                        "or a folder holding d3dukmdt.h, d3dkmddi.h, d3dumddi.h, dispmprt.h")
    p.add_argument("--abi", choices=(*ABI_NAMES, "all"), default="all",
                   help="ABI to compare (default: all three)")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]",
                   help="predefine a macro for the SDK headers and dxgk's subset alike, e.g. "
                        "-D DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_0")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--struct", action="append", default=[], metavar="NAME",
                   help="lay out this struct/union of the SDK headers (any, not only dxgk's "
                        "subset) pahole-style instead of comparing; repeatable")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="do not print notes (skipped declarations, ...) on stderr")


def run_cli(args: argparse.Namespace) -> int:
    """Exit status: 0 all match, 1 differences, 2 usage error."""
    try:
        tree = locate_sdk(args.sdk_include)
        defines = parse_defines(args.defines)
        abis = list(ABI_NAMES) if args.abi == "all" else [args.abi]
        if args.struct:
            return _run_struct(tree, abis, args, defines)
        report = verify(tree, abis, defines)
    except VerifyUsageError as e:
        print(f"dxgk verify-header: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a -D that breaks dxgk's own headers, an unreadable file...
        from .layout.preprocess import PreprocessError
        if isinstance(e, (PreprocessError, OSError)) or type(e).__name__ == "ParseError":
            print(f"dxgk verify-header: {e}", file=sys.stderr)
            return 2
        raise
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.to_text())
    if not args.quiet:
        for line in report.note_lines():
            print(f"note: {line}", file=sys.stderr)
    return report.exit_code


def _run_struct(tree: SdkTree, abis: list[str], args: argparse.Namespace,
                defines: dict[str, str]) -> int:
    from .layout.show import format_layout

    lays, origins, notes = sdk_struct_layouts(tree, abis, args.struct, defines)
    if args.json:
        print(json.dumps({"abis": {abi: {n: lay.to_json() for n, lay in per.items()}
                                   for abi, per in lays.items()},
                          "origins": origins,
                          "notes": [n.to_json() for n in notes]}, indent=2))
    else:
        blocks = []
        for per in lays.values():
            for n, lay in per.items():
                where = f"/* {origins[n]} */\n" if n in origins else ""
                blocks.append(where + format_layout(lay))
        print("\n\n".join(blocks))
    if not args.quiet:
        for n in notes:
            print(f"note: {n.text()}", file=sys.stderr)
    return 0
