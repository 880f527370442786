"""verify-header, step 1 (preprocess): one translation unit of the SDK through pcpp.

What it owns: running pcpp over the display headers of one translation unit with exactly
the macros MSVC predefines for the ABI plus the caller's `-D`s. What the rest of the SDK
would supply (windows.h, wdm.h, video.h, winapifamily.h, sal.h, ...) comes from dxgk's
stand-ins in `dxgk/sdk_shims/`, which always win over the SDK's own copies; `#include
<Foo.h>` finds foo.h. pcpp's `#line` markers become a (file, line) origin for every line.
Also the interface-version macros (`VERSION_MACROS`): the value the SDK's headers end up
with, and dxgk's own default (`subset_default_versions`).

Invariant kept: nothing in the SDK stops preprocessing -- an include found nowhere, an
`#error` / `#warning`, a preprocessor error each become a `Note` with its file and line,
and the text goes on.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..layout import HEADERS_DIR
from .sdk import SHIM_BASE, SHIMS_DIR, Note, Origin, SdkTree, _find_case_insensitive

__all__ = ["VERSION_MACROS", "subset_default_versions"]


def _stand_in_names() -> frozenset[str]:
    return frozenset(p.name.lower() for p in SHIMS_DIR.glob("*.h"))


def _preprocess(tree: SdkTree, headers: Sequence[Path], macros: Mapping[str, str],
                notes: list[Note],
                versions: dict[str, int | None] | None = None) -> list[tuple[Origin, str]]:
    """Run pcpp over `headers` (one translation unit); return (origin, text) per line.
    `versions` receives the value each of VERSION_MACROS ends up with (None: unknown)."""
    from pcpp import Preprocessor
    from pcpp.preprocessor import Action, OutputDirective

    from ..layout.preprocess import _EMPTY_MACROS

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
# they know, which need not be dxgk's default (docs/behaviour.md section 2: WDDM 3.2).
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
