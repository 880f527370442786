"""The Python replay engine: the reference executor of a decoded trace.

Each DDI op goes through the facade (:mod:`dxgk.ddi`, the path a user's call takes) and
each object event through ``lib``, one Python step per op; nothing is shared with the C
engine (``dxgk_rp_execute``) but the decoded :class:`Trace`. It is slow, and exists so
that the C engine has an independent implementation to be compared with
(``replay(..., engine="python")``).

What it owns: ``_run_python``.

Invariant kept: the same Trace gives the same per-op results (status and value) and the
same mismatches, in line order, as the C engine -- tests/trace compare the two op by op.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable

import numpy as np

from .. import ddi, kmt, structs
from .._core import ffi, lib
from .decoder import Trace
from .format import (
    _CAPS_C,
    _CODECS,
    _F_DATA,
    _F_KEEP,
    _F_NULL_ARGS,
    _F_UNCHECKED,
    _LEVEL_SIZE,
    _MASK32,
    _NULL_SYM,
    _SEG_SIZE,
    _UOPS,
    _VALUE_KEY,
    RESULT_DTYPE,
    _initial_kmt,
)
from .result import Mismatch, ReplayResult, _mismatch


def _words(op: np.void, blob: bytes, n: int) -> list[int]:
    off = int(op["blob"])
    return [int.from_bytes(blob[off + 8 * i:off + 8 * i + 8], "little") for i in range(n)]


def _kmt_op(op: np.void, blob: bytes, sym: Callable[[int], int], ksym: Callable[[int], int],
            define_kmt: Callable[[int, int, int], None]) -> tuple[int, int]:
    """One user-mode op (docs/behaviour.md 9): the thunks through :mod:`dxgk.kmt`, the
    objects through lib; (status, value)."""
    code, flags = int(op["code"]), int(op["flags"])
    s0, s1, s2 = int(op["sym0"]), int(op["sym1"]), int(op["sym2"])
    out_sym = int(op["out_sym"])
    value = 0
    if code == lib.DXGK_RP_ALLOCATE:
        size, align, segs, pref, fl = _words(op, blob, 5)
        c = ffi.new("dxgk_vm_create_args *")
        c.device, c.size, c.alignment = sym(s0), size, align & _MASK32
        c.supported_segments, c.preferred, c.flags = segs & _MASK32, pref & _MASK32, \
            fl & _MASK32
        k = ffi.new("uint32_t *")
        st = lib.dxgk_vm_user_allocate(c, k) & _MASK32
        define_kmt(out_sym, st, int(k[0]))
        return st, 0
    if code == lib.DXGK_RP_DEALLOCATE:
        return lib.dxgk_vm_user_deallocate(ksym(s0), ksym(s1)) & _MASK32, 0
    if code == lib.DXGK_RP_FENCE_CREATE:
        k = ffi.new("uint32_t *")
        st = lib.dxgk_vm_fence_create(ksym(s0), _words(op, blob, 1)[0], k) & _MASK32
        define_kmt(out_sym, st, int(k[0]))
        return st, 0
    if code == lib.DXGK_RP_FENCE_SIGNAL:
        return lib.dxgk_vm_fence_signal(ksym(s0), _words(op, blob, 1)[0]) & _MASK32, 0
    if code == lib.DXGK_RP_QUEUE_EXECUTE:
        upto, every = _words(op, blob, 2)
        after = ffi.new("uint64_t *")
        st = lib.dxgk_vm_queue_execute(ksym(s0), upto, 1 if every else 0, after) & _MASK32
        return st, int(after[0]) if st == 0 else 0
    codec = _CODECS[code]
    off = int(op["blob"])
    args = None if flags & _F_NULL_ARGS else \
        getattr(structs, codec.name).from_buffer_copy(blob[off:off + codec.size])
    if code == lib.DXGK_RP_QUEUE_CREATE:
        if args is not None:
            args.hDevice = ksym(s0)
        st = kmt.D3DKMTCreatePagingQueue(args)
        q = s = 0
        if args is not None and st == 0:
            q, s = int(args.hPagingQueue), int(args.hSyncObject)
        define_kmt(out_sym, st, q)
        define_kmt(s1, st, s)
    elif code == lib.DXGK_RP_QUEUE_DESTROY:
        if args is not None:
            args.hPagingQueue = ksym(s0)
        st = kmt.D3DKMTDestroyPagingQueue(args)
    elif code in (lib.DXGK_RP_KMT_RESERVE, lib.DXGK_RP_KMT_MAP):
        if args is not None:
            args.hPagingQueue = ksym(s0)
            if code == lib.DXGK_RP_KMT_MAP:
                args.hAllocation = ksym(s1)
        fn = kmt.D3DKMTReserveGpuVirtualAddress if code == lib.DXGK_RP_KMT_RESERVE \
            else kmt.D3DKMTMapGpuVirtualAddress
        st = fn(args)
        if args is not None and st in (0, kmt.STATUS_PENDING):
            value = int(args.VirtualAddress)
    elif code == lib.DXGK_RP_KMT_FREE:
        if args is not None:
            args.hAdapter = ksym(s0)
        st = kmt.D3DKMTFreeGpuVirtualAddress(args)
    else:  # KMT_UPDATE
        ops = None
        if args is not None:
            args.hDevice, args.hContext, args.hFenceObject = ksym(s0), ksym(s1), ksym(s2)
            args.Operations = 0
            if flags & _F_DATA:
                n = int(op["n0"])
                start = off + codec.size + (-codec.size % 8)
                ops = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * n).from_buffer_copy(
                    blob[start:start + n * _UOPS.size])
                for rec in ops:
                    if int(rec.OperationType) in _UOPS.map_types:
                        rec.Map.hAllocation = ksym(int(rec.Map.hAllocation))
        st = kmt.D3DKMTUpdateGpuVirtualAddress(args, ops)
    return st & _MASK32, value


def _run_python(trace: Trace, check: bool, want_results: bool,
                max_mismatches: int | None, paging_log: bool = False) -> ReplayResult:
    """The reference executor: every DDI call through the facade, objects through lib."""
    ops, blob = trace.ops, trace.blob.tobytes()
    handles = trace.initial.copy()
    H = [int(x) for x in handles]
    K = [int(x) for x in _initial_kmt(handles)]     # D3DKMT handles, as the C engine keeps
    res = np.zeros(len(ops), RESULT_DTYPE) if want_results else None
    mismatches: list[Mismatch] = []
    total = 0
    limit = max_mismatches if max_mismatches is not None else 1 << 62
    out = ffi.new("uint64_t *")
    poison = int(lib.DXGK_RP_POISON)

    def sym(s: int) -> int:
        return 0 if s == _NULL_SYM else H[s]

    kpoison = int(lib.DXGK_RP_KMT_POISON)

    def define(s: int, st: int, h: int) -> None:
        if s != _NULL_SYM:
            ok = st == 0 and h
            H[s] = h if ok else poison
            K[s] = int(lib.dxgk_vm_kmt_handle(h)) if ok else kpoison

    def define_kmt(s: int, st: int, k: int) -> None:
        if s != _NULL_SYM:
            t = ffi.new("uint32_t *")
            h = int(lib.dxgk_vm_kmt_object(k, t)) if st == 0 and k else 0
            H[s] = h or poison
            K[s] = k if h else kpoison

    def ksym(s: int) -> int:
        return 0 if s == _NULL_SYM else K[s]

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
            if st == 0 and not paging_log and lib.dxgk_pg_set_capacity(a[0], 0) != 0:
                lib.dxgk_vm_adapter_destroy(a[0])
                a[0] = s[0] = 0
                st = ddi.STATUS_NO_MEMORY
            if st == 0 and flags & lib.DXGK_RP_F_DEFERRED:
                st = lib.dxgk_vm_adapter_set_paging(a[0], lib.DXGK_VM_PAGING_DEFERRED)
                if st != 0:
                    lib.dxgk_vm_adapter_destroy(a[0])
                    a[0] = s[0] = 0
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
        elif code >= lib.DXGK_RP_QUEUE_CREATE:
            st, value = _kmt_op(op, blob, sym, ksym, define_kmt)
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
