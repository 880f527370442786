"""The body of ``python -m dxgk paging-log FILE [--process P] [--json] [--driver LIB:ENTRY]``:
a trace's paging stream (docs/behaviour.md 10.2) -- the DxgkDdiBuildPagingBuffer
operations (and SetRootPageTable calls) the model issues while the trace replays, each
with the trace line that caused it, and with ``--driver`` the DMA bytes the driver
submitted for each (the trace replayed with the driver attached, 10.6).

What it owns: the attribution of operations to lines (the C engine runs one op at a time
with a hook that notes each adapter's log position after it, and reads an adapter's log
before the line that destroys it) and the operations' one-line descriptions. The log
keeps the newest operations of each adapter (``Adapter(paging_log=N)``, 16384 by
default); older ones are counted, not shown.

Invariant kept: what is printed is read from the adapters' own logs (``dxgk.paging``),
never recomputed; a trace that does not decode prints one line and exits 2 with nothing
run.
"""

from __future__ import annotations

import bisect
import json
import sys
from typing import IO, Any

import numpy as np

from .. import paging
from ..paging import describe
from .._core import lib
from .decoder import decode
from .format import TraceError
from .command import DEFAULT_DDI_VERSION, load_driver
from .replayer import replay

def _json(op: Any, line: int | None, process: str | None) -> dict[str, Any]:
    return {"line": line, "sequence": op.sequence, "process": process,
            "operation": op.operation, "args": bytes(op.args).hex(),
            "entries": [bytes(e).hex() for e in op.entries], "data": op.data.hex(),
            "dma": op.dma.hex(), "dma_passes": list(op.dma_passes), "dma_size": op.dma_size}


class _Attribution:
    """Per adapter handle: the log position after each line (for the line of an op),
    and the operations read before the adapter went away."""

    def __init__(self) -> None:
        self.marks: dict[int, tuple[list[int], list[int]]] = {}   # h -> (next seqs, lines)
        self.logs: dict[int, list[Any]] = {}

    def note(self, h: int, line: int) -> None:
        cap, first, count = paging.log_range(h)
        nxt = first + count
        seqs, lines = self.marks.setdefault(h, ([], []))
        if not seqs or seqs[-1] != nxt:
            seqs.append(nxt)
            lines.append(line)

    def line_of(self, h: int, seq: int) -> int | None:
        seqs, lines = self.marks.get(h, ([], []))
        i = bisect.bisect_right(seqs, seq)
        return lines[i] if i < len(lines) else None


def run_paging_log(path: str, *, process: str | None = None, as_json: bool = False,
                   out: IO[str] | None = None, err: IO[str] | None = None,
                   driver: str | None = None,
                   ddi_version: int = DEFAULT_DDI_VERSION) -> int:
    """``python -m dxgk paging-log FILE``: 0, or 2 for a malformed or unreadable trace,
    an unknown ``--process`` or a driver that cannot be used (one line on `err`).
    ``driver``: ``LIB:ENTRY`` as for ``replay --driver``."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    table = None
    if driver is not None:
        try:
            table, _ = load_driver(driver, None, ddi_version)
        except ValueError as e:
            print(f"dxgk paging-log: {e}", file=err)
            return 2
    try:
        trace = decode(path, progress=None)
    except (TraceError, OSError) as e:
        print(f"dxgk paging-log: {e}", file=err)
        return 2
    if process is not None and (process[:1] != "P" or
                                process not in [n for n in trace.names if n]):
        print(f"dxgk paging-log: {path} defines no process named {process!r}", file=err)
        return 2
    ops = trace.ops
    adapters = [int(s) for s in trace.symbol_indices("A")]
    at = _Attribution()
    destroy = int(lib.DXGK_RP_ADAPTER_DESTROY)

    def live(handles: np.ndarray, s: int) -> int:
        h = int(handles[s])
        return h if h and lib.dxgk_vm_handle_type(h) == lib.DXGK_VM_T_ADAPTER else 0

    def after(i: int, handles: np.ndarray) -> None:
        line = int(ops["line"][i])
        for s in adapters:
            h = live(handles, s)
            if h:
                at.note(h, line)
        if i + 1 < len(ops) and int(ops["code"][i + 1]) == destroy:
            h = live(handles, int(ops["sym0"][i + 1]))
            if h:                                  # its log goes with it: read it now
                at.logs[h] = paging.read_log(h, int, _raise)

    try:
        r = replay(trace, check=False, keep=True, after_op=after, paging_log=True,
                   driver=table)
    except (TypeError, ValueError) as e:        # the attach refused the driver
        print(f"dxgk paging-log: {e}", file=err)
        return 2
    try:
        names = {h: n for n, h in r.handles.items()}
        for s in adapters:
            h = int(r.handles_array[s])
            if live(r.handles_array, s):
                at.logs[h] = paging.read_log(h, int, _raise)
        rows = []
        for h, log in at.logs.items():
            for op in log:
                who = names.get(op.process) if op.process else None
                if process is None or who == process:
                    rows.append((at.line_of(h, op.sequence) or 0, op.sequence, h, who, op))
        rows.sort(key=lambda x: (x[0], x[2], x[1]))
        if as_json:
            json.dump([_json(op, line or None, who) for line, _, _, who, op in rows], out,
                      indent=1)
            out.write("\n")
        else:
            for line, seq, h, who, op in rows:
                print(f"{path}:{line}: {names.get(h, '?')}/{who or '-'} #{seq} "
                      f"{op.operation} {describe(op, names)}", file=out)
            print(f"{len(rows)} paging operation(s)", file=out)
    finally:
        r.close()
    return 0


def _raise(st: int) -> None:
    if st:
        raise RuntimeError(f"reading a paging log failed with NTSTATUS {st & 0xFFFFFFFF:#x}")
