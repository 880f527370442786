"""The package's layers, as DESIGN.md draws them: the import graph of dxgk/ read from the
source (every import statement, at module level or inside a function, except those under
``if TYPE_CHECKING:``), then checked for cycles and for arrows that point up the table."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import dxgk

PKG = Path(dxgk.__file__).resolve().parent
# A module may pass this many lines only if its opening paragraph says why.
LINE_BUDGET = 800


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}
# compiled extensions (dxgk._core): leaves of the graph, they import nothing of dxgk
EXTENSIONS = {f"dxgk.{p.name.split('.')[0]}" for p in PKG.glob("*.so")} | {"dxgk._core"}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path) -> set[str]:
    """The dxgk modules that module `name` imports."""
    tree = ast.parse(path.read_text(), str(path))
    is_pkg = path.name == "__init__.py"
    here = name if is_pkg else name.rpartition(".")[0]
    out: set[str] = set()

    def resolve(target: str) -> str | None:
        if target in EXTENSIONS:
            return None
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        return target or None

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                for a in child.names:
                    if a.name == "dxgk" or a.name.startswith("dxgk."):
                        if (m := resolve(a.name)) is not None:
                            out.add(m)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = here
                    for _ in range(child.level - 1):
                        base = base.rpartition(".")[0]
                    mod = f"{base}.{child.module}" if child.module else base
                else:
                    mod = child.module or ""
                if mod == "dxgk" or mod.startswith("dxgk."):
                    for a in child.names:
                        sub = f"{mod}.{a.name}"
                        m = sub if sub in MODULES else resolve(mod)
                        if m is not None:
                            out.add(m)
            visit(child)

    visit(tree)
    out.discard(name)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(GRAPH[n]):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (c := dfs(m)) is not None:
                return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(GRAPH):
        if n not in state and (c := dfs(n)) is not None:
            return c
    return None


def test_the_graph_sees_the_known_edges():
    # the reader itself: an edge we know exists must be found, or the checks below are void
    assert "dxgk.ddi" in GRAPH["dxgk.model"]
    assert "dxgk.layout" in GRAPH["dxgk.marshal"]
    assert "dxgk.marshal" in GRAPH["dxgk.kmt"]
    assert "dxgk.layout.show" in GRAPH["dxgk.cli"]          # a function-level import


def test_no_import_cycle_anywhere():
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_no_room_imports_the_cli():
    users = sorted(n for n, deps in GRAPH.items() if "dxgk.cli" in deps)
    assert users == ["dxgk.__main__"]


def test_the_product_never_imports_the_test_room():
    users = sorted(n for n, deps in GRAPH.items()
                   if any(d == "dxgk.testing" or d.startswith("dxgk.testing.") for d in deps)
                   and not n.startswith("dxgk.testing"))
    assert users == []


@pytest.mark.parametrize("lower, upper", [
    ("dxgk.layout", ("dxgk.structs", "dxgk.ddi", "dxgk.model", "dxgk.trace", "dxgk.verify",
                     "dxgk.bench")),
    ("dxgk.structs", ("dxgk.ddi", "dxgk.model", "dxgk.trace", "dxgk.verify", "dxgk.bench")),
    ("dxgk.marshal", ("dxgk.ddi", "dxgk.kmt", "dxgk.model", "dxgk.objects", "dxgk.trace",
                      "dxgk.verify", "dxgk.bench")),
    ("dxgk.ddi", ("dxgk.kmt", "dxgk.model", "dxgk.objects", "dxgk.trace", "dxgk.verify",
                  "dxgk.bench")),
    ("dxgk.kmt", ("dxgk.model", "dxgk.objects", "dxgk.usermode", "dxgk.trace",
                  "dxgk.verify", "dxgk.bench")),
    ("dxgk.model", ("dxgk.trace", "dxgk.verify", "dxgk.bench")),
    ("dxgk.trace", ("dxgk.verify", "dxgk.bench")),
    ("dxgk.verify", ("dxgk.ddi", "dxgk.model", "dxgk.trace", "dxgk.bench")),
])
def test_arrows_point_down_the_table(lower, upper):
    def inside(mod: str, room: str) -> bool:
        return mod == room or mod.startswith(room + ".")

    bad = sorted((n, d) for n, deps in GRAPH.items() if inside(n, lower)
                 for d in deps if any(inside(d, u) for u in upper))
    assert bad == []


def test_modules_past_the_budget_say_why():
    for name, path in MODULES.items():
        lines = len(path.read_text().splitlines())
        if lines > LINE_BUDGET:
            doc = ast.get_docstring(ast.parse(path.read_text())) or ""
            assert "lines" in doc and "because" in doc, (
                f"{name} has {lines} lines and its opening paragraph does not say why")


def test_c_files_past_the_budget_say_why():
    for path in sorted((PKG / "core").glob("*.[ch]")):
        text = path.read_text()
        if len(text.splitlines()) > LINE_BUDGET:
            top = text[:text.find("*/")] if text.startswith("/*") else ""
            assert "lines" in top and "because" in top, (
                f"{path.name} has {len(text.splitlines())} lines and its opening comment "
                "does not say why")


def test_every_c_file_and_module_opens_with_what_it_owns():
    for path in sorted((PKG / "core").glob("*.[ch]")):
        assert path.read_text().startswith("/*"), path.name
    for name, path in MODULES.items():
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc and len(doc.split()) >= 8, f"{name} has no opening paragraph"
