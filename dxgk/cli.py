"""`python -m dxgk ...`: the command line.

    layout [--abi x86|x64|arm64] [--json] [NAME...]   pahole-style struct layouts
    verify-header --sdk-include DIR [...]              compare with a Windows SDK's headers
    demo                                               the main job (see README)
    replay FILE [--check]                              re-run a recorded trace (in C)
           [--driver LIB:ENTRY [--decoder SYM] [--validate]]   ... with a C driver attached
    gen-trace KIND --calls N --seed S [-o FILE]        write a synthetic trace
                 [--trace-version 1|2]                (2: compact lines)
    bench [--json] [--quick]                           the benchmark harness
    plot-vaspace FILE -o PNG [--process P1]            draw a process's VA space
    paging-log FILE [--process P1] [--json]            a trace's paging stream, by line
               [--driver LIB:ENTRY]                    ... and a C driver's DMA bytes

What it owns: the argument syntax of every command, and nothing else -- each command's
body is the entry point of its room (``layout.show``, ``verify``, ``demo``, ``trace``,
``bench``), imported only when that command runs, so ``--help`` stays cheap. Invariant
kept: the CLI imports the rooms; no room imports the CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from .layout.abi import ABI_NAMES

__all__ = ["build_parser", "main"]

GEN_TRACE_KINDS = ("churn", "fixed-range", "mixed-pages", "processes", "tiled")


class _Parser(argparse.ArgumentParser):
    """A bad command line is one line on stderr and exit 2 (no usage block)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def ulong(text: str) -> int:
    """A ULONG given in decimal or 0x hex (argparse turns the ValueError into exit 2)."""
    v = int(text, 0)
    if not 0 <= v <= 0xFFFFFFFF:
        raise ValueError(text)
    return v


def _cmd_layout(args: argparse.Namespace) -> int:
    from .layout.show import run_command
    return run_command(args.names, abi=args.abi, as_json=args.json)


def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import run_command
    return run_command(args.sdk_include, abi=args.abi, defines=args.defines,
                       as_json=args.json, structs=args.struct, quiet=args.quiet,
                       limits=args.limits)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo
    return run_demo()


def _cmd_replay(args: argparse.Namespace) -> int:
    from .trace import run_replay_cli
    return run_replay_cli(args.file, check=args.check, engine=args.engine, as_json=args.json,
                          driver=args.driver, decoder=args.decoder, validate=args.validate,
                          ddi_version=args.ddi_version)


def _cmd_gen_trace(args: argparse.Namespace) -> int:
    from .bench.workloads import run_command
    return run_command(args.kind, args.calls, args.seed, args.output, live=args.live,
                       version=args.trace_version)


def _cmd_paging_log(args: argparse.Namespace) -> int:
    from .trace.paging_cmd import run_paging_log
    return run_paging_log(args.file, process=args.process, as_json=args.json,
                          driver=args.driver, ddi_version=args.ddi_version)


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_command
    return run_command(quick=args.quick, as_json=args.json)


def _cmd_plot_vaspace(args: argparse.Namespace) -> int:
    from .trace.plot import run_command
    return run_command(args.file, args.output, process=args.process, line=args.line)


def _add_verify_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Lay out the display headers of a Windows SDK/WDK with dxgk's engine and "
                     "compare every struct of dxgk's subset with them, per ABI: size, "
                     "alignment, every field. Exit status 0: all match; 1: differences; "
                     "2: usage error. Declarations that cannot be read are skipped with a "
                     "note on stderr.")
    p.add_argument("--sdk-include", required=True, metavar="DIR",
                   help="a Windows Kits Include\\<version> folder (shared, um, km below it), "
                        "or a folder holding d3dukmdt.h, d3dkmddi.h, d3dumddi.h, dispmprt.h")
    p.add_argument("--abi", choices=(*ABI_NAMES, "all"), default="all",
                   help="ABI to compare (default: all three)")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]",
                   help="predefine a macro for the SDK headers and dxgk's subset alike, e.g. "
                        "-D DXGKDDI_INTERFACE_VERSION=DXGKDDI_INTERFACE_VERSION_WDDM2_0")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--struct", action="append", default=[], metavar="NAME",
                   help="lay out this struct/union of the SDK headers (any, not only dxgk's "
                        "subset) pahole-style instead of comparing; repeatable")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="do not print notes (skipped declarations, ...) on stderr")
    from .verify.limits import limits_help
    p.add_argument("--limit", dest="limits", action="append", default=[],
                   metavar="NAME=VALUE",
                   help="raise (or lower) a bound on reading the headers; past one the run "
                        f"stops with exit status 2. Defaults: {limits_help()}; repeatable")


def build_parser() -> argparse.ArgumentParser:
    from ._version import __version__

    p = _Parser(prog="python -m dxgk", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"dxgk {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    lay = sub.add_parser(
        "layout", help="show struct layouts (pahole-style, or --json)",
        description="Print the byte-exact layout of dxgk's structs and unions as the Windows "
                    "compiler places them: every member's offset, size and bit position, "
                    "padding holes included (pahole-style), or as JSON. Exit status 0; 2 for "
                    "a name that is not in dxgk's header subset (with close matches).")
    lay.add_argument("--abi", choices=ABI_NAMES, default="x64",
                     help="the Windows ABI to lay out for (default: x64)")
    lay.add_argument("--json", action="store_true",
                     help="machine-readable output: {name: {size, align, fields}}")
    lay.add_argument("names", nargs="*", metavar="NAME",
                     help="typedef or struct tag names, e.g. DXGKARGCB_MAPCONTEXTALLOCATION "
                          "(default: every struct and union of the subset)")
    lay.set_defaults(func=_cmd_layout)
    ver = sub.add_parser("verify-header",
                         help="compare dxgk's structs with a Windows SDK/WDK's display headers")
    _add_verify_arguments(ver)
    ver.set_defaults(func=_cmd_verify)
    demo = sub.add_parser(
        "demo", help="run the main demonstration",
        description="Create the default adapter, a process, device, context and a context "
                    "allocation; show a DXGKARGCB_MAPCONTEXTALLOCATION's bytes annotated, "
                    "call DxgkCbMapContextAllocation, print the VA and its page-table walk, "
                    "then make failing calls and print the status that says why. Takes no "
                    "arguments.")
    demo.set_defaults(func=_cmd_demo)
    rp = sub.add_parser("replay", help="re-execute a trace on fresh adapters (exit 1 with "
                        "--check if a result differs, 2 for a malformed trace)")
    rp.add_argument("file", metavar="FILE")
    rp.add_argument("--check", action="store_true", help="report every result that differs")
    rp.add_argument("--engine", choices=("c", "python"), default="c",
                    help="c: decoded once, run in C (default); python: through the facade")
    rp.add_argument("--json", action="store_true", help="machine-readable summary")
    rp.add_argument("--driver", metavar="LIB:ENTRY",
                    help="bring every adapter up with the C driver of shared library LIB: "
                         "ENTRY(DRIVER_INITIALIZATION_DATA *, ULONG version) fills its table "
                         "(docs/behaviour.md 10.6)")
    rp.add_argument("--decoder", metavar="SYMBOL",
                    help="the driver's page-table entry decoder in LIB (10.4)")
    rp.add_argument("--validate", action="store_true",
                    help="after the replay, check the driver's tables against the model's "
                         "(exit 1 if they differ)")
    rp.add_argument("--ddi-version", type=ulong, default=0x5023, metavar="V",
                    help="the interface version ENTRY is offered (default 0x5023, WDDM 2.0)")
    rp.set_defaults(func=_cmd_replay)
    gt = sub.add_parser("gen-trace", help="write a synthetic workload as a trace")
    gt.add_argument("kind", choices=GEN_TRACE_KINDS)
    gt.add_argument("--calls", type=int, required=True, metavar="N", help="DDI calls")
    gt.add_argument("--seed", type=int, required=True, metavar="S")
    gt.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    gt.add_argument("--live", type=int, default=1024, metavar="L",
                    help="churn: target number of live allocations (default 1024)")
    gt.add_argument("--trace-version", type=int, choices=(1, 2), default=2, metavar="V",
                    help="trace format: 2 compact lines (default), 1 object lines")
    gt.set_defaults(func=_cmd_gen_trace)
    bn = sub.add_parser(
        "bench", help="run the benchmark harness",
        description="Measure, in one process, the range allocator and the page tables (timed "
                    "in C), the facade's per-call cost next to a no-op cffi call, trace "
                    "decoding and replay per workload, and page-table memory per mapped GiB. "
                    "Each figure is the median [min..max] of repeated runs, after a line "
                    "describing the machine. The full run takes about a minute or two.")
    bn.add_argument("--quick", action="store_true",
                    help="smaller sizes, fewer repeats (well under a minute)")
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
    pl = sub.add_parser(
        "paging-log", help="print the paging operations a trace makes the model issue",
        description="Replay a trace and print, line by line, the DxgkDdiBuildPagingBuffer "
                    "operations (UPDATE_PAGE_TABLE, FLUSH_TLB, UPDATE_CONTEXT_ALLOCATION, "
                    "NOTIFY_RESIDENCY) and SetRootPageTable calls the model issued for it, "
                    "each with the trace line that caused it (docs/behaviour.md 10.2). Each "
                    "adapter's log keeps its newest 16384 operations. Exit status 0; 2 for a "
                    "malformed trace, an unknown --process or an unusable --driver.")
    pl.add_argument("file", metavar="FILE")
    pl.add_argument("--process", metavar="P", help="only this process's operations "
                    "(its name in the trace, e.g. P1)")
    pl.add_argument("--json", action="store_true",
                    help="a JSON list: line, sequence, process, operation, args / entries / "
                         "data as the hex of their bytes")
    pl.add_argument("--driver", metavar="LIB:ENTRY",
                    help="replay with this C driver attached (as for replay) and show the "
                         "DMA bytes it submitted for each operation")
    pl.add_argument("--ddi-version", type=ulong, default=0x5023, metavar="V",
                    help="the interface version ENTRY is offered (default 0x5023)")
    pl.set_defaults(func=_cmd_paging_log)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `python -m dxgk layout | head`
        sys.stderr.close()
        return 0
