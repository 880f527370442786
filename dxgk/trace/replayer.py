"""Replay: a decoded trace run on fresh adapters, its results checked against the trace.

:func:`replay` decodes the trace (unless given a :class:`Trace`), cuts it at a line if
asked, and runs it with one of two engines: by default the op arrays run in C
(``dxgk_rp_execute``), chunk by chunk, with no Python work per call; ``engine="python"``
is the reference executor of :mod:`dxgk.trace.engine_py`. The trace's own adapter events
create the adapters.

What it owns: :func:`replay` and the C engine's driver (``_run_c``: the run state handed
to C, the chunk size, the progress bar, collecting the mismatches).

Invariant kept: nothing is executed for a malformed trace (decoding comes first, and
raises); the adapters a replay creates are destroyed before :func:`replay` returns unless
``keep`` is given -- by the C driver also when the engine fails midway.
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from .. import structs
from .._core import ffi, lib
from ..ddi import STATUS_INVALID_PARAMETER, DdiError
from ..description import KIND_NAMES
from ..model import Adapter
from ..records import Segment
from .decoder import Trace, decode
from .engine_py import _run_python
from .format import RESULT_DTYPE, _initial_kmt
from .progress import _Progress
from .result import Mismatch, ReplayResult, _mismatch


def replay(source: Trace | str | os.PathLike[str] | IO[bytes], *, check: bool = True,
           engine: str = "c", progress: bool | None = None, keep: bool = False,
           results: bool = False, max_mismatches: int | None = None,
           upto_line: int | None = None,
           after_op: Callable[[int, np.ndarray], None] | None = None,
           paging_log: bool = False, driver: Any = None,
           decoder: Any = None) -> ReplayResult:
    """Replays a trace on fresh adapters (the trace's own adapter events create them).

    ``check``: compare every result with the recorded one (``ReplayResult.mismatches``,
    in line order). ``engine``: "c" (the C engine, no Python per call) or "python" (each
    call through the facade -- a reference). ``keep``: leave the replayed adapters alive
    for inspection (then close the result); otherwise they are destroyed before
    returning. ``results``: also return every op's (value, status) array.
    ``progress``: a progress bar on stderr for runs over a second (None: if stderr is a
    terminal). ``upto_line``: stop after that line of the file. ``after_op(i, handles)`` (C
    engine): called after op ``i`` ran, with the live handle of each symbol -- the engine
    then runs one op per step, for tools
    that look at the model between lines (``python -m dxgk paging-log``). ``paging_log``:
    the replayed adapters keep their paging log (docs/behaviour.md 10.2; off by default:
    recording it costs the replay time). ``driver`` (C engine): every adapter the trace
    creates is ``dxgk.Adapter(driver=driver, decoder=decoder)`` with the trace's
    description as the defaults the driver's answers replace, and every object is made
    through the driver (docs/behaviour.md 10.1); the adapters are then
    ``ReplayResult.adapters``, and ``ReplayResult.validate()`` checks the driver's tables
    when a decoder is given (10.4). Raises
    :class:`TraceError` for a malformed trace before executing anything."""
    trace = source if isinstance(source, Trace) else decode(source, progress=progress)
    if upto_line is not None:
        trace = trace.upto(upto_line)
    if driver is None and decoder is not None:
        raise ValueError("replay: a decoder needs driver=... (docs/behaviour.md 10.4)")
    if engine == "c":
        r = _run_c(trace, check, progress, results, max_mismatches, after_op, paging_log,
                   driver, decoder)
    elif after_op is not None:
        raise ValueError("after_op needs the C engine")
    elif driver is not None:
        raise ValueError("replay: driver=... needs the C engine")
    elif engine == "python":
        r = _run_python(trace, check, results, max_mismatches, paging_log)
    else:
        raise ValueError(f"engine must be 'c' or 'python'; got {engine!r}")
    if not keep:
        r.close()
    return r


def _run_c(trace: Trace, check: bool, progress: bool | None, want_results: bool,
           max_mismatches: int | None,
           after_op: Callable[[int, np.ndarray], None] | None = None,
           paging_log: bool = False, driver: Any = None,
           decoder: Any = None) -> ReplayResult:
    ops = np.ascontiguousarray(trace.ops)
    n = len(ops)
    handles = trace.initial.copy()
    kmt = _initial_kmt(handles)
    chunk_cap = 1 << 16
    mm = ffi.new("dxgk_rp_mismatch[]", chunk_cap)
    res = np.zeros(n, RESULT_DTYPE) if want_results else None
    run = ffi.new("dxgk_rp_run *")
    keep = [ffi.from_buffer("dxgk_rp_op[]", ops) if n else ffi.NULL,
            ffi.from_buffer("uint8_t[]", trace.blob) if len(trace.blob) else ffi.NULL,
            ffi.from_buffer("uint64_t[]", handles) if len(handles) else ffi.NULL,
            ffi.from_buffer("dxgk_rp_result[]", res) if res is not None and n else ffi.NULL,
            ffi.from_buffer("uint32_t[]", kmt) if len(kmt) else ffi.NULL]
    run.ops, run.blob, run.handles, run.results, run.kmt = keep
    run.op_count = n
    run.blob_size = len(trace.blob)
    run.handle_count = len(handles)
    run.mismatches = mm
    run.mismatch_cap = chunk_cap
    run.check = 1 if check else 0
    run.paging_log = 1 if paging_log else 0
    mismatches: list[Mismatch] = []
    limit = max_mismatches if max_mismatches is not None else 1 << 62
    bar = _Progress("replaying", n, enabled=progress)
    step = 4096 if after_op is None else 1
    seconds = 0.0
    result = ReplayResult(trace, handles, mismatches, 0, 0.0, res, "c")
    if driver is not None:
        maker = _DriverAdapters(driver, decoder, paging_log, result.adapters)
        run.make_adapter = maker.callback
        keep.append(maker)
    try:
        while run.next < n:
            t0 = time.perf_counter()
            rc = lib.dxgk_rp_execute(run, step)
            dt = time.perf_counter() - t0
            seconds += dt
            if rc != lib.DXGK_RP_OK:
                raise RuntimeError(f"replay engine error {rc} at op {run.next} "
                                   f"(line {int(ops[run.next]['line'])})")
            for k in range(run.mismatch_count):
                if len(mismatches) >= limit:
                    break
                m = mm[k]
                mismatches.append(_mismatch(trace, int(m.op), m.expected_status,
                                            m.got_status, int(m.expected_value),
                                            int(m.got_value)))
            run.mismatch_count = 0
            if after_op is not None:
                after_op(int(run.next) - 1, handles)
                continue
            bar.update(int(run.next))
            # aim at ~50 ms per chunk: few Python round trips, a live progress bar
            if dt < 0.025 and step < chunk_cap:
                step *= 2
            elif dt > 0.1 and step > 256:
                step //= 2
    except BaseException:
        result.close()
        raise
    finally:
        bar.close(int(run.next))
    result.mismatch_total = int(run.mismatch_total)
    result.seconds = seconds
    if driver is not None and maker.error is not None:   # the caller's driver or decoder
        result.close()
        raise maker.error
    return result


class _DriverAdapters:
    """The run's make_adapter (replay.h): each adapter the trace creates brought up with
    the driver attached, as ``dxgk.Adapter`` does it; the Adapter objects go to `out`.
    A failed bring-up answers its status (the trace's line then mismatches)."""

    def __init__(self, driver: Any, decoder: Any, paging_log: bool, out: list[Any]) -> None:
        self.driver, self.decoder, self.paging_log, self.out = driver, decoder, paging_log, out
        self.callback = ffi.callback(
            "int32_t(void *, const void *, const void *, uint32_t, const void *, uint32_t, "
            "uint32_t, uint64_t *, uint64_t *)", self._make, onerror=self._error)
        self.error: BaseException | None = None

    def _make(self, ctx: Any, caps: Any, levels: Any, nlevels: int, segments: Any, nseg: int,
              deferred: int, out_adapter: Any, out_system: Any) -> int:
        c = structs.DXGK_GPUMMUCAPS.from_buffer_copy(
            ffi.buffer(caps, ctypes.sizeof(structs.DXGK_GPUMMUCAPS)))
        size = ctypes.sizeof(structs.DXGK_PAGE_TABLE_LEVEL_DESC)
        lv = [structs.DXGK_PAGE_TABLE_LEVEL_DESC.from_buffer_copy(
            ffi.buffer(ffi.cast("char *", levels) + k * size, size)) for k in range(nlevels)]
        sd = ffi.cast("dxgk_vm_segment_desc *", segments)
        segs = [Segment(int(sd[k].size), int(sd[k].page_size), KIND_NAMES[int(sd[k].kind)])
                for k in range(nseg)]
        try:
            a = Adapter(c, lv, segs, paging="deferred" if deferred else "immediate",
                        paging_log=lib.DXGK_PG_DEFAULT_CAPACITY if self.paging_log else 0,
                        driver=self.driver, decoder=self.decoder)
        except DdiError as e:
            return _signed(e.status)
        self.out.append(a)
        out_adapter[0] = a.handle
        out_system[0] = a.system_process.handle
        return 0

    def _error(self, exc: type[BaseException], value: BaseException, tb: Any) -> int:
        # a description the driver's answers make invalid, an attach refused: the line's
        # status, and the reason kept (never a traceback through C)
        self.error = value
        return _signed(STATUS_INVALID_PARAMETER)


def _signed(status: int) -> int:
    status &= 0xFFFFFFFF
    return status - (1 << 32) if status >= 1 << 31 else status
