"""verify-header, step 4 (lay out): dxgk's MSVC layout engine over the SDK's declarations,
with origins.

What it owns: `_make_engine`, a `dxgk.layout.engine.LayoutEngine` (the MSVC rules) that
also records where each declaration came from, lays out an enumeration even when it
cannot evaluate all its values (its type is 4 bytes whatever they are), understands
`offsetof` and `_Alignof`, and checks the SDK's own `C_ASSERT`s / `static_assert`s under
dxgk's layout.

Invariant kept: a declaration the engine cannot lay out costs only itself: each name it
declares is recorded as not laid out, with the reason, and a note says so (unless the
declaration is one of dxgk's stand-ins); an assertion dxgk cannot evaluate is not counted
as checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..layout import get_abi
from .limits import active_budget
from .sdk import _SHIMS_REAL, Note, Origin


def _make_engine(abi_name: str, notes: list[Note], rel: Any) -> Any:
    from pycparser import c_ast, c_generator

    from ..layout.engine import LayoutEngine, LayoutError

    class SdkEngine(LayoutEngine):
        """The MSVC layout engine, told where each declaration came from; enumerations
        it cannot fully evaluate still have their (fixed, 4-byte) type; `offsetof` and
        `_Alignof` are understood so that the SDK's static assertions can be checked."""

        def __init__(self) -> None:
            super().__init__(get_abi(abi_name))
            self.origin: dict[str, Origin] = {}
            self.unlaid: dict[str, str] = {}
            self.asserts_checked: set[tuple[str, str]] = set()
            self.asserts_failed: list[tuple[str, str]] = []
            self._where = ""

        def ignored_pack(self, value: int) -> None:
            notes.append(Note(self._where, f"#pragma pack({value}) ignored, as MSVC ignores "
                                           f"it (warning C4086: 1, 2, 4, 8 or 16 expected)"))

        def enum(self, node: Any) -> None:
            if node.values is None:
                return
            value, known = -1, True
            for e in node.values.enumerators:
                if e.value is not None:
                    try:
                        value, known = self.const(e.value), True
                    except Exception as err:  # noqa: BLE001 - any unevaluable value
                        known = False
                        notes.append(Note(self._where, f"enum {node.name or '(unnamed)'}: value "
                                                       f"of {e.name} unknown ({err}); the "
                                                       f"enumeration still lays out (4 bytes)"))
                else:
                    value += 1
                if known:
                    self.constants[e.name] = value
                else:
                    self.constants.pop(e.name, None)

        def const(self, node: Any) -> int:
            if (isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID)
                    and node.name.name == "offsetof" and node.args is not None
                    and len(node.args.exprs) == 2):
                return self._offsetof(node.args.exprs[0], node.args.exprs[1])
            if isinstance(node, c_ast.UnaryOp) and node.op in ("_Alignof", "__alignof"):
                return self.type_of(node.expr).align
            return super().const(node)

        def _offsetof(self, typename: Any, member: Any) -> int:
            t = self.type_of(typename)
            if t.kind != "record" or t.record is None:
                raise LayoutError("offsetof of a non-record type")
            path: list[str] = []
            index_bytes = 0
            node = member
            while True:
                if isinstance(node, c_ast.ID):
                    path.insert(0, node.name)
                    break
                if isinstance(node, c_ast.StructRef) and isinstance(node.field, c_ast.ID):
                    path.insert(0, node.field.name)
                    node = node.name
                    continue
                raise LayoutError("unsupported offsetof designator")
            want = ".".join(path)
            for f in t.record.flat_fields(detail=True):
                if f["name"] == want:
                    if f["bitfield"]:
                        raise LayoutError("offsetof a bitfield")
                    return int(f["offset_bits"]) // 8 + index_bytes
            raise LayoutError(f"no member {want}")

        def run_items(self, items: Iterable[tuple[Any, Origin]]) -> dict[str, Any]:
            gen = c_generator.CGenerator()
            budget = active_budget()
            for ext, origin in items:
                self._where = f"{rel(origin[0])}:{origin[1]}"
                budget.check_time(self._where)
                shim = str(origin[0]).startswith(_SHIMS_REAL)
                if isinstance(ext, c_ast.Pragma):
                    self.pragma(ext.string)
                    continue
                if isinstance(ext, c_ast.StaticAssert):
                    self._check(ext, gen)
                    continue
                names = _node_names(ext)
                for n in names:
                    self.origin.setdefault(n, origin)
                try:
                    self._external(ext)
                except Exception as err:  # noqa: BLE001 - never fatal: one declaration lost
                    label = ", ".join(names) or type(ext).__name__
                    why = (str(err) if isinstance(err, LayoutError)
                           else f"{type(err).__name__}: {err}")
                    for n in names:
                        self.unlaid.setdefault(
                            n, f"declared at {self._where} but not laid out: {why}")
                    if not shim:
                        notes.append(Note(self._where, f"{label}: not laid out: {why}",
                                          tuple(names)))
            before = len(self.skipped)
            self._finish_names()
            for s in self.skipped[before:]:
                name, _, why = s.partition(": ")
                where = self.origin.get(name)
                at = f"{rel(where[0])}:{where[1]}" if where else "?"
                self.unlaid.setdefault(name, f"declared at {at} but not laid out: {why}")
            return self.records

        def _check(self, ext: Any, gen: Any) -> None:
            try:
                ok = self.const(ext.cond)
            except Exception:  # noqa: BLE001 - an assertion dxgk cannot evaluate is not checked
                return
            expr = gen.visit(ext.cond)
            self.asserts_checked.add((self._where, expr))
            if not ok:
                self.asserts_failed.append((self._where, expr))

    return SdkEngine()


def _node_names(ext: Any) -> list[str]:
    from pycparser import c_ast

    if isinstance(ext, c_ast.Typedef):
        return [ext.name]
    if isinstance(ext, c_ast.Decl) and isinstance(ext.type, (c_ast.Struct, c_ast.Union)):
        return [ext.type.name] if ext.type.name else []
    return []
