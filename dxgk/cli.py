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

from .layout import ABI_NAMES

__all__ = ["main", "build_parser"]


def _cmd_layout(args: argparse.Namespace) -> int:
    from .layout.show import run_command
    return run_command(args.names, abi=args.abi, as_json=args.json)


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
