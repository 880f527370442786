"""DDI traces: record every call made through the facade, replay it, check it.

A trace is a JSON Lines file: a header line, then one line per DDI call or object
event, in execution order. Object handles are written as symbolic names (``"A0"``
adapters, ``"P3"`` processes, ``"D1"`` devices, ``"C0"`` contexts, ``"H5"`` context
allocations), so a trace replays on fresh objects whose handle values differ. The
format is specified in README.md ("Traces"); :data:`FORMAT_DOC` below is its summary.

    with dxgk.record("run.jsonl"):          # every DDI call through the facade and
        a = dxgk.Adapter()                  # every object-layer event is recorded
        ...
    r = dxgk.trace.replay("run.jsonl", check=True)   # on fresh adapters, in C
    r.mismatches                            # [] when every result is reproduced

Replay decodes the whole file into arrays of op records (``dxgk_rp_op``, see
``dxgk/core/replay.h``) and a blob of struct bytes first -- a malformed trace is
reported with its line number before anything is executed -- and then runs the arrays
in C (``dxgk_rp_execute``), chunk by chunk, with no Python work per call. A pure
Python executor (``engine="python"``, through the facade) exists as a reference.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import functools
import json
import os
import re
import struct
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Final, Self

import numpy as np

from . import ddi, structs
from ._core import ffi, lib
from .layout import cached_layouts
from .model import AllocationInfo, Mapping, PageTableStats, Reservation, read_ranges

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "Mismatch",
    "Recorder",
    "ReplayResult",
    "Trace",
    "TraceError",
    "decode",
    "record",
    "replay",
]

FORMAT_NAME: Final[str] = "dxgk-trace"
FORMAT_VERSION: Final[int] = 1

_HOST_ABI: Final[str] = structs.HOST_ABI
_MASK32: Final[int] = 0xFFFFFFFF
_NULL_SYM: Final[int] = int(lib.DXGK_RP_NULL)
_POISON: Final[int] = int(lib.DXGK_RP_POISON)
_STATUS_SUCCESS: Final[int] = ddi.STATUS_SUCCESS
_STATUS_BY_NAME: Final[dict[str, int]] = {v: k for k, v in ddi._STATUS_NAMES.items()}
_NAME_RE: Final[re.Pattern[str]] = re.compile(r"[APDCH](?:0|[1-9][0-9]*)\Z")
_KIND_WORD: Final[dict[str, str]] = {"A": "adapter", "P": "process", "D": "device",
                                    "C": "context", "H": "allocation"}

# The callbacks and their op codes.
CALLS: Final[dict[str, int]] = {
    "DxgkCbCreateContextAllocation": int(lib.DXGK_RP_CREATE),
    "DxgkCbDestroyContextAllocation": int(lib.DXGK_RP_DESTROY),
    "DxgkCbMapContextAllocation": int(lib.DXGK_RP_MAP),
    "DxgkCbUpdateContextAllocation": int(lib.DXGK_RP_UPDATE),
    "DxgkCbReserveGpuVirtualAddressRange": int(lib.DXGK_RP_RESERVE),
}
EVENTS: Final[dict[str, int]] = {
    "adapter": int(lib.DXGK_RP_ADAPTER_CREATE),
    "adapter_destroy": int(lib.DXGK_RP_ADAPTER_DESTROY),
    "process_begin": int(lib.DXGK_RP_PROCESS_BEGIN),
    "process_end": int(lib.DXGK_RP_PROCESS_END),
    "process_destroy": int(lib.DXGK_RP_PROCESS_DESTROY),
    "device_create": int(lib.DXGK_RP_DEVICE_CREATE),
    "device_destroy": int(lib.DXGK_RP_DEVICE_DESTROY),
    "context_create": int(lib.DXGK_RP_CONTEXT_CREATE),
    "context_destroy": int(lib.DXGK_RP_CONTEXT_DESTROY),
}
_OP_NAMES: Final[dict[int, str]] = {v: k for k, v in {**CALLS, **EVENTS}.items()}
_DDI_CODES: Final[frozenset[int]] = frozenset(CALLS.values())
# ops whose result includes a value (VA / StartVirtualAddress), and its JSON key
_VALUE_KEY: Final[dict[int, str]] = {int(lib.DXGK_RP_MAP): "va", int(lib.DXGK_RP_CREATE): "va",
                                     int(lib.DXGK_RP_RESERVE): "StartVirtualAddress"}

FORMAT_DOC: Final[str] = """\
header   {"format": "dxgk-trace", "version": 1, "abi": "x64", ...metadata}
adapter  {"event": "adapter", "adapter": "A0", "system_process": "P0",
          "caps": {DXGK_GPUMMUCAPS}, "levels": [{DXGK_PAGE_TABLE_LEVEL_DESC}...],
          "segments": [{"size": int, "page_size": 4096|65536, "kind": "local"|"aperture"}]}
objects  {"event": "process_begin", "adapter": A, "process": P|null, "result": R}
         {"event": "process_end", "process": P, "keep": bool, "result": R}
         {"event": "device_create", "process": P, "device": D|null, "result": R}
         {"event": "context_create", "device": D, "context": C|null, "result": R}
         {"event": "adapter_destroy"|"process_destroy"|"device_destroy"|
          "context_destroy", <object>: name, "result": R}
calls    {"call": "DxgkCbCreateContextAllocation", "args": {struct},
          "result": {"status": S, "hAllocation": H|null, "va": int}}
         {"call": "DxgkCbDestroyContextAllocation", "hAdapter": A, "hAllocation": H,
          "result": {"status": S}}
         {"call": "DxgkCbMapContextAllocation", "hAdapter": A, "args": {struct},
          "result": {"va": int, "status": S}}
         {"call": "DxgkCbUpdateContextAllocation", "hAdapter": A, "args": {struct},
          "result": {"status": S}}
         {"call": "DxgkCbReserveGpuVirtualAddressRange", "hAdapter": A, "args": {struct},
          "result": {"status": S, "StartVirtualAddress": int}}
R = {"status": S}; S = "STATUS_..." name or an integer. A struct is its top-level
members by name (unions as their integer Value), any member of the layout -- bitfields
too, e.g. "Protection.Write" -- and optionally "_bytes" (hex of the whole struct,
applied first). Handle members are a name, null (NULL) or an integer: a value the trace
never named, replayed as a value that names no object (STATUS_INVALID_HANDLE).
"""


class TraceError(ValueError):
    """A malformed trace: ``line`` (1-based) and what is wrong with it."""

    def __init__(self, line: int, message: str, path: str | None = None) -> None:
        self.line = line
        self.message = message
        self.path = path
        where = f"{path}:{line}" if path else f"line {line}"
        super().__init__(f"{where}: {message}")


# ---- struct codecs (derived from the layout engine; no offset is written by hand) ------------


class _Codec:
    """One struct's JSON form: its top-level members by name, in declaration order.

    ``names`` are the members a recorder writes (unions as their integer value), packed
    and unpacked by one precompiled ``struct.Struct``. Any member of the layout -- also a
    bitfield or a dotted member such as ``Protection.Write`` -- may be given when
    decoding."""

    def __init__(self, name: str, handles: frozenset[str] = frozenset(),
                 data: str | None = None) -> None:
        lay = cached_layouts(_HOST_ABI)[name]
        self.name = name
        self.size: int = lay["size"]
        self.bits: dict[str, tuple[int, int]] = {
            f["name"]: (f["offset_bits"], f["size_bits"]) for f in lay["fields"]}
        taken: list[tuple[int, int]] = []
        members: list[tuple[str, int, int]] = []
        for f in lay["fields"]:
            if "." in f["name"] or f["bitfield"]:
                continue
            lo, n = f["offset_bits"], f["size_bits"]
            if any(a < lo + n and lo < b for a, b in taken):
                continue                     # another member of the same union
            if lo % 8 or n not in (8, 16, 32, 64):
                raise TypeError(f"{name}.{f['name']}: no integer form for {n} bits")
            taken.append((lo, lo + n))
            members.append((f["name"], lo // 8, n // 8))
        members.sort(key=lambda m: m[1])
        fmt, pos = "<", 0
        for _, off, n in members:
            if off > pos:
                fmt += f"{off - pos}x"
            fmt += {1: "B", 2: "H", 4: "I", 8: "Q"}[n]
            pos = off + n
        if self.size > pos:
            fmt += f"{self.size - pos}x"
        self.st = struct.Struct(fmt)
        assert self.st.size == self.size, (name, fmt)
        self.names: tuple[str, ...] = tuple(m[0] for m in members)
        self.offsets: dict[str, int] = {m[0]: m[1] for m in members}
        self.handles = frozenset(n for n in self.names if n in handles)
        self.handle_idx: tuple[int, ...] = tuple(i for i, n in enumerate(self.names)
                                                 if n in handles)
        self.data = data
        self.data_idx = self.names.index(data) if data else -1
        # role per position: 0 int, 1 handle, 2 data pointer
        self.roles: tuple[int, ...] = tuple(
            1 if n in self.handles else 2 if n == data else 0 for n in self.names)
        self.keys: tuple[str, ...] = self.names

    def read(self, raw: bytes | bytearray | memoryview, member: str) -> int:
        """The integer value of a top-level member in `raw`."""
        off = self.offsets[member]
        return int.from_bytes(raw[off:off + self.bits[member][1] // 8], "little")

    def to_json(self, raw: bytes, ref: Callable[[int], str], data_json: str = "null") -> str:
        """The JSON object of a struct's bytes; handles through `ref`."""
        vals = self.st.unpack(raw)
        parts = []
        for name, role, v in zip(self.names, self.roles, vals):
            s = str(v) if role == 0 else ref(v) if role == 1 else data_json
            parts.append(f'"{name}":{s}')
        return "{" + ",".join(parts) + "}"


_HANDLE_FIELDS: Final[frozenset[str]] = ddi._DXGK_HANDLE_FIELDS
_MAP_C = _Codec("DXGKARGCB_MAPCONTEXTALLOCATION", _HANDLE_FIELDS)
_CREATE_C = _Codec("DXGKARGCB_CREATECONTEXTALLOCATION", _HANDLE_FIELDS)
_UPDATE_C = _Codec("DXGKARGCB_UPDATECONTEXTALLOCATION", _HANDLE_FIELDS, "pPrivateDriverData")
_RESERVE_C = _Codec("DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE", _HANDLE_FIELDS)
_CAPS_C = _Codec("DXGK_GPUMMUCAPS")
_LEVEL_C = _Codec("DXGK_PAGE_TABLE_LEVEL_DESC")
_CODECS: Final[dict[int, _Codec]] = {
    int(lib.DXGK_RP_MAP): _MAP_C, int(lib.DXGK_RP_CREATE): _CREATE_C,
    int(lib.DXGK_RP_UPDATE): _UPDATE_C, int(lib.DXGK_RP_RESERVE): _RESERVE_C}
for _code, _c in _CODECS.items():
    assert lib.dxgk_rp_struct_size(_code) == _c.size, _c.name
assert lib.dxgk_rp_struct_size(lib.DXGK_RP_ADAPTER_CREATE) == _CAPS_C.size
_SEG_SIZE: Final[int] = ffi.sizeof("dxgk_vm_segment_desc")
_LEVEL_SIZE: Final[int] = _LEVEL_C.size
_SEG_KINDS: Final[dict[str, int]] = {"local": int(lib.DXGK_VM_SEG_LOCAL),
                                     "aperture": int(lib.DXGK_VM_SEG_APERTURE)}
_SEG_KIND_NAMES: Final[dict[int, str]] = {v: k for k, v in _SEG_KINDS.items()}


def _status_json(st: int) -> str:
    st &= _MASK32
    name = ddi._STATUS_NAMES.get(st)
    return f'"{name}"' if name else str(st)


# ---- the recorder ---------------------------------------------------------------------------


class Recorder:
    """Writes a trace of every DDI call made through :mod:`dxgk.ddi` and every object
    created or destroyed through :mod:`dxgk.model` while it is active (between
    ``__enter__`` and ``__exit__``; see :func:`record`).

    Calls are serialised while recording (one lock around each call and its line), so
    the order of the lines is the order in which the C core executed them. Object-layer
    events are written when they complete. Objects created before recording began are
    unknown to the trace: their handles are written as raw integers
    (``foreign_handles`` counts them) and a replay will not find them.
    """

    def __init__(self, target: str | os.PathLike[str] | IO[str], *,
                 meta: dict[str, Any] | None = None) -> None:
        self._target = target
        self._meta = dict(meta or {})
        self._file: IO[str] | None = None
        self._owns_file = False
        self._lock = threading.RLock()
        self._names: dict[int, str] = {}
        self._counters = dict.fromkeys("APDCH", 0)
        self._depth = 0
        self._pending: list[str] = []
        self.lines = 0
        self.calls = 0
        self.events = 0
        self.foreign_handles = 0

    # -- lifetime --

    def __enter__(self) -> Self:
        with _install_lock:
            if ddi._recorder is not None:
                raise RuntimeError("a dxgk trace is already being recorded in this process")
            if isinstance(self._target, (str, os.PathLike)):
                self._file = open(self._target, "w", encoding="utf-8", newline="\n",
                                  buffering=1 << 20)
                self._owns_file = True
            else:
                self._file = self._target
            header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "abi": _HOST_ABI,
                      "interface_version": _interface_version(), "dxgk": _dxgk_version()}
            for k, v in self._meta.items():
                header.setdefault(k, v)
            self._write(json.dumps(header, separators=(",", ":")))
            ddi._recorder = self
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stops recording and closes the file (if :func:`record` opened it)."""
        with _install_lock:
            if ddi._recorder is self:
                ddi._recorder = None
        with self._lock:
            if self._file is None:
                return
            self._flush_pending()
            if self._owns_file:
                self._file.close()
            else:
                self._file.flush()
            self._file = None
        if self.foreign_handles:
            warnings.warn(f"the trace uses {self.foreign_handles} handle value(s) of objects "
                          f"created before recording began; a replay cannot reproduce "
                          f"calls on them", RuntimeWarning, stacklevel=3)

    # -- names --

    @property
    def names(self) -> dict[int, str]:
        """The symbolic name given so far to each handle value (a copy)."""
        with self._lock:
            return dict(self._names)

    def _define(self, prefix: str, h: int) -> str:
        n = self._counters[prefix]
        self._counters[prefix] = n + 1
        name = f"{prefix}{n}"
        self._names[h] = name
        return name

    def _ref(self, h: int) -> str:
        """JSON for a handle value: its name, null, or the raw integer (foreign)."""
        name = self._names.get(h)
        if name is not None:
            return f'"{name}"'
        if h == 0:
            return "null"
        self.foreign_handles += 1
        return str(h)

    # -- output --

    def _write(self, line: str) -> None:
        f = self._file
        if f is None:
            return
        f.write(line)
        f.write("\n")
        self.lines += 1

    def _flush_pending(self) -> None:
        while self._pending:
            self._write(self._pending.pop(0))

    def _emit_event(self, line: str) -> None:
        # an event raised while a call is in progress (a garbage-collected adapter)
        # is written after that call's line
        self.events += 1
        if self._depth:
            self._pending.append(line)
        else:
            self._write(line)

    # -- the facade's hooks (dxgk.ddi calls these while ddi._recorder is set) --

    def _call(self, spec: Any, invoke: Callable[[int], int], args: Any, abi: str | None,
              got: list[Any], line: Callable[[], str]) -> int:
        with self._lock:
            self._depth += 1
            try:
                return spec.call(invoke, args, abi, ddi._status_ok)
            finally:
                self._depth -= 1
                if got:                  # the C call happened (even if write-back raised)
                    self.calls += 1
                    self._write(line())
                if not self._depth:
                    self._flush_pending()

    def map(self, hAdapter: Any, args: Any, abi: str | None) -> int:
        h = ddi._handle_arg(hAdapter, abi, "hAdapter")
        got: list[Any] = []
        c_map, size = lib.dxgk_py_map, _MAP_C.size

        def invoke(p: int) -> int:
            raw = ctypes.string_at(p, size) if p else None
            self._flush_pending()
            va = c_map(h, p)
            got.append((raw, va, lib.dxgk_last_status() & _MASK32))
            return va

        def line() -> str:
            raw, va, st = got[0]
            a = _MAP_C.to_json(raw, self._ref) if raw is not None else "null"
            return (f'{{"call":"DxgkCbMapContextAllocation","hAdapter":{self._ref(h)},'
                    f'"args":{a},"result":{{"va":{va},"status":{_status_json(st)}}}}}')

        return self._call(ddi._MAP, invoke, args, abi, got, line)

    def create(self, args: Any, abi: str | None) -> int:
        got: list[Any] = []
        c_create, size = lib.dxgk_py_create, _CREATE_C.size
        off = _CREATE_C.offsets["hAllocation"]

        def invoke(p: int) -> int:
            raw = ctypes.string_at(p, size) if p else None
            self._flush_pending()
            st = c_create(p) & _MASK32
            h = va = 0
            if st == _STATUS_SUCCESS and p:
                h = ctypes.c_uint64.from_address(p + off).value
                info = ffi.new("dxgk_vm_alloc_info *")
                if lib.dxgk_vm_allocation_info(h, info) == 0:
                    va = int(info.va)
            got.append((raw, st, h, va))
            return st

        def line() -> str:
            raw, st, h, va = got[0]
            a = _CREATE_C.to_json(raw, self._ref) if raw is not None else "null"
            new = f'"{self._define("H", h)}"' if h else "null"
            return (f'{{"call":"DxgkCbCreateContextAllocation","args":{a},'
                    f'"result":{{"status":{_status_json(st)},"hAllocation":{new},'
                    f'"va":{va}}}}}')

        return self._call(ddi._CREATE, invoke, args, abi, got, line)

    def update(self, hAdapter: Any, args: Any, abi: str | None) -> int:
        h = ddi._handle_arg(hAdapter, abi, "hAdapter")
        got: list[Any] = []
        c_update, size = lib.dxgk_py_update, _UPDATE_C.size

        def invoke(p: int) -> int:
            raw = ctypes.string_at(p, size) if p else None
            self._flush_pending()
            st = c_update(h, p) & _MASK32
            data = "null"
            if raw is not None:
                ptr = _UPDATE_C.read(raw, "pPrivateDriverData")
                n = _UPDATE_C.read(raw, "PrivateDriverDataSize")
                if ptr and (st == _STATUS_SUCCESS or n == 0):
                    data = f'"{ctypes.string_at(ptr, n).hex() if n else ""}"'
                elif ptr:
                    data = '"?"'         # not read by dxgk (the call failed): not captured
            got.append((raw, st, data))
            return st

        def line() -> str:
            raw, st, data = got[0]
            a = _UPDATE_C.to_json(raw, self._ref, data) if raw is not None else "null"
            return (f'{{"call":"DxgkCbUpdateContextAllocation","hAdapter":{self._ref(h)},'
                    f'"args":{a},"result":{{"status":{_status_json(st)}}}}}')

        return self._call(ddi._UPDATE, invoke, args, abi, got, line)

    def reserve(self, hAdapter: Any, args: Any, abi: str | None) -> int:
        h = ddi._handle_arg(hAdapter, abi, "hAdapter")
        got: list[Any] = []
        c_reserve, size = lib.dxgk_py_reserve, _RESERVE_C.size
        off = _RESERVE_C.offsets["StartVirtualAddress"]

        def invoke(p: int) -> int:
            raw = ctypes.string_at(p, size) if p else None
            self._flush_pending()
            st = c_reserve(h, p) & _MASK32
            start = ctypes.c_uint64.from_address(p + off).value \
                if p and st == _STATUS_SUCCESS else 0
            got.append((raw, st, start))
            return st

        def line() -> str:
            raw, st, start = got[0]
            a = _RESERVE_C.to_json(raw, self._ref) if raw is not None else "null"
            return (f'{{"call":"DxgkCbReserveGpuVirtualAddressRange",'
                    f'"hAdapter":{self._ref(h)},"args":{a},'
                    f'"result":{{"status":{_status_json(st)},"StartVirtualAddress":{start}}}}}')

        return self._call(ddi._RESERVE, invoke, args, abi, got, line)

    def destroy(self, hAdapter: Any, hAllocation: Any, abi: str | None) -> int:
        ha = ddi._handle_arg(hAdapter, abi, "hAdapter")
        hh = ddi._handle_arg(hAllocation, abi, "hAllocation")
        with self._lock:
            self._flush_pending()
            st = lib.dxgk_py_destroy(ha, hh) & _MASK32
            self.calls += 1
            self._write(f'{{"call":"DxgkCbDestroyContextAllocation","hAdapter":{self._ref(ha)},'
                        f'"hAllocation":{self._ref(hh)},'
                        f'"result":{{"status":{_status_json(st)}}}}}')
        return st

    # -- the object layer's hooks (dxgk.model calls event() while recording) --

    def event(self, kind: str, *args: Any) -> None:
        with self._lock:
            if kind.endswith("_destroy") and args[0] not in self._names:
                return      # an object the trace never knew (say, garbage-collected now)
            self._emit_event(getattr(self, "_ev_" + kind)(*args))

    def _ev_adapter(self, adapter: Any) -> str:
        a = self._define("A", adapter.handle)
        s = self._define("P", adapter._system)
        caps = _CAPS_C.to_json(bytes(adapter._caps), self._ref)
        levels = ",".join(_LEVEL_C.to_json(bytes(lv), self._ref) for lv in adapter._levels)
        segs = ",".join(f'{{"size":{g.size},"page_size":{g.page_size},"kind":"{g.kind}"}}'
                        for g in adapter._segments)
        return (f'{{"event":"adapter","adapter":"{a}","system_process":"{s}",'
                f'"caps":{caps},"levels":[{levels}],"segments":[{segs}]}}')

    def _ev_adapter_destroy(self, handle: int, status: int) -> str:
        return self._simple("adapter_destroy", "adapter", handle, status)

    def _ev_process_begin(self, adapter: int, process: int, status: int) -> str:
        p = f'"{self._define("P", process)}"' if status == 0 and process else "null"
        return (f'{{"event":"process_begin","adapter":{self._ref(adapter)},"process":{p},'
                f'"result":{{"status":{_status_json(status)}}}}}')

    def _ev_process_end(self, process: int, keep: int, status: int) -> str:
        return (f'{{"event":"process_end","process":{self._ref(process)},'
                f'"keep":{"true" if keep else "false"},'
                f'"result":{{"status":{_status_json(status)}}}}}')

    def _ev_process_destroy(self, handle: int, status: int) -> str:
        return self._simple("process_destroy", "process", handle, status)

    def _ev_device_create(self, process: int, device: int, status: int) -> str:
        return self._create("device_create", "process", process, "device", "D", device, status)

    def _ev_device_destroy(self, handle: int, status: int) -> str:
        return self._simple("device_destroy", "device", handle, status)

    def _ev_context_create(self, device: int, context: int, status: int) -> str:
        return self._create("context_create", "device", device, "context", "C", context, status)

    def _ev_context_destroy(self, handle: int, status: int) -> str:
        return self._simple("context_destroy", "context", handle, status)

    def _simple(self, event: str, key: str, handle: int, status: int) -> str:
        return (f'{{"event":"{event}","{key}":{self._ref(handle)},'
                f'"result":{{"status":{_status_json(status)}}}}}')

    def _create(self, event: str, pkey: str, parent: int, key: str, prefix: str, h: int,
                status: int) -> str:
        new = f'"{self._define(prefix, h)}"' if (status & _MASK32) == 0 and h else "null"
        return (f'{{"event":"{event}","{pkey}":{self._ref(parent)},"{key}":{new},'
                f'"result":{{"status":{_status_json(status)}}}}}')


_install_lock = threading.Lock()


def record(target: str | os.PathLike[str] | IO[str], *,
           meta: dict[str, Any] | None = None) -> Recorder:
    """A context manager that records a trace to `target` (a path, or a text file that
    stays open)::

        with dxgk.record("run.jsonl") as rec:
            ...                      # rec.calls, rec.events, rec.lines so far

    Recorded: every call of the five DxgkCb* functions of :mod:`dxgk.ddi` (whatever the
    argument form -- ctypes struct, buffer, x86 layout: the struct is written as the C
    core saw it, in the host layout), and every Adapter / process / device / context
    created or destroyed through :mod:`dxgk.model`. Calls made through a C driver's
    ``DXGKRNL_INTERFACE`` or directly on ``dxgk._core.lib`` are not. ``meta`` adds
    keys to the header line. One recording at a time per process."""
    return Recorder(target, meta=meta)


@functools.cache
def _interface_version() -> int:
    """DXGKDDI_INTERFACE_VERSION as the core's DXGKRNL_INTERFACE reports it."""
    return _find_interface_version()


def _dxgk_version() -> str:
    from . import __version__
    return __version__


def _find_interface_version() -> int:
    iface = structs.DXGKRNL_INTERFACE()
    caps = ffi.new("uint8_t[]", _CAPS_C.size)
    levels = ffi.new("uint8_t[]", _LEVEL_SIZE * 6)
    segs = ffi.new("dxgk_vm_segment_desc[]", 31)
    n = ffi.new("uint32_t *")
    lib.dxgk_vm_default_desc(caps, levels, segs, n)
    a = ffi.new("uint64_t *")
    s = ffi.new("uint64_t *")
    if lib.dxgk_vm_adapter_create(caps, levels, segs, n[0], a, s, ffi.NULL, 0) != 0:
        return 0
    try:
        lib.dxgk_fill_interface(a[0], ffi.from_buffer(iface))
        return int(iface.Version)
    finally:
        lib.dxgk_vm_adapter_destroy(a[0])


# ---- decoding ----------------------------------------------------------------------------------

OP_DTYPE: Final[np.dtype] = np.dtype({
    "names": ["line", "blob", "expect_value", "code", "flags", "expect_status", "out_sym",
              "sym0", "sym1", "sym2", "sym3", "n0", "n1"],
    "formats": ["<u8", "<u8", "<u8", "<u4", "<u4", "<u4", "<u4", "<u4", "<u4", "<u4", "<u4",
                "<u4", "<u4"],
    "offsets": [ffi.offsetof("dxgk_rp_op", "line"), ffi.offsetof("dxgk_rp_op", "blob"),
                ffi.offsetof("dxgk_rp_op", "expect_value"), ffi.offsetof("dxgk_rp_op", "code"),
                ffi.offsetof("dxgk_rp_op", "flags"),
                ffi.offsetof("dxgk_rp_op", "expect_status"),
                ffi.offsetof("dxgk_rp_op", "out_sym")]
               + [ffi.offsetof("dxgk_rp_op", "sym") + 4 * i for i in range(4)]
               + [ffi.offsetof("dxgk_rp_op", "n0"), ffi.offsetof("dxgk_rp_op", "n1")],
    "itemsize": ffi.sizeof("dxgk_rp_op"),
})
RESULT_DTYPE: Final[np.dtype] = np.dtype({
    "names": ["value", "status"], "formats": ["<u8", "<u4"],
    "offsets": [ffi.offsetof("dxgk_rp_result", "value"),
                ffi.offsetof("dxgk_rp_result", "status")],
    "itemsize": ffi.sizeof("dxgk_rp_result")})

_F_NULL_ARGS = int(lib.DXGK_RP_F_NULL_ARGS)
_F_KEEP = int(lib.DXGK_RP_F_KEEP)
_F_DATA = int(lib.DXGK_RP_F_DATA)
_F_UNCHECKED = int(lib.DXGK_RP_F_UNCHECKED)


@dataclass
class Trace:
    """A decoded trace: the op records the C engine runs, the blob of struct bytes they
    point into, and the symbol table (names, initial values)."""

    path: str | None
    header: dict[str, Any]
    ops: np.ndarray                       # OP_DTYPE, one record per line after the header
    blob: np.ndarray                      # uint8, 8-byte aligned
    names: list[str | None]               # per symbol; None for a raw handle value
    initial: np.ndarray                   # uint64 per symbol: 0 (named), DXGK_RP_POISON (raw)
    lines: int = 0                        # lines read, header included

    @property
    def calls(self) -> int:
        """DDI calls (the object events are the other ops)."""
        return int(np.count_nonzero(self.ops["code"] >= lib.DXGK_RP_CREATE))

    def __len__(self) -> int:
        return len(self.ops)

    def symbol(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"the trace defines no object named {name!r}") from None

    def symbols_of(self, prefix: str) -> list[str]:
        return [n for n in self.names if n is not None and n[0] == prefix]

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


class _Malformed(ValueError):
    """What the decoder raises for a bad line (turned into a TraceError with its number)."""


def _num(v: Any, bits: int, what: str) -> int:
    """An unsigned integer of `bits` bits: a JSON integer or a "0x..." string."""
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise _Malformed(f"{what} must be an unsigned integer; got {json.dumps(v)}")
    if isinstance(v, str):
        try:
            v = int(v, 16) if v[:2].lower() == "0x" else int(v, 10)
        except ValueError:
            raise _Malformed(f"{what} must be an unsigned integer; got {json.dumps(v)}") \
                from None
    if not 0 <= v < 1 << bits:
        raise _Malformed(f"{what} = {v} does not fit {bits} bits")
    return v


def _status(v: Any, what: str = "status") -> int:
    if isinstance(v, str) and v in _STATUS_BY_NAME:
        return _STATUS_BY_NAME[v]
    if isinstance(v, str) and v.startswith("NTSTATUS "):
        v = v[9:]
    try:
        return _num(v, 32, what)
    except ValueError:
        raise _Malformed(f"{what} must be a STATUS_* name or an integer; "
                         f"got {json.dumps(v)}") from None


class _Decoder:
    """Turns lines into op records, checking everything a replay relies on."""

    CHUNK = 65536

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.sym_index: dict[str, int] = {}
        self.sym_line: dict[str, int] = {}
        self.names: list[str | None] = []
        self.initial: list[int] = []
        self.raw_index: dict[int, int] = {}
        self.blob = bytearray()
        self.rows: list[tuple[int, ...]] = []
        self.chunks: list[np.ndarray] = []
        self.line = 0
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            "DxgkCbCreateContextAllocation": self._create,
            "DxgkCbDestroyContextAllocation": self._destroy,
            "DxgkCbMapContextAllocation": self._map,
            "DxgkCbUpdateContextAllocation": self._update,
            "DxgkCbReserveGpuVirtualAddressRange": self._reserve,
            "adapter": self._adapter,
            "adapter_destroy": self._object_op("adapter_destroy", "adapter"),
            "process_begin": self._make("process_begin", "adapter", "process"),
            "process_end": self._process_end,
            "process_destroy": self._object_op("process_destroy", "process"),
            "device_create": self._make("device_create", "process", "device"),
            "device_destroy": self._object_op("device_destroy", "device"),
            "context_create": self._make("context_create", "device", "context"),
            "context_destroy": self._object_op("context_destroy", "context"),
        }

    # -- symbols --

    def ref(self, v: Any, what: str) -> int:
        """The symbol index of a handle reference: a defined name, null, or a raw value."""
        if v is None:
            return _NULL_SYM
        if isinstance(v, str):
            i = self.sym_index.get(v)
            if i is not None:
                return i
            if not _NAME_RE.match(v):
                raise _Malformed(f"{what}: bad handle name {json.dumps(v)} (a name is A, P, D, "
                                 f"C or H followed by a number, e.g. \"H5\")")
            raise _Malformed(f"{what}: handle {v!r} is not defined by any earlier line")
        h = _num(v, 64, what)
        if h == 0:
            return _NULL_SYM
        i = self.raw_index.get(h)
        if i is None:
            # A handle the trace never named (an object that existed before recording
            # began, or a forged value) is replayed as a value that names no object, so a
            # replay never reaches an object it did not create: the DDI answers
            # STATUS_INVALID_HANDLE, as it did in the recording for a forged value.
            i = self.raw_index[h] = len(self.names)
            self.names.append(None)
            self.initial.append(_POISON)
        return i

    def define(self, v: Any, prefix: str, what: str) -> int:
        """The symbol index of a new name (null: none)."""
        if v is None:
            return _NULL_SYM
        if not isinstance(v, str) or not _NAME_RE.match(v) or v[0] != prefix:
            raise _Malformed(f"{what}: bad handle name {json.dumps(v)} for a new "
                             f"{_KIND_WORD[prefix]} (expected {prefix}<number>, e.g. "
                             f"\"{prefix}0\")")
        if v in self.sym_index:
            raise _Malformed(f"{what}: {v!r} is already defined (line {self.sym_line[v]})")
        i = self.sym_index[v] = len(self.names)
        self.sym_line[v] = self.line
        self.names.append(v)
        self.initial.append(0)
        return i

    # -- helpers --

    def keys(self, o: dict[str, Any], required: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> None:
        """Every key of `o` is known (a misspelt one is named) and every required one is
        there."""
        if len(o) != len(required) or any(k not in o for k in required):
            allowed = set(required) | set(optional)
            for k in o:
                if k not in allowed:
                    hint = difflib.get_close_matches(k, sorted(allowed), 1)
                    raise _Malformed(f"unknown field {k!r}" +
                                     (f" (did you mean {hint[0]!r}?)" if hint else ""))
            for k in required:
                if k not in o:
                    raise _Malformed(f"missing field {k!r}")

    def result(self, o: dict[str, Any], value_key: str | None = None,
               extra: tuple[str, ...] = ()) -> tuple[int, int, int]:
        """(expected status, expected value, unchecked flag) of the line's "result"."""
        r = o.get("result")
        if r is None:
            return 0, 0, _F_UNCHECKED
        if not isinstance(r, dict):
            raise _Malformed("result must be an object")
        allowed = ("status",) + ((value_key,) if value_key else ()) + extra
        for k in r:
            if k not in allowed:
                raise _Malformed(f"unknown field 'result.{k}' (a {o.get('call') or o.get('event')} "
                                 f"result has {', '.join(allowed)})")
        if "status" not in r:
            raise _Malformed("missing field 'result.status'")
        st = r["status"]
        st = _STATUS_BY_NAME.get(st) if type(st) is str else None
        if st is None:
            st = _status(r["status"], "result.status")
        if not value_key:
            return st, 0, 0
        value = r.get(value_key, 0)
        if type(value) is not int or not 0 <= value < 1 << 64:
            value = _num(value, 64, f"result.{value_key}")
        return st, value, 0

    def put(self, data: bytes | bytearray) -> int:
        off = len(self.blob)
        self.blob += data
        pad = -len(self.blob) % 8
        if pad:
            self.blob += bytes(pad)
        return off

    def row(self, code: int, *, flags: int = 0, status: int = 0, value: int = 0,
            out: int = _NULL_SYM, syms: tuple[int, ...] = (), blob: int = 0, n0: int = 0,
            n1: int = 0) -> None:
        s = syms + (_NULL_SYM,) * (4 - len(syms))
        self.rows.append((self.line, blob, value, code, flags, status, out,
                          s[0], s[1], s[2], s[3], n0, n1))
        if len(self.rows) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.chunks.append(np.array(self.rows, dtype=OP_DTYPE))
            self.rows = []

    def struct_bytes(self, codec: _Codec, args: Any,
                     syms: dict[str, int]) -> tuple[bytearray, Any]:
        """The struct's bytes from its JSON object; handle members go to `syms` (name ->
        symbol), the data pointer member's JSON value is returned."""
        if not isinstance(args, dict):
            raise _Malformed(f"args must be an object (the {codec.name} members) or null")
        data: Any = None
        if tuple(args) == codec.keys:               # the recorder's form: one pack
            vals = list(args.values())
            for i, role in enumerate(codec.roles):
                if role:
                    if role == 1:
                        syms[codec.names[i]] = self.ref(vals[i], f"args.{codec.names[i]}")
                    else:
                        data = vals[i]
                    vals[i] = 0
            try:
                if bool not in set(map(type, vals)):
                    return bytearray(codec.st.pack(*vals)), data
            except struct.error:
                pass                                # the slow path says what is wrong
            syms.clear()
        buf = bytearray(codec.size)
        if "_bytes" in args:
            raw = args["_bytes"]
            try:
                b = bytes.fromhex(raw) if isinstance(raw, str) else None
            except ValueError:
                b = None
            if b is None or len(b) != codec.size:
                raise _Malformed(f"args._bytes must be the {codec.size} bytes of {codec.name} "
                                 f"as hex")
            buf[:] = b
        whole = int.from_bytes(buf, "little")
        for k, v in args.items():
            if k == "_bytes":
                continue
            if k in codec.handles:
                syms[k] = self.ref(v, f"args.{k}")
                v = 0
            elif k == codec.data:
                data = v
                v = 0
            elif k not in codec.bits:
                hint = difflib.get_close_matches(k, list(codec.bits), 1)
                raise _Malformed(f"unknown field 'args.{k}': {codec.name} has no member {k!r}"
                                 + (f" (did you mean {hint[0]!r}?)" if hint else ""))
            lo, n = codec.bits[k]
            v = _num(v, n, f"args.{k}")
            mask = ((1 << n) - 1) << lo
            whole = (whole & ~mask) | (v << lo)
        for k in codec.handles:                    # handles come only from their names
            syms.setdefault(k, _NULL_SYM)
            lo, n = codec.bits[k]
            whole &= ~(((1 << n) - 1) << lo)
        return bytearray(whole.to_bytes(codec.size, "little")), data

    # -- calls --

    def _map(self, o: dict[str, Any]) -> None:
        self.keys(o, ("call", "hAdapter", "args"), ("result",))
        a = self.ref(o["hAdapter"], "hAdapter")
        st, va, unchecked = self.result(o, "va")
        if o["args"] is None:
            self.row(lib.DXGK_RP_MAP, flags=_F_NULL_ARGS | unchecked, status=st, value=va,
                     syms=(a,))
            return
        syms: dict[str, int] = {}
        b, _ = self.struct_bytes(_MAP_C, o["args"], syms)
        self.row(lib.DXGK_RP_MAP, flags=unchecked, status=st, value=va,
                 syms=(a, syms["hAllocation"]), blob=self.put(b))

    def _create(self, o: dict[str, Any]) -> None:
        self.keys(o, ("call", "args"), ("result",))
        st, va, unchecked = self.result(o, "va", ("hAllocation",))
        r = o.get("result") or {}
        if o["args"] is None:
            out = self.define(r.get("hAllocation"), "H", "result.hAllocation")
            self.row(lib.DXGK_RP_CREATE, flags=_F_NULL_ARGS | unchecked, status=st,
                     value=va, out=out)
            return
        syms: dict[str, int] = {}
        b, _ = self.struct_bytes(_CREATE_C, o["args"], syms)
        out = self.define(r.get("hAllocation"), "H", "result.hAllocation")
        self.row(lib.DXGK_RP_CREATE, flags=unchecked, status=st, value=va, out=out,
                 syms=(syms["hAdapter"], syms["hDevice"], syms["hContext"],
                       syms["hAllocation"]), blob=self.put(b))

    def _destroy(self, o: dict[str, Any]) -> None:
        self.keys(o, ("call", "hAdapter", "hAllocation"), ("result",))
        a = self.ref(o["hAdapter"], "hAdapter")
        h = self.ref(o["hAllocation"], "hAllocation")
        st, _, unchecked = self.result(o)
        self.row(lib.DXGK_RP_DESTROY, flags=unchecked, status=st, syms=(a, h))

    def _update(self, o: dict[str, Any]) -> None:
        self.keys(o, ("call", "hAdapter", "args"), ("result",))
        a = self.ref(o["hAdapter"], "hAdapter")
        st, _, unchecked = self.result(o)
        if o["args"] is None:
            self.row(lib.DXGK_RP_UPDATE, flags=_F_NULL_ARGS | unchecked, status=st, syms=(a,))
            return
        syms: dict[str, int] = {}
        b, data = self.struct_bytes(_UPDATE_C, o["args"], syms)
        size = _UPDATE_C.read(b, "PrivateDriverDataSize")
        flags = unchecked
        payload = b""
        if data is not None:
            if data == "?":
                payload = bytes(size)
            else:
                try:
                    payload = bytes.fromhex(data) if isinstance(data, str) else None
                except ValueError:
                    payload = None
                if payload is None:
                    raise _Malformed("args.pPrivateDriverData must be null, \"?\" or the "
                                     "private driver data as hex")
                if len(payload) != size:
                    raise _Malformed(f"args.pPrivateDriverData holds {len(payload)} bytes but "
                                     f"PrivateDriverDataSize is {size}")
            flags |= _F_DATA
        self.row(lib.DXGK_RP_UPDATE, flags=flags, status=st,
                 syms=(a, syms["hAllocation"]), blob=self.put(b + payload), n0=len(payload))

    def _reserve(self, o: dict[str, Any]) -> None:
        self.keys(o, ("call", "hAdapter", "args"), ("result",))
        a = self.ref(o["hAdapter"], "hAdapter")
        st, start, unchecked = self.result(o, "StartVirtualAddress")
        if o["args"] is None:
            self.row(lib.DXGK_RP_RESERVE, flags=_F_NULL_ARGS | unchecked, status=st,
                     value=start, syms=(a,))
            return
        syms: dict[str, int] = {}
        b, _ = self.struct_bytes(_RESERVE_C, o["args"], syms)
        self.row(lib.DXGK_RP_RESERVE, flags=unchecked, status=st, value=start,
                 syms=(a, syms["hDxgkProcess"]), blob=self.put(b))

    # -- object events --

    def _adapter(self, o: dict[str, Any]) -> None:
        self.keys(o, ("event", "adapter", "system_process", "caps", "levels", "segments"),
                  ("result",))
        caps, levels, segs = o["caps"], o["levels"], o["segments"]
        if not isinstance(levels, list) or not 1 <= len(levels) <= 6:
            raise _Malformed("levels must be a list of 1..6 DXGK_PAGE_TABLE_LEVEL_DESC objects")
        if not isinstance(segs, list) or not 1 <= len(segs) <= lib.DXGK_VM_MAX_SEGMENTS:
            raise _Malformed(f"segments must be a list of 1..{lib.DXGK_VM_MAX_SEGMENTS} "
                             f"segment objects")
        part = self.struct_bytes(_CAPS_C, caps, {})[0]
        part += bytes(-len(part) % 8)
        lv = bytearray()
        for i, d in enumerate(levels):
            try:
                lv += self.struct_bytes(_LEVEL_C, d, {})[0]
            except ValueError as e:
                raise _Malformed(f"levels[{i}]: {e}") from None
        part += lv + bytes(-len(lv) % 8)
        desc = ffi.new("dxgk_vm_segment_desc *")
        for i, s in enumerate(segs):
            if not isinstance(s, dict):
                raise _Malformed(f"segments[{i}] must be an object")
            self.keys(s, ("size", "page_size"), ("kind",))
            kind = s.get("kind", "local")
            if kind not in _SEG_KINDS:
                raise _Malformed(f"segments[{i}].kind must be \"local\" or \"aperture\"")
            desc.id = i + 1
            desc.kind = _SEG_KINDS[kind]
            desc.size = _num(s["size"], 64, f"segments[{i}].size")
            desc.page_size = _num(s["page_size"], 32, f"segments[{i}].page_size")
            desc.reserved = 0
            part += bytes(ffi.buffer(desc))
        st, _, unchecked = self.result(o)
        a = self.define(o["adapter"], "A", "adapter")
        sp = self.define(o["system_process"], "P", "system_process")
        self.row(lib.DXGK_RP_ADAPTER_CREATE, flags=unchecked, status=st, out=a, syms=(sp,),
                 blob=self.put(part), n0=len(levels), n1=len(segs))

    def _object_op(self, event: str, key: str) -> Callable[[dict[str, Any]], None]:
        code = EVENTS[event]

        def handler(o: dict[str, Any]) -> None:
            self.keys(o, ("event", key), ("result",))
            h = self.ref(o[key], key)
            st, _, unchecked = self.result(o)
            self.row(code, flags=unchecked, status=st, syms=(h,))
        return handler

    def _make(self, event: str, parent: str, key: str) -> Callable[[dict[str, Any]], None]:
        code = EVENTS[event]
        prefix = key[0].upper()

        def handler(o: dict[str, Any]) -> None:
            self.keys(o, ("event", parent, key), ("result",))
            h = self.ref(o[parent], parent)
            st, _, unchecked = self.result(o)
            out = self.define(o[key], prefix, key)
            self.row(code, flags=unchecked, status=st, out=out, syms=(h,))
        return handler

    def _process_end(self, o: dict[str, Any]) -> None:
        self.keys(o, ("event", "process", "keep"), ("result",))
        h = self.ref(o["process"], "process")
        if not isinstance(o["keep"], bool):
            raise _Malformed("keep must be true or false")
        st, _, unchecked = self.result(o)
        self.row(lib.DXGK_RP_PROCESS_END, flags=(_F_KEEP if o["keep"] else 0) | unchecked,
                 status=st, syms=(h,))

    # -- lines --

    def header(self, o: Any) -> dict[str, Any]:
        if not isinstance(o, dict) or o.get("format") != FORMAT_NAME:
            raise _Malformed(f"not a dxgk trace: the first line must be the header "
                             f"{{\"format\": \"{FORMAT_NAME}\", \"version\": {FORMAT_VERSION}, "
                             f"...}}")
        v = o.get("version")
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= FORMAT_VERSION:
            raise _Malformed(f"unsupported trace version {json.dumps(v)} (this dxgk reads "
                             f"version {FORMAT_VERSION})")
        abi = o.get("abi", _HOST_ABI)
        if abi != _HOST_ABI:
            for name in (c.name for c in (_MAP_C, _CREATE_C, _UPDATE_C, _RESERVE_C, _CAPS_C,
                                          _LEVEL_C)):
                if cached_layouts(abi)[name] != cached_layouts(_HOST_ABI)[name]:
                    raise _Malformed(f"the trace was recorded on {abi}, whose {name} layout "
                                     f"differs from this host's ({_HOST_ABI})")
        return o

    def line_obj(self, o: Any) -> None:
        if not isinstance(o, dict):
            raise _Malformed("a trace line must be a JSON object")
        kind = o.get("call")
        if kind is None:
            kind = o.get("event")
            if kind is None:
                raise _Malformed("a trace line needs \"call\" (a DDI callback) or \"event\"")
            if "call" in o:
                raise _Malformed("a line has either \"call\" or \"event\", not both")
        handler = self.handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            known = list(CALLS) if "call" in o else list(EVENTS)
            hint = difflib.get_close_matches(str(kind), known, 1)
            what = "callback" if "call" in o else "event"
            raise _Malformed(f"unknown {what} {json.dumps(kind)}" +
                             (f" (did you mean {hint[0]!r}?)" if hint else
                              f" (known: {', '.join(known)})"))
        handler(o)

    def finish(self, header: dict[str, Any]) -> Trace:
        self.flush()
        ops = np.concatenate(self.chunks) if self.chunks else np.zeros(0, OP_DTYPE)
        blob = np.zeros((len(self.blob) + 7) // 8, np.uint64).view(np.uint8)[:len(self.blob)]
        blob[:] = np.frombuffer(bytes(self.blob), np.uint8)
        return Trace(self.path, header, ops, blob, self.names,
                     np.array(self.initial, dtype=np.uint64), self.line)


_JSON: Final[json.JSONDecoder] = json.JSONDecoder()
_WS: Final[Callable[..., Any]] = re.compile(r"[ \t\n\r]*").match


def decode(source: str | os.PathLike[str] | IO[bytes] | IO[str], *,
           progress: bool | None = None) -> Trace:
    """Reads and checks a whole trace; raises :class:`TraceError` (with the line number)
    at the first malformed line. Nothing is executed."""
    path: str | None = None
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        with open(path, "rb") as f:
            total = os.fstat(f.fileno()).st_size
            return _decode_lines(f, path, total, progress)
    return _decode_lines(source, getattr(source, "name", None), 0, progress)


def _decode_lines(f: Any, path: str | None, total: int, progress: bool | None) -> Trace:
    dec = _Decoder(path)
    scan = _JSON.scan_once
    ws = _WS
    bar = _Progress("decoding", total, enabled=progress, unit="bytes")
    header: dict[str, Any] | None = None
    done = 0
    try:
        for raw in f:
            dec.line += 1
            done += len(raw)
            if not dec.line & 4095:
                bar.update(done)
            if not raw.strip():
                if header is None:
                    raise ValueError("empty first line: a trace starts with its header")
                continue                               # blank lines are ignored
            try:
                text = raw.decode() if type(raw) is bytes else raw
                start = 0 if text[:1] == "{" else ws(text, 0).end()
                o, end = scan(text, start)
                if end != len(text) and text[end:].strip():
                    raise json.JSONDecodeError("extra data after the JSON value", text, end)
            except (ValueError, StopIteration) as e:
                if isinstance(e, StopIteration):
                    e = json.JSONDecodeError("expecting a JSON value", text, e.value)
                end_char = raw[-1:]
                truncated = end_char not in (b"\n", "\n")
                what = (f"{e.msg} (column {e.pos + 1})"
                        if isinstance(e, json.JSONDecodeError) else str(e))
                raise ValueError(("truncated line (the file ends in the middle of it): "
                                  if truncated else "bad JSON: ") + what) from None
            if header is None:
                header = dec.header(o)
            else:
                dec.line_obj(o)
        if header is None:
            raise ValueError("empty file: a trace starts with its header line")
    except ValueError as e:
        bar.close()
        raise TraceError(max(dec.line, 1), str(e), path) from None
    bar.close(done)
    return dec.finish(header)


# ---- replay ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """A replayed result that differs from the recorded one."""

    line: int
    op: str                     # callback or event name
    expected_status: int
    got_status: int
    expected_value: int | None  # VA / StartVirtualAddress (None: no value in this result)
    got_value: int | None

    def _fmt(self, value: int | None, status: int) -> str:
        key = "va" if self.op in ("DxgkCbMapContextAllocation",
                                  "DxgkCbCreateContextAllocation") else "StartVirtualAddress"
        s = ddi.status_name(status)
        return s if value is None else f"{key}={value:#x} {s}"

    def describe(self) -> str:
        """``"DxgkCbMapContextAllocation: recorded va=0x10000 STATUS_SUCCESS, replayed
        va=0 STATUS_CONFLICTING_ADDRESSES"``."""
        return (f"{self.op}: recorded {self._fmt(self.expected_value, self.expected_status)}"
                f", replayed {self._fmt(self.got_value, self.got_status)}")

    def __str__(self) -> str:
        return f"line {self.line}: {self.describe()}"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "op": self.op,
                "recorded": {"status": ddi.status_name(self.expected_status),
                             "value": self.expected_value},
                "replayed": {"status": ddi.status_name(self.got_status),
                             "value": self.got_value}}


class ReplayResult:
    """What a replay did. The adapters it created stay alive until :meth:`close` (or the
    end of a ``with`` block) so that their state can be inspected by symbol name."""

    def __init__(self, trace: Trace, handles: np.ndarray, mismatches: list[Mismatch],
                 mismatch_total: int, seconds: float, results: np.ndarray | None,
                 engine: str) -> None:
        self.trace = trace
        self.handles_array = handles
        self.mismatches = mismatches
        self.mismatch_total = mismatch_total
        self.seconds = seconds
        self.results = results
        self.engine = engine
        self._closed = False

    @property
    def ops(self) -> int:
        return len(self.trace.ops)

    @property
    def calls(self) -> int:
        return self.trace.calls

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds > 0 else float("inf")

    @property
    def ok(self) -> bool:
        return self.mismatch_total == 0

    def handle(self, name: str) -> int:
        """The live handle the replay gave the object named `name` in the trace."""
        return int(self.handles_array[self.trace.symbol(name)])

    @property
    def handles(self) -> dict[str, int]:
        return {n: int(self.handles_array[i]) for i, n in enumerate(self.trace.names)
                if n is not None}

    # -- inspection of the replayed state --

    def _ranges(self, process: str, which: int) -> list[Any]:
        return process_ranges(self.handle(process), which)

    def mappings(self, process: str) -> list[Mapping]:
        return self._ranges(process, lib.DXGK_VM_WANT_MAPPINGS)

    def reservations(self, process: str) -> list[Reservation]:
        return self._ranges(process, lib.DXGK_VM_WANT_RESERVATIONS)

    def page_table_stats(self, process: str) -> PageTableStats:
        return page_table_stats(self.handle(process))

    def allocation(self, name: str) -> AllocationInfo:
        return allocation_info(self.handle(name))

    def close(self) -> None:
        """Destroys every adapter the replay created (and everything in them)."""
        if self._closed:
            return
        self._closed = True
        for i, n in enumerate(self.trace.names):
            if n is not None and n[0] == "A":
                h = int(self.handles_array[i])
                if lib.dxgk_vm_handle_type(h) == lib.DXGK_VM_T_ADAPTER:
                    lib.dxgk_vm_adapter_destroy(h)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):      # at interpreter shutdown lib may be gone
            self.close()


def replay(source: Trace | str | os.PathLike[str] | IO[bytes], *, check: bool = True,
           engine: str = "c", progress: bool | None = None, keep: bool = False,
           results: bool = False, max_mismatches: int | None = None,
           upto_line: int | None = None) -> ReplayResult:
    """Replays a trace on fresh adapters (the trace's own adapter events create them).

    ``check``: compare every result with the recorded one (``ReplayResult.mismatches``,
    in line order). ``engine``: "c" (the C engine, no Python per call) or "python" (each
    call through the facade -- a reference). ``keep``: leave the replayed adapters alive
    for inspection (then close the result); otherwise they are destroyed before
    returning. ``results``: also return every op's (value, status) array.
    ``progress``: a progress bar on stderr for runs over a second (None: if stderr is a
    terminal). ``upto_line``: stop after that line of the file. Raises
    :class:`TraceError` for a malformed trace before executing anything."""
    trace = source if isinstance(source, Trace) else decode(source, progress=progress)
    if upto_line is not None:
        trace = trace.upto(upto_line)
    if engine == "c":
        r = _run_c(trace, check, progress, results, max_mismatches)
    elif engine == "python":
        r = _run_python(trace, check, results, max_mismatches)
    else:
        raise ValueError(f"engine must be 'c' or 'python'; got {engine!r}")
    if not keep:
        r.close()
    return r


def _mismatch(trace: Trace, i: int, exp_status: int, got_status: int, exp_value: int,
              got_value: int) -> Mismatch:
    op = trace.ops[i]
    code = int(op["code"])
    has = code in _VALUE_KEY
    return Mismatch(int(op["line"]), _OP_NAMES[code], exp_status & _MASK32,
                    got_status & _MASK32, exp_value if has else None,
                    got_value if has else None)


def _run_c(trace: Trace, check: bool, progress: bool | None, want_results: bool,
           max_mismatches: int | None) -> ReplayResult:
    ops = np.ascontiguousarray(trace.ops)
    n = len(ops)
    handles = trace.initial.copy()
    chunk_cap = 1 << 16
    mm = ffi.new("dxgk_rp_mismatch[]", chunk_cap)
    res = np.zeros(n, RESULT_DTYPE) if want_results else None
    run = ffi.new("dxgk_rp_run *")
    keep = [ffi.from_buffer("dxgk_rp_op[]", ops) if n else ffi.NULL,
            ffi.from_buffer("uint8_t[]", trace.blob) if len(trace.blob) else ffi.NULL,
            ffi.from_buffer("uint64_t[]", handles) if len(handles) else ffi.NULL,
            ffi.from_buffer("dxgk_rp_result[]", res) if res is not None and n else ffi.NULL]
    run.ops, run.blob, run.handles, run.results = keep
    run.op_count = n
    run.blob_size = len(trace.blob)
    run.handle_count = len(handles)
    run.mismatches = mm
    run.mismatch_cap = chunk_cap
    run.check = 1 if check else 0
    mismatches: list[Mismatch] = []
    limit = max_mismatches if max_mismatches is not None else 1 << 62
    bar = _Progress("replaying", n, enabled=progress)
    step = 4096
    seconds = 0.0
    result = ReplayResult(trace, handles, mismatches, 0, 0.0, res, "c")
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
    return result


def _run_python(trace: Trace, check: bool, want_results: bool,
                max_mismatches: int | None) -> ReplayResult:
    """The reference executor: every DDI call through the facade, objects through lib."""
    ops, blob = trace.ops, trace.blob.tobytes()
    handles = trace.initial.copy()
    H = [int(x) for x in handles]
    res = np.zeros(len(ops), RESULT_DTYPE) if want_results else None
    mismatches: list[Mismatch] = []
    total = 0
    limit = max_mismatches if max_mismatches is not None else 1 << 62
    out = ffi.new("uint64_t *")
    poison = int(lib.DXGK_RP_POISON)

    def sym(s: int) -> int:
        return 0 if s == _NULL_SYM else H[s]

    def define(s: int, st: int, h: int) -> None:
        if s != _NULL_SYM:
            H[s] = h if st == 0 and h else poison

    t0 = time.perf_counter()
    for i in range(len(ops)):
        op = ops[i]
        code, flags = int(op["code"]), int(op["flags"])
        s0, s1, s2, s3 = int(op["sym0"]), int(op["sym1"]), int(op["sym2"]), int(op["sym3"])
        off = int(op["blob"])
        value = 0
        if code == lib.DXGK_RP_ADAPTER_CREATE:
            n0, n1 = int(op["n0"]), int(op["n1"])
            caps = blob[off:off + _CAPS_C.size]
            p = off + _CAPS_C.size + (-_CAPS_C.size % 8)
            levels = bytearray(6 * _LEVEL_SIZE)
            levels[:n0 * _LEVEL_SIZE] = blob[p:p + n0 * _LEVEL_SIZE]
            p += n0 * _LEVEL_SIZE + (-(n0 * _LEVEL_SIZE) % 8)
            segs = bytearray(max(n1, 1) * _SEG_SIZE)
            segs[:n1 * _SEG_SIZE] = blob[p:p + n1 * _SEG_SIZE]
            a, s = ffi.new("uint64_t *"), ffi.new("uint64_t *")
            st = lib.dxgk_vm_adapter_create(caps, ffi.from_buffer(levels),
                                            ffi.from_buffer("dxgk_vm_segment_desc[]", segs),
                                            n1, a, s, ffi.NULL, 0)
            define(int(op["out_sym"]), st, int(a[0]))
            define(s0, st, int(s[0]))
        elif code == lib.DXGK_RP_ADAPTER_DESTROY:
            st = lib.dxgk_vm_adapter_destroy(sym(s0))
        elif code in (lib.DXGK_RP_PROCESS_BEGIN, lib.DXGK_RP_DEVICE_CREATE,
                      lib.DXGK_RP_CONTEXT_CREATE):
            fn = {int(lib.DXGK_RP_PROCESS_BEGIN): lib.dxgk_vm_process_begin,
                  int(lib.DXGK_RP_DEVICE_CREATE): lib.dxgk_vm_device_create,
                  int(lib.DXGK_RP_CONTEXT_CREATE): lib.dxgk_vm_context_create}[code]
            out[0] = 0
            st = fn(sym(s0), out)
            define(int(op["out_sym"]), st, int(out[0]))
        elif code == lib.DXGK_RP_PROCESS_END:
            st = lib.dxgk_vm_process_end(sym(s0), 1 if flags & _F_KEEP else 0)
        elif code == lib.DXGK_RP_PROCESS_DESTROY:
            st = lib.dxgk_vm_process_destroy(sym(s0))
        elif code == lib.DXGK_RP_DEVICE_DESTROY:
            st = lib.dxgk_vm_device_destroy(sym(s0))
        elif code == lib.DXGK_RP_CONTEXT_DESTROY:
            st = lib.dxgk_vm_context_destroy(sym(s0))
        elif code == lib.DXGK_RP_DESTROY:
            st = ddi.DxgkCbDestroyContextAllocation(sym(s0), sym(s1))
        else:
            codec = _CODECS[code]
            args = None
            if not flags & _F_NULL_ARGS:
                args = getattr(structs, codec.name).from_buffer_copy(
                    blob[off:off + codec.size])
            if code == lib.DXGK_RP_MAP:
                if args is not None:
                    args.hAllocation = sym(s1)
                value = ddi.DxgkCbMapContextAllocation(sym(s0), args)
                st = ddi.last_status()
            elif code == lib.DXGK_RP_CREATE:
                if args is not None:
                    args.hAdapter, args.hDevice = sym(s0), sym(s1)
                    args.hContext, args.hAllocation = sym(s2), sym(s3)
                st = ddi.DxgkCbCreateContextAllocation(args)
                h = int(args.hAllocation) if args is not None and st == 0 else 0
                if h:
                    info = ffi.new("dxgk_vm_alloc_info *")
                    if lib.dxgk_vm_allocation_info(h, info) == 0:
                        value = int(info.va)
                define(int(op["out_sym"]), st, h)
            elif code == lib.DXGK_RP_UPDATE:
                keep = None
                if args is not None:
                    args.hAllocation = sym(s1)
                    if flags & _F_DATA:
                        keep = ctypes.create_string_buffer(
                            blob[off + codec.size:off + codec.size + int(op["n0"])],
                            max(int(op["n0"]), 1))
                        args.pPrivateDriverData = ctypes.addressof(keep)
                    else:
                        args.pPrivateDriverData = 0
                st = ddi.DxgkCbUpdateContextAllocation(sym(s0), args)
                del keep
            else:  # RESERVE
                if args is not None:
                    args.hDxgkProcess = sym(s1)
                st = ddi.DxgkCbReserveGpuVirtualAddressRange(sym(s0), args)
                value = int(args.StartVirtualAddress) if args is not None and st == 0 else 0
        st &= _MASK32
        if res is not None:
            res[i] = (value, st)
        if check and not flags & _F_UNCHECKED:
            exp_st, exp_v = int(op["expect_status"]), int(op["expect_value"])
            if st != exp_st or (code in _VALUE_KEY and value != exp_v):
                total += 1
                if len(mismatches) < limit:
                    mismatches.append(_mismatch(trace, i, exp_st, st, exp_v, value))
    seconds = time.perf_counter() - t0
    handles[:] = np.array(H, dtype=np.uint64) if H else handles
    return ReplayResult(trace, handles, mismatches, total, seconds, res, "python")


# ---- inspection by handle (for replayed objects, which have no model objects) ---------------


def _check(st: int, what: str) -> None:
    st &= _MASK32
    if st != _STATUS_SUCCESS:
        raise ddi.DdiError(st, what)


def process_ranges(process: int, which: int) -> list[Any]:
    """Mappings and/or reservations (``lib.DXGK_VM_WANT_*``) of a process handle, in
    address order, as :class:`dxgk.Mapping` / :class:`dxgk.Reservation` records."""
    return read_ranges(process, which,
                       lambda st: _check(st, f"ranges of process {process:#x}"))


def page_table_stats(process: int) -> PageTableStats:
    out = ffi.new("dxgk_pt_stats *")
    _check(lib.dxgk_vm_pt_stats(process, out), f"page tables of process {process:#x}")
    st = ffi.new("dxgk_vm_adapter_stats *")
    _check(lib.dxgk_vm_get_adapter_stats(lib.dxgk_vm_adapter_of(process), st), "adapter")
    n = int(st.level_count)
    return PageTableStats(tuple(int(out.tables[i]) for i in range(n)), int(out.leaf64k_tables),
                          int(out.table_bytes), int(out.valid_leaf_entries),
                          int(out.mapped_pages), int(out.conversions))


def allocation_info(h: int) -> AllocationInfo:
    o = ffi.new("dxgk_vm_alloc_info *")
    _check(lib.dxgk_vm_allocation_info(h, o), f"allocation {h:#x}")
    return AllocationInfo(int(o.handle), int(o.process), int(o.device), int(o.context),
                          int(o.driver_allocation), int(o.segment), int(o.segment_offset),
                          int(o.size), int(o.va), int(o.mapping_count), int(o.flags),
                          int(o.context_flags))


# ---- progress bar ----------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on stderr, shown only once a job has run for a second."""

    def __init__(self, label: str, total: int, *, enabled: bool | None = None,
                 stream: IO[str] | None = None, delay: float = 1.0,
                 unit: str = "") -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled and total > 0
        self.label = label
        self.total = total
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.shown = False
        self.unit = unit

    def update(self, done: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and (now - self.start < self.delay or now - self.last < 0.1):
            return
        self.last = now
        frac = min(done / self.total, 1.0)
        width = 30
        fill = int(frac * width)
        rate = done / (now - self.start)
        eta = (self.total - done) / rate if rate > 0 else 0.0
        if self.unit == "bytes":
            amount = f"{done / 1e6:,.0f}/{self.total / 1e6:,.0f} MB"
        else:
            amount = f"{done:,}/{self.total:,}"
        self.stream.write(f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] "
                          f"{frac * 100:5.1f}%  {amount}  eta {eta:5.1f}s ")
        self.stream.flush()
        self.shown = True

    def close(self, done: int | None = None) -> None:
        if self.shown:
            if done is not None:
                self.update(done, force=True)
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


# ---- command line ------------------------------------------------------------------------------


def run_replay_cli(path: str, *, check: bool, engine: str = "c", as_json: bool = False,
                   out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``python -m dxgk replay FILE [--check]``: 0 ok, 1 results differ (with --check),
    2 a malformed trace (nothing executed)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        trace = decode(path, progress=None)
    except TraceError as e:
        print(f"dxgk replay: {e}", file=err)
        return 2
    except OSError as e:
        print(f"dxgk replay: {e}", file=err)
        return 2
    r = _execute(trace, check, engine)
    try:
        if as_json:
            json.dump({"path": path, "ops": r.ops, "calls": r.calls, "seconds": r.seconds,
                       "calls_per_second": r.calls_per_second, "checked": check,
                       "mismatches": r.mismatch_total,
                       "differences": [m.to_json() for m in r.mismatches]}, out, indent=2)
            out.write("\n")
        else:
            for m in r.mismatches:
                print(f"{path}:{m.line}: {m.describe()}", file=out)
            verdict = ""
            if check:
                verdict = (", every result as recorded" if r.ok else
                           f", {r.mismatch_total} result(s) differ from the trace")
            print(f"replayed {r.ops} calls and events ({r.calls} DDI calls) in {r.seconds:.3f} s, "
                  f"{r.calls_per_second:,.0f} calls/s{verdict}", file=out)
    finally:
        r.close()
    return 1 if check and not r.ok else 0


def _execute(trace: Trace, check: bool, engine: str) -> ReplayResult:
    """The execution step of the CLI (separate so tests can prove a malformed trace never
    reaches it)."""
    return replay(trace, check=check, engine=engine, keep=True)


def iter_lines(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The parsed lines of a trace file (header first), for tools that edit traces."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def write_lines(path: str | os.PathLike[str], lines: list[dict[str, Any]]) -> None:
    """Writes parsed lines back as a trace file (compact JSON, one per line)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for o in lines:
            f.write(json.dumps(o, separators=(",", ":")))
            f.write("\n")

