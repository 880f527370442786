"""The recorder: while it is active, every DDI call made through the facade and every
object created or destroyed through the object layer becomes one trace line.

    with dxgk.record("run.jsonl"):          # every DDI call through the facade and
        a = dxgk.Adapter()                  # every object-layer event is recorded
        ...

What it owns: :class:`Recorder` (installed as ``dxgk.ddi._recorder``, whose hooks the
facade and :mod:`dxgk.model` call), :func:`record`, and the header's
``interface_version`` / ``dxgk`` fields.

Invariant kept: one recording at a time per process, and the lines are in the order in
which the C core executed the calls -- each call, DDI or object-layer
(:meth:`Recorder.object_call`), runs and writes its line under one lock, and an object
event raised in the middle of a call is written after that call's line. An
object the trace created is always written as its name, never as its handle value, so the
same workload gives the same bytes.
"""

from __future__ import annotations

import ctypes
import functools
import json
import os
import threading
import warnings
from collections.abc import Callable
from typing import IO, Any, Self

from .. import ddi, structs
from .._core import ffi, lib
from .._version import __version__
from .files import open_write
from .format import (
    _CAPS_C,
    _CREATE_C,
    _HOST_ABI,
    _LEVEL_C,
    _LEVEL_SIZE,
    _MAP_C,
    _MASK32,
    _RESERVE_C,
    _STATUS_SUCCESS,
    _UPDATE_C,
    FORMAT_NAME,
    FORMAT_VERSION,
    _status_json,
)
from .compact import KINDS
from .optable import BY_NAME, header_ops
from .recorder_kmt import UserModeHooks, _Foreign, _number


class Recorder(UserModeHooks):
    """Writes a trace of every DDI call made through :mod:`dxgk.ddi` and every object
    created or destroyed through :mod:`dxgk.model` while it is active (between
    ``__enter__`` and ``__exit__``; see :func:`record`).

    Calls are serialised while recording (one lock around each call and its line), so
    the order of the lines is the order in which the C core executed them; the object
    layer's creates and destroys run under the same lock (:meth:`object_call`). Objects
    created before recording began are unknown to the trace: their handles are written
    as raw integers (``foreign_handles`` counts them) and a replay will not find them.
    """

    def __init__(self, target: str | os.PathLike[str] | IO[str], *,
                 meta: dict[str, Any] | None = None, version: int = FORMAT_VERSION) -> None:
        if type(version) is not int or version not in (1, 2):
            raise ValueError(f"version must be 1 (object lines) or 2 (compact lines); "
                             f"got {version!r}")
        self._target = target
        self._meta = dict(meta or {})
        self.version = version
        self._compact = version >= 2
        self._numbers: dict[int, int] = {}        # handle -> object number (from 1)
        self._count = 0                           # objects defined so far
        self._file: IO[str] | None = None
        self._owns_file = False
        self._lock = threading.RLock()
        self._names: dict[int, str] = {}
        self._counters = dict.fromkeys(KINDS, 0)
        self._depth = 0
        self._pending: list[str] = []
        self.lines = 0
        self.calls = 0
        self.events = 0
        self.foreign_handles = 0
        self._init_kmt()

    # -- lifetime --

    def __enter__(self) -> Self:
        with _install_lock:
            if ddi._recorder is not None:
                raise RuntimeError("a dxgk trace is already being recorded in this process")
            if isinstance(self._target, (str, os.PathLike)):
                self._file = open_write(self._target)   # compressed as its name says
                self._owns_file = True
            else:
                self._file = self._target
            header: dict[str, Any] = {
                "format": FORMAT_NAME, "version": self.version, "abi": _HOST_ABI,
                "interface_version": _interface_version(), "dxgk": _dxgk_version()}
            if self._compact:
                header["ops"] = header_ops()
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
        self._count += 1
        self._numbers[h] = self._count
        if prefix in "PDC":                 # its D3DKMT handle names it too
            self._note_kmt(h, name)
        return name

    def _num(self, h: int) -> str:
        """A handle in a compact line: its object number, 0 for NULL; _Foreign for a
        value the trace never named (that line is written in the object form)."""
        return _number(self._numbers, h)

    def _ref(self, h: int) -> str:
        """JSON for a handle value: its name, null, or the raw integer (foreign)."""
        return self._named(self._names, h)

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
              got: list[Any], line: Callable[[], str],
              ok: Callable[[int], bool] = ddi._status_ok) -> int:
        with self._lock:
            self._depth += 1
            try:
                st: int = spec.call(invoke, args, abi, ok)
                return st
            finally:
                if got:                  # the C call happened (even if write-back raised)
                    self.calls += 1
                    self._write(line())
                self._depth -= 1
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
            if self._compact and raw is not None:
                try:
                    return f"[12,{self._num(h)},{_MAP_C.to_row(raw, self._num)},{st},{va}]"
                except _Foreign:
                    pass
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
            if self._compact and raw is not None:
                try:
                    row = _CREATE_C.to_row(raw, self._num)
                    number = self._numbers[h] if h and self._define("H", h) else 0
                    return f"[10,{row},{st},{number},{va}]"
                except _Foreign:
                    pass
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
            if self._compact and raw is not None:
                try:
                    return f"[13,{self._num(h)},{_UPDATE_C.to_row(raw, self._num, data)},{st}]"
                except _Foreign:
                    pass
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
            if self._compact and raw is not None:
                try:
                    return (f"[14,{self._num(h)},{_RESERVE_C.to_row(raw, self._num)},{st},"
                            f"{start}]")
                except _Foreign:
                    pass
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
            self._write(self._compact_line(11, (ha, hh), st) or
                        f'{{"call":"DxgkCbDestroyContextAllocation","hAdapter":{self._ref(ha)},'
                        f'"hAllocation":{self._ref(hh)},'
                        f'"result":{{"status":{_status_json(st)}}}}}')
        return st

    # -- the object layer's hooks (dxgk.model calls these while recording) --

    def object_call(self, kind: str, fn: Callable[..., int], *args: Any) -> int:
        """Runs one object-layer C call, ``fn(*args)``, and writes its ``kind`` event line,
        both under the recorder's lock: the line is where the core executed the call,
        whatever the calling thread does next. An out-pointer among ``args`` (a cffi
        ``uint64_t *``) is read after the call. Returns ``fn``'s status."""
        with self._lock:
            pending = self._pending     # (empty unless inside a call: left for it)
            self._depth += 1            # an event raised from here on waits in _pending
            try:
                st = fn(*args)
                if kind not in _DESTROY_EVENTS or args[0] in self._names:
                    mark = len(pending)  # (a destroy of an object the trace never knew:
                    self.events += 1     # no line)
                    line = getattr(self, "_ev_" + kind)(*args, st)
                    if self._depth > 1:  # inside a call (a garbage-collected adapter):
                        pending.insert(mark, line)          # after that call's line
                    else:
                        self._write(line)
            finally:
                self._depth -= 1
            if pending and not self._depth:
                self._flush_pending()
            return st

    def event(self, kind: str, *args: Any) -> None:
        """Writes an event that needs no C call of its own (an adapter just created)."""
        with self._lock:
            self._emit_event(getattr(self, "_ev_" + kind)(*args))

    def _ev_adapter(self, adapter: Any) -> str:
        a = self._define("A", adapter.handle)
        s = self._define("P", adapter._system)
        caps = _CAPS_C.to_json(bytes(adapter._caps), self._ref)
        levels = ",".join(_LEVEL_C.to_json(bytes(lv), self._ref) for lv in adapter._levels)
        segs = ",".join(f'{{"size":{g.size},"page_size":{g.page_size},"kind":"{g.kind}"}}'
                        for g in adapter._segments)
        paging = ',"paging":"deferred"' if adapter.paging == "deferred" else ""
        return (f'{{"event":"adapter","adapter":"{a}","system_process":"{s}",'
                f'"caps":{caps},"levels":[{levels}],"segments":[{segs}]{paging}}}')

    def _ev_adapter_destroy(self, handle: int, status: int) -> str:
        return self._simple("adapter_destroy", "adapter", handle, status)

    def _compact_line(self, code: int, handles: tuple[int, ...], status: int,
                      *extra: int) -> str:
        """A compact line of handles, then `extra` values, then the status; "" when a
        handle is one the trace never named (the object form is written instead)."""
        if not self._compact:
            return ""
        try:
            refs = ",".join(map(self._num, handles))
        except _Foreign:
            return ""
        tail = "".join(f",{v}" for v in extra)
        return f"[{code},{refs}{tail},{status & _MASK32}]"

    def _ev_process_begin(self, adapter: int, out: Any, status: int) -> str:
        return self._create("process_begin", "adapter", adapter, "process", "P",
                            int(out[0]), status)

    def _ev_process_end(self, process: int, keep: int, status: int) -> str:
        line = self._compact_line(4, (process,), status, 1 if keep else 0)
        if line:
            return line
        return (f'{{"event":"process_end","process":{self._ref(process)},'
                f'"keep":{"true" if keep else "false"},'
                f'"result":{{"status":{_status_json(status)}}}}}')

    def _ev_process_destroy(self, handle: int, status: int) -> str:
        return self._simple("process_destroy", "process", handle, status)

    def _ev_device_create(self, process: int, out: Any, status: int) -> str:
        return self._create("device_create", "process", process, "device", "D", int(out[0]),
                            status)

    def _ev_device_destroy(self, handle: int, status: int) -> str:
        return self._simple("device_destroy", "device", handle, status)

    def _ev_context_create(self, device: int, out: Any, status: int) -> str:
        return self._create("context_create", "device", device, "context", "C", int(out[0]),
                            status)

    def _ev_context_destroy(self, handle: int, status: int) -> str:
        return self._simple("context_destroy", "context", handle, status)

    def _simple(self, event: str, key: str, handle: int, status: int) -> str:
        line = self._compact_line(BY_NAME[event].code, (handle,), status)
        if line:
            return line
        return (f'{{"event":"{event}","{key}":{self._ref(handle)},'
                f'"result":{{"status":{_status_json(status)}}}}}')

    def _create(self, event: str, pkey: str, parent: int, key: str, prefix: str, h: int,
                status: int) -> str:
        known = parent in self._numbers or not parent
        new = f'"{self._define(prefix, h)}"' if (status & _MASK32) == 0 and h else "null"
        if self._compact and known:
            return self._compact_line(BY_NAME[event].code, (parent,), status,
                                      self._numbers[h] if new != "null" else 0)
        return (f'{{"event":"{event}","{pkey}":{self._ref(parent)},"{key}":{new},'
                f'"result":{{"status":{_status_json(status)}}}}}')


_install_lock = threading.Lock()
_DESTROY_EVENTS = frozenset({"adapter_destroy", "process_destroy", "device_destroy",
                             "context_destroy"})


def record(target: str | os.PathLike[str] | IO[str], *,
           meta: dict[str, Any] | None = None, version: int = FORMAT_VERSION) -> Recorder:
    """A context manager that records a trace to `target` (a path, or a text file that
    stays open); a path ending in ``.gz`` or ``.zst`` is written compressed (gzip; Zstandard
    with the ``zstandard`` package)::

        with dxgk.record("run.jsonl") as rec:
            ...                      # rec.calls, rec.events, rec.lines so far

    Recorded: every call of the five DxgkCb* functions of :mod:`dxgk.ddi` (whatever the
    argument form -- ctypes struct, buffer, x86 layout: the struct is written as the C
    core saw it, in the host layout), every Adapter / process / device / context
    created or destroyed through :mod:`dxgk.model`, every call of the six D3DKMT thunks
    of :mod:`dxgk.kmt`, and the user-mode objects' calls (allocate / deallocate, fences,
    paging queues: :mod:`dxgk.trace.recorder_kmt`). Calls made through a C driver's
    ``DXGKRNL_INTERFACE``, a C UMD's ``D3DDDI_DEVICECALLBACKS`` or directly on
    ``dxgk._core.lib`` are not. ``meta`` adds
    keys to the header line. ``version`` 2 (the default) writes compact lines, 1 the
    object form of every line (README.md, "Traces"). One recording at a time per
    process."""
    return Recorder(target, meta=meta, version=version)


@functools.cache
def _interface_version() -> int:
    """DXGKDDI_INTERFACE_VERSION as the core's DXGKRNL_INTERFACE reports it."""
    return _find_interface_version()


def _dxgk_version() -> str:
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
