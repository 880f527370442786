"""Fuzzing the user-mode GPU VA services in lockstep with refmodel_um (issue 13 item 8,
docs/behaviour.md section 9), kernel-mode calls mixed in on the same VA spaces.

A hypothesis state machine, on an adapter of each execution mode (9.7), drives two
processes -- one with kernel reservations made at creation (6.3; one with
AllowUserModeMapping, 9.2), two devices, user-mode and context allocations; one without
-- through:

* kernel mode: DxgkCbCreateContextAllocation + DxgkCbMapContextAllocation at a
  BaseAddress or a chosen VA, DxgkCbDestroyContextAllocation (sections 4 to 6.1);
* user mode: every D3DKMT thunk (9.3 to 9.6, queue create / destroy 9.1) and every UMD
  callback through ``Device.callbacks()`` (9.9), ``Device.allocate`` / ``deallocate``
  (9.8), fence signals, ``PagingQueue.execute`` (9.7).

The thunk and callback arguments are well-formed structs (placed to collide, cut and
replace) that are then, half of the time, fuzzed: random byte / bit / word mutations
with extreme values (0, 2^63, 2^64 - 4096, overflowing sums), handle slots replaced by
random values, live handles of the wrong type or of another device or process, and
destroyed handles; Update operation arrays of random types, counts and fields.

Checked on every call: no crash; the status (HRESULT for a callback, 9.9) is the
model's, so the documented one with the C core's check order (8.4); out-fields are the
model's on success and untouched on failure; on failure nothing observable changed
(``_snap``: VADs and sub-ranges, translations, kernel ranges, page-table statistics,
segment usage, live handles, fences, queues, waiting batches). After every step
(``same_state``): ``adapter.validate()``, and the whole state against the model -- VADs,
what every VAD page holds, what the GPU sees on the window and on every page the model
says is valid, kernel ranges, fence values (and the CPU-visible queue fence), queue
submissions and pending bytes, waiting batches.

Domain bound (refmodel_um's docstring): a request that would succeed over more than
``CAP`` bytes is not made (the model does not predict page-table room), and is counted.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Any

import fuzzkit as F
import numpy as np
import refmodel_um as U
from dxgk._core import ffi, lib
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import dxgk
from dxgk import structs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kmt"))
import kmt_helpers as K  # noqa: E402

PAGE, P64K, MB = U.PAGE, U.P64K, 1 << 20
ROOT1 = 1 << 39                   # root entry 1 of the default GpuMmu: kernel reservations
WIN, WEND = ROOT1 - 2 * MB, ROOT1 + 6 * MB
KRES_USER, KRES_KERNEL = ROOT1, ROOT1 + 4 * MB
CAP = 16 * MB
APERTURE, LOCAL = 0b10, 0b01
VA_LIMIT = 1 << 48
WINDOW = np.arange(WIN, WEND, PAGE, dtype=np.uint64)
_CB = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)
OP = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION


def _u32(v: int) -> int:
    return int(v) & 0xFFFFFFFF


def decode_op(o: Any) -> dict[str, int]:
    """An operation as the C core unpacks it (by OperationType's union member)."""
    t = _u32(o.OperationType)
    d = dict(type=t, base=0, size=0, allocation=0, offset=0, alloc_size=0, protection=0,
             driver_protection=0, source=0)
    if t in (U.OP_MAP, U.OP_MAP_PROTECT):
        m = o.Map if t == U.OP_MAP else o.MapProtect
        d.update(base=m.BaseAddress, size=m.SizeInBytes, allocation=m.hAllocation,
                 offset=m.AllocationOffsetInBytes, alloc_size=m.AllocationSizeInBytes)
        if t == U.OP_MAP_PROTECT:
            d.update(protection=o.MapProtect.Protection.Value,
                     driver_protection=o.MapProtect.DriverProtection)
    elif t == U.OP_UNMAP:
        d.update(base=o.Unmap.BaseAddress, size=o.Unmap.SizeInBytes,
                 protection=o.Unmap.Protection.Value)
    elif t == U.OP_COPY:
        d.update(base=o.Copy.DestAddress, size=o.Copy.SizeInBytes, source=o.Copy.SourceAddress)
    return {k: int(v) for k, v in d.items()}


class _KmtMachine(RuleBasedStateMachine):
    MODE = "immediate"
    hostile = False               # this call's arguments are fuzzed (drawn per call)

    # ---- the world ----

    @initialize(user_res=st.booleans(), kernel_res=st.booleans())
    def setup(self, user_res: bool, kernel_res: bool) -> None:
        self.a = dxgk.Adapter(paging=self.MODE)
        self.m = U.UmModel(VA_LIMIT, self.MODE)
        self.ctx_of: dict[int, int] = {}            # device -> its context
        res: list[tuple[int, int, int]] = []

        def hook(p: dxgk.Process) -> None:
            if user_res:
                res.append((p.reserve(2 * MB, base=KRES_USER, allow_user_mode_mapping=True),
                            2 * MB, U.ALLOW_USER))
            if kernel_res:
                res.append((p.reserve(2 * MB, base=KRES_KERNEL), 2 * MB, 0))
        self.p = self.a.create_process(on_create=hook)
        self.p2 = self.a.create_process()
        self.procs = [self.p, self.p2, self.a.system_process]   # each has an adapter handle
        for p in self.procs:
            self.m.add_process(p.kmt_adapter)
        for va, size, flags in res:
            self.m.kernel_reserve(self.p.kmt_adapter, va, size, flags)
        self.d = self._device(self.p)
        self.d2 = self._device(self.p)              # a sibling device of the same process
        self.d3 = self._device(self.p2)             # a device of another process
        self.devices = [self.d, self.d2, self.d3]
        self.queues: list[Any] = []
        self.f = self.d.create_fence(0)
        self.m.add_fence(self.f.handle, self.d.kmt_handle, 0)
        self.fence_objs = {self.f.handle: self.f}
        for dev in (self.d, self.d3):
            self._queue(dev)
        self.kallocs: list[int] = []
        self.dead: list[int] = [0]
        self.skipped = 0
        for dev in self.devices:
            for seg in (APERTURE, LOCAL):
                self._allocate(dev, 4, seg)

    def _device(self, p: dxgk.Process) -> dxgk.Device:
        d = p.create_device()
        self.m.add_device(d.kmt_handle, p.kmt_adapter)
        c = d.create_context()
        self.m.add_context(c.kmt_handle, d.kmt_handle)
        self.ctx_of[d.kmt_handle] = c.kmt_handle
        return d

    def _queue(self, dev: dxgk.Device) -> None:
        q = dev.create_paging_queue()
        self.m.add_queue(q.handle, q.sync_object, dev.kmt_handle)
        self.queues.append(q)

    def _allocate(self, dev: dxgk.Device, slots: int, seg: int) -> None:
        h = dev.allocate(slots * P64K, segments=seg)
        info = self.a.allocation(K.dxgk_alloc_of(h))
        self.m.add_alloc(U.Alloc(h, dev.kmt_handle, self.m.objs[dev.kmt_handle].process,
                                 slots * P64K, info.segment, info.segment_offset, seg == LOCAL))

    def _ualloc(self, dev: int) -> list[int]:
        return sorted(h for h, a in self.m.allocs.items() if not a.kernel and a.device == dev)

    # ---- drawing arguments ----

    def _handle(self, data: st.DataObject, right: list[int]) -> int:
        """Mostly one of ``right``; else a live handle of any type or owner, a destroyed
        one, 0, or a random 32-bit value."""
        k = data.draw(st.integers(0, 9)) if self.hostile else 0
        if right and k < 6:
            return data.draw(st.sampled_from(right))
        if k < 8:
            pool = sorted(self.m.objs) + self._ualloc(self.d.kmt_handle) + \
                self._ualloc(self.d2.kmt_handle) + self._ualloc(self.d3.kmt_handle)
            return data.draw(st.sampled_from(pool))
        if k == 8:
            return data.draw(st.sampled_from(self.dead))
        return data.draw(st.integers(0, 0xFFFFFFFF))

    def _addr(self, data: st.DataObject, align: int = PAGE) -> int:
        if self.hostile and data.draw(st.integers(0, 7)) == 0:
            return data.draw(st.sampled_from(F.EXTREMES_64))
        return WIN + data.draw(st.integers(0, (WEND - WIN) // align - 1)) * align

    def _fuzz(self, data: st.DataObject, s: Any, keep: tuple[tuple[int, int], ...] = ()) -> Any:
        """In a hostile call, the struct with 0-3 random edits of its bytes."""
        if not self.hostile:
            return s
        raw = bytearray(bytes(s))
        edits = data.draw(F.mutations(len(raw)))
        return type(s).from_buffer_copy(F.mutate(raw, edits, keep))

    def _dev_handle(self, data: st.DataObject) -> int:
        """A callback's HANDLE hDevice: mostly the device's own."""
        k = data.draw(st.integers(0, 11)) if self.hostile else 0
        if k < 10:
            return int(self.d.kmt_handle)
        return int(data.draw(st.sampled_from([0, self.d2.kmt_handle,
                                              self.ctx_of[self.d.kmt_handle],
                                              (1 << 32) | self.d.kmt_handle, (1 << 64) - 1])))

    def _callback(self, name: str) -> Any:
        return _CB(getattr(self.d.callbacks(), name))

    def _cb_device(self, hdev: int) -> int:
        """The device a callback's HANDLE names, 0 if none (9.9)."""
        return hdev if hdev <= 0xFFFFFFFF and self.m.obj(hdev, "device") else 0

    def _owner(self, h: int) -> int:
        if h in self.m.allocs and not self.m.allocs[h].kernel:
            return self.m.allocs[h].device
        o = self.m.objs.get(h)
        return o.device if o is not None else -1

    # ---- the cheap snapshot, and the comparison of a call ----

    def _probes(self) -> np.ndarray:
        vas = set()
        for sp in self.m.spaces.values():
            vas |= set(sp.gpu) | set(sp.book)
            for v in sp.vads:
                vas |= {v.va, v.end - PAGE}
            for r in sp.kernel:
                vas |= {r.va, r.end - PAGE}
        extra = sorted(va for va in vas if not WIN <= va < WEND)
        return np.concatenate((WINDOW, np.array(extra, dtype=np.uint64)))

    def _fence_value(self, f: int) -> int:
        out = ffi.new("uint64_t *")
        assert lib.dxgk_vm_fence_value(f, out) == 0, f"fence {f:#x} is not live"
        return int(out[0])

    def _queue_state(self, q: Any) -> tuple[int, int, int]:
        s = ffi.new("dxgk_vm_queue_state *")
        assert lib.dxgk_vm_queue_info(q.handle, s) == 0
        return int(s.submitted), int(s.fence_value), int(s.pending_bytes)

    def _waiting(self, ctx: int) -> int:
        n = ffi.new("uint64_t *")
        assert lib.dxgk_vm_context_waiting(ctx, n) == 0
        return int(n[0])

    def _snap(self) -> Any:
        probes = self._probes()
        return (self.a.stats(), [self.a.segment(i) for i in (1, 2)], dxgk.live_handles(),
                [(p.vads(), p.mappings(), p.reservations(), p.page_table_stats(),
                  p.translate_many(probes).tobytes()) for p in self.procs],
                [self._fence_value(f) for f in sorted(self.m.fences)],
                [self._queue_state(q) for q in self.queues],
                [self._waiting(c) for c in sorted(self.m.waiting)])

    def _call(self, what: str, call: Any, want: int, args: Any = None,
              hr: bool = False, last: bool = True) -> int:
        """Runs ``call``; its status must be ``want`` (an HRESULT if ``hr``). A failure
        changes nothing, the argument's bytes included."""
        ok = want in (U.SUCCESS, U.PENDING)
        before = None if ok else self._snap()
        raw = bytes(args) if args is not None else None
        got = _u32(call())
        exp = U.hresult(want) if hr else want
        assert got == exp, f"{what}: C {got:#010x}, model {exp:#010x}"
        assert not last or dxgk.last_status() == want, \
            f"{what}: last_status {dxgk.last_status():#x}"
        F.COUNTS[(what, dxgk.status_name(want))] += 1
        if not ok:
            assert raw is None or bytes(args) == raw, f"{what}: a failed call wrote its args"
            assert self._snap() == before, f"{what}: a failed call changed something"
        return got

    def _too_big(self, size: int, status: int) -> bool:
        """Outside the model's domain: a request that would succeed over > CAP bytes."""
        if size > CAP and status in (U.SUCCESS, U.PENDING):
            self.skipped += 1
            F.EXTRA["kmt: successful requests over 16 MB not made"] = \
                F.EXTRA.get("kmt: successful requests over 16 MB not made", 0) + 1
            return True
        return False

    # ---- kernel-mode calls ----

    @precondition(lambda self: len(self.kallocs) < 8)
    @rule(data=st.data(), seg=st.sampled_from([APERTURE, LOCAL]), at_base=st.booleans(),
          npages=st.integers(1, 32))
    def kernel_map(self, data: st.DataObject, seg: int, at_base: bool, npages: int) -> None:
        kh = self.a.create_allocation(32 * PAGE, self.d, segments=seg)
        info = self.a.allocation(kh)
        self.m.add_alloc(U.Alloc(kh, self.d.kmt_handle, self.p.kmt_adapter, 32 * PAGE,
                                 info.segment, info.segment_offset, seg == LOCAL, kernel=True))
        self.kallocs.append(kh)
        off = data.draw(st.integers(0, 32 - npages))
        base = WIN + data.draw(st.integers(0, (WEND - WIN) // PAGE - npages)) * PAGE \
            if at_base else 0
        if at_base and seg == LOCAL and data.draw(st.booleans()):
            base += ((info.segment_offset + off * PAGE) - base) % P64K
        want, va = self.m.kernel_map(kh, base, WIN, WEND, off, npages)
        try:
            got_va = self.a.map(kh, npages, offset=off, base=base, minimum=WIN, maximum=WEND)
            got = U.SUCCESS
        except dxgk.DdiError as e:
            got, got_va = e.status, 0
        assert (got, got_va) == (want, va), f"kernel map at {base:#x}: {dxgk.status_name(got)}"

    @precondition(lambda self: self.kallocs)
    @rule(data=st.data())
    def kernel_destroy(self, data: st.DataObject) -> None:
        kh = data.draw(st.sampled_from(self.kallocs))
        self.kallocs.remove(kh)
        self.a.destroy_allocation(kh)
        self.m.kernel_destroy(kh)

    # ---- allocations, fences, queues ----

    @rule(data=st.data(), seg=st.sampled_from([APERTURE, LOCAL]), slots=st.integers(1, 4))
    def allocate(self, data: st.DataObject, seg: int, slots: int) -> None:
        self._allocate(data.draw(st.sampled_from(self.devices)), slots, seg)

    @precondition(lambda self: sum(not a.kernel for a in self.m.allocs.values()) > 3)
    @rule(data=st.data())
    def deallocate(self, data: st.DataObject) -> None:
        self.hostile = data.draw(st.booleans())
        dev = data.draw(st.sampled_from([d for d in self.devices if self._ualloc(d.kmt_handle)]))
        h = self._handle(data, self._ualloc(dev.kmt_handle)) or 1
        want = self.m.deallocate(dev.kmt_handle, h)

        def call() -> int:
            try:
                dev.deallocate(h)
                return U.SUCCESS
            except dxgk.DdiError as e:
                return int(e.status)
        self._call("deallocate", call, want, last=False)
        if want == U.SUCCESS:
            self.dead.append(h)

    @rule(other_process=st.booleans(), kernel=st.booleans())
    def recreate_device(self, other_process: bool, kernel: bool) -> None:
        """9.8: destroying a device (the sibling, or the other process's with its queues)
        destroys what it holds; a fresh one takes its place."""
        old = self.d3 if other_process else self.d2
        if kernel and not other_process:        # a context allocation of it goes too
            kh = self.a.create_allocation(PAGE, old, segments=APERTURE)
            info = self.a.allocation(kh)
            self.m.add_alloc(U.Alloc(kh, old.kmt_handle, self.p.kmt_adapter, PAGE,
                                     info.segment, info.segment_offset, False, kernel=True))
            want, va = self.m.kernel_map(kh, 0, WIN, WEND, 0, 1)
            assert self.a.map(kh, base=0, minimum=WIN, maximum=WEND) == va and want == U.SUCCESS
        gone = [h for h, o in self.m.objs.items() if o.device == old.kmt_handle] + \
            [h for h, a in self.m.allocs.items() if a.device == old.kmt_handle and not a.kernel]
        self.m.destroy_device(old.kmt_handle)
        old.close()
        self.dead += gone
        self.queues = [q for q in self.queues if q.handle not in gone]
        new = self._device(old.process)
        self.devices[self.devices.index(old)] = new
        if other_process:
            self.d3 = new
            self._queue(new)
        else:
            self.d2 = new
        self._allocate(new, 2, APERTURE)

    @rule(data=st.data())
    def signal(self, data: st.DataObject) -> None:
        f = data.draw(st.sampled_from(sorted(self.m.fences)))
        v = max(0, self.m.fences[f] + data.draw(st.integers(-1, 3)))
        fo = self.fence_objs.get(f)
        if fo is None:
            fo = next(q.fence for q in self.queues if q.sync_object == f)
        want = self.m.signal(f, v)

        def call() -> int:
            try:
                fo.signal(v)
                return U.SUCCESS
            except dxgk.DdiError as e:
                return int(e.status)
        self._call("Fence.signal", call, want, last=False)

    @precondition(lambda self: self.queues)
    @rule(data=st.data())
    def execute(self, data: st.DataObject) -> None:
        q = data.draw(st.sampled_from(self.queues))
        last = self.m.submitted[q.handle]
        upto = data.draw(st.one_of(st.none(), st.integers(0, last + 1)))
        want = self.m.execute(q.handle, upto)
        if want == U.INVALID_PARAMETER:
            before = self._snap()
            try:
                q.execute(upto)
                raise AssertionError("execute above the last fence value handed out")
            except ValueError:
                pass
            assert self._snap() == before
        else:
            assert q.execute(upto) == want

    @rule(data=st.data(), via_cb=st.booleans())
    def create_queue(self, data: st.DataObject, via_cb: bool) -> None:
        self.hostile = data.draw(st.booleans())
        if len(self.queues) >= 4:
            return
        prio = data.draw(st.sampled_from([-1, 0, 1, 0, 2, -2]))
        phys = data.draw(st.sampled_from([0, 0, 0, 1]))
        if via_cb:
            hdev = self._dev_handle(data)
            s = structs.D3DDDICB_CREATEPAGINGQUEUE(Priority=prio, PhysicalAdapterIndex=phys)
            dev = self._cb_device(hdev)
            want = self.m.create_queue_status(dev, prio, phys) if dev else U.INVALID_HANDLE
            fn = self._callback("pfnCreatePagingQueueCb")
            self._call("pfnCreatePagingQueueCb", lambda: fn(hdev, ctypes.addressof(s)), want,
                       s, hr=True)
        else:
            dev = self._handle(data, [self.d.kmt_handle, self.d3.kmt_handle])
            s = structs.D3DKMT_CREATEPAGINGQUEUE(hDevice=dev, Priority=prio,
                                                 PhysicalAdapterIndex=phys)
            want = self.m.create_queue_status(dev, prio, phys)
            self._call("D3DKMTCreatePagingQueue", lambda: dxgk.D3DKMTCreatePagingQueue(s),
                       want, s)
        if want == U.SUCCESS:
            owner = next(d for d in self.devices if d.kmt_handle == dev)
            q = owner.paging_queue(s.hPagingQueue)
            assert (q.sync_object, q.fence_address) == (s.hSyncObject,
                                                        s.FenceValueCPUVirtualAddress)
            self.m.add_queue(q.handle, q.sync_object, dev)
            self.queues.append(q)

    @precondition(lambda self: len(self.queues) > 1)
    @rule(data=st.data(), via_cb=st.booleans())
    def destroy_queue(self, data: st.DataObject, via_cb: bool) -> None:
        self.hostile = data.draw(st.booleans())
        h = self._handle(data, [q.handle for q in self.queues])
        s = structs.D3DDDI_DESTROYPAGINGQUEUE(hPagingQueue=h)
        if via_cb:
            hdev = self._dev_handle(data)
            dev = self._cb_device(hdev)
            want = U.INVALID_HANDLE if not dev or self._owner(h) != dev else \
                self.m.destroy_queue(h)
            fn = self._callback("pfnDestroyPagingQueueCb")
            self._call("pfnDestroyPagingQueueCb", lambda: fn(hdev, ctypes.addressof(s)), want,
                       s, hr=True)
        else:
            want = self.m.destroy_queue(h)
            self._call("D3DKMTDestroyPagingQueue", lambda: dxgk.D3DKMTDestroyPagingQueue(s),
                       want, s)
        if want == U.SUCCESS:
            self.queues = [q for q in self.queues if q.handle != h]
            self.dead.append(h)

    # ---- 9.4 Reserve ----

    @rule(data=st.data(), kind=st.sampled_from([U.NO_ACCESS, U.ZERO, U.ZERO, 2]),
          slots=st.integers(1, 8), at_base=st.booleans(), via_cb=st.booleans())
    def reserve(self, data: st.DataObject, kind: int, slots: int, at_base: bool,
                via_cb: bool) -> None:
        self.hostile = data.draw(st.booleans())
        right = [q.handle for q in self.queues] + [p.kmt_adapter for p in self.procs]
        if data.draw(st.integers(0, 3)):        # mostly the process the Updates work in
            right = [q.handle for q in self.queues if q.device is self.d] + [self.p.kmt_adapter]
        slot = self._handle(data, right)
        base = self._addr(data, P64K) if at_base else 0
        lo, hi = data.draw(st.sampled_from([(WIN, WEND), (0, 0), (WIN, 0)]))
        s = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(
            BaseAddress=base, MinimumAddress=lo, MaximumAddress=hi, Size=slots * P64K,
            DriverProtection=data.draw(st.integers(0, 7)))
        s.hPagingQueue = slot if not via_cb or data.draw(st.booleans()) else 0
        s.ReservationType = kind
        s = self._fuzz(data, s)
        f = (int(s.hPagingQueue), int(s.BaseAddress), int(s.MinimumAddress),
             int(s.MaximumAddress), int(s.Size), _u32(s.ReservationType))
        hdev = self._dev_handle(data) if via_cb else 0
        if via_cb:
            dev = self._cb_device(hdev)
            ad = self.m.objs[dev].process if dev else 0
            sl = f[0] or ad
            own = self._owner(f[0]) if f[0] else 0
            bad = not dev or (f[0] and (own == -1 or (own != dev if own else f[0] != ad)))
            args = (sl, *f[1:])
        else:
            bad, args = False, f
        if not bad and self._too_big(f[4], self.m.reserve(*args, dry=True)[0]):
            return
        want, va, fv = (U.INVALID_HANDLE, 0, 0) if bad else self.m.reserve(*args)
        if via_cb:
            fn = self._callback("pfnReserveGpuVirtualAddressCb")
            self._call("pfnReserveGpuVirtualAddressCb", lambda: fn(hdev, ctypes.addressof(s)),
                       want, s, hr=True)
        else:
            self._call("D3DKMTReserveGpuVirtualAddress",
                       lambda: dxgk.D3DKMTReserveGpuVirtualAddress(s), want, s)
        if want in (U.SUCCESS, U.PENDING):
            assert (s.VirtualAddress, s.PagingFenceValue) == (va, fv)

    # ---- 9.3 Map ----

    @rule(data=st.data(), special=st.sampled_from([0, 0, 0, U.P_ZERO, U.P_NOACCESS]),
          at_base=st.booleans(), congruent=st.booleans(), via_cb=st.booleans())
    def map(self, data: st.DataObject, special: int, at_base: bool, congruent: bool,
            via_cb: bool) -> None:
        self.hostile = data.draw(st.booleans())
        mine = [q for q in self.queues if not via_cb or q.device is self.d]
        if not mine and via_cb:             # the callbacks' device keeps a queue to map on
            self._queue(self.d)
            mine = self.queues[-1:]
        q = data.draw(st.sampled_from(mine)) if mine else None
        qh = self._handle(data, [q.handle] if q else [])
        dev = self.m.objs[q.handle].device if q else self.d.kmt_handle
        h = 0 if special else self._handle(data, self._ualloc(dev))
        a = self.m.allocs.get(h)
        size_pages = a.pages if a else 64
        npages = data.draw(st.integers(1, min(32, size_pages)))
        offset = data.draw(st.integers(0, size_pages - npages)) if a else 0
        base = self._addr(data) if at_base else 0
        if congruent and a is not None and a.big_pages and base:
            base = base - base % P64K + (a.offset + offset * PAGE) % P64K
        lo, hi = (0, 0) if at_base else data.draw(st.sampled_from([(WIN, WEND), (0, 0)]))
        s = structs.D3DDDI_MAPGPUVIRTUALADDRESS(
            hPagingQueue=qh, BaseAddress=base, MinimumAddress=lo, MaximumAddress=hi,
            hAllocation=h, OffsetInPages=offset, SizeInPages=npages,
            DriverProtection=data.draw(st.integers(0, 3)))
        s.Protection.Value = special or data.draw(st.sampled_from([1, 0, 3, 2, 16, 32]))
        s = self._fuzz(data, s)
        f = (int(s.hPagingQueue), int(s.BaseAddress), int(s.MinimumAddress),
             int(s.MaximumAddress), int(s.hAllocation), int(s.OffsetInPages),
             int(s.SizeInPages), int(s.Protection.Value), int(s.DriverProtection))
        hdev = self._dev_handle(data) if via_cb else 0
        bad = via_cb and (not self._cb_device(hdev) or self._owner(f[0]) != hdev)
        if not bad and self._too_big(f[6] * PAGE, self.m.map(*f, dry=True)[0]):
            return
        want, va, fv = (U.INVALID_HANDLE, 0, 0) if bad else self.m.map(*f)
        if via_cb:
            fn = self._callback("pfnMapGpuVirtualAddressCb")
            self._call("pfnMapGpuVirtualAddressCb", lambda: fn(hdev, ctypes.addressof(s)),
                       want, s, hr=True)
        else:
            self._call("D3DKMTMapGpuVirtualAddress",
                       lambda: dxgk.D3DKMTMapGpuVirtualAddress(s), want, s)
        if want in (U.SUCCESS, U.PENDING):
            assert (s.VirtualAddress, s.PagingFenceValue) == (va, fv)

    # ---- 9.5 Free ----

    @rule(data=st.data(), whole=st.booleans(), via_cb=st.booleans())
    def free(self, data: st.DataObject, whole: bool, via_cb: bool) -> None:
        self.hostile = data.draw(st.booleans())
        sp = self.m.spaces[self.p.kmt_adapter]
        targets = sp.vads + sp.kernel
        if whole and targets:
            r = data.draw(st.sampled_from(targets))
            base, size = r.va, r.size
            if data.draw(st.booleans()):      # a part of it
                base += data.draw(st.integers(0, r.size // PAGE - 1)) * PAGE
                size = data.draw(st.integers(1, (r.va + r.size - base) // PAGE)) * PAGE
        else:
            base, size = self._addr(data), data.draw(st.integers(0, 40)) * PAGE
        if via_cb:
            hdev = self._dev_handle(data)
            s: Any = self._fuzz(data, structs.D3DDDICB_FREEGPUVIRTUALADDRESS(
                BaseAddress=base, Size=size))
            dev = self._cb_device(hdev)
            want = self.m.free(self.m.objs[dev].process, int(s.BaseAddress), int(s.Size)) \
                if dev else U.INVALID_HANDLE
            fn = self._callback("pfnFreeGpuVirtualAddressCb")
            self._call("pfnFreeGpuVirtualAddressCb", lambda: fn(hdev, ctypes.addressof(s)),
                       want, s, hr=True)
        else:
            ad = self._handle(data, [self.p.kmt_adapter, self.p2.kmt_adapter])
            s = self._fuzz(data, structs.D3DKMT_FREEGPUVIRTUALADDRESS(
                hAdapter=ad, BaseAddress=base, Size=size))
            want = self.m.free(int(s.hAdapter), int(s.BaseAddress), int(s.Size))
            self._call("D3DKMTFreeGpuVirtualAddress",
                       lambda: dxgk.D3DKMTFreeGpuVirtualAddress(s), want, s)

    # ---- 9.6 Update ----

    def _op(self, data: st.DataObject) -> Any:
        kinds = [U.OP_MAP, U.OP_MAP, U.OP_MAP_PROTECT, U.OP_UNMAP, U.OP_COPY]
        kind = data.draw(st.sampled_from(kinds + [4, 0x7FFFFFFF] if self.hostile else kinds))
        sp = self.m.spaces[self.p.kmt_adapter]
        inside = [v for v in sp.vads if v.kind == "reserved"]

        def spot(v: U.Vad) -> int:
            """A page near the start of v (operations cluster: sub-ranges meet and cut)."""
            return v.va + data.draw(st.integers(0, min(32, v.size // PAGE) - 1)) * PAGE

        if inside and (not self.hostile or data.draw(st.integers(0, 3))):
            v = data.draw(st.sampled_from(inside))
            base = spot(v)
            size = data.draw(st.integers(1, min(24, (v.end - base) // PAGE))) * PAGE
        else:
            v, base, size = None, self._addr(data), data.draw(st.integers(0, 24)) * PAGE
        if kind == U.OP_UNMAP:
            return K.op_unmap(base, size, data.draw(st.sampled_from([0, U.P_ZERO, 0, 1, 12, 64])))
        if kind == U.OP_COPY:
            if not inside:
                return K.op_copy(base, size, self._addr(data))
            vd = data.draw(st.sampled_from(inside))
            dest = spot(vd)
            if v is not None and not self.hostile:     # fit both VADs
                size = min(size, vd.end - dest)
            return K.op_copy(base, size, dest)
        if kind not in (U.OP_MAP, U.OP_MAP_PROTECT):
            o = OP(OperationType=kind)
            o.Map.BaseAddress, o.Map.SizeInBytes = base, size
            return o
        h = self._handle(data, self._ualloc(self.d.kmt_handle))
        a = self.m.allocs.get(h)
        asz = data.draw(st.sampled_from([0, 0, PAGE, 2 * PAGE, P64K, 3 * PAGE]))
        limit = (a.size if a else P64K) - (asz or size)
        off = data.draw(st.integers(0, max(0, limit // PAGE))) * PAGE
        if a is not None and a.big_pages and (not self.hostile or data.draw(st.booleans())):
            off = off - off % P64K + (base - a.offset) % P64K
        if kind == U.OP_MAP:
            return K.op_map(base, size, h, off, asz)
        return K.op_map_protect(base, size, h, data.draw(st.sampled_from([0, 1, 2, 3, 4, 16])),
                                data.draw(st.integers(0, 3)), off, asz)

    @rule(data=st.data(), n=st.integers(1, 3), value=st.integers(0, 4), no_wait=st.booleans(),
          via_cb=st.booleans())
    def update(self, data: st.DataObject, n: int, value: int, no_wait: bool,
               via_cb: bool) -> None:
        self.hostile = data.draw(st.booleans())
        ops = [self._op(data) for _ in range(n)]
        fences = [f for f in self.m.fences if self.m.objs[f].device == self.d.kmt_handle]
        ctx = self._handle(data, [self.ctx_of[self.d.kmt_handle]])
        fence = self._handle(data, fences)
        cls = structs.D3DDDICB_UPDATEGPUVIRTUALADDRESS if via_cb else \
            structs.D3DKMT_UPDATEGPUVIRTUALADDRESS
        s = cls(hContext=ctx, hFenceObject=fence, NumOperations=n, FenceValue=value)
        if not via_cb:
            s.hDevice = self._handle(data, [self.d.kmt_handle])
        s.Flags.Value = int(no_wait)
        s = self._fuzz(data, s, keep=((16, 24),))            # never the Operations pointer
        if self.hostile and data.draw(st.booleans()):         # fuzz the operations too
            raw = bytearray(b"".join(bytes(o) for o in ops))
            raw = F.mutate(raw, data.draw(F.mutations(len(raw))))
            ops = [OP.from_buffer_copy(raw[i * ctypes.sizeof(OP):(i + 1) * ctypes.sizeof(OP)])
                   for i in range(n)]
        count = int(s.NumOperations)
        null = self.hostile and data.draw(st.integers(0, 15)) == 0
        held = 0 if null else max(n, min(count, U.MAX_OPS))   # what the array holds
        arr = (OP * max(n, held))(*ops)
        decoded = None if null else [decode_op(o) for o in arr]
        hdev = self._dev_handle(data) if via_cb else int(s.hDevice)
        dev = self._cb_device(hdev) if via_cb else hdev
        ctx_h = int(s.hContext) if int(s.hContext) <= 0xFFFFFFFF else 0
        if via_cb and not dev:
            want = U.INVALID_HANDLE
        else:
            want = self.m.update(dev, ctx_h, int(s.hFenceObject), decoded, count,
                                 int(s.FenceValue), bool(s.Flags.Value & 1))
        if via_cb:
            s.Operations = 0 if null else ctypes.addressof(arr)
            fn = self._callback("pfnUpdateGpuVirtualAddressCb")
            self._call("pfnUpdateGpuVirtualAddressCb", lambda: fn(hdev, ctypes.addressof(s)),
                       want, s, hr=True)
        else:
            s.Operations = 0
            self._call("D3DKMTUpdateGpuVirtualAddress",
                       lambda: dxgk.D3DKMTUpdateGpuVirtualAddress(s, None if null else arr),
                       want, s)
        if want == U.SUCCESS and decoded is not None:
            for o in decoded[:count]:
                key = f"kmt: accepted Update operations of type {o['type']}"
                F.EXTRA[key] = F.EXTRA.get(key, 0) + 1

    # ---- the comparison after every step ----

    @invariant()
    def same_state(self) -> None:
        if not hasattr(self, "m"):
            return
        self.a.validate()
        probes = self._probes()
        for p in self.procs:
            sp = self.m.spaces[p.kmt_adapter]
            vads = p.vads()
            assert [(v.va, v.size, v.kind, v.base, v.kernel) for v in vads] == \
                self.m.vad_records(p.kmt_adapter)
            got: dict[int, U.Content] = {}
            for v in vads:
                base = U.ZEROED if v.base == "zero" else U.INVALID
                for r in v.ranges:
                    for i, pg in enumerate(range(r.va, r.end, PAGE)):
                        c = ("map", r.allocation, r.offset_pages + i, r.protection,
                             r.driver_protection) if r.kind == "map" else \
                            U.ZEROED if r.kind == "zero" else U.INVALID
                        if c != base:
                            got[pg] = c
            assert got == sp.book, \
                f"VAD pages (C ^ model): {sorted(set(got.items()) ^ set(sp.book.items()))[:4]}"
            assert [(m.va, m.size) for m in p.mappings()] == \
                sorted((r.va, r.size) for r in sp.kernel if r.kind == "map")
            assert [(r.va, r.size, r.flags) for r in p.reservations()] == \
                sorted((r.va, r.size, r.flags) for r in sp.kernel if r.kind == "reservation")
            # every page the model says is valid is a probe: the C core's valid probes
            # must be exactly those, each with the model's translation
            t = p.translate_many(probes)
            seen = {}
            for j in np.nonzero(t["valid"])[0]:
                seen[int(probes[j])] = (True, bool(t["zero"][j]), int(t["segment"][j]),
                                        int(t["address"][j]), bool(t["read_only"][j]),
                                        bool(t["no_execute"][j]))
            if seen != sp.gpu:
                diff = sorted(set(seen.items()) ^ set(sp.gpu.items()))[:4]
                raise AssertionError(f"what the GPU sees differs (C ^ model): {diff}")
        for f, v in self.m.fences.items():
            assert self._fence_value(f) == v, f"fence {f:#x}"
        for q in self.queues:
            sp = self.m.space_of(q.handle)
            pend = sum(1 for qq, _, _ in sp.pending.values() if qq == q.handle) * PAGE
            assert self._queue_state(q) == (self.m.submitted[q.handle],
                                            self.m.fences[q.sync_object], pend)
            assert ctypes.c_uint64.from_address(q.fence_address).value == \
                self.m.fences[q.sync_object]
        for ctx, w in self.m.waiting.items():
            assert self._waiting(ctx) == len(w), f"waiting batches of {ctx:#x}"

    def teardown(self) -> None:
        if hasattr(self, "a"):
            self.a.validate()
            self.a.close()


class _Immediate(_KmtMachine):
    MODE = "immediate"


class _Deferred(_KmtMachine):
    MODE = "deferred"


_Immediate.TestCase.settings = F.fuzz_settings(examples=200, steps=50)
_Deferred.TestCase.settings = F.fuzz_settings(examples=200, steps=50)
TestKmtFuzzImmediate = _Immediate.TestCase
TestKmtFuzzDeferred = _Deferred.TestCase
