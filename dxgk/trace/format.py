"""The trace format: what each line of a trace file says, and the JSON form of its structs.

A trace is a JSON Lines file: a header line, then one line per DDI call or object event,
in execution order, with object handles written as symbolic names (``"H5"``) in object
lines and as object numbers in the compact lines of version 2
(:mod:`dxgk.trace.optable`). The format
is specified in README.md ("Traces"); :data:`FORMAT_DOC` below is its summary.

What it owns: the format's name and version, the op tables (:data:`CALLS`,
:data:`EVENTS`: each line kind and its ``dxgk_rp_op`` code), the op records the engines
run (:data:`OP_DTYPE` = ``dxgk_rp_op``, :data:`RESULT_DTYPE` = ``dxgk_rp_result``, the
op flags), :class:`TraceError`, the
struct codecs (``_Codec``: a struct's bytes <-> its JSON object or compact columns), and
the status names a trace writes and reads.

Invariant kept: no struct offset or size is written by hand -- every codec is derived from
the layout engine (``dxgk.layout.cached_layouts``, host ABI) and checked at import against
the C engine's ``dxgk_rp_struct_size``, so the recorder, the decoder and both engines
agree on every struct byte for byte.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from typing import Final

import numpy as np

from .. import ddi, structs
from .._core import ffi, lib
from ..layout import cached_layouts
from ..marshal import _DXGK_HANDLE_FIELDS

FORMAT_NAME: Final[str] = "dxgk-trace"
FORMAT_VERSION: Final[int] = 2

_HOST_ABI: Final[str] = structs.HOST_ABI
_MASK32: Final[int] = 0xFFFFFFFF
_NULL_SYM: Final[int] = int(lib.DXGK_RP_NULL)
_POISON: Final[int] = int(lib.DXGK_RP_POISON)
_STATUS_SUCCESS: Final[int] = ddi.STATUS_SUCCESS
_STATUS_BY_NAME: Final[dict[str, int]] = {v: k for k, v in ddi._STATUS_NAMES.items()}
_NAME_RE: Final[re.Pattern[str]] = re.compile(r"[APDCHQF](?:0|[1-9][0-9]*)\Z")
_KIND_WORD: Final[dict[str, str]] = {"A": "adapter", "P": "process", "D": "device",
                                    "C": "context", "H": "allocation", "Q": "paging queue",
                                    "F": "fence"}

# The callbacks and their op codes.
CALLS: Final[dict[str, int]] = {
    "DxgkCbCreateContextAllocation": int(lib.DXGK_RP_CREATE),
    "DxgkCbDestroyContextAllocation": int(lib.DXGK_RP_DESTROY),
    "DxgkCbMapContextAllocation": int(lib.DXGK_RP_MAP),
    "DxgkCbUpdateContextAllocation": int(lib.DXGK_RP_UPDATE),
    "DxgkCbReserveGpuVirtualAddressRange": int(lib.DXGK_RP_RESERVE),
    # the user-mode thunks (docs/behaviour.md 9)
    "D3DKMTCreatePagingQueue": int(lib.DXGK_RP_QUEUE_CREATE),
    "D3DKMTDestroyPagingQueue": int(lib.DXGK_RP_QUEUE_DESTROY),
    "D3DKMTReserveGpuVirtualAddress": int(lib.DXGK_RP_KMT_RESERVE),
    "D3DKMTMapGpuVirtualAddress": int(lib.DXGK_RP_KMT_MAP),
    "D3DKMTFreeGpuVirtualAddress": int(lib.DXGK_RP_KMT_FREE),
    "D3DKMTUpdateGpuVirtualAddress": int(lib.DXGK_RP_KMT_UPDATE),
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
    # the user-mode objects of the Python layer (docs/behaviour.md 9.1, 9.7)
    "allocate": int(lib.DXGK_RP_ALLOCATE),
    "deallocate": int(lib.DXGK_RP_DEALLOCATE),
    "fence_create": int(lib.DXGK_RP_FENCE_CREATE),
    "fence_signal": int(lib.DXGK_RP_FENCE_SIGNAL),
    "queue_execute": int(lib.DXGK_RP_QUEUE_EXECUTE),
}
_OP_NAMES: Final[dict[int, str]] = {v: k for k, v in {**CALLS, **EVENTS}.items()}
_DDI_CODES: Final[frozenset[int]] = frozenset(CALLS.values())
# ops whose result includes a value (VA / StartVirtualAddress), and its JSON key
_VALUE_KEY: Final[dict[int, str]] = {int(lib.DXGK_RP_MAP): "va", int(lib.DXGK_RP_CREATE): "va",
                                     int(lib.DXGK_RP_RESERVE): "StartVirtualAddress",
                                     int(lib.DXGK_RP_KMT_RESERVE): "VirtualAddress",
                                     int(lib.DXGK_RP_KMT_MAP): "VirtualAddress",
                                     int(lib.DXGK_RP_QUEUE_EXECUTE): "fence_value"}

FORMAT_DOC: Final[str] = """\
header   {"format": "dxgk-trace", "version": 2, "abi": "x64", "ops": [...], ...metadata}
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
user     {"call": "D3DKMTCreatePagingQueue", "args": {struct},
          "result": {"status": S, "hPagingQueue": Q|null, "hSyncObject": F|null}}
         {"call": "D3DKMTDestroyPagingQueue" | "D3DKMTFreeGpuVirtualAddress",
          "args": {struct}, "result": R}
         {"call": "D3DKMTReserveGpuVirtualAddress" | "D3DKMTMapGpuVirtualAddress",
          "args": {struct}, "result": {"status": S, "VirtualAddress": int}}
         {"call": "D3DKMTUpdateGpuVirtualAddress", "args": {struct, "Operations":
          null | [[OperationType, w1, ..., w7], ...]}, "result": R}
         {"event": "allocate", "device": D, "size", "alignment", "segments", "preferred",
          "flags": int, "allocation": H|null, "result": R}
         {"event": "deallocate", "device": D, "allocation": H, "result": R}
         {"event": "fence_create", "device": D, "initial": int, "fence": F|null, "result": R}
         {"event": "fence_signal", "fence": F, "value": int, "result": R}
         {"event": "queue_execute", "queue": Q, "upto": int, "all": 0|1,
          "result": {"status": S, "fence_value": int}}
R = {"status": S}; S = "STATUS_..." name or an integer. A struct is its top-level
members by name (unions as their integer Value), any member of the layout -- bitfields
too, e.g. "Protection.Write" -- and optionally "_bytes" (hex of the whole struct,
applied first). Handle members are a name, null (NULL) or an integer: a value the trace
never named, replayed as a value that names no object (STATUS_INVALID_HANDLE).
Version 2 also has compact lines, [code, column, ...] with the columns of
dxgk.trace.optable (handles as object numbers: the n-th object defined is n, NULL is 0);
the recorder writes them for every line but the adapter event.
"""


class TraceError(ValueError):
    """A malformed trace: ``line`` (1-based) and what is wrong with it."""

    def __init__(self, line: int, message: str, path: str | None = None) -> None:
        self.line = line
        self.message = message
        self.path = path
        where = f"{path}:{line}" if path else f"line {line}"
        super().__init__(f"{where}: {message}")


# ---- the op records the engines run (the C structs of dxgk/core/replay.h) ----------------

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

    def to_row(self, raw: bytes, num: Callable[[int], str], data_json: str = "null") -> str:
        """The struct's members as the columns of a compact line (format 2), comma
        separated; handles through `num` (their object numbers)."""
        vals = self.st.unpack(raw)
        return ",".join(str(v) if role == 0 else num(v) if role == 1 else data_json
                        for role, v in zip(self.roles, vals))


_HANDLE_FIELDS: Final[frozenset[str]] = _DXGK_HANDLE_FIELDS
_MAP_C = _Codec("DXGKARGCB_MAPCONTEXTALLOCATION", _HANDLE_FIELDS)
_CREATE_C = _Codec("DXGKARGCB_CREATECONTEXTALLOCATION", _HANDLE_FIELDS)
_UPDATE_C = _Codec("DXGKARGCB_UPDATECONTEXTALLOCATION", _HANDLE_FIELDS, "pPrivateDriverData")
_RESERVE_C = _Codec("DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE", _HANDLE_FIELDS)
# the thunks' structs: their D3DKMT handles in, never their out-members
_QUEUE_C = _Codec("D3DKMT_CREATEPAGINGQUEUE", frozenset({"hDevice"}))
_UNQUEUE_C = _Codec("D3DDDI_DESTROYPAGINGQUEUE", frozenset({"hPagingQueue"}))
_KRESERVE_C = _Codec("D3DDDI_RESERVEGPUVIRTUALADDRESS", frozenset({"hPagingQueue"}))
_KMAP_C = _Codec("D3DDDI_MAPGPUVIRTUALADDRESS", frozenset({"hPagingQueue", "hAllocation"}))
_KFREE_C = _Codec("D3DKMT_FREEGPUVIRTUALADDRESS", frozenset({"hAdapter"}))
_KUPDATE_C = _Codec("D3DKMT_UPDATEGPUVIRTUALADDRESS",
                    frozenset({"hDevice", "hContext", "hFenceObject"}), "Operations")
_CAPS_C = _Codec("DXGK_GPUMMUCAPS")
_LEVEL_C = _Codec("DXGK_PAGE_TABLE_LEVEL_DESC")


class _UpdateOps:
    """The D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION records of an Update, as rows
    ``[OperationType, w1, ..., w7]``: the type, then the union's bytes as 64-bit words.
    In a MAP or MAP_PROTECT record the word holding ``hAllocation`` (column
    :attr:`handle_col`) is a handle: an object name or number in a trace, the symbol
    index in the blob the engines read."""

    def __init__(self) -> None:
        name = "D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION"
        lay = cached_layouts(_HOST_ABI)[name]
        bits = {f["name"]: (f["offset_bits"] // 8, f["size_bits"]) for f in lay["fields"]}
        self.size: int = lay["size"]
        union = bits["Map"][0]
        assert bits["OperationType"] == (0, 32) and union % 8 == 0 and self.size % 8 == 0
        words = (self.size - union) // 8
        self.st = struct.Struct(f"<I{union - 4}x{words}Q")
        self.width = 1 + words
        h = bits["Map.hAllocation"][0]
        assert h == bits["MapProtect.hAllocation"][0] and h % 8 == 0
        self.handle_col: int = 1 + (h - union) // 8
        self.map_types = frozenset({int(lib.D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP),
                                    int(lib.D3DDDI_UPDATEGPUVIRTUALADDRESS_MAP_PROTECT)})

    def rows(self, raw: bytes, n: int) -> list[list[int]]:
        """The rows of `n` records in `raw` (handles as their raw values: the 32-bit
        hAllocation of a MAP / MAP_PROTECT row, without the padding the core ignores)."""
        out = [list(self.st.unpack_from(raw, i * self.size)) for i in range(n)]
        for r in out:
            if r[0] in self.map_types:
                r[self.handle_col] &= 0xFFFFFFFF
        return out


_UOPS: Final[_UpdateOps] = _UpdateOps()
_CODECS: Final[dict[int, _Codec]] = {
    int(lib.DXGK_RP_MAP): _MAP_C, int(lib.DXGK_RP_CREATE): _CREATE_C,
    int(lib.DXGK_RP_UPDATE): _UPDATE_C, int(lib.DXGK_RP_RESERVE): _RESERVE_C,
    int(lib.DXGK_RP_QUEUE_CREATE): _QUEUE_C, int(lib.DXGK_RP_QUEUE_DESTROY): _UNQUEUE_C,
    int(lib.DXGK_RP_KMT_RESERVE): _KRESERVE_C, int(lib.DXGK_RP_KMT_MAP): _KMAP_C,
    int(lib.DXGK_RP_KMT_FREE): _KFREE_C, int(lib.DXGK_RP_KMT_UPDATE): _KUPDATE_C}
for _code, _c in _CODECS.items():
    assert lib.dxgk_rp_struct_size(_code) == _c.size, _c.name
assert lib.dxgk_rp_struct_size(lib.DXGK_RP_ADAPTER_CREATE) == _CAPS_C.size
_SEG_SIZE: Final[int] = ffi.sizeof("dxgk_vm_segment_desc")
_LEVEL_SIZE: Final[int] = _LEVEL_C.size
_SEG_KINDS: Final[dict[str, int]] = {"local": int(lib.DXGK_VM_SEG_LOCAL),
                                     "aperture": int(lib.DXGK_VM_SEG_APERTURE)}
_SEG_KIND_NAMES: Final[dict[int, str]] = {v: k for k, v in _SEG_KINDS.items()}


def _initial_kmt(initial: np.ndarray) -> np.ndarray:
    """The D3DKMT handle of each symbol before a run (both engines): none (0), or for a
    handle the trace never named (initial DXGK_RP_POISON) a value that names no object."""
    return np.where(initial == _POISON, np.uint32(lib.DXGK_RP_KMT_POISON),
                    np.uint32(0)).astype(np.uint32)


def _status_json(st: int) -> str:
    st &= _MASK32
    name = ddi._STATUS_NAMES.get(st)
    return f'"{name}"' if name else str(st)
