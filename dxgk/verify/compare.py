"""Comparing one record: every way the SDK's layout differs from dxgk's.

What it owns: `Difference` (its kind, the message, and both sides' values for --json) and
`compare_layouts`: size, alignment, and each field by its dotted name -- moved, resized,
both, a bitfield on one side only, only in dxgk (removed) or only in the SDK (added), or
renamed (a field of one side only whose place and extent match exactly one field of the
other side only, at the same depth) -- and the order of the fields both sides have.

A member only dxgk declares whose bytes are padding in the SDK (no member of the SDK's
record overlaps them), when nothing else differs, is no layout difference: the same
bytes, named only by dxgk (a `padding_named` note, e.g. the explicit `Padding` of
D3DGPU_PHYSICAL_ADDRESS, which kits before 10.0.22621 leave implicit). A member only the
SDK declares stays a difference wherever it lies: it is part of the DDI.

Invariant kept: `compare_layouts` returns [] when the two are identical in size,
alignment and every field's name, offset and bit range, and only `padding_named` notes
when they differ by nothing but names given to padding; positions are shown in bytes,
or in bits for a bitfield or a field that is not whole bytes.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Difference", "compare_layouts", "NAMING_KINDS"]

NAMING_KINDS = frozenset({"padding_named"})


@dataclass(frozen=True)
class Difference:
    kind: str                    # struct_missing, size, align, field_moved, field_resized,
    #                              field_moved_resized, field_kind, field_added,
    #                              field_removed, field_renamed, field_order; and one
    #                              that is no layout difference: padding_named (a member
    #                              only dxgk declares, on bytes the SDK leaves as padding)
    message: str
    field: str | None = None
    dxgk: Any = None
    sdk: Any = None

    @property
    def is_layout(self) -> bool:
        """False for a naming note (`padding_named`): the bytes are the same."""
        return self.kind not in NAMING_KINDS

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
    return _padding_named(diffs, of, tf)


def _is_padding(name: str, f: Mapping[str, Any], other: Mapping[str, Mapping[str, Any]]) -> bool:
    """No member of `other` inside the record that holds `name` (the struct itself, or the
    member `name` is nested in) and holding bytes itself overlaps the bits of `f`."""
    parent = name.rpartition(".")[0]
    inside = {n: g for n, g in other.items() if not parent or n.startswith(parent + ".")}
    holders = {n.rpartition(".")[0] for n in inside if "." in n}
    lo, hi = f["offset_bits"], f["offset_bits"] + f["size_bits"]
    return hi > lo and all(g["offset_bits"] + g["size_bits"] <= lo or hi <= g["offset_bits"]
                           for n, g in inside.items() if n not in holders)


def _padding_named(diffs: list[Difference], of: Mapping[str, Mapping[str, Any]],
                   tf: Mapping[str, Mapping[str, Any]]) -> list[Difference]:
    """Members of dxgk's only whose bits are padding in the SDK (no SDK member overlaps
    them), when nothing else differs (size, alignment, every other member's offset,
    extent and type as spelled): the same bytes, only named in dxgk -- `padding_named`
    notes instead of differences. Otherwise `diffs` unchanged. (A member of the SDK's
    only stays a difference even in dxgk's padding: it is part of the DDI, and dxgk's
    subset must declare it.)"""
    if not diffs or any(d.kind != "field_removed" for d in diffs):
        return diffs
    if any(of[n].get("type") != tf[n].get("type") for n in of if n in tf):
        return diffs
    if not all(_is_padding(d.field or "", d.dxgk, tf) for d in diffs):
        return diffs
    named = {d.field for d in diffs if d.field is not None}
    notes = []
    for d in diffs:
        assert d.field is not None
        parent = d.field.rpartition(".")[0]
        if parent and any(parent == n or parent.startswith(n + ".") for n in named):
            continue     # a member of a member already noted: its bytes are in that note
        f = d.dxgk
        notes.append(Difference(
            "padding_named", f"field {d.field} ({_pos(f)}, {_extent(f)}, "
            f"{f.get('type') or '?'}) is implicit padding in the SDK: the same bytes, named "
            f"only in dxgk", d.field, d.dxgk, None))
    return notes
