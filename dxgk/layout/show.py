"""`python -m dxgk layout`: struct layouts as pahole-style tables or JSON.

What it owns: turning a :class:`~dxgk.layout.StructLayout` into text -- offset, size,
bit range, type and name of every field, with the holes and the tail padding between
them shown -- and the `layout` command's body. Invariant kept: every byte of the record
is accounted for, either under a field or in a hole/padding row.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import StructLayout, cached_layouts, layout_of

__all__ = ["format_layout", "run_command"]


def format_layout(lay: StructLayout) -> str:
    """A pahole-like table: offset, size, bit range, type, name; holes and padding shown."""
    rows = [f"{lay.name}  /* {lay.abi}: size {lay.size}, align {lay.align} */ {{",
            f"    {'offset':>6} {'size':>5} {'bits':>9}  {'type':<36} name"]
    leaves = [f for f in lay.fields
              if not any(g.name.startswith(f.name + ".") for g in lay.fields)]
    holes = _holes(((f.offset_bits // 8, (f.offset_bits + f.size_bits + 7) // 8)
                    for f in leaves), lay.size)
    hole_at = {start: length for start, length in holes}
    emitted: set[int] = set()
    for f in lay.fields:
        off = f.offset
        for start in sorted(hole_at):
            if start < off and start not in emitted:
                rows.append(_hole_row(start, hole_at[start], lay.size))
                emitted.add(start)
        depth = f.name.count(".")
        name = "  " * depth + f.name.rsplit(".", 1)[-1]
        if f.is_bitfield:
            lo = f.offset_bits - (f.offset_bits // 8) * 8
            bits = f"{lo}:{lo + f.size_bits - 1}" if f.size_bits > 1 else f"{lo}"
            rows.append(f"    {off:>6} {'':>5} {bits:>9}  {f.type:<36} {name}:{f.size_bits}")
        else:
            rows.append(f"    {off:>6} {f.size:>5} {'':>9}  {f.type:<36} {name}")
    for start in sorted(hole_at):
        if start not in emitted:
            rows.append(_hole_row(start, hole_at[start], lay.size))
    rows.append(f"}};  /* {len(lay.fields)} fields, {sum(h for _, h in holes)} bytes of "
                "holes/padding */")
    return "\n".join(rows)


def _holes(spans: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """(start, length) of every byte range of [0, size) that no span [lo, hi) covers
    (computed from the spans, never byte by byte: a record may be gigabytes)."""
    out = []
    pos = 0
    for lo, hi in sorted(spans):
        if lo > pos:
            out.append((pos, min(lo, size) - pos))
        pos = max(pos, hi)
        if pos >= size:
            break
    if pos < size:
        out.append((pos, size - pos))
    return [(start, n) for start, n in out if n > 0]


def _hole_row(start: int, length: int, size: int) -> str:
    what = "padding" if start + length == size else "hole"
    return f"    /* {what}: {length} byte{'s' if length != 1 else ''} at {start} */"


def resolve_names(names: Sequence[str], known: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The typedef names `names` stand for (a struct tag such as
    ``_DXGKARGCB_MAPCONTEXTALLOCATION`` names its typedef), and one error line per name
    that names nothing, with the close matches in any letter case."""
    by_tag = {entry["tag"]: name for name, entry in known.items() if "tag" in entry}
    folded = {**{tag.casefold(): name for tag, name in by_tag.items()},
              **{name.casefold(): name for name in known}}
    found: list[str] = []
    errors: list[str] = []
    for n in names:
        if n in known:
            found.append(n)
        elif n in by_tag:
            found.append(by_tag[n])
        else:
            if n.casefold() in folded:
                errors.append(f"no struct or union named {n!r} (names are case-sensitive: "
                              f"did you mean {folded[n.casefold()]}?)")
                continue
            close = difflib.get_close_matches(n.casefold(), list(folded), n=8, cutoff=0.5)
            names_close = list(dict.fromkeys(folded[c] for c in close))[:5]
            hint = f" (close matches: {', '.join(names_close)})" if names_close else ""
            errors.append(f"no struct or union named {n!r}{hint}")
    return found, errors


def run_command(names: Sequence[str], *, abi: str = "x64", as_json: bool = False) -> int:
    """``python -m dxgk layout``: 0, or 2 (one line per unknown name on stderr)."""
    known = cached_layouts(abi)
    names, errors = resolve_names(names, known) if names else (list(known), [])
    if errors:
        for line in errors:
            print(f"dxgk layout: {line}", file=sys.stderr)
        return 2
    layouts = [layout_of(n, abi) for n in names]
    if as_json:
        print(json.dumps({lay.name: lay.to_json() for lay in layouts}, indent=2))
    else:
        print("\n\n".join(format_layout(lay) for lay in layouts))
    return 0
