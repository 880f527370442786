"""Decoding: a whole trace file, checked, into the arrays the replay engines run.

A trace is decoded completely before anything is executed: into an array of op records
(:data:`OP_DTYPE`, the C struct ``dxgk_rp_op`` of ``dxgk/core/replay.h``: one per line
after the header), a blob of struct bytes the ops point into, and a symbol table -- a
:class:`Trace`.

The file (plain, ``.gz`` or ``.zst``: :mod:`dxgk.trace.files`) is read in chunks of
:data:`CHUNK_BYTES` of whole lines. A chunk's runs of lines in the recorder's form are
decoded at once by :mod:`dxgk.trace.fast`; a run it refuses is split in halves until the
pieces are short, and those lines go through the line checker here, which accepts every
form the format allows and words every error. So the JSON text held at once is one chunk,
and the memory a decode takes is that of the op arrays it builds (about 64 bytes an op
plus its struct bytes: ~120 bytes a call against ~250 bytes of JSON), which grow in place.

Decision: nothing runs before the whole trace is checked -- the op arrays are the whole
trace, built first, and a replay starts only from a finished :class:`Trace` -- rather than
running chunk by chunk on scratch adapters and undoing on a late error (a late error
would then have spent the run, and a replay's results could not be handed out before
the last line was read). The bound this sets: a trace replays if its op arrays fit in
memory, whatever the size of its text (a 24 GiB machine holds ~190 M calls).

What it owns: :class:`Trace`, the line checker (``_Decoder``), the chunked reading and
:func:`decode`; it re-exports :data:`OP_DTYPE`, :data:`RESULT_DTYPE` and the op flags of
:mod:`dxgk.trace.format`.

Invariant kept: a malformed trace raises :class:`TraceError` with the number of its first
bad line and yields no ops (the fast path and the line checker agree on every line, and
runs are decoded in line order); in a decoded Trace every handle refers to a symbol
defined by an earlier line, or to a raw value the engines replay as a handle that names
no object -- so an engine never reaches an object the trace did not create.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from collections.abc import Sequence
from typing import IO, Any, Final

import numpy as np

from .._core import lib
from .checker import _BLANK, _TOO_DEEP, _Decoder, _parse
from .compact import Names, compact_kinds
from .fast import decode_run, line_kinds
from .files import compression_of, open_read
from .format import (  # noqa: F401  (the op records and flags: re-exported, as before)
    _CAPS_C,
    _F_DATA,
    _F_KEEP,
    _F_NULL_ARGS,
    _F_UNCHECKED,
    _LEVEL_C,
    _LEVEL_SIZE,
    CALLS,
    OP_DTYPE,
    RESULT_DTYPE,
    TraceError,
)
from .progress import _Progress

_CALL_CODES: Final[np.ndarray] = np.array(sorted(CALLS.values()), np.uint32)


@dataclass
class Trace:
    """A decoded trace: the op records the C engine runs, the blob of struct bytes they
    point into, and the symbol table (names, initial values)."""

    path: str | None
    header: dict[str, Any]
    ops: np.ndarray                       # OP_DTYPE, one record per line after the header
    blob: np.ndarray                      # uint8, 8-byte aligned
    names: Sequence[str | None]           # per symbol; None for a raw handle value
    initial: np.ndarray                   # uint64 per symbol: 0 (named), DXGK_RP_POISON (raw)
    lines: int = 0                        # lines read, header included

    @property
    def calls(self) -> int:
        """DDI calls and D3DKMT thunk calls (the object events are the other ops)."""
        return int(np.count_nonzero(np.isin(self.ops["code"], _CALL_CODES)))

    def __len__(self) -> int:
        return len(self.ops)

    def symbol(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"the trace defines no object named {name!r}") from None

    def symbols_of(self, prefix: str) -> list[str]:
        return [n for n in self.names if n is not None and n[0] == prefix]

    def symbol_indices(self, prefix: str) -> list[int]:
        """The symbols of the objects of one kind ("A", "P", ...), in order."""
        names = self.names
        if isinstance(names, Names):
            return [int(i) for i in names.of_kind(prefix)]
        return [i for i, n in enumerate(names) if n is not None and n[0] == prefix]

    def upto(self, line: int) -> Trace:
        """The trace cut after `line` (a prefix of the ops; the same symbols)."""
        n = int(np.searchsorted(self.ops["line"], line, side="right"))
        return Trace(self.path, self.header, self.ops[:n], self.blob, self.names,
                     self.initial, min(self.lines, line))

    def adapter_levels(self, name: str) -> list[dict[str, int]]:
        """The DXGK_PAGE_TABLE_LEVEL_DESC members of adapter `name`, leaf first."""
        s = self.symbol(name)
        hit = np.nonzero((self.ops["code"] == lib.DXGK_RP_ADAPTER_CREATE)
                         & (self.ops["out_sym"] == s))[0]
        if not len(hit):
            raise KeyError(f"{name!r} is not an adapter of the trace")
        op = self.ops[hit[0]]
        off = int(op["blob"]) + _CAPS_C.size + (-_CAPS_C.size % 8)
        raw = self.blob[off:off + int(op["n0"]) * _LEVEL_SIZE].tobytes()
        return [dict(zip(_LEVEL_C.names, _LEVEL_C.st.unpack_from(raw, i * _LEVEL_SIZE)))
                for i in range(int(op["n0"]))]


# bytes of the file read at a time (then to the end of that line): the JSON text held at
# once, whatever the size of the trace
CHUNK_BYTES: int = 1 << 20
# a run of lines that is not entirely in the recorder's form is split in two until the
# runs are this short, then decoded line by line
_SPLIT_MIN: Final[int] = 32


def decode(source: str | os.PathLike[str] | IO[bytes] | IO[str], *,
           progress: bool | None = None) -> Trace:
    """Reads and checks a whole trace; raises :class:`TraceError` (with the line number)
    at the first malformed line. Nothing is executed. A path is read as its extension
    says (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``); the text is read in chunks of
    :data:`CHUNK_BYTES`, so the memory it takes is that of the decoded op arrays."""
    path: str | None = None
    # the collector finds no cycles among the millions of objects decoding makes and
    # drops: pausing it is a third of the time
    paused = gc.isenabled()
    gc.disable()
    try:
        if isinstance(source, (str, os.PathLike)):
            path = os.fspath(source)
            with open_read(path) as f:
                total = os.path.getsize(path) if not compression_of(path) else 0
                return _decode_stream(f, path, total, progress)
        return _decode_stream(source, getattr(source, "name", None), 0, progress)
    finally:
        if paused:
            gc.enable()


def _read_chunk(f: Any) -> bytes:
    """The next chunk of whole lines (the last one may lack its newline at the end of the
    file); b"" at the end."""
    buf = f.read(CHUNK_BYTES)
    if buf and buf[-1:] not in (b"\n", "\n"):
        buf += f.readline()
    return buf.encode("utf-8", "surrogateescape") if isinstance(buf, str) else buf


def _decode_stream(f: Any, path: str | None, total: int, progress: bool | None) -> Trace:
    dec = _Decoder(path)
    bar = _Progress("decoding", total, enabled=progress, unit="bytes")
    header: dict[str, Any] | None = None
    done = 0
    try:
        while header is None:                       # the header: line by line
            raw = f.readline()
            if isinstance(raw, str):
                raw = raw.encode("utf-8", "surrogateescape")
            if not raw:
                raise ValueError("empty file: a trace starts with its header line")
            dec.line += 1
            done += len(raw)
            o = _parse(raw, raw[-1:] == b"\n")
            if o is _BLANK:
                raise ValueError("empty first line: a trace starts with its header")
            header = dec.header(o)
        while buf := _read_chunk(f):
            done += len(buf)
            lines = buf.split(b"\n")
            last_complete = buf[-1:] == b"\n"
            if last_complete:
                lines.pop()                         # after the last newline: nothing
            first = dec.line + 1
            _lines(dec, buf, lines, first, last_complete)
            dec.line = first + len(lines) - 1
            bar.update(done)
    except ValueError as e:
        bar.close()
        raise TraceError(max(dec.line, 1), str(e), path) from None
    except RecursionError:              # a value nested deeper than the checker can look
        bar.close()
        raise TraceError(max(dec.line, 1), _TOO_DEEP, path) from None
    bar.close(done)
    ops, blob, initial = dec.finish()
    return Trace(path, header, ops, blob, dec.names, initial, dec.line)


def _lines(dec: _Decoder, buf: bytes, lines: list[bytes], first: int,
           last_complete: bool) -> None:
    """Decodes lines `first`, `first` + 1, ... (`lines`, split from `buf`; the last one
    lacks its newline unless `last_complete`), in order: runs in the recorder's form at
    once, the others one by one."""
    arr = np.frombuffer(buf, np.uint8)
    starts = np.zeros(len(lines), np.int64)
    starts[1:] = np.flatnonzero(arr == 10)[:len(lines) - 1] + 1    # after each newline
    ends = np.append(starts[1:] - 1, len(buf) if not last_complete else len(buf) - 1)
    lengths = ends - starts
    kinds = compact_kinds(arr, starts) if dec.version >= 2 else np.zeros(len(lines), np.uint32)
    other = kinds == 0
    if other.any():                                 # object lines
        kinds[other] = line_kinds(buf, starts[other])
    kinds[lengths == 0] = 0
    nums = np.arange(first, first + len(lines), dtype=np.uint64)
    last = len(lines) - 1
    # runs of lines the fast path may take, split at those it does not take (kind 0:
    # the adapter event, blank lines, lines in another form)
    stack: list[tuple[int, int]] = []
    at = len(lines)
    for c in reversed(np.flatnonzero(kinds == 0).tolist()):
        stack += [(c + 1, at), (c, c + 1)]
        at = c
    stack.append((0, at))
    while stack:
        lo, hi = stack.pop()
        if hi <= lo:
            continue
        if kinds[lo]:
            if decode_run(dec, lines[lo:hi], nums[lo:hi], kinds[lo:hi]):
                continue
            if hi - lo >= _SPLIT_MIN:
                mid = (lo + hi) // 2
                stack += [(mid, hi), (lo, mid)]         # the first half first
                continue
        for i in range(lo, hi):
            dec.line = int(nums[i])
            o = _parse(lines[i], last_complete or i != last)
            if o is not _BLANK:
                dec.line_obj(o)
