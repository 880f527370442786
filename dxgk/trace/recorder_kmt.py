"""The recorder's user-mode hooks: the D3DKMT thunks of :mod:`dxgk.kmt` and the user-mode
objects of :mod:`dxgk.usermode` (docs/behaviour.md 9) become trace lines.

What it owns: :class:`UserModeHooks`, the part of :class:`dxgk.trace.Recorder` that
writes the lines of op-table codes 15-25 (:mod:`dxgk.trace.optable`): the six thunks
(their structs as the C core saw them, Update's operation records with them) and the
``allocate`` / ``deallocate`` / ``fence_create`` / ``fence_signal`` /
``queue_execute`` events; a paging queue closed through :class:`dxgk.PagingQueue` is
written as the D3DKMTDestroyPagingQueue call it is.

Invariant kept: a D3DKMT handle is written as the object it names -- every object the
trace defined keeps its D3DKMT handle in ``_kmt_numbers`` / ``_kmt_names`` for as long
as the recording lasts (D3DKMT handles are never reused, so a dead object's value still
names it), 0 is NULL, and any other value is written as itself (a compact line cannot say
it: that line takes the object form). A line's new objects are defined once, before
either form is written, in the order of the row's NEW columns.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Any

from .._core import ffi, lib
from ..kmt import _ok
from .format import _MASK32, _STATUS_SUCCESS, _UOPS, _status_json
from .optable import BY_NAME, NEW, VALUE, LineSpec

_MAX_UOPS = int(lib.DXGK_RP_MAX_UOPS)


class _Foreign(Exception):
    """A D3DKMT handle the trace never named: its line is written in the object form."""


def _number(numbers: dict[int, int], v: int) -> str:
    """A handle in a compact line: its object number in `numbers`, 0 for NULL;
    _Foreign for a value the trace never named."""
    n = numbers.get(v)
    if n is not None:
        return str(n)
    if v == 0:
        return "0"
    raise _Foreign


class UserModeHooks:
    """Mixed into :class:`dxgk.trace.Recorder`; see the module's docstring."""

    # the Recorder's own state and helpers this part uses
    _lock: threading.RLock
    _compact: bool
    _names: dict[int, str]
    _numbers: dict[int, int]
    _count: int
    _pending: list[str]
    calls: int
    events: int
    foreign_handles: int
    _define: Callable[[str, int], str]
    _write: Callable[[str], None]
    _flush_pending: Callable[[], None]
    _call: Callable[..., int]
    _num: Callable[[int], str]
    _ref: Callable[[int], str]

    def _init_kmt(self) -> None:
        self._kmt_numbers: dict[int, int] = {}      # D3DKMT handle -> object number
        self._kmt_names: dict[int, str] = {}

    # -- D3DKMT handles --

    def _note_kmt(self, h: int, name: str) -> None:
        """Registers the D3DKMT handle of an object just defined (h: its 64-bit handle)."""
        k = int(lib.dxgk_vm_kmt_handle(h))
        if k:
            self._kmt_numbers[k] = self._numbers[h]
            self._kmt_names[k] = name

    def _define_kmt(self, prefix: str, k: int) -> str:
        """Defines a user-mode object known by its D3DKMT handle."""
        t = ffi.new("uint32_t *")
        # its 64-bit handle too (it is live: just created); a D3DKMT value, 32 bits,
        # never equals a 64-bit handle, whose type byte is set
        name = self._define(prefix, int(lib.dxgk_vm_kmt_object(k, t)) or k)
        self._kmt_numbers[k] = self._count
        self._kmt_names[k] = name
        return name

    def _knum(self, k: int) -> str:
        return _number(self._kmt_numbers, k)

    def _kref(self, k: int) -> str:
        return self._named(self._kmt_names, k)

    def _named(self, names: dict[int, str], v: int) -> str:
        """JSON for a handle value: its name in `names`, null, or the raw integer (a value
        the trace never named: counted in ``foreign_handles``)."""
        name = names.get(v)
        if name is not None:
            return f'"{name}"'
        if v == 0:
            return "null"
        self.foreign_handles += 1
        return str(v)

    def _ops_json(self, rows: list[list[int]] | None, ref: Callable[[int], str]) -> str:
        """Update's operation records as JSON rows, handles through `ref`."""
        if rows is None:
            return "null"
        h = _UOPS.handle_col
        return "[" + ",".join(
            "[" + ",".join(ref(v) if j == h and r[0] in _UOPS.map_types else str(v)
                           for j, v in enumerate(r)) + "]" for r in rows) + "]"

    # -- the thunks --

    def _kmt_line(self, spec: LineSpec, raw: bytes | None, st: int, out: bytes | None,
                  rows: list[list[int]] | None = None) -> str:
        """The line of one thunk call: its struct before the call (`raw`, None for NULL),
        its status, the struct after it (`out`: new objects and the VA come from there)."""
        codec = spec.codec
        assert codec is not None
        tail: list[tuple[str, int, str]] = []         # (result key, compact value, JSON)
        for col in spec.columns:
            key = col.name.removeprefix("result.")
            if col.role == NEW:
                k = codec.read(out, key) if out is not None and st == _STATUS_SUCCESS else 0
                if k:
                    name = self._define_kmt(col.prefix, k)
                    tail.append((key, self._kmt_numbers[k], f'"{name}"'))
                else:
                    tail.append((key, 0, "null"))
            elif col.role == VALUE:
                v = codec.read(out, key) if out is not None and _ok(st) else 0
                tail.append((key, v, str(v)))
        if self._compact and raw is not None:
            try:
                row = codec.to_row(raw, self._knum, self._ops_json(rows, self._knum))
                values = "".join(f",{t[1]}" for t in tail)
                return f"[{spec.code},{row},{st}{values}]"
            except _Foreign:
                pass
        args = codec.to_json(raw, self._kref, self._ops_json(rows, self._kref)) \
            if raw is not None else "null"
        result = "".join(f',"{t[0]}":{t[2]}' for t in tail)
        return (f'{{"call":"{spec.name}","args":{args},'
                f'"result":{{"status":{_status_json(st)}{result}}}}}')

    def kmt_call(self, spec: Any, c_fn: Callable[[int], int], args: Any,
                 abi: str | None) -> int:
        """One of the five struct-only thunks (all but Update), made and written."""
        row = BY_NAME[spec.func]
        assert row.codec is not None
        size = row.codec.size
        got: list[Any] = []

        def invoke(p: int) -> int:
            raw = ctypes.string_at(p, size) if p else None
            self._flush_pending()
            st = c_fn(p) & _MASK32
            got.append((raw, st, ctypes.string_at(p, size) if p else None))
            return st

        return self._call(spec, invoke, args, abi, got, lambda: self._kmt_line(row, *got[0]),
                          ok=_ok)

    def kmt_update(self, p: int) -> int:
        """D3DKMTUpdateGpuVirtualAddress on the host struct at `p` (0: NULL) whose
        Operations the facade has checked; made and written with the records it read."""
        spec = BY_NAME["D3DKMTUpdateGpuVirtualAddress"]
        codec = spec.codec
        assert codec is not None
        with self._lock:
            self._flush_pending()
            raw = ctypes.string_at(p, codec.size) if p else None
            rows = None
            if raw is not None:
                n = codec.read(raw, "NumOperations")
                ptr = codec.read(raw, "Operations")
                if ptr and 1 <= n <= _MAX_UOPS:      # what the core reads (kmt.c)
                    rows = _UOPS.rows(ctypes.string_at(ptr, n * _UOPS.size), n)
            st = lib.dxgk_py_kmt_update(p) & _MASK32
            self.calls += 1
            self._write(self._kmt_line(spec, raw, st, None, rows))
        return st

    # -- the user-mode objects (dxgk.usermode calls these through ddi._obj_call) --

    def _event_line(self, event: str, refs: tuple[tuple[str, str, str], ...],
                    ints: tuple[tuple[str, int], ...], st: int,
                    new: tuple[str, str, int] | None = None,
                    value: tuple[str, int] | None = None) -> str:
        """An event line: `refs` (key, compact number or "", JSON), `ints` (key, value),
        the new object (key, name or "", number or 0), then the status and the value."""
        if self._compact and all(r[1] for r in refs):
            spec = BY_NAME[event]
            vals = [r[1] for r in refs] + [str(v) for _, v in ints]
            if new is not None:
                vals.append(str(new[2]))
            vals.append(str(st))
            if value is not None:
                vals.append(str(value[1]))
            assert len(vals) + 1 == spec.width
            return f"[{spec.code},{','.join(vals)}]"
        body = "".join(f',"{k}":{j}' for k, _, j in refs)
        body += "".join(f',"{k}":{v}' for k, v in ints)
        if new is not None:
            body += f',"{new[0]}":' + (f'"{new[1]}"' if new[1] else "null")
        res = f',"{value[0]}":{value[1]}' if value is not None else ""
        return (f'{{"event":"{event}"{body},'
                f'"result":{{"status":{_status_json(st)}{res}}}}}')

    @staticmethod
    def _col(key: str, v: int, num: Callable[[int], str],
             ref: Callable[[int], str]) -> tuple[str, str, str]:
        """A handle of an event line: (key, compact number or "" if none, JSON)."""
        try:
            n = num(v)
        except _Foreign:
            n = ""
        return key, n, ref(v)

    def _kref_col(self, key: str, k: int) -> tuple[str, str, str]:
        return self._col(key, k, self._knum, self._kref)

    def _ev_allocate(self, c: Any, out: Any, st: int) -> str:
        st &= _MASK32
        name = self._define_kmt("H", int(out[0])) if st == _STATUS_SUCCESS else ""
        return self._event_line(
            "allocate", (self._col("device", int(c.device), self._num, self._ref),),
            (("size", int(c.size)), ("alignment", int(c.alignment)),
             ("segments", int(c.supported_segments)), ("preferred", int(c.preferred)),
             ("flags", int(c.flags))), st, ("allocation", name, self._count if name else 0))

    def _ev_deallocate(self, device: int, allocation: int, st: int) -> str:
        return self._event_line("deallocate", (self._kref_col("device", device),
                                               self._kref_col("allocation", allocation)),
                                (), st & _MASK32)

    def _ev_fence_create(self, device: int, initial: int, out: Any, st: int) -> str:
        st &= _MASK32
        name = self._define_kmt("F", int(out[0])) if st == _STATUS_SUCCESS else ""
        return self._event_line("fence_create", (self._kref_col("device", device),),
                                (("initial", initial),), st,
                                ("fence", name, self._count if name else 0))

    def _ev_fence_signal(self, fence: int, value: int, st: int) -> str:
        return self._event_line("fence_signal", (self._kref_col("fence", fence),),
                                (("value", value),), st & _MASK32)

    def _ev_queue_execute(self, queue: int, upto: int, every: int, out: Any, st: int) -> str:
        st &= _MASK32
        return self._event_line("queue_execute", (self._kref_col("queue", queue),),
                                (("upto", upto), ("all", 1 if every else 0)), st,
                                value=("fence_value", int(out[0]) if st == 0 else 0))

    def _ev_queue_destroy(self, queue: int, st: int) -> str:
        """PagingQueue.close: the D3DDDI_DESTROYPAGINGQUEUE the thunk would be given."""
        spec = BY_NAME["D3DKMTDestroyPagingQueue"]
        assert spec.codec is not None
        return self._kmt_line(spec, spec.codec.st.pack(queue), st & _MASK32, None)
