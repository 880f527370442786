"""The body of `python -m dxgk verify-header`, free of argparse (its options are defined in
dxgk/cli.py).

What it owns: `run_command` -- locate the SDK, read the `-D`s, compare (or, with
`structs`, show the SDK's own layouts of those records), print the text or JSON on stdout
and the notes on stderr -- and `parse_defines`.

Invariant kept: the exit status is 0 when everything matches, 1 when some layout differs,
2 for a usage error (no such folder, no display header, a bad -D, --abi, --limit or
--struct name, a -D that breaks dxgk's own headers, an unreadable or binary file, a header
past one of the bounds of `limits`), which is one `dxgk verify-header: ...` line on stderr.
Anything else is a bug and propagates.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence

from ..layout import ABI_NAMES
from .limits import budget, parse_limits
from .report import sdk_struct_layouts, verify
from .sdk import SdkTree, VerifyUsageError, locate_sdk

__all__ = ["parse_defines", "run_command"]


def parse_defines(items: Iterable[str]) -> dict[str, str]:
    """`-D NAME=VALUE` / `-D NAME` (= 1) -> {NAME: VALUE}."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise VerifyUsageError(f"-D {item}: expected NAME or NAME=VALUE")
        out[name] = value.strip() if eq else "1"
    return out



def run_command(sdk_include: str, *, abi: str = "all", defines: Sequence[str] = (),
                as_json: bool = False, structs: Sequence[str] = (), quiet: bool = False,
                limits: Sequence[str] = ()) -> int:
    """`python -m dxgk verify-header`. `abi`: one of ABI_NAMES, or "all"; `defines`: the
    `-D` items (NAME or NAME=VALUE); `structs`: lay out these records of the SDK headers
    instead of comparing; `limits`: `--limit` items (NAME=VALUE, see limits.Limits).
    Exit status: 0 all match, 1 differences, 2 usage error (or a bound reached)."""
    if isinstance(defines, str) or isinstance(structs, str) or isinstance(limits, str):
        raise TypeError("run_command: defines, structs and limits are sequences of strings")
    try:
        if abi != "all" and abi not in ABI_NAMES:
            raise VerifyUsageError(f"--abi {abi}: expected one of {', '.join(ABI_NAMES)} or all")
        bounds = parse_limits(limits)
        tree = locate_sdk(sdk_include)
        parsed = parse_defines(defines)
        abis = list(ABI_NAMES) if abi == "all" else [abi]
        with budget(bounds):
            if structs:
                return _run_struct(tree, abis, list(structs), parsed, as_json=as_json,
                                   quiet=quiet)
            report = verify(tree, abis, parsed)
    except VerifyUsageError as e:
        print(f"dxgk verify-header: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a -D that breaks dxgk's own headers, an unreadable file...
        from ..layout.preprocess import PreprocessError
        if isinstance(e, (PreprocessError, OSError)) or type(e).__name__ == "ParseError":
            print(f"dxgk verify-header: {e}", file=sys.stderr)
            return 2
        raise
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.to_text())
    if not quiet:
        for line in report.note_lines():
            print(f"note: {line}", file=sys.stderr)
    return report.exit_code


def _run_struct(tree: SdkTree, abis: list[str], structs: list[str], defines: dict[str, str],
                *, as_json: bool, quiet: bool) -> int:
    from ..layout.show import format_layout

    lays, origins, notes = sdk_struct_layouts(tree, abis, structs, defines)
    if as_json:
        print(json.dumps({"abis": {abi: {n: lay.to_json() for n, lay in per.items()}
                                   for abi, per in lays.items()},
                          "origins": origins,
                          "notes": [n.to_json() for n in notes]}, indent=2))
    else:
        blocks = []
        for per in lays.values():
            for n, lay in per.items():
                where = f"/* {origins[n]} */\n" if n in origins else ""
                blocks.append(where + format_layout(lay))
        print("\n\n".join(blocks))
    if not quiet:
        for note in notes:
            print(f"note: {note.text()}", file=sys.stderr)
    return 0
