"""Pictures of a replayed trace: ``python -m dxgk plot-vaspace run.jsonl -o va.png
[--process P1] [--line N]``.

The trace is replayed (C engine) and one process's GPU VA space is drawn as it is at the
end (or after line N):

* top: the VA space, 0 to 2^VirtualAddressBitCount, as a strip with the address
  increasing to the right. Mappings are filled in the colour of the segment their
  allocation lives in (Zero and NoAccess ranges in greys), reservations are hatched,
  holes are white. The space is 2^48 bytes and its mappings may be kilobytes, so the
  axis is linear in parts: the longest holes are cut out and drawn as labelled breaks,
  the rest is to scale, and ticks sit at round addresses (:mod:`dxgk.trace.vaxis`).
* bottom: page-table occupancy per level -- how many tables each level has and what
  fraction of their entries are valid (a 64 KB-format leaf has 1/16 of the entries).

matplotlib is an optional dependency (``pip install 'dxgk[plot]'``); it is imported only
here, when a picture is asked for.

What it owns: :func:`plot_vaspace` (replay, pick the process, draw, write the PNG) and
:func:`run_command`, the body of ``plot-vaspace`` (its output and exit code).

Invariant kept: everything drawn is read from the replayed state before the replay's
adapters are destroyed, and they are destroyed before drawing begins; a missing
matplotlib, a malformed trace or a bad ``--process`` / ``--line`` is found before anything
is drawn, and is exit code 2 with one line on stderr.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core import lib
from .decoder import Trace, decode
from .format import TraceError
from .replayer import replay
from .result import ReplayResult, allocation_info, page_table_stats, process_ranges
from .vaxis import build_axis

__all__ = ["MatplotlibMissing", "plot_vaspace", "run_command"]


class MatplotlibMissing(RuntimeError):
    """matplotlib is not installed."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MatplotlibMissing("plot-vaspace needs matplotlib, an optional dependency: "
                                "pip install 'dxgk[plot]' (or pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


@dataclass(frozen=True)
class _Range:
    va: int
    size: int
    kind: str            # "map", "zero", "noaccess", "reservation"
    segment: int         # map: the allocation's segment


def _human(n: int) -> str:
    for unit, div in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            v = n / div
            return f"{v:.0f} {unit}" if v >= 100 or v == int(v) else f"{v:.3g} {unit}"
    return f"{n} B"


def _process_lines(trace: Trace) -> dict[str, int]:
    """The line that creates each process of the trace (a system process: its adapter's)."""
    ops = trace.ops
    out: dict[str, int] = {}
    for code, col in ((lib.DXGK_RP_ADAPTER_CREATE, "sym0"), (lib.DXGK_RP_PROCESS_BEGIN,
                                                            "out_sym")):
        for i in np.flatnonzero(ops["code"] == code).tolist():
            s = int(ops[col][i])
            if s < len(trace.names) and trace.names[s] is not None:
                out.setdefault(trace.names[s], int(ops["line"][i]))   # type: ignore[arg-type]
    return out


def _pick_process(r: ReplayResult, name: str | None, created: dict[str, int],
                  line: int | None) -> str:
    names = r.trace.symbols_of("P")
    if name is not None:
        if name not in names:
            raise ValueError(f"the trace defines no process {name!r} (it has "
                             f"{', '.join(names) or 'none'})")
        if lib.dxgk_vm_handle_type(r.handle(name)) != lib.DXGK_VM_T_PROCESS:
            at = created.get(name)
            if line is not None and at is not None and line < at:
                raise ValueError(f"process {name} is created on line {at}, after --line "
                                 f"{line} (pick a later --line, at least {at})")
            raise ValueError(f"process {name} does not exist at that point of the trace "
                             f"(its creation failed or it was destroyed: pick another with "
                             f"--process, or an earlier --line)")
        return name
    best, best_n = None, -1
    for n in names:
        h = r.handle(n)
        if lib.dxgk_vm_handle_type(h) != lib.DXGK_VM_T_PROCESS:
            continue
        k = len(process_ranges(h, lib.DXGK_VM_WANT_MAPPINGS | lib.DXGK_VM_WANT_RESERVATIONS))
        if k > best_n:
            best, best_n = n, k
    if best is None:
        first = min(created.values(), default=None)
        if first is None:
            raise ValueError("the trace creates no process (no adapter event): nothing to "
                             "draw")
        if line is not None and line < first:
            raise ValueError(f"no process exists yet after line {line}: the first is created "
                             f"on line {first} (pick a later --line, at least {first})")
        raise ValueError("no process of the trace exists at that point (the trace destroyed "
                         "them; pick an earlier --line)")
    return best


def _ranges(process: int) -> list[_Range]:
    out = []
    seg_of: dict[int, int] = {}
    for m in process_ranges(process, lib.DXGK_VM_WANT_MAPPINGS | lib.DXGK_VM_WANT_RESERVATIONS):
        if m.kind == "reservation":
            out.append(_Range(m.va, m.size, "reservation", 0))
            continue
        seg = 0
        if m.kind in ("map", "system"):     # "system": drawn as the map it is
            seg = seg_of.get(m.allocation, -1)
            if seg < 0:
                seg = seg_of[m.allocation] = allocation_info(m.allocation).segment
        out.append(_Range(m.va, m.size, "map" if seg else m.kind, seg))
    return out


def plot_vaspace(trace_path: str | os.PathLike[str], out_png: str | os.PathLike[str], *,
                 process: str | None = None, line: int | None = None,
                 progress: bool | None = None) -> dict[str, Any]:
    """Replays the trace (up to `line`), draws `process` (default: the process with the
    most ranges) and writes `out_png`. Returns what was drawn (for tests and logs)."""
    plt = _pyplot()
    from matplotlib.patches import Patch, Rectangle

    if line is not None and line < 1:
        raise ValueError(f"--line {line}: a line number of the trace is 1 or more (line 1 "
                         f"is the header)")
    tr = decode(trace_path, progress=progress)
    with replay(tr, check=False, keep=True, progress=progress, upto_line=line) as r:
        pname = _pick_process(r, process, _process_lines(tr), line)
        ph = r.handle(pname)
        ranges = _ranges(ph)
        pts = page_table_stats(ph)
        bits = _index_bits(r, ph)
        va_bits = 12 + sum(bits)

    fig, (ax, bx) = plt.subplots(2, 1, figsize=(13, 6.2),
                                 gridspec_kw={"height_ratios": [1.25, 1]})
    seg_ids = sorted({g.segment for g in ranges if g.kind == "map"})
    palette = plt.get_cmap("tab10")
    colour = {sid: palette((sid - 1) % 10) for sid in seg_ids}
    kind_colour = {"zero": "#c8c8c8", "noaccess": "#6e6e6e"}
    axis = build_axis([(g.va, g.size) for g in ranges], 1 << va_bits)
    y0, h = 0.15, 0.7
    thin = 0.0008                                   # narrowest drawn range (visible)
    ax.add_patch(Rectangle((0, y0), 1.0, h, facecolor="white", edgecolor="#bbbbbb",
                           linewidth=0.8))
    for g in ranges:
        x0 = axis.x(g.va)
        w = max(axis.x(g.va + g.size) - x0, thin)
        if g.kind == "reservation":
            ax.add_patch(Rectangle((x0, y0), w, h, facecolor="white", edgecolor="#8a5a00",
                                   hatch="////", linewidth=0.6))
        else:
            c = colour.get(g.segment, "#999999") if g.kind == "map" else kind_colour[g.kind]
            ax.add_patch(Rectangle((x0, y0), w, h, facecolor=c, edgecolor="white",
                                   linewidth=0.2 if w > 1 / 400 else 0))
    for _, size, x0, x1 in axis.cuts:               # a cut hole: a break with its size
        ax.add_patch(Rectangle((x0, y0 - 0.06), x1 - x0, h + 0.12, facecolor="#f2f2f2",
                               edgecolor="none", zorder=3))
        for xb in (x0 + (x1 - x0) * 0.3, x0 + (x1 - x0) * 0.7):
            ax.plot([xb - 0.003, xb + 0.003], [y0 - 0.08, y0 + h + 0.08], color="#555555",
                    linewidth=0.9, zorder=4)
        ax.text((x0 + x1) / 2, y0 + h / 2, _human(size), ha="center", va="center",
                fontsize=6.5, color="#555555", rotation=90, zorder=5)
    ax.set_xlim(0, 1.0)
    ax.set_ylim(0, 1.0)
    ax.set_yticks([])
    ax.set_xticks([x for x, _ in axis.ticks])
    ax.set_xticklabels([f"{va:#x}" for _, va in axis.ticks], fontsize=7, rotation=20,
                       ha="right")
    ax.set_xlabel("GPU VA, to scale between breaks; each break is a hole cut out of the "
                  "axis, labelled with its size" if axis.cuts else "GPU VA, to scale",
                  fontsize=8)
    n_maps = sum(1 for g in ranges if g.kind != "reservation")
    n_res = len(ranges) - n_maps
    mapped = sum(g.size for g in ranges if g.kind != "reservation")
    ax.set_title(f"{os.path.basename(os.fspath(trace_path))}: process {pname} -- "
                 f"{n_maps} mappings ({_human(mapped)}), {n_res} reservations"
                 + (f", after line {line}" if line else ""), fontsize=10)
    legend = [Patch(facecolor=colour[s], label=f"segment {s}") for s in seg_ids]
    if any(g.kind == "zero" for g in ranges):
        legend.append(Patch(facecolor=kind_colour["zero"], label="Zero"))
    if any(g.kind == "noaccess" for g in ranges):
        legend.append(Patch(facecolor=kind_colour["noaccess"], label="NoAccess"))
    if n_res:
        legend.append(Patch(facecolor="white", edgecolor="#8a5a00", hatch="////",
                            label="reservation"))
    legend.append(Patch(facecolor="white", edgecolor="#bbbbbb", label="hole"))
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              frameon=False)

    # page-table occupancy per level
    levels = len(pts.tables)
    occ, labels = [], []
    for lv in range(levels):
        n_tables = pts.tables[lv]
        if lv == 0:
            full = n_tables - pts.leaf64k_tables
            cap = full * (1 << bits[0]) + pts.leaf64k_tables * (1 << max(bits[0] - 4, 0))
            valid = pts.valid_leaf_entries
        else:
            cap = n_tables * (1 << bits[lv])
            valid = pts.tables[lv - 1]
        occ.append(100.0 * valid / cap if cap else 0.0)
        extra = f", {pts.leaf64k_tables} in 64 KB format" if lv == 0 and pts.leaf64k_tables \
            else ""
        labels.append(f"{n_tables} table{'s' if n_tables != 1 else ''}{extra}: "
                      f"{valid:,} of {cap:,} entries valid")
    ypos = list(range(levels))
    bx.barh(ypos, occ, color="#4c72b0", height=0.6)
    for y, (o, text) in enumerate(zip(occ, labels)):
        bx.text(min(o, 100) + 1, y, f"{o:.2f} %  ({text})", va="center", fontsize=8)
    bx.set_yticks(ypos)
    bx.set_yticklabels([f"level {lv}" + (" (leaf)" if lv == 0 else " (root)"
                                         if lv == levels - 1 else "") for lv in ypos],
                       fontsize=8)
    bx.set_xlim(0, 180)
    bx.set_xticks([0, 25, 50, 75, 100])
    bx.set_xlabel("valid entries, % of the level's entries", fontsize=8)
    bx.set_title(f"page-table occupancy per level -- {_human(pts.table_bytes)} of tables, "
                 f"{pts.conversions} 64 KB->4 KB conversions", fontsize=10)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return {"process": pname, "mappings": n_maps, "reservations": n_res,
            "cut_holes": len(axis.cuts), "ticks": [va for _, va in axis.ticks],
            "segments": seg_ids, "tables": list(pts.tables), "occupancy": occ}


def _index_bits(r: ReplayResult, process_handle: int) -> list[int]:
    """PageTableIndexBitCount per level of the process's adapter (from the trace)."""
    adapter = lib.dxgk_vm_adapter_of(process_handle)
    for name in r.trace.symbols_of("A"):
        if r.handle(name) == adapter:
            return [lv["PageTableIndexBitCount"] for lv in r.trace.adapter_levels(name)]
    raise ValueError("the process's adapter is not one the trace created")


def run_command(file: str | os.PathLike[str], output: str | os.PathLike[str], *,
                process: str | None = None, line: int | None = None) -> int:
    """``python -m dxgk plot-vaspace FILE -o PNG [--process P] [--line N]``: 0 with the
    picture written (and one line on stdout saying what it shows), 2 with one line on
    stderr (no matplotlib, a malformed trace, no such process at that point)."""
    try:
        info = plot_vaspace(file, output, process=process, line=line)
    except MatplotlibMissing as e:
        print(f"dxgk plot-vaspace: {e}", file=sys.stderr)
        return 2
    except TraceError as e:
        print(f"dxgk plot-vaspace: {e}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as e:
        print(f"dxgk plot-vaspace: {e}", file=sys.stderr)
        return 2
    print(f"wrote {output}: process {info['process']}, {info['mappings']} mappings, "
          f"{info['reservations']} reservations")
    return 0
