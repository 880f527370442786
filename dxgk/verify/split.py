"""verify-header, step 3 (split): the preprocessed text cut into top-level declarations.

What it owns: `Chunk`, one top-level declaration (or pragma) with the origin of its first
line, and `split_declarations`: a declaration ends at a `;` outside braces and
parentheses, a function definition at the `}` closing its body (by brace and parenthesis
depth; a brace after `__declspec(...)` and the like opens no function body), and a
top-level `#pragma` is a chunk of its own (the layout engine needs the pragmas in order).

Invariant kept: a broken declaration costs only itself -- a `typedef`, which cannot start
inside braces or parentheses, cuts off the unbalanced text before it -- and any other
leftover directive is dropped, with a note when the caller passes `notes` (layout_sdk
does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .limits import active_budget
from .msvc import _SAL2, _skip_literal
from .sdk import Note, Origin

__all__ = ["Chunk", "split_declarations"]


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

    budget = active_budget()
    for origin, line in lines:
        budget.check_time(f"{rel(origin[0])}:{origin[1]}")
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
                paren_ids.append(_word_before(line, i))
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


def _word_before(line: str, i: int) -> str:
    """The identifier just before `line[i]` (spaces between allowed), or "" -- found by
    walking back from `i`, so that a line of many parentheses costs linear time."""
    j = i
    while j > 0 and line[j - 1] in " \t":
        j -= 1
    k = j
    while k > 0 and (line[k - 1].isalnum() or line[k - 1] == "_"):
        k -= 1
    return line[k:j]
