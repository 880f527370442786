"""DDI traces: record every call made through the facade, replay it, check it.

A trace is a JSON Lines file: a header line, then one line per DDI call or object
event, in execution order. Object handles are written as symbolic names (``"A0"``
adapters, ``"P3"`` processes, ``"D1"`` devices, ``"C0"`` contexts, ``"H5"``
allocations, ``"Q0"`` paging queues, ``"F2"`` fences) or, in the compact lines of
version 2, as object numbers, so a trace replays on fresh objects whose handle values
differ. The format is specified in README.md ("Traces"); :data:`FORMAT_DOC` is its summary.

    with dxgk.record("run.jsonl"):          # every DDI call through the facade and
        a = dxgk.Adapter()                  # every object-layer event is recorded
        ...
    r = dxgk.trace.replay("run.jsonl", check=True)   # on fresh adapters, in C
    r.mismatches                            # [] when every result is reproduced

One module per job, each importing only those listed before it:

* :mod:`dxgk.trace.files` -- trace files plain, ``.gz`` or ``.zst``, by extension;
* :mod:`dxgk.trace.format` -- the format: op tables and records, :class:`TraceError`,
  the struct codecs derived from the layout engine;
* :mod:`dxgk.trace.optable` -- the columns of version 2's compact lines, one row per
  line kind;
* :mod:`dxgk.trace.compact` -- compact lines: their object form, their fast decoding,
  the objects' numbers and names, reading and writing parsed lines;
* :mod:`dxgk.trace.progress` -- the progress bar of long decodes and replays;
* :mod:`dxgk.trace.recorder_kmt` -- the recorder's part for the user-mode thunks and
  objects (docs/behaviour.md 9);
* :mod:`dxgk.trace.recorder` -- :func:`record` and :class:`Recorder`;
* :mod:`dxgk.trace.fast` -- runs of lines in the recorder's form decoded at once
  (msgspec, numpy);
* :mod:`dxgk.trace.decoder` -- :func:`decode`: a whole file, read in chunks and checked,
  into op arrays (:class:`Trace`) before anything runs;
* :mod:`dxgk.trace.result` -- :class:`ReplayResult`, :class:`Mismatch` and the readers
  of replayed objects by handle;
* :mod:`dxgk.trace.engine_py` -- the Python reference engine;
* :mod:`dxgk.trace.replayer` -- :func:`replay` and the C engine's driver;
* :mod:`dxgk.trace.command` -- the body of ``python -m dxgk replay``;
* :mod:`dxgk.trace.paging_cmd` -- the body of ``python -m dxgk paging-log``;
* :mod:`dxgk.trace.plot` -- ``python -m dxgk plot-vaspace`` (matplotlib); not imported
  here.

This module only re-exports: every name code and tests use as ``dxgk.trace.<name>``.
"""

from __future__ import annotations

from .command import _execute as _execute
from .command import run_replay
from .decoder import Trace, decode
from .format import (
    CALLS,
    EVENTS,
    FORMAT_DOC,
    FORMAT_NAME,
    FORMAT_VERSION,
    OP_DTYPE,
    RESULT_DTYPE,
    TraceError,
)
from .compact import Names, iter_lines, write_lines
from .progress import _Progress as _Progress
from .recorder import Recorder, record
from .replayer import replay
from .result import (
    Mismatch,
    ReplayResult,
    allocation_info,
    page_table_stats,
    process_ranges,
)

run_replay_cli = run_replay    # the name dxgk.cli has always called

__all__ = [
    "CALLS",
    "EVENTS",
    "FORMAT_DOC",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "OP_DTYPE",
    "RESULT_DTYPE",
    "Mismatch",
    "Names",
    "Recorder",
    "ReplayResult",
    "Trace",
    "TraceError",
    "allocation_info",
    "decode",
    "iter_lines",
    "page_table_stats",
    "process_ranges",
    "record",
    "replay",
    "run_replay",
    "run_replay_cli",
    "write_lines",
]
