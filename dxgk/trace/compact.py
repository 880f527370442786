"""Compact lines (trace format 2): a JSON array per line, read through the op table.

A compact line is ``[code, column, column, ...]`` with the columns of
:data:`dxgk.trace.optable.SPECS` ``[code]``. This module reads them two ways:

* :func:`expand` turns one parsed compact line into the object form of the same line
  (``{"call": ..., "args": {...}, "result": {...}}``), which the line checker then checks
  and decodes as it does any object line -- so a compact line means exactly what its
  object form means, every error is worded once, and :func:`dxgk.trace.iter_lines` hands
  editing tools the object form whatever the file holds;
* :func:`fast_kind` decodes a run of lines of one all-integer kind at once: the lines
  are joined into one flat JSON array of integers, decoded by msgspec in one call and
  viewed as a 2-D numpy array (one row per line), whose columns become the op records.
  The framing is checked on the bytes first (every line is exactly one ``[...]`` with
  no bracket inside and the kind's number of values), so a line in any other shape
  fails the fast path and goes to :func:`expand`.

Object numbers: the objects a trace defines are numbered 1, 2, ... in line order (any
kind; a failed creation defines none), 0 is NULL. In a format-2 trace the n-th object
of a kind is named ``<kind letter><n - 1>`` (``H0`` is the first allocation), object
lines included, so a name and a number always denote the same object.

What it owns: :class:`Objects` (the numbers, names and symbols defined so far),
:func:`expand`, :func:`defined_by` (the names an object line defines),
:func:`iter_lines` / :func:`write_lines` (parsed lines for editing tools),
:func:`compact_kinds` (which lines of a chunk are compact, and of which code),
:func:`fast_kind`, and what they share: :data:`KINDS` (the kind letters),
:data:`COMPACT_KIND`, :class:`Names` (version-2 names as numbers), :class:`Grown`
(an int64 array grown in place) and :class:`Fail`.

Invariant kept: :func:`fast_kind` either records, for its lines, the op columns, struct
bytes (possibly at other offsets of the blob), references and definitions that
:func:`expand` followed by the line checker would produce, or raises :class:`Fail` having
changed nothing the decoder keeps (the run it writes into is thrown away).
"""

from __future__ import annotations

import array
import json
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, overload

import msgspec
import numpy as np

from ..ddi import _STATUS_NAMES
from .files import open_read, open_write
from .format import _F_KEEP, _KIND_WORD, _NAME_RE, _NULL_SYM, _UOPS
from .optable import BY_NAME, DATA, INT, KEEP, NEW, OPS, REF, SPECS, STATUS, VALUE, LineSpec

if TYPE_CHECKING:
    from .fast import _Run

# the kind code a compact line of table code c gets among a chunk's line kinds (the
# object-form kinds are the dxgk_rp_op codes, all below it)
COMPACT_KIND: Final[int] = 1000
_FLAT: Final[msgspec.json.Decoder[list[int]]] = msgspec.json.Decoder(list[int])
_OPEN, _CLOSE, _COMMA = ord("["), ord("]"), ord(",")
assert array.array("Q").itemsize == 8


class Fail(Exception):
    """The lines are not all in the recorder's compact form (the slow path decides)."""


KINDS: Final[str] = "APDCHQF"          # the kind letters, by kind code


class Grown:
    """An int64 array grown at its end (capacity doubling)."""

    def __init__(self) -> None:
        self.a = np.full(1024, _NULL_SYM, np.int64)
        self.n = 0

    def append(self, v: np.ndarray) -> None:
        end = self.n + len(v)
        if end > len(self.a):
            grown = np.full(max(end, 2 * len(self.a)), _NULL_SYM, np.int64)
            grown[:self.n] = self.a[:self.n]
            self.a = grown
        self.a[self.n:end] = v
        self.n = end

    def view(self) -> np.ndarray:
        return self.a[:self.n]


class Names(Sequence[str | None]):
    """The name of each symbol of a version-2 trace, kept as two numbers -- its kind and
    its number within the kind (``H5`` is (4, 5); a raw handle value, which has no name,
    is kind -1) -- and spelt when asked for: a million-object trace holds no million
    strings. A read-only sequence like the list of names of a version-1 trace."""

    def __init__(self) -> None:
        self.kinds = Grown()
        self.nums = Grown()

    def __len__(self) -> int:
        return self.kinds.n

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Names):
            return (np.array_equal(self.kinds.view(), other.kinds.view())
                    and np.array_equal(self.nums.view(), other.nums.view()))
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None                                 # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Names({list(self[:8])}{'...' if len(self) > 8 else ''}, {len(self)} symbols)"

    @overload
    def __getitem__(self, i: int) -> str | None: ...
    @overload
    def __getitem__(self, i: slice) -> list[str | None]: ...

    def __getitem__(self, i: int | slice) -> str | None | list[str | None]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError("symbol index out of range")
        k = int(self.kinds.a[i % len(self)])
        return None if k < 0 else f"{KINDS[k]}{int(self.nums.a[i % len(self)])}"

    def __iter__(self) -> Iterator[str | None]:
        return iter([None if k < 0 else f"{KINDS[k]}{n}" for k, n in
                     zip(self.kinds.view().tolist(), self.nums.view().tolist())])

    def of_kind(self, prefix: str) -> np.ndarray:
        """The symbols of the objects of one kind, in order."""
        return np.flatnonzero(self.kinds.view() == KINDS.index(prefix))

    def index(self, name: Any, start: int = 0, stop: int | None = None) -> int:
        if type(name) is str and _NAME_RE.match(name):
            # the n-th object of a kind is that kind's n-th symbol: no scan
            of_kind = self.of_kind(name[0]) if name[0] in KINDS else np.zeros(0, np.int64)
            n = int(name[1:])
            if n < len(of_kind) and start <= of_kind[n] < (len(self) if stop is None else stop):
                return int(of_kind[n])
        raise ValueError(f"{name!r} is not a name of the trace")

    def append(self, name: str | None) -> None:
        if name is None:
            self.extend(np.array([-1], np.int64), np.array([0], np.int64))
        else:
            self.extend(np.array([KINDS.index(name[0])], np.int64),
                        np.array([int(name[1:])], np.int64))

    def extend(self, kinds: np.ndarray, nums: np.ndarray) -> None:
        self.kinds.append(kinds)
        self.nums.append(nums)


class Objects:
    """The objects a trace has defined so far: by number (from 1) their symbol, and per
    kind the symbols in order (so the n-th object of a kind, ``H<n>``, is found without a
    table of names). `names` is the decoder's name per symbol."""

    def __init__(self, names: Sequence[str | None]) -> None:
        self.names = names
        self.by_number = Grown()
        self.by_number.append(np.array([_NULL_SYM], np.int64))     # 0 is NULL
        self.by_kind = {k: Grown() for k in KINDS}

    @property
    def count(self) -> int:
        return self.by_number.n - 1

    def kind_count(self, prefix: str) -> int:
        return self.by_kind[prefix].n

    def next_name(self, prefix: str) -> str:
        return f"{prefix}{self.by_kind[prefix].n}"

    def add(self, prefix: str, sym: int) -> None:
        self.extend(np.array([KINDS.index(prefix)], np.int8), np.array([sym], np.int64))

    def extend(self, kinds: np.ndarray, syms: np.ndarray) -> None:
        """Defines the next len(syms) objects, in order (`kinds`: their kind codes)."""
        self.by_number.append(syms)
        for k, prefix in enumerate(KINDS):
            mine = syms[kinds == k]
            if len(mine):
                self.by_kind[prefix].append(mine)

    def symbol(self, name: Any) -> int | None:
        """The symbol of a name in the form <kind><n> the trace defined; None if none."""
        if name is None:
            return _NULL_SYM
        if type(name) is not str or not _NAME_RE.match(name):
            return None
        g = self.by_kind[name[0]]
        n = int(name[1:])
        return int(g.a[n]) if n < g.n else None

    def name_of(self, n: int) -> str:
        """The name of object number n (1 <= n <= count)."""
        name = self.names[int(self.by_number.a[n])]
        assert name is not None
        return name


def _show(v: Any) -> str:
    text = msgspec.json.encode(v).decode() if _plain(v) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _plain(v: Any) -> bool:
    return v is None or isinstance(v, (bool, int, float, str))


def _ref(v: Any, col: str, objs: Objects) -> Any:
    """A handle column's object form: a name, None (NULL), or the value itself for the
    line checker to judge (a name string)."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{col}: a handle is an object number, a name or null; "
                         f"got {_show(v)}")
    if v == 0:
        return None
    if not 0 < v <= objs.count:
        raise ValueError(f"{col}: object {v} is not defined by any earlier line (the trace "
                         f"has defined {objs.count} so far)")
    return objs.name_of(v)


def _new(v: Any, col: str, prefix: str, objs: Objects, before: list[str]) -> Any:
    """A NEW column's object form: the new name, or None (no object). `before`: the
    kinds of the objects this line defines ahead of this one (and gets this one's)."""
    if v is None or type(v) is int and v == 0:
        return None
    if isinstance(v, str):
        before.append(v[:1])
        return v
    n = objs.count + 1 + len(before)
    if isinstance(v, bool) or not isinstance(v, int) or v != n:
        raise ValueError(f"{col}: a new {_KIND_WORD[prefix]} is numbered {n} "
                         f"(the next object), or 0 for none; got {_show(v)}")
    name = f"{prefix}{objs.kind_count(prefix) + before.count(prefix)}"
    before.append(prefix)
    return name


def _ops(v: Any, objs: Objects) -> Any:
    """An OPS column's object form: each MAP / MAP_PROTECT row's handle as a name (the
    line checker judges everything else)."""
    if not isinstance(v, list):
        return v
    h = _UOPS.handle_col
    out = []
    for i, r in enumerate(v):
        if isinstance(r, list) and r:
            if type(r[0]) is not int:       # (the type decides what the row's words mean)
                raise ValueError(f"Operations[{i}][0]: OperationType is an integer in a "
                                 f"compact line; got {_show(r[0])}")
            if len(r) == _UOPS.width and r[0] in _UOPS.map_types:
                r = r[:h] + [_ref(r[h], f"Operations[{i}][{h}]", objs)] + r[h + 1:]
        out.append(r)
    return out


def expand(line: Any, objs: Objects) -> dict[str, Any]:
    """The object form of a parsed compact line; ValueError saying what is wrong."""
    code = line[0] if line else None
    if type(code) is not int:
        raise ValueError(f"a trace line must be a JSON object or a compact array whose first "
                         f"value is its code (an integer); got {_show(line)}")
    spec = SPECS.get(code)
    if spec is None:
        raise ValueError(f"unknown line code {_show(code)} (this dxgk knows "
                         f"{', '.join(map(str, sorted(SPECS)))})")
    if len(line) != spec.width:
        raise ValueError(f"a {spec.name} line has {spec.width} values (code, "
                         f"{', '.join(c.name for c in spec.columns)}); got {len(line)}")
    o: dict[str, Any] = {spec.family: spec.name}
    args: dict[str, Any] = {}
    result: dict[str, Any] = {}
    before: list[str] = []
    for col, v in zip(spec.columns, line[1:]):
        if col.role == REF:
            v = _ref(v, col.name, objs)
            (o if col.name in spec.outer else args)[col.name] = v
        elif col.role in (INT, DATA):
            (args if spec.codec is not None else o)[col.name] = v
        elif col.role == OPS:
            args[col.name] = _ops(v, objs)
        elif col.role == STATUS:            # by name when it has one, as a recorder's
            result["status"] = _STATUS_NAMES.get(v, v) if type(v) is int else v   # v1
        elif col.role == VALUE:
            result[col.name.removeprefix("result.")] = v
        elif col.role == NEW:
            v = _new(v, col.name, col.prefix, objs, before)
            if spec.family == "call":
                result[col.name.removeprefix("result.")] = v
            else:
                o[col.name] = v
        elif col.role == KEEP:
            if type(v) is not int or v not in (0, 1):
                raise ValueError(f"keep must be 1 (finish) or 0 (abandon); got {_show(v)}")
            o["keep"] = bool(v)
    if spec.codec is not None:
        o["args"] = args
    o["result"] = result
    return o


def defined_by(o: Any) -> list[str]:
    """The names an object-form line defines, in the order it defines them (for tools
    that follow a trace without decoding it)."""
    if not isinstance(o, dict):
        return []
    if o.get("event") == "adapter":
        keys: tuple[str, ...] = ("adapter", "system_process")
    else:                                   # the NEW columns of the line's op-table row
        name = o.get("call") or o.get("event")
        spec = BY_NAME.get(name) if isinstance(name, str) else None
        keys = tuple(c.name for c in spec.columns if c.role == NEW) if spec else ()
    out = []
    for k in keys:
        where, key = (o.get("result"), k[7:]) if k.startswith("result.") else (o, k)
        if isinstance(where, dict) and isinstance(where.get(key), str):
            out.append(where[key])
    return out


# ---- editing traces as parsed lines -------------------------------------------------------


def iter_lines(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The parsed lines of a trace file (header first), each in the object form -- a
    compact line is expanded (:func:`expand`) -- for tools that edit traces; a ``.gz`` or
    ``.zst`` file is decompressed. A compact line this cannot expand is a ValueError."""
    names: list[str | None] = []
    objs = Objects(names)
    with open_read(path) as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                if isinstance(o, list):
                    o = expand(o, objs)
                for name in defined_by(o):
                    if name[:1] in KINDS:
                        objs.add(name[0], len(names))
                        names.append(name)
                yield o


def write_lines(path: str | os.PathLike[str], lines: list[dict[str, Any]]) -> None:
    """Writes parsed lines back as a trace file (compact JSON, one per line), compressed
    as the name says (``.gz``, ``.zst``)."""
    with open_write(path) as f:
        for o in lines:
            f.write(json.dumps(o, separators=(",", ":")))
            f.write("\n")


# ---- the fast path -----------------------------------------------------------------------

_FAST: Final[np.ndarray] = np.zeros(100, bool)
_FAST[[s.code for s in SPECS.values() if s.fast]] = True
# an Update's operation rows as the recorder writes them
_ROW: Final[Any] = tuple[(int,) * _UOPS.width]  # type: ignore[misc]
# per kind with a DATA or OPS column: the msgspec decoder of an array of its lines
# (typed tuples)
_TYPED: Final[dict[int, msgspec.json.Decoder[Any]]] = {
    s.code: msgspec.json.Decoder(list[tuple[(int,) + tuple(  # type: ignore[misc]
        str | None if c.role == DATA else list[_ROW] | None if c.role == OPS else int
        for c in s.columns)]])
    for s in SPECS.values() if s.fast and not s.all_int}


def compact_kinds(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per line (starting at `starts` in the chunk's bytes `arr`): COMPACT_KIND + code for
    a line that starts like a compact line of a known kind (``[7,`` / ``[12,``), else 0.
    A hint: the lines are then decoded with that kind's width and checks."""
    kinds = np.zeros(len(starts), np.uint32)
    if not len(arr) or not len(starts):
        return kinds
    idx = starts[:, None] + np.arange(4)
    np.minimum(idx, len(arr) - 1, out=idx)
    b = arr[idx].astype(np.int64)
    d1, d2 = b[:, 1] - 48, b[:, 2] - 48
    digit1 = (d1 >= 0) & (d1 <= 9)
    digit2 = (d2 >= 0) & (d2 <= 9)
    one = (b[:, 0] == _OPEN) & digit1 & (b[:, 2] == _COMMA)
    two = (b[:, 0] == _OPEN) & digit1 & (d1 > 0) & digit2 & (b[:, 3] == _COMMA)
    code = np.where(one, d1, np.where(two, d1 * 10 + d2, 0))
    ok = (one | two) & _FAST[code]
    kinds[ok] = COMPACT_KIND + code[ok]
    return kinds


def _flat(lines: list[bytes], width: int) -> np.ndarray:
    """The values of `lines` (each exactly ``[v, ..., v]`` with `width` integers) as a
    (len(lines), width) uint64 array; Fail otherwise."""
    n = len(lines)
    g = b",".join(lines)
    a = np.frombuffer(g, np.uint8)
    opens = np.flatnonzero(a == _OPEN)
    closes = np.flatnonzero(a == _CLOSE)
    # one "[" at the start of each line, one "]" at its end, nothing between lines
    if (len(opens) != n or len(closes) != n or opens[0] != 0 or closes[-1] != len(g) - 1
            or np.any(opens[1:] != closes[:-1] + 2)):
        raise Fail
    # commas from each "[" to the next: the line's, and the one after it (but the last)
    commas = np.add.reduceat((a == _COMMA).view(np.uint8), opens, dtype=np.int64)
    commas[:-1] -= 1
    if np.any(commas != width - 1):
        raise Fail
    try:
        values = _FLAT.decode(b"[" + g.translate(None, b"[]") + b"]")
        # array.array converts a list of ints in C (OverflowError for one that does not
        # fit 64 unsigned bits), several times faster than numpy's own conversions
        flat = np.frombuffer(array.array("Q", values), np.uint64)
    except (msgspec.DecodeError, OverflowError, TypeError, ValueError):
        raise Fail from None
    if len(flat) != n * width:
        raise Fail
    return flat.reshape(n, width)


def _typed(lines: list[bytes], spec: LineSpec) -> tuple[np.ndarray, list[Any]]:
    """The lines of a kind with a DATA or OPS column (each a typed tuple): its integers
    as a (len(lines), width) uint64 array (0 in that column) and that column's values."""
    try:
        rows = _TYPED[spec.code].decode(b"[" + b",".join(lines) + b"]")
    except msgspec.DecodeError:
        raise Fail from None
    j = 1 + next(i for i, c in enumerate(spec.columns) if c.role in (DATA, OPS))
    data = [r[j] for r in rows]
    try:
        t = np.array([r[:j] + (0,) + r[j + 1:] for r in rows], np.uint64)
    except (OverflowError, TypeError, ValueError):
        raise Fail from None
    return t.reshape(len(lines), spec.width), data


def fast_kind(run: _Run, spec: LineSpec, lines: list[bytes], pos: np.ndarray,
              blob_dtype: np.dtype | None) -> tuple[np.ndarray, list[Any]] | None:
    """The ops of `lines` (all compact lines of `spec`, at run positions `pos`). For a
    kind with a DATA column the struct records and the DATA values are returned, for
    the caller to lay out with their payloads; None otherwise."""
    data: list[Any] | None = None
    if spec.all_int:
        t = _flat(lines, spec.width)
    else:
        t, data = _typed(lines, spec)
    n = len(lines)
    cols = run.cols
    rec = np.zeros(n, blob_dtype) if blob_dtype is not None else None
    for j, col in enumerate(spec.columns, 1):
        v = t[:, j]
        if col.bits < 64 and n and int(v.max()) >> col.bits:
            raise Fail
        if col.role == INT:
            assert rec is not None
            rec[col.name] = v
        elif col.role == REF:
            run.num_refs.append((pos, col.sym, v))
        elif col.role == STATUS:
            cols["expect_status"][pos] = v
        elif col.role == VALUE:
            cols["expect_value"][pos] = v
        elif col.role == NEW:
            run.num_defs.append((pos, col.prefix, v))
        elif col.role == KEEP:
            cols["flags"][pos] = np.where(v == 1, _F_KEEP, 0)
    if rec is not None and data is not None:
        return rec, data
    if rec is not None:
        off = run.add_blob(rec.tobytes())
        cols["blob"][pos] = off + np.arange(n, dtype=np.uint64) * rec.dtype.itemsize
    return None
