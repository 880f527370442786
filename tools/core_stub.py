"""Writes (or --check) dxgk/_core.pyi, the type stub of the cffi extension, from the very
declarations cffi compiles: the dxgk/core/*.cdef files, parsed with pycparser.

    python tools/core_stub.py           # rewrite dxgk/_core.pyi
    python tools/core_stub.py --check   # exit 1 if it is stale (the test suite runs this)

What it owns: the mapping of C declarations to Python types -- integer and enum types are
``int``, floating types ``float``, ``void`` returns ``None``, pointers and structs cffi
``CData`` (``Any``: cffi's objects carry no static type); every enum constant and integer
``#define`` of the cdef is an ``int`` attribute of ``lib``.
Invariant kept: the stub names exactly the functions and constants the cdef declares, in
cdef order, so ``mypy`` sees a wrong name or a wrong arity as an error.
"""

from __future__ import annotations

import io
import keyword
import re
import sys
from pathlib import Path

from pcpp.preprocessor import Preprocessor
from pycparser import c_ast, c_parser

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "dxgk" / "core"
STUB = ROOT / "dxgk" / "_core.pyi"

_STDINT = "\n".join(
    f"typedef int {t};" for t in (
        "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
        "uint64_t", "intptr_t", "uintptr_t", "size_t", "ssize_t"))
_DEFINE = re.compile(r"^\s*#define\s+(\w+)\s+(.+?)\s*$", re.M)
_INTEGERS = {"char", "short", "int", "long", "signed", "unsigned", "_Bool", "bool",
             "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
             "uint64_t", "intptr_t", "uintptr_t", "size_t", "ssize_t"}

HEADER = '''\
# Type stub of dxgk._core, the cffi extension build_ffi.py compiles from dxgk/core/.
# Generated from dxgk/core/*.cdef by tools/core_stub.py -- do not edit; run
# `python tools/core_stub.py` after changing a cdef (the test suite checks it is fresh).
# Integers are int; pointers and structs are cffi CData objects, typed Any.
from typing import Any

ffi: Any

class _Lib:
'''


def _py_type(node: c_ast.Node, *, result: bool) -> str:
    if isinstance(node, c_ast.TypeDecl):
        inner = node.type
        if isinstance(inner, c_ast.IdentifierType):
            names = set(inner.names)
            if names == {"void"}:
                return "None" if result else "Any"
            if names & {"float", "double"}:
                return "float"
            if names <= _INTEGERS:
                return "int"
            return "Any"               # a typedef'd struct passed by value
        if isinstance(inner, c_ast.Enum):
            return "int"
        return "Any"
    return "Any"                       # pointers, arrays, function pointers


def _cdef_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORE.glob("*.cdef")))


def render() -> str:
    text = _cdef_text()
    consts = [name for name, value in _DEFINE.findall(text)]
    pp = Preprocessor()
    pp.line_directive = None
    pp.parse(_STDINT + "\n" + text.replace("...", "0"), "<cdef>")   # drops the comments
    out = io.StringIO()
    pp.write(out)
    ast = c_parser.CParser().parse(out.getvalue(), filename="<cdef>")
    lines: list[str] = []
    seen: set[str] = set()
    for name in consts:
        lines.append(f"    {name}: int")
        seen.add(name)

    def enum_constants(node: c_ast.Node) -> None:
        if isinstance(node, c_ast.Enum) and node.values is not None:
            for e in node.values.enumerators:
                if e.name not in seen:
                    seen.add(e.name)
                    lines.append(f"    {e.name}: int")
        for _, child in node.children():
            enum_constants(child)

    for ext in ast.ext:
        if isinstance(ext, c_ast.Typedef) and ext.name in _STDINT:
            continue
        enum_constants(ext)
        if isinstance(ext, c_ast.Decl) and isinstance(ext.type, c_ast.FuncDecl):
            fn = ext.type
            params = []
            for i, p in enumerate(fn.args.params if fn.args else []):
                if isinstance(p, c_ast.Typename) and _py_type(p.type, result=True) == "None":
                    continue                                   # (void)
                pname = p.name or f"arg{i}"
                if keyword.iskeyword(pname):
                    pname += "_"                               # e.g. `from`
                params.append(f"{pname}: {_py_type(p.type, result=False)}")
            ret = _py_type(fn.type, result=True)
            args = ", ".join(["self", *params])
            lines.append(f"    def {ext.name}({args}, /) -> {ret}: ...")
    return HEADER + "\n".join(lines) + "\n\nlib: _Lib\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not STUB.exists() or STUB.read_text(encoding="utf-8") != text:
            print(f"{STUB} is stale: run `python tools/core_stub.py`", file=sys.stderr)
            return 1
        return 0
    STUB.write_text(text, encoding="utf-8")
    print(f"wrote {STUB}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
