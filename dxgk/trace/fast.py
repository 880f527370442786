"""The fast path of decoding: a run of trace lines in the recorder's form, decoded at once.

The recorder writes every line in one fixed form (each struct as all its top-level
members, handles as names, statuses as names). For a run of such lines the decoder does
not look at lines one by one: msgspec decodes the run as one JSON array into typed
Structs (a tagged union per line family: ``"call"`` lines and ``"event"`` lines), and
numpy builds the op records and the struct bytes column by column. A line in any other
form -- a struct member given as a bitfield or as ``"0x..."``, a raw handle value, an
integer status, a missing result, bad JSON -- fails the typed decode, and the whole run
is handed back to the line-by-line checker of :mod:`dxgk.trace.decoder`, which knows
every form and reports every error.

What it owns: the typed line Structs, :func:`decode_run`.

Invariant kept: :func:`decode_run` either appends to the decoder exactly the ops, struct
bytes (their offsets in the blob aside) and symbols that the line-by-line checker would
append for the same lines (the tests compare the two on every workload), or changes
nothing and returns False.
"""

from __future__ import annotations

import array
import operator
import re
from collections.abc import Callable
from itertools import chain, compress, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

import msgspec
import numpy as np

from .._core import lib
from .compact import COMPACT_KIND, KINDS, Fail, fast_kind
from .format import (
    _CODECS,
    _CREATE_C,
    _F_DATA,
    _F_KEEP,
    _KUPDATE_C,
    _MAP_C,
    _NULL_SYM,
    _RESERVE_C,
    _STATUS_BY_NAME,
    _UOPS,
    _UPDATE_C,
    EVENTS,
    OP_DTYPE,
    _Codec,
)
from .optable import SPECS

if TYPE_CHECKING:
    from .checker import _Decoder

_Ref = str | None          # a handle in the recorder's form: a name or null


def _args(codec: _Codec) -> Any:
    """The Struct of a codec's JSON object in the recorder's form: every top-level member,
    integers as integers, handles and the data pointer as a string or null."""
    return msgspec.defstruct(
        f"{codec.name}_json",
        [(n, int if role == 0 else _Ref) for n, role in zip(codec.names, codec.roles)],
        forbid_unknown_fields=True, gc=False)


def _line(name: str, family: str, tag: str, fields: list[tuple[str, Any]]) -> Any:
    return msgspec.defstruct(name, fields, tag_field=family, tag=tag,
                             forbid_unknown_fields=True, gc=False)


def _result(name: str, fields: list[tuple[str, Any]]) -> Any:
    return msgspec.defstruct(name, [("status", str), *fields], forbid_unknown_fields=True,
                             gc=False)


_Status = _result("Status", [])
_MapLine = _line("MapLine", "call", "DxgkCbMapContextAllocation",
                 [("hAdapter", _Ref), ("args", _args(_MAP_C)),
                  ("result", _result("MapResult", [("va", int)]))])
_CreateLine = _line("CreateLine", "call", "DxgkCbCreateContextAllocation",
                    [("args", _args(_CREATE_C)),
                     ("result", _result("CreateResult", [("hAllocation", _Ref),
                                                         ("va", int)]))])
_DestroyLine = _line("DestroyLine", "call", "DxgkCbDestroyContextAllocation",
                     [("hAdapter", _Ref), ("hAllocation", _Ref), ("result", _Status)])
_UpdateLine = _line("UpdateLine", "call", "DxgkCbUpdateContextAllocation",
                    [("hAdapter", _Ref), ("args", _args(_UPDATE_C)), ("result", _Status)])
_ReserveLine = _line("ReserveLine", "call", "DxgkCbReserveGpuVirtualAddressRange",
                     [("hAdapter", _Ref), ("args", _args(_RESERVE_C)),
                      ("result", _result("ReserveResult", [("StartVirtualAddress", int)]))])

# event -> (Struct, the key of the object it uses, the key of the object it creates)
_EVENT_KEYS: Final[dict[str, tuple[str, str | None]]] = {
    "adapter_destroy": ("adapter", None), "process_begin": ("adapter", "process"),
    "process_end": ("process", None), "process_destroy": ("process", None),
    "device_create": ("process", "device"), "device_destroy": ("device", None),
    "context_create": ("device", "context"), "context_destroy": ("context", None)}
_EVENT_TYPES: Final[dict[Any, tuple[int, str, str | None]]] = {}
for _ev, (_use, _new) in _EVENT_KEYS.items():
    _f: list[tuple[str, Any]] = [(_use, _Ref)]
    if _new:
        _f.append((_new, _Ref))
    if _ev == "process_end":
        _f.append(("keep", bool))
    _f.append(("result", _Status))
    _EVENT_TYPES[_line(f"Event_{_ev}", "event", _ev, _f)] = (EVENTS[_ev], _use, _new)

_CALL_TYPES: Final[dict[Any, int]] = {
    _MapLine: int(lib.DXGK_RP_MAP), _CreateLine: int(lib.DXGK_RP_CREATE),
    _DestroyLine: int(lib.DXGK_RP_DESTROY), _UpdateLine: int(lib.DXGK_RP_UPDATE),
    _ReserveLine: int(lib.DXGK_RP_RESERVE)}
# op code -> the decoder of a JSON array of such lines
_DECODERS: Final[dict[int, msgspec.json.Decoder[list[Any]]]] = {
    code: msgspec.json.Decoder(list[t])  # type: ignore[valid-type]
    for t, code in [*_CALL_TYPES.items(), *((t, v[0]) for t, v in _EVENT_TYPES.items())]}
_EVENT_KEYS_OF: Final[dict[int, tuple[str, str | None]]] = {
    v[0]: (v[1], v[2]) for v in _EVENT_TYPES.values()}
_CODEC_OF: Final[dict[int, _Codec]] = {
    int(lib.DXGK_RP_MAP): _MAP_C, int(lib.DXGK_RP_UPDATE): _UPDATE_C,
    int(lib.DXGK_RP_RESERVE): _RESERVE_C}
_PREFIX_DEF: Final[dict[str, str]] = {"process": "P", "device": "D", "context": "C"}
_get_args = attrgetter("args")
_get_result = attrgetter("result")
_get_status = attrgetter("result.status")
_get_adapter = attrgetter("hAdapter")
# names, one per line, of objects of one kind (the form of format._NAME_RE)
_NAMES_RE: Final[dict[str, re.Pattern[str]]] = {
    p: re.compile(rf"(?:{p}(?:0|[1-9][0-9]*)\n)*") for p in KINDS}


def _blob_dtype(codec: _Codec) -> np.dtype:
    """The struct's bytes as a numpy record (handles and the data pointer included, left
    0), padded to 8 bytes as the blob keeps every part."""
    return np.dtype({"names": list(codec.names),
                     "formats": [f"<u{codec.bits[n][1] // 8}" for n in codec.names],
                     "offsets": [codec.offsets[n] for n in codec.names],
                     "itemsize": (codec.size + 7) & ~7})


_INT_MEMBERS: Final[dict[int, tuple[str, ...]]] = {
    code: tuple(n for n, role in zip(c.names, c.roles) if role == 0)
    for code, c in ((int(lib.DXGK_RP_MAP), _MAP_C), (int(lib.DXGK_RP_CREATE), _CREATE_C),
                    (int(lib.DXGK_RP_UPDATE), _UPDATE_C), (int(lib.DXGK_RP_RESERVE), _RESERVE_C))}
_INT_GETTERS: Final[dict[int, Any]] = {c: attrgetter(*v) for c, v in _INT_MEMBERS.items()}
def _words_dtype(names: tuple[str, ...]) -> np.dtype:
    """An event's integer arguments as the blob keeps them: one uint64 word each."""
    return np.dtype({"names": list(names), "formats": ["<u8"] * len(names),
                     "offsets": [8 * i for i in range(len(names))], "itemsize": 8 * len(names)})


# per op code with a blob, the record of its blob part (every op code the compact fast
# path takes: the struct of a call, the words of an event with integer arguments)
_BLOB_DTYPES: Final[dict[int, np.dtype]] = {
    **{code: _blob_dtype(c) for code, c in _CODECS.items()},
    **{s.op: _words_dtype(s.words) for s in SPECS.values() if s.words}}


_Fail = Fail            # the run is not entirely in the recorder's form (one exception
                        # for the object-line and the compact fast paths)


def _u64(values: Any, n: int) -> np.ndarray:
    """A column of JSON integers as uint64; _Fail for a negative or too large one."""
    try:
        return np.fromiter(values, np.uint64, n)
    except (OverflowError, TypeError, ValueError):
        raise _Fail from None


def _statuses(objs: list[Any]) -> np.ndarray:
    st = np.fromiter(map(_STATUS_BY_NAME.get, map(_get_status, objs), repeat(-1)), np.int64,
                     len(objs))
    if len(st) and st.min() < 0:
        raise _Fail
    return st


class _Run:
    """One run being built: the op rows (in line order) and what refers to what."""

    def __init__(self, n: int, lines: np.ndarray) -> None:
        # one plain array per op field (numpy scatters into these far faster than into
        # the fields of a record array); the records are built once, at the end
        fields, names = OP_DTYPE.fields, OP_DTYPE.names
        assert fields is not None and names is not None     # a record dtype: both set
        self.cols = {k: np.zeros(n, fields[k][0]) for k in names}
        self.cols["line"][:] = lines
        for k in ("out_sym", "sym0", "sym1", "sym2", "sym3"):
            self.cols[k][:] = _NULL_SYM
        self.refs: list[tuple[np.ndarray, str, tuple[Any, ...]]] = []  # (pos, column, names)
        self.defs: list[tuple[np.ndarray, str, tuple[Any, ...]]] = []  # (pos, prefix, names)
        self.parts: list[tuple[int, bytes]] = []      # blob parts: (run-relative offset, bytes)
        self.blob_size = 0
        # compact lines (format 2): handles and new objects as object numbers
        self.num_refs: list[tuple[np.ndarray, str, np.ndarray]] = []  # (pos, column, numbers)
        self.num_defs: list[tuple[np.ndarray, str, np.ndarray]] = []  # (pos, prefix, numbers)
        # Update records whose handle words hold object numbers:
        # (records, rows with a handle, the handle's column, the op's run position)
        self.rec_refs: list[tuple[np.ndarray, np.ndarray, int, int]] = []

    def add_blob(self, data: Any) -> int:
        """Appends a blob part: bytes, or (bytes, a uint64 array patched until the commit)."""
        off = self.blob_size
        n = len(data[0]) + data[1].nbytes if isinstance(data, tuple) else len(data)
        self.parts.append((off, data))
        self.blob_size += n + (-n % 8)
        return off


def _struct_columns(run: _Run, pos: np.ndarray, code: int, codec: _Codec, args: list[Any],
                    sym_cols: tuple[str, ...]) -> tuple[np.ndarray, list[Any]]:
    """The struct bytes of `args` (one record per op); its handles become refs of the ops'
    `sym_cols` (in the codec's handle order); returns (records, data pointer values)."""
    n = len(args)
    rec = np.zeros(n, _BLOB_DTYPES[code])
    ints = _INT_MEMBERS[code]
    # every integer member of every struct in one pass, then a column per member
    values: Any = map(_INT_GETTERS[code], args)
    if len(ints) > 1:                               # attrgetter of 2+ names: tuples
        values = chain.from_iterable(values)
    table = _u64(values, n * len(ints))
    table = table.reshape(n, len(ints))
    for j, name in enumerate(ints):
        col = table[:, j]
        bits = codec.bits[name][1]
        if bits < 64 and n and int(col.max()) >> bits:
            raise _Fail
        rec[name] = col
    data: list[Any] = []
    hi = 0
    for name, role in zip(codec.names, codec.roles):
        if role == 1:
            run.refs.append((pos, sym_cols[hi], tuple(map(attrgetter(name), args))))
            hi += 1
        elif role == 2:
            data = list(map(attrgetter(name), args))
    return rec, data


def _call_kind(run: _Run, code: int, sel: list[Any], pos: np.ndarray) -> None:
    """The ops of the lines `sel` (all of one callback) at run positions `pos`."""
    n = len(sel)
    ops = run.cols
    ops["expect_status"][pos] = _statuses(sel)
    if code == lib.DXGK_RP_DESTROY:
        run.refs.append((pos, "sym0", tuple(map(_get_adapter, sel))))
        run.refs.append((pos, "sym1", tuple(map(attrgetter("hAllocation"), sel))))
        return
    results = list(map(_get_result, sel))
    args = list(map(_get_args, sel))
    if code == lib.DXGK_RP_CREATE:
        rec, _ = _struct_columns(run, pos, code, _CREATE_C, args,
                                 ("sym0", "sym1", "sym2", "sym3"))
        ops["expect_value"][pos] = _u64(map(attrgetter("va"), results), n)
        run.defs.append((pos, "H", tuple(map(attrgetter("hAllocation"), results))))
    else:
        run.refs.append((pos, "sym0", tuple(map(_get_adapter, sel))))
        rec, data = _struct_columns(run, pos, code, _CODEC_OF[code], args, ("sym1",))
        if code == lib.DXGK_RP_MAP:
            ops["expect_value"][pos] = _u64(map(attrgetter("va"), results), n)
        elif code == lib.DXGK_RP_RESERVE:
            ops["expect_value"][pos] = _u64(map(attrgetter("StartVirtualAddress"),
                                                results), n)
        else:
            _update_data(run, pos, rec, data)
            return
    off = run.add_blob(rec.tobytes())
    ops["blob"][pos] = off + np.arange(n, dtype=np.uint64) * rec.dtype.itemsize


def _update_data(run: _Run, pos: np.ndarray, rec: np.ndarray, data: list[Any]) -> None:
    """Updates carry their private driver data after the struct: one blob part each."""
    sizes = rec["PrivateDriverDataSize"].tolist()
    size = _UPDATE_C.size
    raw = rec.tobytes()
    step = rec.dtype.itemsize
    blob = np.zeros(len(pos), np.uint64)
    flags = np.zeros(len(pos), np.uint32)
    n0 = np.zeros(len(pos), np.uint32)
    for i, (d, want) in enumerate(zip(data, sizes)):
        payload = b""
        if d is not None:
            if d == "?":
                payload = bytes(want)
            else:
                try:
                    payload = bytes.fromhex(d)
                except ValueError:
                    raise _Fail from None
                if len(payload) != want:
                    raise _Fail
            flags[i] = _F_DATA
            n0[i] = len(payload)
        blob[i] = run.add_blob(raw[i * step:i * step + size] + payload)
    run.cols["blob"][pos] = blob
    run.cols["flags"][pos] |= flags
    run.cols["n0"][pos] = n0


_UOP_MAP_TYPES: Final[np.ndarray] = np.array(sorted(_UOPS.map_types), np.uint64)


def _update_records(run: _Run, pos: np.ndarray, rec: np.ndarray, data: list[Any]) -> None:
    """D3DKMT Updates carry their operation records after the struct (8-aligned): one
    blob part each. A MAP / MAP_PROTECT record's handle word holds an object number
    until :func:`_commit` resolves it (``run.rec_refs``)."""
    counts = rec["NumOperations"].tolist()
    raw = rec.tobytes()
    step = rec.dtype.itemsize
    head = (_KUPDATE_C.size + 7) & ~7
    blob = np.zeros(len(pos), np.uint64)
    flags = np.zeros(len(pos), np.uint32)
    n0 = np.zeros(len(pos), np.uint32)
    for i, (rows, want) in enumerate(zip(data, counts)):
        part: Any = raw[i * step:i * step + head]
        if rows is not None:
            if not 1 <= len(rows) <= lib.DXGK_RP_MAX_UOPS or len(rows) != want:
                raise _Fail
            try:
                words = np.frombuffer(array.array("Q", chain.from_iterable(rows)), np.uint64)
            except (OverflowError, TypeError):
                raise _Fail from None
            words = words.reshape(len(rows), _UOPS.width).copy()
            if int(words[:, 0].max()) >> 32:
                raise _Fail
            # the record: the type (uint32 + 4 bytes of padding), then the seven words
            recs = np.zeros((len(rows), _UOPS.size // 8), np.uint64)
            recs[:, 0] = words[:, 0]
            recs[:, 1:] = words[:, 1:]
            mapped = np.flatnonzero(np.isin(words[:, 0], _UOP_MAP_TYPES))
            if len(mapped):
                run.rec_refs.append((recs, mapped, _UOPS.handle_col, int(pos[i])))
            part = (part, recs)
            flags[i] = _F_DATA
            n0[i] = len(rows)
        blob[i] = run.add_blob(part)
    run.cols["blob"][pos] = blob
    run.cols["flags"][pos] |= flags
    run.cols["n0"][pos] = n0


def _event_kind(run: _Run, code: int, sel: list[Any], pos: np.ndarray) -> None:
    """The ops of the lines `sel` (all of one object event) at run positions `pos`."""
    use, new = _EVENT_KEYS_OF[code]
    run.cols["expect_status"][pos] = _statuses(sel)
    run.refs.append((pos, "sym0", tuple(map(attrgetter(use), sel))))
    if new:
        run.defs.append((pos, _PREFIX_DEF[new], tuple(map(attrgetter(new), sel))))
    if code == lib.DXGK_RP_PROCESS_END:
        keep = np.fromiter(map(attrgetter("keep"), sel), bool, len(sel))
        run.cols["flags"][pos] = np.where(keep, _F_KEEP, 0)


# ---- which kind of line a line is, read from its first bytes -----------------------------
#
# A hint only: each kind's lines are then decoded with that kind's Struct, whose tag must
# match, so a wrong hint fails the typed decode (and the run goes line by line).
_PROBE: Final[np.ndarray] = np.array([2, 10, 15, 17, 18])
_HINTS: Final[list[tuple[int, dict[int, str]]]] = [
    # (op code, {probe index: the byte there})
    (int(lib.DXGK_RP_CREATE), {0: "c", 2: "C"}), (int(lib.DXGK_RP_DESTROY), {0: "c", 2: "D"}),
    (int(lib.DXGK_RP_MAP), {0: "c", 2: "M"}), (int(lib.DXGK_RP_UPDATE), {0: "c", 2: "U"}),
    (int(lib.DXGK_RP_RESERVE), {0: "c", 2: "R"}),
    (EVENTS["adapter_destroy"], {0: "e", 1: "a", 3: "_"}),
    (EVENTS["process_begin"], {0: "e", 1: "p", 4: "b"}),
    (EVENTS["process_end"], {0: "e", 1: "p", 4: "e"}),
    (EVENTS["process_destroy"], {0: "e", 1: "p", 4: "d"}),
    (EVENTS["device_create"], {0: "e", 1: "d", 3: "c"}),
    (EVENTS["device_destroy"], {0: "e", 1: "d", 3: "d"}),
    (EVENTS["context_create"], {0: "e", 1: "c", 4: "c"}),
    (EVENTS["context_destroy"], {0: "e", 1: "c", 4: "d"}),
]


def line_kinds(buf: bytes, starts: np.ndarray) -> np.ndarray:
    """Per line (starting at byte `starts` of `buf`) the op code its first bytes suggest,
    0 for none (a line the fast path does not take: the adapter event, anything else)."""
    arr = np.frombuffer(buf, np.uint8)
    kinds = np.zeros(len(starts), np.uint32)
    if not len(arr):
        return kinds
    idx = starts[:, None] + _PROBE
    np.minimum(idx, len(arr) - 1, out=idx)
    b = arr[idx]
    for code, want in _HINTS:
        m = np.ones(len(starts), bool)
        for col, ch in want.items():
            m &= b[:, col] == ord(ch)
        kinds[m] = code
    return kinds


def decode_run(dec: _Decoder, lines: list[bytes], nums: np.ndarray,
               kinds: np.ndarray) -> bool:
    """Decodes `lines` (non-empty, without their newlines; `nums` their line numbers,
    `kinds` the op code each one's first bytes suggest) into `dec` if every one is in the
    recorder's form and refers only to objects defined by earlier lines; False (nothing
    changed) otherwise."""
    run = _Run(len(lines), nums)
    run.cols["code"][:] = kinds
    try:
        for code in np.unique(kinds).tolist():
            mask = kinds == code
            if code > COMPACT_KIND:
                spec = SPECS[code - COMPACT_KIND]
                pos = np.flatnonzero(mask)
                run.cols["code"][pos] = spec.op
                with_data = fast_kind(run, spec, list(compress(lines, mask)), pos,
                                      _BLOB_DTYPES.get(spec.op))
                if with_data is not None:           # Update: the struct, then its data
                    (_update_records if spec.op == lib.DXGK_RP_KMT_UPDATE else _update_data)(
                        run, pos, *with_data)
                continue
            decoder = _DECODERS.get(code)
            if decoder is None:
                return False
            sel = decoder.decode(b"[" + b",".join(compress(lines, mask)) + b"]")
            (_call_kind if code >= lib.DXGK_RP_CREATE else _event_kind)(
                run, code, sel, np.flatnonzero(mask))
        return _commit(dec, run)
    except (msgspec.DecodeError, RecursionError, _Fail):
        return False


def _definitions(dec: _Decoder, run: _Run) -> tuple[np.ndarray, np.ndarray, Any] | None:
    """The run's new objects in line order: (their run positions, their kind codes, their
    names -- a list in a version-1 trace, their numbers within their kinds in a version-2
    one); None when a name is bad, taken or out of turn, or a number is not the next
    one."""
    pos_parts: list[np.ndarray] = []
    kind_parts: list[np.ndarray] = []
    num_parts: list[np.ndarray] = []             # per definition its number; 0: a name
    given: list[tuple[int, str]] = []            # (index among the parts, name given)
    at = 0
    for pos, prefix, names in run.defs:
        if None in names:                        # a creation that failed: no name
            some = np.fromiter(map(operator.is_not, names, repeat(None)), bool, len(names))
            pos, names = pos[some], tuple(compress(names, some))
        # every name well formed, for an object of its kind
        if names and not _NAMES_RE[prefix].fullmatch("\n".join(names) + "\n"):
            return None
        pos_parts.append(pos)
        kind_parts.append(np.full(len(pos), KINDS.index(prefix), np.int8))
        num_parts.append(np.zeros(len(pos), np.int64))
        given.extend(zip(range(at, at + len(pos)), names))
        at += len(pos)
    for pos, prefix, nums in run.num_defs:
        some = nums != 0                         # 0: the creation failed
        pos_parts.append(pos[some])
        kind_parts.append(np.full(int(np.count_nonzero(some)), KINDS.index(prefix), np.int8))
        num_parts.append(nums[some].astype(np.int64))
        at += len(pos_parts[-1])
    if not at:
        return np.zeros(0, np.int64), np.zeros(0, np.int8), \
            [] if dec.version < 2 else np.zeros(0, np.int64)
    pos = np.concatenate(pos_parts)
    order = np.argsort(pos, kind="stable")
    kinds = np.concatenate(kind_parts)[order]
    if dec.version < 2:                          # version 1: names as given, none taken
        in_order = [given[i][1] for i in order.tolist()]
        if len(set(in_order)) != len(in_order) or \
                not dec.sym_index.keys().isdisjoint(in_order):
            return None
        return pos[order], kinds, in_order
    # version 2: the n-th object of a kind is <kind><n - 1>, numbered count + 1, + 2, ...
    # (so a new name can never be taken)
    objs = dec.objs
    nums = np.concatenate(num_parts)[order]
    numbered = nums != 0
    if np.any(nums[numbered] != objs.count + 1 + np.flatnonzero(numbered)):
        return None
    within = np.zeros(at, np.int64)             # the number within the kind
    for k, prefix in enumerate(KINDS):
        mine = kinds == k
        n = int(np.count_nonzero(mine))
        if n:
            within[mine] = objs.kind_count(prefix) + np.arange(n)
    if given:
        rank = np.empty(at, np.int64)
        rank[order] = np.arange(at)
        if any(name != f"{KINDS[kinds[r]]}{within[r]}" for r, name in
               ((int(rank[i]), name) for i, name in given)):
            return None
    return pos[order], kinds, within


def _commit(dec: _Decoder, run: _Run) -> bool:
    """Defines the run's new objects, resolves its references and appends it -- or, when
    a definition or a reference is bad, undoes the definitions (False)."""
    found = _definitions(dec, run)
    if found is None:
        return False
    def_pos, def_kinds, def_names = found
    base = len(dec.names)
    k = len(def_pos)
    new_idx = np.arange(base, base + k, dtype=np.int64)
    run.cols["out_sym"][def_pos] = new_idx
    v1 = dec.version < 2
    get: Callable[[Any, int], int | None]
    if v1:
        dec.sym_index.update(zip(def_names, range(base, base + k)))
        get = dec.sym_index.get
    else:                       # the run's own names (spelt only if a line names them)
        staged = {f"{KINDS[a]}{b}": base + i for i, (a, b) in
                  enumerate(zip(def_kinds.tolist(), def_names.tolist()))} if run.refs else {}

        def get(name: Any, default: int) -> int | None:
            i = dec.lookup(name)
            return i if i is not None else staged.get(name, default)
    try:
        for pos, col, refs in run.refs:
            if refs and refs.count(refs[0]) == len(refs):     # one object (the adapter)
                idx = np.full(len(refs), get(refs[0], -1), np.int64)
            else:
                idx = np.fromiter(map(get, refs, repeat(-1)), np.int64, len(refs))
            if len(idx) and idx.min() < 0:
                raise _Fail
            # a name defined in this run: its line must come before the use
            local = (idx >= base) & (idx != _NULL_SYM)
            if local.any() and np.any(run.cols["line"][def_pos[idx[local] - base]]
                                      >= run.cols["line"][pos[local]]):
                raise _Fail
            run.cols[col][pos] = idx
        if run.num_refs or run.rec_refs:
            objs = dec.objs
            table = np.concatenate([objs.by_number.view(), new_idx])
            for pos, col, nums in run.num_refs:
                # an object defined by an earlier line: of the trace so far, or of the run
                if np.any(nums > objs.count + np.searchsorted(def_pos, pos, "left")):
                    raise _Fail
                run.cols[col][pos] = table[nums]
            for recs, rows, hcol, at in run.rec_refs:
                nums = recs[rows, hcol]
                if np.any(nums > objs.count + np.searchsorted(def_pos, at, "left")):
                    raise _Fail
                recs[rows, hcol] = table[nums.astype(np.int64)]
    except _Fail:
        if v1:
            for name in def_names:
                del dec.sym_index[name]
        return False
    dec.def_lines.append(run.cols["line"][def_pos].astype(np.int64))
    if v1:
        dec.names.extend(def_names)
    else:
        dec.names.extend(def_kinds.astype(np.int64), def_names)
    dec.objs.extend(def_kinds, new_idx)
    dec.initial.extend(repeat(0, k))
    parts = [(o, b"".join((d[0], d[1].tobytes())) if isinstance(d, tuple) else d)
             for o, d in run.parts]
    off = dec.append_blob(parts, run.blob_size)
    has_blob = np.isin(run.cols["code"], list(_BLOB_DTYPES))
    run.cols["blob"][has_blob] += off
    ops = dec.new_ops(len(run.cols["line"]))        # the decoder's own records: one copy
    for col, v in run.cols.items():
        ops[col] = v
    return True
