"""`python -m dxgk ...`: the command line.

    layout [--abi x86|x64|arm64] [--json] [NAME...]   pahole-style struct layouts
    verify-header --sdk-include DIR [...]              compare with a Windows SDK's headers
    demo                                               the main job (see README)
    replay FILE [--check]                              re-run a recorded trace (in C)
    gen-trace KIND --calls N --seed S [-o FILE]        write a synthetic trace
    bench [--json] [--quick]                           the benchmark harness
    plot-vaspace FILE -o PNG [--process P1]            draw a process's VA space
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import Sequence

from .layout import ABI_NAMES, StructLayout, cached_layouts, layout_of

__all__ = ["main", "format_layout"]


def format_layout(lay: StructLayout) -> str:
    """A pahole-like table: offset, size, bit range, type, name; holes and padding shown."""
    rows = [f"{lay.name}  /* {lay.abi}: size {lay.size}, align {lay.align} */ {{",
            f"    {'offset':>6} {'size':>5} {'bits':>9}  {'type':<36} name"]
    covered = bytearray(lay.size)
    leaves = [f for f in lay.fields
              if not any(g.name.startswith(f.name + ".") for g in lay.fields)]
    for f in leaves:
        for b in range(f.offset_bits // 8, min(lay.size, (f.offset_bits + f.size_bits + 7) // 8)):
            covered[b] = 1
    holes = _runs(covered)
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
    rows.append(f"}};  /* {len(lay.fields)} fields, {sum(h for _, h in holes)} bytes of holes/padding */")
    return "\n".join(rows)


def _runs(covered: bytearray) -> list[tuple[int, int]]:
    out = []
    i = 0
    while i < len(covered):
        if not covered[i]:
            j = i
            while j < len(covered) and not covered[j]:
                j += 1
            out.append((i, j - i))
            i = j
        else:
            i += 1
    return out


def _hole_row(start: int, length: int, size: int) -> str:
    what = "padding" if start + length == size else "hole"
    return f"    /* {what}: {length} byte{'s' if length != 1 else ''} at {start} */"


def _cmd_layout(args: argparse.Namespace) -> int:
    known = list(cached_layouts(args.abi))
    names = args.names or known
    unknown = [n for n in names if n not in known]
    if unknown:
        for n in unknown:
            close = difflib.get_close_matches(n, known, n=5, cutoff=0.5)
            hint = f" (close matches: {', '.join(close)})" if close else ""
            print(f"dxgk layout: no struct or union named {n!r}{hint}", file=sys.stderr)
        return 2
    layouts = [layout_of(n, args.abi) for n in names]
    if args.json:
        print(json.dumps({lay.name: lay.to_json() for lay in layouts}, indent=2))
    else:
        print("\n\n".join(format_layout(lay) for lay in layouts))
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import run_cli
    return run_cli(args)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo
    return run_demo()


def _cmd_replay(args: argparse.Namespace) -> int:
    from .trace import run_replay_cli
    return run_replay_cli(args.file, check=args.check, engine=args.engine, as_json=args.json)


def _cmd_gen_trace(args: argparse.Namespace) -> int:
    from .gentrace import generate
    info = generate(args.kind, args.calls, args.seed, args.output or sys.stdout, live=args.live)
    if args.output:
        print(f"wrote {args.output}: {info.calls} DDI calls, {info.events} object events, "
              f"{info.lines} lines", file=sys.stderr)
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_cli
    return run_cli(args)


def _cmd_plot_vaspace(args: argparse.Namespace) -> int:
    from .plot import run_cli
    return run_cli(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dxgk", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    lay = sub.add_parser("layout", help="show struct layouts (pahole-style, or --json)")
    lay.add_argument("--abi", choices=ABI_NAMES, default="x64")
    lay.add_argument("--json", action="store_true", help="machine-readable output")
    lay.add_argument("names", nargs="*", metavar="NAME")
    lay.set_defaults(func=_cmd_layout)
    ver = sub.add_parser("verify-header",
                         help="compare dxgk's structs with a Windows SDK/WDK's display headers")
    from .verify import add_arguments
    add_arguments(ver)
    ver.set_defaults(func=_cmd_verify)
    demo = sub.add_parser("demo", help="run the main demonstration")
    demo.set_defaults(func=_cmd_demo)
    rp = sub.add_parser("replay", help="re-execute a trace on fresh adapters (exit 1 with "
                        "--check if a result differs, 2 for a malformed trace)")
    rp.add_argument("file", metavar="FILE")
    rp.add_argument("--check", action="store_true", help="report every result that differs")
    rp.add_argument("--engine", choices=("c", "python"), default="c",
                    help="c: decoded once, run in C (default); python: through the facade")
    rp.add_argument("--json", action="store_true", help="machine-readable summary")
    rp.set_defaults(func=_cmd_replay)
    gt = sub.add_parser("gen-trace", help="write a synthetic workload as a trace")
    gt.add_argument("kind", choices=("churn", "fixed-range", "mixed-pages", "processes"))
    gt.add_argument("--calls", type=int, required=True, metavar="N", help="DDI calls")
    gt.add_argument("--seed", type=int, required=True, metavar="S")
    gt.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    gt.add_argument("--live", type=int, default=1024, metavar="L",
                    help="churn: target number of live allocations (default 1024)")
    gt.set_defaults(func=_cmd_gen_trace)
    bn = sub.add_parser("bench", help="run the benchmark harness")
    bn.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    bn.add_argument("--json", action="store_true", help="machine-readable output")
    bn.set_defaults(func=_cmd_bench)
    pv = sub.add_parser("plot-vaspace", help="draw a process's VA space after replaying a "
                        "trace (needs matplotlib: pip install 'dxgk[plot]')")
    pv.add_argument("file", metavar="FILE")
    pv.add_argument("-o", "--output", required=True, metavar="PNG")
    pv.add_argument("--process", metavar="P", help="symbolic name, e.g. P1 (default: the "
                    "process with the most ranges)")
    pv.add_argument("--line", type=int, metavar="N", help="the state after line N")
    pv.set_defaults(func=_cmd_plot_vaspace)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `python -m dxgk layout | head`
        sys.stderr.close()
        return 0
