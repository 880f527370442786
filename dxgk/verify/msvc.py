"""verify-header, step 2 (clean): the MSVC spellings pycparser cannot read and that carry
no layout.

What it owns: `clean_msvc` -- SAL annotations (`_In_`, `_Field_size_(n)`, `__drv_xxx`,
...), `__declspec(...)` other than `align`, `DECLSPEC_xxx` decorations and
`__attribute__((...))` removed; `__pragma(pack(...))` / `_Pragma("pack(...)")` turned into
a `#pragma` line; then dxgk's usual MSVC rewrite (dxgk.layout.preprocess). Also the
lexical pieces the splitter shares: the SAL 2 pattern and `_skip_literal`.

Invariant kept: only what carries no layout is removed. `__declspec(align(n))` is kept (the
layout engine honours it) with `n` folded to a number; an alignment that cannot be
evaluated becomes a token the parser rejects, so that its declaration is skipped with a
note instead of silently losing its alignment. `struct _TAG_` is a tag, not an annotation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["clean_msvc"]

# SAL 2 annotations: `_In_`, `_Field_size_bytes_(n)`, `_IRQL_requires_max_(x)`, ... all
# spelt _Capitalised_..._ ; SAL 1 / driver annotations: `__in`, `__out_ecount(n)`,
# `__drv_when(...)`, ...
_SAL2 = r"_[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*_"
_SAL1 = (r"__(?:drv_\w+|in|out|inout|deref|field|bcount|ecount|xcount|nullterminated|"
         r"nullnullterminated|possibly_notnullterminated|success|checkReturn|reserved|"
         r"callback|range|typefix|override|format_string|control_entrypoint|rpc_entry|"
         r"kernel_entry|gdi_entry|allowed|analysis_assume|struct_bcount|notnull|maybenull|"
         r"readonly|opt|post|pre|valid|notvalid|exceptthat|refparam|blocksOn)"
         r"(?:_[A-Za-z0-9_]*)?")
_ANNOTATION = re.compile(rf"(?<![\w$])(?:(?P<tag>struct|union|enum)\s+)?"
                         rf"(?P<name>{_SAL2}|{_SAL1}|DECLSPEC_[A-Za-z0-9_]+|__declspec|"
                         rf"__attribute__|__pragma|_Pragma)(?![\w$])")


def _matching_paren(text: str, open_at: int) -> int:
    """Index of the `)` matching the `(` at `open_at` (strings skipped), or -1."""
    depth = 0
    i = open_at
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_literal(text, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _skip_literal(text: str, i: int) -> int:
    quote = text[i]
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote or text[i] == "\n":
            return i + 1
        i += 1
    return i


def clean_msvc(text: str) -> str:
    """Remove annotations that carry no layout; keep `__declspec(align(n))`; turn
    `__pragma(pack(...))` into a `#pragma` line. Then dxgk's usual MSVC rewrite."""
    from ..layout.preprocess import _msvc_rewrite

    out: list[str] = []
    pos = 0
    for m in _ANNOTATION.finditer(text):
        if m.start() < pos:
            continue
        name = m.group("name")
        keyword = name in ("__declspec", "__attribute__") or name.startswith("DECLSPEC_")
        if m.group("tag") and not keyword:   # `struct _TAG_` is a tag, not an annotation
            continue
        j = m.end()
        while j < len(text) and text[j] in " \t\r\n":
            j += 1
        args = None
        end = m.end()
        if j < len(text) and text[j] == "(":
            close = _matching_paren(text, j)
            if close < 0:
                continue
            args = text[j + 1:close]
            end = close + 1
        elif name in ("__declspec", "__attribute__", "__pragma", "_Pragma"):
            continue                  # not a use of the keyword: leave it to the parser
        replacement = ""
        if name == "__declspec" and args is not None and re.match(r"\s*align\s*\(", args):
            replacement = _align_declspec(args)
        elif name in ("__pragma", "_Pragma") and args is not None:
            inner = args.strip()
            if name == "_Pragma":
                inner = inner.strip('"').replace('\\"', '"').replace("\\\\", "\\")
            if re.match(r"pack\b", inner):
                replacement = f"\n#pragma {inner}\n"
        out.append(text[pos:m.start("name")])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return _msvc_rewrite("".join(out))


def _align_declspec(args: str) -> str:
    """`__declspec(align(EXPR))` with EXPR folded to a number (dxgk's rewrite reads numbers
    only). An alignment dxgk cannot evaluate becomes a token the parser rejects, so that
    the declaration is skipped with a note instead of silently losing its alignment."""
    inner = args[args.index("(") + 1:args.rindex(")")] if ")" in args else ""
    value = _int_expr(inner)
    if value is None:
        return " __declspec_align_not_a_constant "
    return f"__declspec(align({value}))"


def _int_expr(text: str) -> int | None:
    """Value of an integer constant expression of literals and + - * / % << >> | & ~."""
    import ast

    text = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", text.strip())
    if not text or not re.fullmatch(r"[0-9a-fA-FxX\s()+\-*/%<>|&~]+", text):
        return None
    ops: dict[type[ast.operator], Callable[[int, int], int | None]] = {
           ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a // b if b else None,
           ast.FloorDiv: lambda a, b: a // b if b else None,
           ast.Mod: lambda a, b: a % b if b else None, ast.LShift: lambda a, b: a << b,
           ast.RShift: lambda a, b: a >> b, ast.BitOr: lambda a, b: a | b,
           ast.BitAnd: lambda a, b: a & b}

    def ev(node: ast.AST) -> int | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            v = ev(node.operand)
            if v is None or isinstance(node.op, ast.UAdd):
                return v
            return -v if isinstance(node.op, ast.USub) else ~v
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            a, b = ev(node.left), ev(node.right)
            if a is None or b is None:
                return None
            if isinstance(node.op, (ast.LShift, ast.RShift)) and not 0 <= b < 128:
                return None                  # no unbounded number: not a constant
            r = ops[type(node.op)](a, b)
            return r if r is None or -(1 << 63) <= r < (1 << 64) else None
        return None

    try:
        return ev(ast.parse(text, mode="eval").body)
    except (SyntaxError, ValueError, RecursionError):
        return None
