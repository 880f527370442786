"""The two sides of the comparison for one ABI: what the SDK lays out, and dxgk's subset.

What it owns: `layout_sdk`, the whole pipeline for one ABI over each translation unit --
kernel mode (dispmprt.h, d3dkmddi.h) and user mode (d3dumddi.h), each followed by
d3dukmdt.h: preprocessed, split, MSVC-only blocks dropped, cleaned, parsed, laid out --
with its result `SdkLayouts` (records, origins, why a name was not laid out, notes, the
static assertions checked and failed, the interface versions, what each -D resolves to)
and its per-process cache.
And dxgk's side: `dxgk_layouts`, and `base_type_names`, the records of
headers/windows_base.h, which are never compared: in an SDK run they come from dxgk's
stand-ins, so comparing them would compare dxgk with itself.

Invariant kept: the first translation unit to lay out a record wins; a name counts as not
laid out only if no unit laid it out; notes come out deduplicated, in file and line
order; the cache is keyed on the header files (path, mtime, size), the ABI, the
defines and the limits, so an edited header is read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..layout import HEADERS_DIR, get_abi
from .engine import _make_engine
from .limits import active_budget
from .msvc import clean_msvc
from .parse import _ChunkParser, _first_words
from .preprocess import VERSION_MACROS, Resolved, _preprocess
from .sdk import Note, SdkTree
from .split import split_declarations

__all__ = ["BASE_HEADER", "SdkLayouts", "layout_sdk", "base_type_names", "dxgk_layouts"]

# Records of headers/windows_base.h: in an SDK run they come from dxgk's stand-ins, so
# comparing them would compare dxgk with itself.
BASE_HEADER = HEADERS_DIR / "windows_base.h"


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
    defines: dict[str, Resolved] = field(default_factory=dict)      # what each -D resolves to


def _translation_units(tree: SdkTree, notes: list[Note]) -> list[list[Path]]:
    f = tree.files
    shared = [f["d3dukmdt.h"]] if "d3dukmdt.h" in f else []
    km = [f[n] for n in ("dispmprt.h", "d3dkmddi.h") if n in f]
    if km and shared and "d3dkmdt.h" not in f:
        notes.append(Note("", "d3dkmdt.h not found next to the display headers: d3dukmdt.h "
                              "is included directly before the kernel-mode headers "
                              "(the VidPN types of d3dkmdt.h are missing)"))
        km = shared + km
    um = [f[n] for n in ("d3dumddi.h", "d3dkmthk.h") if n in f]
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
    key = (str(tree.root), tuple(stamp), abi, tuple(sorted((defines or {}).items())),
           active_budget().limits)
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
    resolved: dict[str, Resolved] = {}
    for unit in _translation_units(tree, notes):
        lines = _preprocess(tree, unit, {**a.macros, **dict(defines or {})}, notes, versions,
                            list(defines or {}), resolved)
        chunks = []
        budget = active_budget()
        for c in split_declarations(lines, notes, tree.rel):
            budget.check_time(f"{tree.rel(c.origin[0])}:{c.origin[1]}")
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
                      versions, resolved)


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
        from ..layout import compute_layouts
        _BASE_NAMES[abi] = frozenset(compute_layouts(abi, headers=[BASE_HEADER]))
    return _BASE_NAMES[abi]


def dxgk_layouts(abi: str, defines: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """dxgk's subset for `abi` (with `defines`): {name: {size, align, fields(detail)}}."""
    from ..layout import cached_layouts, compute_layouts

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
