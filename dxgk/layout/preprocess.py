"""Preprocessing: headers → one C translation unit that pycparser can parse.

Why pcpp (a pure-Python C99 preprocessor) rather than the host's `cc -E`: the layout of a
Windows struct must not depend on which machine runs dxgk. A host compiler predefines its
own target's macros (`__linux__`, `__x86_64__`, `__LP64__`, ...) that would leak into a
header laid out for x86 Windows; pcpp starts from nothing, so each ABI sees exactly the
macros MSVC would predefine for it, plus the caller's `-D`s. It also needs no compiler at
all, so `python -m dxgk layout` and `verify-header` work on any machine.

After preprocessing, MSVC-only spellings that carry layout are rewritten into forms the
parser keeps:
  * `struct __declspec(align(N)) tag {`  → `struct tag { #pragma dxgk_record_align(N)`
  * `__declspec(align(N))` elsewhere     → `_Alignas(N)` (member alignment)
  * other `__declspec(...)`, `__cdecl`-style keywords → removed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Iterable, Mapping

from pcpp import Preprocessor

__all__ = ["preprocess", "PreprocessError"]


class PreprocessError(RuntimeError):
    """The headers could not be preprocessed (missing include, bad directive...)."""


# Keywords MSVC accepts that carry no layout.
_EMPTY_MACROS = {
    "__cdecl": "", "__stdcall": "", "__fastcall": "", "__thiscall": "", "__vectorcall": "",
    "__forceinline": "", "__inline": "", "__unaligned": "", "__ptr32": "", "__ptr64": "",
    "__restrict": "", "DXGK_LAYOUT_ENGINE": "1", "__int64": "long long", "__int32": "int",
    "__int16": "short", "__int8": "char",
}


class _Pre(Preprocessor):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def on_error(self, file: str, line: int, msg: str) -> None:  # pcpp hook
        self.errors.append(f"{file}:{line}: {msg}")

    def on_include_not_found(self, is_malformed: bool, is_system_include: bool, curdir: str,
                             includepath: str) -> None:  # pcpp hook
        self.errors.append(f"include not found: {includepath}")
        raise OutputDirective(Action.IgnoreAndRemove)


from pcpp.preprocessor import Action, OutputDirective  # noqa: E402

_REC_ALIGN = re.compile(
    r"\b(struct|union)\s+__declspec\s*\(\s*align\s*\(\s*(\d+)\s*\)\s*\)\s*(\w*)\s*\{")
_ALIGN = re.compile(r"__declspec\s*\(\s*align\s*\(\s*(\d+)\s*\)\s*\)")
_DECLSPEC = re.compile(r"__declspec\s*\(\s*\w+(\s*\([^()]*\))?\s*\)")
_ATTRIBUTE = re.compile(r"__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)")


def _msvc_rewrite(text: str) -> str:
    text = _REC_ALIGN.sub(
        lambda m: f"{m.group(1)} {m.group(3)} {{\n#pragma dxgk_record_align({m.group(2)})\n", text)
    text = _ALIGN.sub(lambda m: f"_Alignas({m.group(1)})", text)
    text = _DECLSPEC.sub("", text)
    text = _ATTRIBUTE.sub("", text)
    return text


def preprocess(
    headers: Iterable[str | Path],
    macros: Mapping[str, str],
    include_dirs: Iterable[str | Path] = (),
) -> str:
    """Preprocess `headers` (in order, as one translation unit) with exactly `macros` predefined."""
    pre = _Pre()
    pre.line_directive = None
    pre.compress = 2
    for d in include_dirs:
        pre.add_path(str(d))
    for name, value in {**_EMPTY_MACROS, **dict(macros)}.items():
        pre.define(f"{name} {value}")
    source = "".join(f'#include "{Path(h).resolve()}"\n' for h in headers)
    pre.parse(source, "<dxgk>")
    out = io.StringIO()
    pre.write(out)
    if pre.errors or pre.return_code:
        raise PreprocessError("; ".join(pre.errors) or "preprocessing failed")
    return _msvc_rewrite(out.getvalue())
