"""verify-header, step 1 (preprocess): one translation unit of the SDK through pcpp.

What it owns: running pcpp over the display headers of one translation unit with exactly
the macros MSVC predefines for the ABI plus the caller's `-D`s. What the rest of the SDK
would supply (windows.h, wdm.h, video.h, winapifamily.h, sal.h, ...) comes from dxgk's
stand-ins in `dxgk/sdk_shims/`, which always win over the SDK's own copies; `#include
<Foo.h>` finds foo.h. pcpp's `#line` markers become a (file, line) origin for every line.
Also what a macro resolves to (`resolve_macro`, by pcpp's own #if evaluator, naming what
does not resolve): the interface-version macros (`VERSION_MACROS`) and every `-D` in the
SDK's headers, and the interface versions in dxgk's own (`subset_versions`).

Reading a header is bounded (`limits`): a file larger than `file-mb`, more than `text-mb`
read or produced per translation unit, `#include`s nested deeper than `include-depth` (a
header including itself, two including each other), one macro expansion adding more
than `macro-tokens` tokens, or the run's time spent, each stop the run with a
`HeaderLimitError`; so does an `#include` of something that is not a regular file
(`/dev/zero`, a FIFO) or of a binary file. (dxgk's own stand-ins count in
`text-mb`, not in `file-mb`.) (a NUL byte). A header's bytes are decoded as
MSVC reads a source file (`decode_header`): a byte-order mark decides (UTF-8, UTF-16 LE/BE);
without one, UTF-8, else Windows-1252 with a note.

Invariant kept: nothing in the SDK stops preprocessing but those bounds and unreadable
files -- an include found nowhere, an `#error` / `#warning`, a preprocessor error each
become a `Note` with its file and line, and the text goes on; and a stop is one line
naming the file and line reached, never a traceback.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..layout import HEADERS_DIR
from .limits import active_budget
from .sdk import (
    SHIM_BASE,
    SHIMS_DIR,
    Note,
    Origin,
    SdkTree,
    VerifyUsageError,
    _find_case_insensitive,
)

__all__ = ["VERSION_MACROS", "Resolved", "resolve_macro", "subset_versions",
           "subset_default_versions", "decode_header"]

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))


def decode_header(data: bytes, name: str, notes: list[Note]) -> str:
    """A header's text, read as MSVC reads a source file: a byte-order mark decides (UTF-8,
    UTF-16 LE or BE); without one UTF-8, else Windows-1252 (with a note). A NUL byte (a
    binary file, or UTF-16 without its mark) or bytes that are neither: VerifyUsageError
    naming `name` and the line."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as e:
                raise VerifyUsageError(f"{name}:{_line_at(data, e.start)}: not valid {label} "
                                       f"text although it starts with a {label} byte-order "
                                       f"mark") from None
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            bad = data[e.start]
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as e2:
                raise VerifyUsageError(
                    f"{name}:{_line_at(data, e2.start)}: not a text file: neither UTF-8 nor "
                    f"Windows-1252 (byte {data[e2.start]:#04x})") from None
            if "\0" not in text:
                notes.append(Note(f"{name}:{_line_at(data, e.start)}",
                                  f"not UTF-8 (byte {bad:#04x}): read as Windows-1252, "
                                  f"as MSVC reads a file without a byte-order mark"))
    nul = text.find("\0")
    if nul >= 0:
        raise VerifyUsageError(f"{name}:{text.count(chr(10), 0, nul) + 1}: not a text file "
                               f"(a NUL byte; a UTF-16 header needs its byte-order mark)")
    return text


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _stand_in_names() -> frozenset[str]:
    return frozenset(p.name.lower() for p in SHIMS_DIR.glob("*.h"))


def _preprocess(tree: SdkTree, headers: Sequence[Path], macros: Mapping[str, str],
                notes: list[Note],
                versions: dict[str, int | None] | None = None, resolve: Sequence[str] = (),
                resolved: dict[str, Resolved] | None = None) -> list[tuple[Origin, str]]:
    """Run pcpp over `headers` (one translation unit); return (origin, text) per line.
    `versions` receives the value each of VERSION_MACROS ends up with (None: unknown);
    `resolved`, what each macro named in `resolve` resolves to at the end of the unit
    (kept unresolved once a unit leaves it unresolved)."""
    from pcpp import Preprocessor
    from pcpp.preprocessor import Action, OutputDirective

    from ..layout.preprocess import _EMPTY_MACROS

    stand_ins = _stand_in_names()
    shims = os.path.realpath(SHIMS_DIR)
    budget = active_budget()

    def _token_where(tokens: Sequence[Any]) -> str:
        if not tokens:
            return ""
        t = tokens[0]
        src = getattr(t, "source", "")
        return f"{tree.rel(src)}:{t.lineno}" if src and not str(src).startswith("<") else ""

    class SdkPreprocessor(Preprocessor):
        def on_error(self, file: str | None, line: int, msg: str) -> None:  # pcpp hook
            notes.append(Note(f"{tree.rel(file)}:{line}" if file else "",
                              f"preprocessor: {msg}"))

        def on_include_not_found(self, is_malformed: bool, is_system_include: bool,
                                 curdir: str, includepath: str) -> None:
            where = self.lastdirective
            loc = f"{tree.rel(where.source)}:{where.lineno}" if where is not None else ""
            spelled = f"<{includepath}>" if is_system_include else f'"{includepath}"'
            what = "malformed #include" if is_malformed else "#include"
            notes.append(Note(loc, f"{what} {spelled} not found in the SDK folder nor among "
                                   f"dxgk's stand-ins: skipped"))
            raise OutputDirective(Action.IgnoreAndRemove)

        def on_file_open(self, is_system_include: bool, includepath: str) -> io.StringIO:
            base = os.path.basename(includepath).lower()
            if base in stand_ins and not os.path.realpath(includepath).startswith(shims):
                # the SDK's own windows.h / wdm.h / ...: dxgk's stand-in is used instead
                raise OSError(f"{includepath}: replaced by dxgk's stand-in")
            try:
                return self._open(includepath)
            except OSError:
                # a Linux copy of the Include folder: `#include <Foo.h>` for foo.h
                d, name = os.path.split(includepath)
                hit = _find_case_insensitive(Path(d), name) if os.path.isdir(d) else None
                if hit is None:
                    raise
                return self._open(str(hit))

        def _open(self, path: str) -> io.StringIO:
            """The header at `path`, bounded and decoded (OSError: no such file, so that
            pcpp goes on searching the include path)."""
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(path)
            name = tree.rel(path)
            via = self._included_from()
            via_text = f" (included from {via})" if via else ""
            if not stat.S_ISREG(st.st_mode):
                raise VerifyUsageError(f"{via or name}: #include of {name}: not a regular "
                                       f"file")
            shim = os.path.realpath(path).startswith(shims)
            cap = budget.bytes_of("file-mb") if not shim else max(st.st_size, 1 << 20)
            if st.st_size > cap:
                budget.fail(name, f"{st.st_size} bytes, more than the {budget.limits.file_mb:g}"
                                  f" MiB a header may have{via_text}", "file-mb")
            with open(path, "rb") as f:
                data = f.read(cap + 1)
            if len(data) > cap:
                budget.fail(name, f"more than the {budget.limits.file_mb:g} MiB a header may "
                                  f"have{via_text}", "file-mb")
            self.bytes_read += len(data)
            if self.bytes_read > budget.bytes_of("text-mb"):
                budget.fail(via or name, f"more than {budget.limits.text_mb:g} MiB of headers "
                                         f"read for one translation unit", "text-mb")
            text = decode_header(data, name, notes)
            self.open_files.append(name)
            return io.StringIO(text)

        def _included_from(self) -> str:
            d = self.lastdirective
            if d is None or not d.source or str(d.source).startswith("<"):
                return ""
            return f"{tree.rel(d.source)}:{d.lineno}"

        def include(self, tokens: list[Any], original_line: Any) -> Iterator[Any]:
            depth = len(self.open_files)
            if depth >= budget.limits.include_depth:
                chain = self.open_files
                seen: dict[str, int] = {}
                why = ""
                for i, n in enumerate(chain):
                    if n in seen:   # the first header met again: the cycle it closes
                        why = f" (a cycle: {' -> '.join(chain[seen[n]:i + 1])})"
                        break
                    seen[n] = i
                budget.fail(self._included_from(), f"#include nested more than "
                            f"{budget.limits.include_depth} levels deep{why}", "include-depth")
            try:
                yield from super().include(tokens, original_line)
            finally:
                del self.open_files[depth:]

        def expand_macros(self, tokens: list[Any],
                          expanding_from: list[str] = []) -> list[Any]:  # noqa: B006 - pcpp's signature
            if not self.expanding:         # the outermost expansion: where the text uses it
                self.expanding_at = _token_where(tokens)
            budget.check_time(self.expanding_at)
            self.expanding += 1
            given = len(tokens)   # pcpp expands whole runs of lines: count what expansion adds
            try:
                out: list[Any] = super().expand_macros(tokens, expanding_from)
            finally:
                self.expanding -= 1
            if len(out) - given > budget.limits.macro_tokens:
                # pcpp keeps the line of the token it is expanding at top level (__LINE__)
                file = self.expanding_at.rpartition(":")[0]
                at = f"{file}:{self.linemacro}" if file else ""
                budget.fail(at, f"a macro expansion added more than "
                                f"{budget.limits.macro_tokens} tokens", "macro-tokens")
            return out

        def token(self) -> Any:
            tok = super().token()
            if tok is not None:
                self.bytes_out += len(tok.value)
                self.tokens_out += 1
                if not self.tokens_out & 4095:
                    where = _token_where([tok])
                    budget.check_time(where)
                    if self.bytes_out > budget.bytes_of("text-mb"):
                        budget.fail(where, f"preprocessing produced more than "
                                           f"{budget.limits.text_mb:g} MiB of text for one "
                                           f"translation unit", "text-mb")
            return tok

        def on_directive_unknown(self, directive: Any, toks: list[Any], ifpassthru: bool,
                                 precedingtoks: list[Any]) -> Any:
            if directive.value in ("error", "warning"):
                text = "".join(t.value for t in toks).strip()
                notes.append(Note(f"{tree.rel(directive.source)}:{directive.lineno}",
                                  f"#{directive.value} {text}"))
                return True
            return super().on_directive_unknown(directive, toks, ifpassthru, precedingtoks)

    pre = SdkPreprocessor()
    pre.evaluator = _BoundedShifts(pre.evaluator)
    pre.open_files = []        # the headers being read, outermost first
    pre.bytes_read = pre.bytes_out = pre.tokens_out = pre.expanding = 0
    pre.expanding_at = ""
    pre.line_directive = "#line"
    pre.compress = 0
    for d in (SHIMS_DIR, *tree.include_dirs):
        pre.add_path(str(d))
    for name, value in {**_EMPTY_MACROS, **dict(macros)}.items():
        pre.define(f"{name} {value}")
    source = f'#include "{SHIM_BASE}"\n' + "".join(f'#include "{h}"\n' for h in headers)
    pre.parse(source, "<dxgk-verify>")
    out = io.StringIO()
    try:
        pre.write(out)
    except RecursionError:
        where = pre._included_from()
        raise VerifyUsageError(f"{where + ': ' if where else ''}nested too deeply to "
                               f"preprocess") from None
    if versions is not None:
        for name in VERSION_MACROS:
            got = resolve_macro(pre, name).value
            if got is not None:
                versions[name] = got
    if resolved is not None:
        for name in resolve:
            r = resolve_macro(pre, name)
            if resolved.get(name) is None or resolved[name].value is not None:
                resolved[name] = r      # unresolved in any translation unit: unresolved
    return _origin_lines(out.getvalue())


class _BoundedShifts:
    """pcpp's #if evaluator, refusing a shift by a literal count of 128 bits or more (pcpp
    would build the number: `1 << 100000000000` is gigabytes). pcpp reports the refusal
    as an expression it could not evaluate (a note) and reads the #if as false."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, tokens: Sequence[Any], *args: Any, **kwargs: Any) -> Any:
        values = [t.value for t in tokens if not t.value.isspace()]
        for op, operand in zip(values, values[1:]):
            lit = re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*", operand)
            if op in ("<<", ">>") and lit and _literal(lit.group(1)) >= 128:
                raise ValueError(f"a shift by {operand} bits")
        return self.inner(tokens, *args, **kwargs)


def _literal(digits: str) -> int:
    """A C integer literal's value (hex, octal or decimal digits; no more than 20 read)."""
    if len(digits) > 20:
        return 1 << 64
    if digits[:2] in ("0x", "0X"):
        return int(digits, 16)
    return int(digits, 8) if digits.startswith("0") and len(digits) > 1 else int(digits)


# The interface-version macros: the SDK's headers default them to the newest version
# they know, which need not be dxgk's default (docs/behaviour.md section 2: WDDM 3.2).
VERSION_MACROS = ("DXGKDDI_INTERFACE_VERSION", "D3D_UMD_INTERFACE_VERSION")


@dataclass(frozen=True)
class Resolved:
    """What `#if NAME` sees at the end of a translation unit: the integer NAME expands to,
    or None with the identifiers of the expansion that are no macro (and close matches)."""

    value: int | None
    unknown: tuple[str, ...] = ()
    close: tuple[str, ...] = ()


def resolve_macro(pre: Any, name: str) -> Resolved:
    """The integer macro `name` expands to through the macros `pre` (a pcpp Preprocessor
    that has run) holds, by pcpp's own #if evaluator -- where C would read an unknown
    identifier as 0, this answers None and names it."""
    if name not in pre.macros:
        return Resolved(None, (name,), _close(pre, name))
    unknown: list[str] = []

    def unknown_ident(ident: str) -> None:
        unknown.append(ident)
        return None

    def unknown_function(ident: str) -> None:
        unknown.append(f"{ident}()")
        return None

    failed: list[str] = []
    pre.on_unknown_macro_in_expr = unknown_ident
    pre.on_unknown_macro_function_in_expr = unknown_function
    pre.on_error = lambda file, line, msg: failed.append(msg)
    try:
        value, partial = pre.evalexpr(pre.tokenize(name))
    finally:
        del pre.on_unknown_macro_in_expr, pre.on_unknown_macro_function_in_expr, pre.on_error
    if partial is not None or unknown or failed:
        names = tuple(dict.fromkeys(unknown)) or (name,)
        return Resolved(None, names, _close(pre, names[0]))
    return Resolved(int(value))


_LOOKALIKE = str.maketrans("OoIl", "0011")


def _close(pre: Any, name: str) -> tuple[str, ...]:
    """Macros named like `name`: a look-alike spelling (O for 0, l for 1, case) first."""
    import difflib

    want = name.upper().translate(_LOOKALIKE)
    alike = [m for m in pre.macros if m.upper().translate(_LOOKALIKE) == want and m != name]
    near = difflib.get_close_matches(name, list(pre.macros), n=3, cutoff=0.75)
    return tuple(dict.fromkeys(alike + near))[:3]


_SUBSET_VERSIONS: dict[tuple[tuple[str, str], ...], dict[str, Resolved]] = {}


def subset_versions(defines: Mapping[str, str] | None = None) -> dict[str, Resolved]:
    """What each of VERSION_MACROS resolves to in dxgk's own headers (headers/d3dukmdt.h)
    with `defines` predefined."""
    key = tuple(sorted((defines or {}).items()))
    if key not in _SUBSET_VERSIONS:
        from pcpp import Preprocessor

        pre = Preprocessor()
        pre.add_path(str(HEADERS_DIR))
        for name, value in key:
            pre.define(f"{name} {value}")
        pre.parse(f'#include "{HEADERS_DIR / "d3dukmdt.h"}"\n', "<dxgk-versions>")
        pre.write(io.StringIO())
        if len(_SUBSET_VERSIONS) > 32:
            _SUBSET_VERSIONS.clear()
        _SUBSET_VERSIONS[key] = {n: resolve_macro(pre, n) for n in VERSION_MACROS}
    return dict(_SUBSET_VERSIONS[key])


def subset_default_versions() -> dict[str, int | None]:
    """dxgk's own default interface versions (headers/d3dukmdt.h)."""
    return {n: r.value for n, r in subset_versions().items()}


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
