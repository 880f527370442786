"""The line checker: one trace line at a time, every form the format allows, every error
worded.

Each line kind has a handler that checks the line's keys, values and handle names and
appends its op record, its struct bytes and its symbols: one made from the kind's row of
the op table (:mod:`dxgk.trace.optable`: its handle keys, struct, result and new object)
for every kind but the ``adapter`` event, which has its own (``_Decoder._adapter``). A
compact line (version 2) is first expanded to its object form
(:func:`dxgk.trace.compact.expand`). It is the definition of what a trace line may say:
the fast path (:mod:`dxgk.trace.fast`) takes only lines it can prove this checker would
accept, and builds the same records for them.

What it owns: ``_Decoder`` (the symbol table, the op records grown in place, the blob),
``_parse`` (one line's JSON, with the error a user reads: bad JSON, truncated, not UTF-8,
nested too deeply) and the value checks (``_num``, ``_status``).

Invariant kept: a handler either appends exactly one op (and its bytes and new symbols)
or raises ValueError saying what is wrong with the line, having appended nothing that a
later op can see -- a handle is defined only after every check of its line passed.
"""

from __future__ import annotations

import difflib
import json
import re
import struct
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from .._core import ffi, lib
from ..layout import ABI_NAMES, cached_layouts
from .compact import Grown, Names, Objects, expand
from .format import (
    _CAPS_C,
    _CODECS,
    _F_DATA,
    _F_KEEP,
    _F_NULL_ARGS,
    _F_UNCHECKED,
    _HOST_ABI,
    _KIND_WORD,
    _KUPDATE_C,
    _LEVEL_C,
    _NAME_RE,
    _NULL_SYM,
    _POISON,
    _SEG_KINDS,
    _STATUS_BY_NAME,
    _UOPS,
    _UPDATE_C,
    CALLS,
    EVENTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    OP_DTYPE,
    _Codec,
)
from .optable import DATA, INT, KEEP, NEW, OPS, REF, SPECS, VALUE, LineSpec, header_ops


class _Malformed(ValueError):
    """What the decoder raises for a bad line (turned into a TraceError with its number)."""


def _check_ops(ops: Any) -> None:
    """A format-2 header's "ops": each entry a code this dxgk knows, with the same name
    and columns (a trace written for another table is refused, not misread)."""
    if not isinstance(ops, list):
        raise _Malformed("header: \"ops\" must be a list of [code, name, [columns...]]")
    known = {e[0]: e for e in header_ops()}
    for e in ops:
        if not (isinstance(e, list) and len(e) == 3 and type(e[0]) is int):
            raise _Malformed(f"header: an \"ops\" entry is [code, name, [columns...]]; "
                             f"got {_show(e)}")
        if e[0] not in known:
            raise _Malformed(f"header: line code {e[0]} ({_show(e[1])}) is not known to "
                             f"this dxgk")
        if e != known[e[0]]:
            raise _Malformed(f"header: line code {e[0]} is {_show(known[e[0]], 200)} here; "
                             f"the trace says {_show(e, 200)}")


def _show(v: Any, width: int = 40) -> str:
    """A JSON value as a message shows it: its JSON text, cut to `width` characters."""
    try:
        text = json.dumps(v)
    except (RecursionError, ValueError):
        text = "(a value nested too deeply to show)"
    return text if len(text) <= width else text[:width - 3] + "..."


def _num(v: Any, bits: int, what: str) -> int:
    """An unsigned integer of `bits` bits: a JSON integer or a "0x..." string."""
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise _Malformed(f"{what} must be an unsigned integer; got {_show(v)}")
    if isinstance(v, str):
        try:
            v = int(v, 16) if v[:2].lower() == "0x" else int(v, 10)
        except ValueError:
            raise _Malformed(f"{what} must be an unsigned integer; got {_show(v)}") \
                from None
    n: int = v                   # an int (a bool or a str was turned away or converted)
    if not 0 <= n < 1 << bits:
        raise _Malformed(f"{what} = {n} does not fit {bits} bits")
    return n


def _status(v: Any, what: str = "status") -> int:
    if isinstance(v, str) and v in _STATUS_BY_NAME:
        return _STATUS_BY_NAME[v]
    if isinstance(v, str) and v.startswith("NTSTATUS "):
        v = v[9:]
    try:
        return _num(v, 32, what)
    except ValueError:
        raise _Malformed(f"{what} must be a STATUS_* name or an integer; "
                         f"got {_show(v)}") from None


class _Decoder:
    """Turns lines into op records, checking everything a replay relies on."""

    CHUNK = 65536

    def __init__(self, path: str | None) -> None:
        self.path = path
        # a name -> its symbol; and None -> the NULL symbol, so the fast path looks a null
        # handle up like a name
        self.sym_index: dict[str | None, int] = {}
        self.def_lines = Grown()                    # per symbol: the line defining it
        self.names: Any = []          # per symbol (a compact Names once the header is v2)
        self.initial: list[int] = []
        self.raw_index: dict[int, int] = {}
        self.blob = bytearray()
        self.rows: list[tuple[int, ...]] = []
        # the op records so far: a buffer grown in place (realloc, so a large one is
        # remapped, not copied: decoding never holds two copies of the ops)
        self.ops = np.zeros(1024, OP_DTYPE)
        self.op_count = 0
        self.sym_index[None] = _NULL_SYM            # null: the NULL handle (fast path)
        self.objs = Objects(self.names)             # the objects defined, by number
        self.version = FORMAT_VERSION               # set by the header
        self.line = 0
        self.handlers: dict[str, Callable[[dict[str, Any]], None]] = {
            spec.name: self._by_table(spec) for spec in SPECS.values()}
        self.handlers["adapter"] = self._adapter

    # -- symbols --

    def ref(self, v: Any, what: str) -> int:
        """The symbol index of a handle reference: a defined name, null, or a raw value."""
        if v is None:
            return _NULL_SYM
        if isinstance(v, str):
            i = self.lookup(v)
            if i is not None:
                return i
            if not _NAME_RE.match(v):
                raise _Malformed(f"{what}: bad handle name {_show(v)} (a name is A, P, D, "
                                 f"C, H, Q or F followed by a number, e.g. \"H5\")")
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
            self.def_lines.append(np.array([self.line], np.int64))
        return i

    def define(self, v: Any, prefix: str, what: str) -> int:
        """The symbol index of a new name (null: none)."""
        if v is None:
            return _NULL_SYM
        if not isinstance(v, str) or not _NAME_RE.match(v) or v[0] != prefix:
            raise _Malformed(f"{what}: bad handle name {_show(v)} for a new "
                             f"{_KIND_WORD[prefix]} (expected {prefix}<number>, e.g. "
                             f"\"{prefix}0\")")
        old = self.lookup(v)
        if old is not None:
            raise _Malformed(f"{what}: {v!r} is already defined "
                             f"(line {self.def_lines.a[old]})")
        if self.version >= 2 and v != self.objs.next_name(prefix):
            raise _Malformed(f"{what}: in a version-2 trace the next {_KIND_WORD[prefix]} is "
                             f"named {self.objs.next_name(prefix)!r} (each kind is numbered "
                             f"in order from 0); got {v!r}")
        i = len(self.names)
        if self.version < 2:
            self.sym_index[v] = i
        self.def_lines.append(np.array([self.line], np.int64))
        self.names.append(v)
        self.initial.append(0)
        self.objs.add(prefix, i)
        return i

    def lookup(self, name: str | None) -> int | None:
        """The symbol of a defined name (or None: NULL), None if it names nothing. In a
        version-2 trace names follow the kinds' counts, so the objects' per-kind
        symbols are the index; a version-1 trace keeps a table of names."""
        if self.version >= 2:
            return self.objs.symbol(name)
        return self.sym_index.get(name)

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
            rows, self.rows = self.rows, []
            self.append_ops(np.array(rows, dtype=OP_DTYPE))

    def append_ops(self, ops: np.ndarray) -> None:
        """Appends op records (after those of the line-by-line rows so far)."""
        self.new_ops(len(ops))[:] = ops

    def new_ops(self, n: int) -> np.ndarray:
        """The next `n` op records (after those of the line-by-line rows so far), for the
        caller to fill: a view of the decoder's records, grown in place."""
        if self.rows:
            self.flush()
        end = self.op_count + n
        if end > len(self.ops):
            self.ops.resize(max(end, len(self.ops) + (len(self.ops) >> 2)), refcheck=False)
        view = self.ops[self.op_count:end]
        self.op_count = end
        return view

    def append_blob(self, parts: list[tuple[int, bytes]], size: int) -> int:
        """Appends `size` bytes (8-byte aligned) made of `parts` (offset, bytes: in order,
        each at its offset, zeros between them); returns where they start."""
        off = len(self.blob)
        blob = self.blob
        for rel, data in parts:
            if off + rel > len(blob):
                blob += bytes(off + rel - len(blob))
            blob += data
        blob += bytes(off + size + (-size % 8) - len(blob))
        return off

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

    # -- the lines of the op table (every call and event but the adapter) --

    def _by_table(self, spec: LineSpec) -> Callable[[dict[str, Any]], None]:
        """The handler of a line kind of :data:`dxgk.trace.optable.SPECS`: its keys, its
        handles, its integer arguments, its result, its struct (and private data or
        operation records), its new objects -- checked in that order -- then one op
        record."""
        code = spec.op
        outer = [c for c in spec.columns if c.role == REF and c.name in spec.outer]
        inner = [c for c in spec.columns if c.role == REF and c.name not in spec.outer]
        news = [c for c in spec.columns if c.role == NEW]
        value = next((c for c in spec.columns if c.role == VALUE), None)
        keep = any(c.role == KEEP for c in spec.columns)
        data = any(c.role == DATA for c in spec.columns)
        ops = any(c.role == OPS for c in spec.columns)
        words = [c for c in spec.columns if c.role == INT] if spec.codec is None else []
        in_result = spec.family == "call"
        required = ((spec.family,) + spec.outer + (("args",) if spec.codec else ())
                    + tuple(c.name for c in words)
                    + (tuple(c.name for c in news) if not in_result else ())
                    + (("keep",) if keep else ()))
        value_key = value.name.removeprefix("result.") if value else None
        extra = tuple(c.name.removeprefix("result.") for c in news) if in_result else ()

        def handler(o: dict[str, Any]) -> None:
            self.keys(o, required, ("result",))
            syms = {c.sym: self.ref(o[c.name], c.name) for c in outer}
            if keep and not isinstance(o["keep"], bool):
                raise _Malformed("keep must be true or false")
            packed = b"".join(_num(o[c.name], c.bits, c.name).to_bytes(8, "little")
                              for c in words)
            st, val, flags = self.result(o, value_key, extra)
            if keep and o["keep"]:
                flags |= _F_KEEP
            blob = n0 = 0
            if packed:
                blob = self.put(packed)
            if spec.codec is not None and o["args"] is None:
                flags |= _F_NULL_ARGS
            elif spec.codec is not None:
                members: dict[str, int] = {}
                b, given = self.struct_bytes(spec.codec, o["args"], members)
                syms.update((c.sym, members[c.name]) for c in inner)
                if data and given is not None:
                    payload = self._payload(b, given)
                    flags |= _F_DATA
                    n0 = len(payload)
                    b += payload
                elif ops and given is not None:
                    n0, records = self._operations(b, given)
                    flags |= _F_DATA
                    b += bytes(-len(b) % 8) + records
                blob = self.put(b)
            out = _NULL_SYM
            for i, c in enumerate(news):
                v = (o.get("result") or {}).get(c.name[7:]) if in_result else o[c.name]
                sym = self.define(v, c.prefix, c.name)
                if i == 0:
                    out = sym
                else:
                    syms[c.sym] = sym
            self.row(code, flags=flags, status=st, value=val, out=out, blob=blob, n0=n0,
                     syms=tuple(syms.get(f"sym{i}", _NULL_SYM) for i in range(4)))
        return handler

    def _operations(self, struct: bytes | bytearray, rows: Any) -> tuple[int, bytes]:
        """An Update's operation records from their rows (:class:`format._UpdateOps`):
        their count and bytes, each MAP / MAP_PROTECT record's handle word holding the
        symbol of its allocation."""
        n = _KUPDATE_C.read(struct, "NumOperations")
        if not isinstance(rows, list) or not 1 <= len(rows) <= lib.DXGK_RP_MAX_UOPS:
            raise _Malformed(f"args.Operations must be null or a list of 1.."
                             f"{lib.DXGK_RP_MAX_UOPS} operation rows [OperationType, "
                             f"w1, ..., w{_UOPS.width - 1}]; got {_show(rows)}")
        if len(rows) != n:
            raise _Malformed(f"args.Operations holds {len(rows)} operations but "
                             f"NumOperations is {n}")
        out = bytearray()
        h = _UOPS.handle_col
        for i, r in enumerate(rows):
            if not isinstance(r, list) or len(r) != _UOPS.width:
                raise _Malformed(f"args.Operations[{i}] must be a row of {_UOPS.width} "
                                 f"values [OperationType, w1, ..., w{_UOPS.width - 1}]; "
                                 f"got {_show(r)}")
            t = _num(r[0], 32, f"args.Operations[{i}][0] (OperationType)")
            vals = [t]
            for j in range(1, _UOPS.width):
                what = f"args.Operations[{i}][{j}]"
                if j == h and t in _UOPS.map_types:
                    vals.append(self.ref(r[j], what + " (hAllocation)"))
                else:
                    vals.append(_num(r[j], 64, what))
            out += _UOPS.st.pack(*vals)
        return n, bytes(out)

    def _payload(self, struct: bytes | bytearray, data: Any) -> bytes:
        """An Update's private driver data from its JSON value ("?" or hex)."""
        size = _UPDATE_C.read(struct, "PrivateDriverDataSize")
        if data == "?":
            return bytes(size)
        try:
            given = bytes.fromhex(data) if isinstance(data, str) else None
        except ValueError:
            given = None
        if given is None:
            raise _Malformed("args.pPrivateDriverData must be null, \"?\" or the "
                             "private driver data as hex")
        if len(given) != size:
            raise _Malformed(f"args.pPrivateDriverData holds {len(given)} bytes but "
                             f"PrivateDriverDataSize is {size}")
        return given

    # -- object events --

    def _adapter(self, o: dict[str, Any]) -> None:
        self.keys(o, ("event", "adapter", "system_process", "caps", "levels", "segments"),
                  ("result", "paging"))
        paging = o.get("paging", "immediate")
        if paging not in ("immediate", "deferred"):
            raise _Malformed(f"paging must be \"immediate\" or \"deferred\"; got "
                             f"{_show(paging)}")
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
        deferred = int(lib.DXGK_RP_F_DEFERRED) if paging == "deferred" else 0
        self.row(lib.DXGK_RP_ADAPTER_CREATE, flags=unchecked | deferred, status=st, out=a,
                 syms=(sp,),
                 blob=self.put(part), n0=len(levels), n1=len(segs))

    # -- lines --

    def header(self, o: Any) -> dict[str, Any]:
        if not isinstance(o, dict) or o.get("format") != FORMAT_NAME:
            raise _Malformed(f"not a dxgk trace: the first line must be the header "
                             f"{{\"format\": \"{FORMAT_NAME}\", \"version\": {FORMAT_VERSION}, "
                             f"...}}")
        v = o.get("version")
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= FORMAT_VERSION:
            raise _Malformed(f"unsupported trace version {_show(v)} (this dxgk reads "
                             f"versions 1 to {FORMAT_VERSION})")
        self.version = v
        if v >= 2:
            assert not self.names                   # (the header is the first line)
            self.names = Names()
            self.objs = Objects(self.names)
        if v >= 2 and "ops" in o:
            _check_ops(o["ops"])
        abi = o.get("abi", _HOST_ABI)
        if not isinstance(abi, str) or abi not in ABI_NAMES:
            raise _Malformed(f"header: \"abi\" must be one of {', '.join(ABI_NAMES)} (the ABI "
                             f"the trace was recorded on); got {_show(abi)}")
        if abi != _HOST_ABI:
            for name in [c.name for c in (_CAPS_C, _LEVEL_C, *_CODECS.values())] + [
                    "D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION"]:
                if cached_layouts(abi)[name] != cached_layouts(_HOST_ABI)[name]:
                    raise _Malformed(f"the trace was recorded on {abi}, whose {name} layout "
                                     f"differs from this host's ({_HOST_ABI})")
        return o

    def line_obj(self, o: Any) -> None:
        if isinstance(o, list) and self.version >= 2:
            o = expand(o, self.objs)                # a compact line: its object form
        if not isinstance(o, dict):
            raise _Malformed("a trace line must be a JSON object" +
                             (" or, in a version-2 trace, a compact array"
                              if self.version < 2 and isinstance(o, list) else ""))
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
            raise _Malformed(f"unknown {what} {_show(kind)}" +
                             (f" (did you mean {hint[0]!r}?)" if hint else
                              f" (known: {', '.join(known)})"))
        handler(o)

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The op records, the blob (8-byte aligned) and the initial handle values; the
        decoder gives up its buffers."""
        self.flush()
        ops = self.ops
        ops.resize(self.op_count, refcheck=False)   # in place: no second copy
        self.ops = np.zeros(0, OP_DTYPE)
        blob = np.frombuffer(self.blob, np.uint8) if self.blob else np.zeros(0, np.uint8)
        if blob.ctypes.data % 8:                    # the engine reads it 8-byte aligned
            aligned = np.zeros((len(blob) + 7) // 8, np.uint64).view(np.uint8)[:len(blob)]
            aligned[:] = blob
            blob = aligned
        return ops, blob, np.array(self.initial, dtype=np.uint64)


_JSON: Final[json.JSONDecoder] = json.JSONDecoder()
_WS: Final[Callable[..., Any]] = re.compile(r"[ \t\n\r]*").match

_BLANK: Final[Any] = object()
_TOO_DEEP: Final[str] = ("bad JSON: nested too deeply (a trace line is an object of objects "
                         "and lists a few levels deep)")


def _parse(raw: bytes, has_newline: bool) -> Any:
    """One line's JSON value (_BLANK for a blank line); ValueError saying what is wrong."""
    try:
        text = raw.decode()
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (byte {raw[e.start]:#04x} at column {e.start + 1}): "
                         f"a trace is JSON Lines") from None
    if not text.strip():
        return _BLANK
    try:
        start = 0 if text[:1] == "{" else _WS(text, 0).end()
        # scan_once: set by JSONDecoder.__init__ (the C scanner), unknown to typeshed
        o, end = _JSON.scan_once(text, start)  # type: ignore[attr-defined]
        if end != len(text) and text[end:].strip():
            raise json.JSONDecodeError("extra data after the JSON value", text, end)
        return o
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    except (json.JSONDecodeError, StopIteration) as e:
        if isinstance(e, StopIteration):
            e = json.JSONDecodeError("expecting a JSON value", text, e.value)
        body = text.rstrip()
        truncated = not has_newline and (e.pos >= len(body) or e.msg.startswith(
            "Unterminated string"))
        raise ValueError(("truncated line (the file ends in the middle of it): "
                          if truncated else "bad JSON: ") + f"{e.msg} (column {e.pos + 1})"
                         ) from None
