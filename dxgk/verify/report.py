"""The report of verify-header: dxgk's subset against the SDK, struct by struct and ABI by
ABI.

What it owns: `verify` -- both sides laid out for each ABI, dxgk's subset at the SDK's
interface version unless `-D` sets it, and compared -- and its result, `Report` of
`StructResult`s, with its text and JSON renderings, its note lines for stderr and its
exit code; and `sdk_struct_layouts`, the SDK's own layout of any struct/union (`--struct`).

Invariant kept: every struct of dxgk's subset has a result on every ABI: one the SDK does
not lay out is reported as a difference (with the reason), never silently dropped; the
exit code is 1 exactly when some layout differs (a naming note -- padding named on one
side only -- is shown, and is no difference).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..layout import FieldInfo, StructLayout
from .compare import Difference, compare_layouts
from .layouts import SdkLayouts, _as_json, _dedupe, base_type_names, dxgk_layouts, layout_sdk
from .preprocess import VERSION_MACROS, Resolved, subset_default_versions, subset_versions
from .sdk import SUBSET_FILES, Note, SdkTree, VerifyUsageError

__all__ = ["StructResult", "Report", "verify", "sdk_struct_layouts"]


@dataclass
class StructResult:
    name: str
    abi: str
    status: str                         # match | differs | missing
    differences: list[Difference]
    dxgk: dict[str, Any]
    sdk: dict[str, Any] | None
    sdk_origin: str | None = None
    naming: list[Difference] = field(default_factory=list)   # padding_named notes: no difference

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "sdk_origin": self.sdk_origin,
                "differences": [d.to_json() for d in self.differences],
                "naming": [d.to_json() for d in self.naming],
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
    # with, "how": "default" | "sdk" (dxgk pinned to the SDK's) | "-D" (+ "define")}
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

    @property
    def named_padding(self) -> list[StructResult]:
        """Matching layouts with a naming note (padding named on one side only)."""
        return [r for abi in self.abis for r in self.results[abi].values()
                if r.status == "match" and r.naming]

    def summary(self) -> str:
        n, m = len(self.struct_names), len(self.abis)
        head = f"{n} struct{'s' if n != 1 else ''} × {m} ABI{'s' if m != 1 else ''}"
        bad = self.differing
        named = len({r.name for r in self.named_padding})
        tail = (f" (naming notes on {named} struct{'s' if named != 1 else ''}: padding that "
                f"only dxgk names)") if named else ""
        if not bad:
            return f"{head}: all match{tail}"
        total = sum(len(self.results[a]) for a in self.abis)
        structs = len({r.name for r in bad})
        return (f"{head}: {len(bad)} of {total} layouts differ "
                f"({structs} struct{'s' if structs != 1 else ''}){tail}")

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
                 "  headers: " + ", ".join(t.rel(t.files[h])
                                           for h in SUBSET_FILES + ("d3dkmthk.h",)
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
            for abi in self.abis:
                r = self.results[abi].get(name)
                if r is not None and r.status == "match" and r.naming:
                    groups.setdefault(("named", tuple(d.message for d in r.naming)),
                                      []).append(abi)
            for (status, msgs), abis in groups.items():
                what = {"missing": "missing from the SDK headers",
                        "named": "same layout (naming note)"}.get(status, "differs")
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
    both = f"SDK {_hex(v['sdk'])}, dxgk {_hex(v['dxgk'])}"
    if v["how"] == "-D":
        return f"{both} (set by -D {v['define']})"
    if v["how"] == "sdk":
        return (f"{both} (the SDK's default: dxgk's subset laid out at the same version; "
                f"dxgk's own default is {_hex(v['dxgk_default'])})")
    if v["sdk"] is None:
        return f"{both} (not defined by the SDK headers; dxgk's default used)"
    return f"{both} (the SDK's default, and dxgk's)"


# A -D value that names macros: an integer constant expression of identifiers
_EXPR = re.compile(r"[\w\s()+\-*/%<>|&^~!]+")
_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")
_NOT_MACROS = frozenset(("char", "short", "int", "long", "signed", "unsigned", "float",
                         "double", "void", "struct", "union", "enum", "const", "volatile",
                         "defined", "sizeof"))


def _names_macros(value: str) -> bool:
    """Whether a -D value is an integer expression naming macros (what must resolve)."""
    idents = _IDENT.findall(re.sub(r"\b0[xX][0-9a-fA-F]+[uUlL]*\b|\b\d+[uUlL]*\b", " ",
                                   value))
    return bool(_EXPR.fullmatch(value) and idents and not _NOT_MACROS.intersection(idents))


def _unresolved(name: str, value: str, r: Resolved, side: str, hint: str = "") -> str:
    what = r.unknown[0] if r.unknown else value
    close = f" (close matches: {', '.join(r.close)})" if r.close else ""
    return (f"-D {name}={value}: {what} is not a macro of {side}{close}, so {name} does "
            f"not resolve to a number there{hint}; give a defined name or a number")


def check_defines(defines: Mapping[str, str], sdk: SdkLayouts) -> None:
    """VerifyUsageError for a -D that does not resolve to a number: in the SDK's headers
    (any -D naming macros), or in dxgk's (the interface-version macros)."""
    mine = subset_versions(defines)
    for name, value in defines.items():
        if not _names_macros(value):
            continue
        r = sdk.defines.get(name)
        if r is not None and r.value is None:
            ours = mine[name].value if name in mine else None
            hint = (f" (dxgk's headers resolve it to {ours:#x}: -D {name}={ours:#x} sets "
                    f"that number on both sides)") if ours is not None else ""
            raise VerifyUsageError(_unresolved(name, value, r, "the SDK headers", hint))
        if name in mine and mine[name].value is None:
            raise VerifyUsageError(_unresolved(name, value, mine[name], "dxgk's headers"))


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
        check_defines(defines, sdk)
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
            found = compare_layouts(name, mine, theirs)
            diffs = [d for d in found if d.is_layout]
            per[name] = StructResult(name, abi, "differs" if diffs else "match", diffs,
                                     mine, theirs, sdk.origin.get(name),
                                     [d for d in found if not d.is_layout])
        results[abi] = per
    return Report(tree, list(abis), defines, results, _dedupe(notes), checked, failed,
                  versions)


def _same_versions(defines: Mapping[str, str], sdk_versions: Mapping[str, int | None]
                   ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """The defines to lay dxgk's subset out with so that both sides describe the same
    interface version: the caller's -D, else the SDK's own default when it differs from
    dxgk's (an older SDK defaults to an older WDDM version); and what each side used."""
    ours = dict(defines)
    info: dict[str, dict[str, Any]] = {}
    mine = subset_default_versions()
    for name in VERSION_MACROS:
        theirs = sdk_versions.get(name)
        if name in defines:
            info[name] = {"how": "-D", "define": f"{name}={defines[name]}"}
        elif theirs is not None and theirs != mine.get(name):
            ours[name] = hex(theirs)
            info[name] = {"how": "sdk"}
        else:
            info[name] = {"how": "default"}
    used = subset_versions(ours)
    for name in VERSION_MACROS:
        info[name].update(sdk=sdk_versions.get(name), dxgk=used[name].value,
                          dxgk_default=mine.get(name))
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
        check_defines(defines or {}, sdk)
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
