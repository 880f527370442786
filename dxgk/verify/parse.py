"""verify-header, step 3 (parse): the declarations read by one pycparser parser, one at a
time when need be.

What it owns: `_ChunkParser`, which parses the chunks in windows of about 12,000
characters with one parser whose typedef names persist from one batch to the next. A
batch that fails is cut at the declaration the error points to (or bisected) so that only
the failing declaration is lost. A failing typedef of a function or function pointer
(usually a callback whose parameter list uses a kernel type dxgk does not declare) is
stood in for by an opaque function / pointer typedef (`_stand_in`), which lays out exactly
the same. Also the best-effort names a failed declaration would have declared
(`_declared_names`) and the unknown type names that usually explain the failure.

Invariant kept: a declaration that cannot be parsed is never fatal: it is stood in for or
skipped with a note naming what it declares, its file and line and the reason, and the
names a skipped declaration declares are recorded as not laid out, with that reason. A
failed batch leaves the parser's typedef names as they were before it.
"""

from __future__ import annotations

import bisect
import collections
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .limits import active_budget
from .sdk import Note
from .split import Chunk


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
        budget = active_budget()
        while todo:
            lo, hi = todo.popleft()
            if lo >= hi:
                continue
            budget.check_time(self._where(lo))
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
