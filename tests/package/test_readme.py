"""The README runs as written: every ```python block executes, and every result its
comments show is what the code prints.

The README's conventions, which this test reads (and which keep the blocks copy-pasteable):

- Each ```python block is self-contained and runs in a fresh namespace, in a scratch
  directory whose ``build`` is the checkout's ``build`` (where ``make example-c`` puts
  the C example's library). A block right after ``<!-- readme: not run (reason) -->`` is
  skipped (none should be, without a reason a reader would accept).
- ``stmt  # → EXPECTED`` checks the statement's value: an expression's value, or the
  value an assignment gives its one name. ``EXPECTED`` ends at an em dash (`` — ``),
  after which prose may follow. When it is a Python literal (``0x10000``,
  ``(True, 2, 0x1234, 4096)``, ``'STATUS_NO_MEMORY'``) the value must equal it, of the
  same type; otherwise it must equal the value's repr, where ``...`` stands for any text.
- ``# prints:`` on the lines right after a statement, followed by comment lines, gives
  what the statement writes to standard output, line by line (the text after ``#``,
  less the indentation the lines share).
- Each ``examples/*.c`` file is one ```c block, byte for byte.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import shutil
import subprocess
import textwrap
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ARROW = "# →"
SKIP = re.compile(r"<!--\s*readme:\s*not run\s*\((.+)\)\s*-->")


def _blocks(lang: str) -> list[tuple[int, str, str | None]]:
    """(first line number, source, skip reason) of every ```lang block."""
    out: list[tuple[int, str, str | None]] = []
    lines = README.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == f"```{lang}":
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            prev = next((ln for ln in reversed(lines[:i]) if ln.strip()), "")
            m = SKIP.search(prev)
            out.append((i + 2, "\n".join(lines[i + 1:j]) + "\n", m.group(1) if m else None))
            i = j
        i += 1
    return out


def _comments(source: str) -> dict[int, str]:
    """Line number (1-based) -> the comment on that line."""
    found = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            found[tok.start[0]] = tok.string
    return found


def _matches(value: object, expected: str) -> bool:
    if "..." not in expected:
        try:
            literal = ast.literal_eval(expected)
        except (ValueError, SyntaxError):
            return repr(value) == expected
        return type(value) is type(literal) and value == literal
    pattern = ".*".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, repr(value), re.DOTALL) is not None


def _checks(source: str) -> list[tuple[ast.stmt, str | None, list[str] | None]]:
    """Each top-level statement with its expected value and expected output."""
    tree = ast.parse(source)
    comments = _comments(source)
    lines = source.splitlines()
    out: list[tuple[ast.stmt, str | None, list[str] | None]] = []
    for stmt in tree.body:
        end = stmt.end_lineno or stmt.lineno
        arrows = [comments[n] for n in range(stmt.lineno, end + 1)
                  if n in comments and comments[n].startswith(ARROW)]
        assert len(arrows) <= 1, f"line {stmt.lineno}: one '# →' per statement"
        expected = None
        if arrows:
            expected = arrows[0][len(ARROW):].split(" — ")[0].strip()
            assert isinstance(stmt, ast.Expr) or (
                isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)), \
                f"line {stmt.lineno}: '# →' needs an expression or `name = ...`"
        printed = None
        if end < len(lines) and lines[end].strip() == "# prints:":
            shown = []
            n = end + 1
            while n < len(lines) and lines[n].lstrip().startswith("#"):
                shown.append(lines[n].lstrip()[1:])
                n += 1
            printed = textwrap.dedent("\n".join(shown)).splitlines()
        out.append((stmt, expected, printed))
    return out


def _run_block(source: str, where: str) -> int:
    """Runs one block; returns how many results it checked."""
    namespace: dict[str, object] = {"__name__": "__readme__"}
    checked = 0
    for stmt, expected, printed in _checks(source):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), where, "eval"), namespace)
            else:
                exec(compile(ast.Module([stmt], []), where, "exec"), namespace)
                value = None
                if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    value = namespace[stmt.targets[0].id]
        if expected is not None:
            assert _matches(value, expected), \
                f"{where}, line {stmt.lineno}: README shows {expected}, the code gives {value!r}"
            checked += 1
        if printed is not None:
            got = buf.getvalue().splitlines()
            assert [g.rstrip() for g in got] == [p.rstrip() for p in printed], \
                f"{where}, line {stmt.lineno}: README shows {printed}, the code prints {got}"
            checked += 1
    return checked


@pytest.fixture(scope="module")
def example_lib() -> Path:
    """Builds the C example the way the README says (`make example-c`)."""
    if shutil.which("make") is None or shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("make and a C compiler are needed to build the C example")
    subprocess.run(["make", "-s", "example-c"], cwd=ROOT, check=True)
    return ROOT / "build"


BLOCKS = _blocks("python")


def test_readme_has_python_blocks() -> None:
    assert len(BLOCKS) >= 4
    assert all(reason is None for _, _, reason in BLOCKS), "every README block runs"


@pytest.mark.parametrize("first_line, source",
                         [(n, s) for n, s, reason in BLOCKS if reason is None],
                         ids=[f"README.md:{n}" for n, _, r in BLOCKS if r is None])
def test_readme_block_runs_as_shown(first_line: int, source: str, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    example_lib: Path) -> None:
    (tmp_path / "build").symlink_to(example_lib, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    _run_block(source, f"README.md:{first_line}")


def test_every_block_checks_something() -> None:
    """A block that shows results shows them in the checked form."""
    for first_line, source, _ in BLOCKS:
        shown = sum(1 for _, e, p in _checks(source) if e is not None or p is not None)
        assert shown, f"README.md:{first_line}: no '# →' or '# prints:' result to keep true"


@pytest.mark.parametrize("name", ["driver_map.c", "umd_tiles.c"])
def test_c_example_is_the_shipped_file(name: str) -> None:
    text = (ROOT / "examples" / name).read_text(encoding="utf-8")
    assert any(src == text for _, src, _ in _blocks("c")), \
        f"the README's C example and examples/{name} differ"


def test_every_shipped_c_example_is_in_the_readme() -> None:
    shipped = {p.read_text(encoding="utf-8") for p in (ROOT / "examples").glob("*.c")}
    assert shipped <= {src for _, src, _ in _blocks("c")}


def test_checker_catches_a_wrong_comment() -> None:
    """The checker itself: a wrong shown value, a wrong repr and wrong output all fail."""
    with pytest.raises(AssertionError, match="README shows 0x11"):
        _run_block("x = 0x10  # → 0x11\n", "t")
    with pytest.raises(AssertionError):
        _run_block("True  # → 1 — a bool is not an int\n", "t")
    with pytest.raises(AssertionError, match="prints"):
        _run_block("print(1)\n# prints:\n#   2\n", "t")
    assert _run_block("[1, 'a']  # → [1, 'a']\nprint('3\\n 4')\n# prints:\n#   3\n#    4\n",
                      "t") == 2
    assert _run_block("object()  # → <object object at ...>\n", "t") == 1
