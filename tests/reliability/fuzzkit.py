"""The reliability suites' harness: drives the real core and the reference model
(refmodel.py) in lockstep, one DDI call at a time, and checks after each call that

* the status (and for a map the VA) is the model's answer -- docs/behaviour.md 5.5's lowest fit,
  rule 3's congruence, every failure status and its priority;
* a failed call changed nothing: the full snapshot of every adapter (spec_helpers.snapshot:
  mappings, reservations, tables, walks, counters, segment usage, live handles, paging
  log) is the same after as before;
* a successful call did what the model did: the new range translates page by page to
  the model's target (segment, address, read-only, no-execute, page size, cache
  coherence), the allocation's placement and info match;
* ``validate()`` holds for every adapter.

``check_all()`` compares the whole state with the model (every process's mappings,
reservations, page-table counters, probe translations; every allocation; adapter and
segment counters; the paging log; which handles are alive) -- the stateful fuzzers run it
as an invariant after every step.

Every DDI call made here is counted in ``COUNTS`` (callback, status name); the folder's
conftest prints the totals at the end of the session.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import os
import random
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import refmodel as R
import spec_helpers as H
from dxgk._core import ffi, lib
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import dxgk
from dxgk import structs

KB, MB, GB = 1 << 10, 1 << 20, 1 << 30
PAGE, P64K = R.PAGE, R.P64K
U64 = (1 << 64) - 1

COUNTS: collections.Counter[tuple[str, str]] = collections.Counter()
UNCERTAIN: collections.Counter[str] = collections.Counter()
EXTRA: dict[str, int] = {}              # other counts worth reporting (concurrency ops)

LONG = os.environ.get("DXGK_FUZZ_LONG", "") not in ("", "0")


def fuzz_settings(examples: int, steps: int | None = None, long_factor: int = 20) -> settings:
    """Bounded by default (the whole folder stays well under 90 s); DXGK_FUZZ_LONG=1 runs
    `long_factor` times as many examples."""
    kw: dict[str, Any] = {}
    if steps is not None:
        kw["stateful_step_count"] = steps
    return settings(max_examples=examples * (long_factor if LONG else 1), deadline=None,
                    suppress_health_check=list(HealthCheck), **kw)


# ---------------------------------------------------------------------------------------
# Adapters used by the fuzzers


def tight_adapter() -> dxgk.Adapter:
    """Small everything, so that collisions and exhaustion happen within a few calls:
    a 33-bit VA space (levels 9/9/3 bits: 2 MB leaves, root entry 1 at 1 GiB), a 64 KB-page
    local segment, a 4 KB-page aperture, and page tables alone in segment 3 with room for
    24 tables (each takes one 4 KB slot) -- so "no room for page tables" is predictable."""
    lv = [{"PageTableIndexBitCount": b, "PageTableSegmentId": 3,
           "PagingProcessPageTableSegmentId": 3, "PageTableSizeInBytes": 4096,
           "PageTableAlignmentInBytes": 4096} for b in (9, 9, 3)]
    return dxgk.Adapter(levels=lv, segments=[
        dxgk.Segment(size=16 * MB, page_size=P64K, kind="local"),
        dxgk.Segment(size=8 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=24 * PAGE, page_size=PAGE, kind="local"),
    ])


def foreign_adapter() -> dxgk.Adapter:
    """A second adapter whose handles the fuzzers feed to the first one."""
    lv = [{"PageTableIndexBitCount": b, "PageTableSegmentId": 2,
           "PagingProcessPageTableSegmentId": 2, "PageTableSizeInBytes": 4096,
           "PageTableAlignmentInBytes": 4096} for b in (9, 3)]
    return dxgk.Adapter(levels=lv, segments=[
        dxgk.Segment(size=4 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=64 * PAGE, page_size=PAGE, kind="local"),
    ])


# ---------------------------------------------------------------------------------------
# Struct bytes: build, mutate, decode


MAP = "DXGKARGCB_MAPCONTEXTALLOCATION"
CREATE = "DXGKARGCB_CREATECONTEXTALLOCATION"
UPDATE = "DXGKARGCB_UPDATECONTEXTALLOCATION"
RESERVE = "DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE"
HANDLE_FIELDS = frozenset({"hAdapter", "hDevice", "hContext", "hAllocation", "hDxgkProcess"})


def struct_class(name: str, x86: bool) -> type:
    return getattr(structs.x86, name) if x86 else getattr(structs, name)


def build(name: str, x86: bool, **fields: Any) -> bytearray:
    """The struct's bytes, with dxgk handles written as x86 aliases in the x86 layout."""
    cls = struct_class(name, x86)
    s = cls()
    for k, v in fields.items():
        if x86 and k in HANDLE_FIELDS:
            v = dxgk.x86_handle(v) if v > 0xFFFFFFFF else v
        if isinstance(v, dict):
            sub = getattr(s, k)
            for kk, vv in v.items():
                setattr(sub, kk, vv)
        elif k in ("Protection", "ContextAllocationFlags", "PreferredSegment", "HintedBank") \
                or (k == "Flags" and name == CREATE):
            getattr(s, k).Value = v
        else:
            setattr(s, k, v)
    return bytearray(bytes(s))


def decode(name: str, raw: bytes, x86: bool) -> dict[str, int]:
    """Field values as the C core will see them (x86 aliases resolved, as the facade does)."""
    s = struct_class(name, x86).from_buffer_copy(bytes(raw))

    def h(k: str) -> int:
        v = int(getattr(s, k) or 0)
        return dxgk.host_handle(v) if x86 and v else v

    if name == MAP:
        return {"base": int(s.BaseAddress), "minimum": int(s.MinimumAddress),
                "maximum": int(s.MaximumAddress), "h_alloc": h("hAllocation"),
                "offset": int(s.OffsetInPages), "pages": int(s.SizeInPages),
                "prot": int(s.Protection.Value), "driver_prot": int(s.DriverProtection)}
    if name == CREATE:
        return {"h_adapter": h("hAdapter"), "h_device": h("hDevice"), "h_context": h("hContext"),
                "driver_allocation": int(s.hDriverAllocation or 0), "size": int(s.Size),
                "context_flags": int(s.ContextAllocationFlags.Value),
                "alignment": int(s.Alignment), "supported": int(s.SupportedSegmentSet),
                "preferred": int(s.PreferredSegment.Value), "flags": int(s.Flags.Value),
                "h_allocation_out": h("hAllocation")}
    if name == RESERVE:
        return {"h_process": h("hDxgkProcess"), "size": int(s.SizeInBytes),
                "alignment": int(s.Alignment), "base": int(s.BaseAddress),
                "flags": int(s.Flags), "start": int(s.StartVirtualAddress)}
    if name == UPDATE:
        return {"h_alloc": h("hAllocation"), "ptr": int(s.pPrivateDriverData or 0),
                "size": int(s.PrivateDriverDataSize)}
    raise KeyError(name)


EXTREMES_64 = [0, 1, 4095, PAGE, P64K, 1 << 31, 1 << 32, (1 << 32) - PAGE, 1 << 47, 1 << 48,
               1 << 62, 1 << 63, (1 << 64) - PAGE, (1 << 64) - 1, (1 << 63) - PAGE,
               (1 << 64) - P64K]


@st.composite
def mutations(draw: Any, size: int) -> list[tuple[str, int, int]]:
    """0-3 edits of a struct's bytes: a bit flip, a byte, or an aligned word set to an
    extreme or random value."""
    n = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))
    out = []
    for _ in range(n):
        kind = draw(st.sampled_from(["bit", "byte", "word8", "word4"]))
        if kind == "bit":
            out.append((kind, draw(st.integers(0, size * 8 - 1)), 0))
        elif kind == "byte":
            out.append((kind, draw(st.integers(0, size - 1)), draw(st.integers(0, 255))))
        elif kind == "word8":
            v = draw(st.one_of(st.sampled_from(EXTREMES_64), st.integers(0, U64)))
            out.append((kind, draw(st.integers(0, size // 8 - 1)) * 8, v))
        else:
            v = draw(st.one_of(st.sampled_from([0, 1, 0xFFFFFFFF, 0x80000000, 31, 32, 64]),
                               st.integers(0, 0xFFFFFFFF)))
            out.append((kind, draw(st.integers(0, size // 4 - 1)) * 4, v))
    return out


def mutate(raw: bytearray, edits: Iterable[tuple[str, int, int]],
           keep: Iterable[tuple[int, int]] = ()) -> bytearray:
    """Applies edits, leaving the byte ranges in `keep` (e.g. a pointer) untouched."""
    keep = list(keep)
    orig = bytes(raw)
    for kind, pos, v in edits:
        if kind == "bit":
            raw[pos // 8] ^= 1 << (pos % 8)
        elif kind == "byte":
            raw[pos] = v
        elif kind == "word8":
            raw[pos:pos + 8] = v.to_bytes(8, "little")
        else:
            raw[pos:pos + 4] = v.to_bytes(4, "little")
    for lo, hi in keep:
        raw[lo:hi] = orig[lo:hi]
    return raw


def as_form(name: str, raw: bytearray, x86: bool, form: str, writes: bool) -> Any:
    """The argument object handed to the facade: a struct instance, the bytearray itself,
    a memoryview, a numpy array, bytes (const callbacks only) or a ctypes pointer."""
    if form == "struct":
        return struct_class(name, x86).from_buffer(raw)
    if form == "memoryview":
        return memoryview(raw)
    if form == "numpy":
        return np.frombuffer(raw, dtype=np.uint8)
    if form == "bytes" and not writes:
        return bytes(raw)
    if form == "pointer":
        return ctypes.pointer(struct_class(name, x86).from_buffer(raw))
    return raw


FORMS = ["struct", "bytearray", "memoryview", "numpy", "bytes", "pointer"]


# ---------------------------------------------------------------------------------------
# The harness


def _plain_translation(t: Any) -> dict[str, Any]:
    return {"valid": bool(t["valid"]), "zero": bool(t["zero"]), "segment": int(t["segment"]),
            "address": int(t["address"]), "read_only": bool(t["read_only"]),
            "no_execute": bool(t["no_execute"]), "page_size": int(t["page_size"])}



def _uca_records(adapter: int, total: int) -> list[tuple[int, str, int, bytes]]:
    """The UPDATE_CONTEXT_ALLOCATION records the adapter's paging log still holds, as
    (ordinal, "UPDATE_CONTEXT_ALLOCATION", allocation, data)."""
    out = []
    rec = ffi.new("dxgk_vm_paging_record *")
    for i in range(total):
        if lib.dxgk_vm_paging_record_get(adapter, i, rec, ffi.NULL, 0) != 0:
            continue                                    # dropped from the log
        n = int(rec.data_size)
        buf = ffi.new("char[]", max(n, 1))
        assert lib.dxgk_vm_paging_record_get(adapter, i, rec, buf, n) == 0
        out.append((int(rec.sequence), "UPDATE_CONTEXT_ALLOCATION", int(rec.allocation),
                    ffi.buffer(buf, n)[:]))
    return out

class Mismatch(AssertionError):
    pass


class Harness:
    """Real adapters + their model. `procs` holds a dxgk.Process per live process."""

    def __init__(self, adapters: Iterable[dxgk.Adapter], *, collect: bool = True) -> None:
        if collect:     # adapters left to the garbage collector would shift the baseline
            gc.collect()
        self.world = R.World()
        self.real: dict[int, dxgk.Adapter] = {}
        self.procs: dict[int, dxgk.Process] = {}
        self.devices: dict[int, dxgk.Device] = {}
        self.contexts: dict[int, dxgk.Context] = {}
        self.data_buffers: list[Any] = []
        for a in adapters:
            self.add_adapter(a)
        self.handle_baseline = dxgk.live_handles() - self.model_live_handles()

    def add_adapter(self, a: dxgk.Adapter) -> R.Adapter:
        self.real[a.handle] = a
        m = self.world.add_adapter(a)
        self.procs[a.system_process.handle] = a.system_process
        return m

    def model_live_handles(self) -> int:
        return len(self.world.handles)

    # -- snapshots --------------------------------------------------------------------

    def snapshot(self) -> dict[int, Any]:
        out = {}
        for h, a in self.real.items():
            if a.closed:
                continue
            ps = [p for p in self.procs.values()
                  if p.adapter is a and not p.is_system and not p.closed]
            out[h] = H.snapshot(a, ps)
        return out

    def expect_unchanged(self, before: dict[int, Any], what: str) -> None:
        after = self.snapshot()
        if before != after:
            for h, snap in before.items():
                try:
                    H.assert_unchanged(snap, after.get(h, {}))
                except AssertionError as e:
                    raise Mismatch(f"{what} failed but changed adapter {h:#x}: {e}") from None
            raise Mismatch(f"{what} failed but changed the state")

    def validate(self) -> None:
        for a in self.real.values():
            if not a.closed:
                a.validate()

    # -- judging ------------------------------------------------------------------------

    @staticmethod
    def judge(callback: str, plan: R.Plan, status: int, fields: dict[str, Any]) -> bool:
        """True when the call succeeded. Raises Mismatch when the model disagrees."""
        COUNTS[(callback, dxgk.status_name(status))] += 1
        if status == plan.status:
            return status == R.SUCCESS
        if status in plan.may_fail:
            UNCERTAIN[callback] += 1
            return False
        fs = ", ".join(f"{k}={v:#x}" if isinstance(v, int) else f"{k}={v!r}"
                       for k, v in fields.items())
        raise Mismatch(f"{callback}({fs}): the core answered {dxgk.status_name(status)}, the "
                       f"model {dxgk.status_name(plan.status)} ({plan.detail})")

    def _plan(self, h_adapter: int, make: Callable[[R.Adapter], R.Plan]) -> R.Plan:
        m = self.world.adapter(h_adapter)
        if m is None:
            return R.Plan(R.INVALID_HANDLE, detail="hAdapter")
        return make(m)

    # -- the five callbacks ----------------------------------------------------------------

    def map(self, h_adapter: int, raw: bytearray, *, x86: bool = False,
            form: str = "bytearray") -> int:
        f = decode(MAP, raw, x86)
        plan = self._plan(h_adapter, lambda m: m.plan_map(**f))
        before = self.snapshot() if plan.status != R.SUCCESS or plan.may_fail else None
        arg = as_form(MAP, raw, x86, form, writes=False)
        va = dxgk.DxgkCbMapContextAllocation(h_adapter, arg, abi="x86" if x86 else None)
        st_ = dxgk.last_status()
        ok = self.judge("DxgkCbMapContextAllocation", plan, st_, {"hAdapter": h_adapter, **f})
        if ok:
            if va != plan.value:
                raise Mismatch(f"map({f}) returned {va:#x}, the model's lowest fit is "
                               f"{plan.value:#x}")
            assert plan.commit is not None
            r = plan.commit()
            self.check_range(self.world.adapter(h_adapter), r)
        else:
            assert va == 0, f"a failed map returned {va:#x}"
            assert before is not None
            self.expect_unchanged(before, "DxgkCbMapContextAllocation")
        self.validate()
        return va

    def create(self, raw: bytearray, *, x86: bool = False, form: str = "bytearray") -> int:
        f = decode(CREATE, raw, x86)
        plan = self._plan(f["h_adapter"], lambda m: m.plan_create(
            f["h_device"], f["h_context"], f["driver_allocation"], f["size"],
            f["context_flags"], f["alignment"], f["supported"], f["preferred"], f["flags"]))
        before = self.snapshot() if plan.status != R.SUCCESS or plan.may_fail else None
        arg = as_form(CREATE, raw, x86, form, writes=True)
        st_ = dxgk.DxgkCbCreateContextAllocation(arg, abi="x86" if x86 else None)
        assert st_ == dxgk.last_status()
        ok = self.judge("DxgkCbCreateContextAllocation", plan, st_, f)
        out = decode(CREATE, raw, x86)["h_allocation_out"]
        if ok:
            real = self.real[f["h_adapter"]]
            info = real.allocation(out)
            assert plan.commit is not None
            al = plan.commit(handle=out, segment=info.segment, offset=info.segment_offset,
                             va=info.va)
            got = {k: getattr(info, k) for k in al.info()}
            if got != al.info():
                raise Mismatch(f"allocation info {got} != model {al.info()}")
            for r in al.mappings:
                self.check_range(al.adapter, r)
        else:
            assert out == f["h_allocation_out"], "a failed create wrote hAllocation"
            assert before is not None
            self.expect_unchanged(before, "DxgkCbCreateContextAllocation")
        self.validate()
        return out if ok else 0

    def destroy(self, h_adapter: int, h_alloc: int, *, x86: bool = False) -> int:
        plan = self._plan(h_adapter, lambda m: m.plan_destroy(h_alloc))
        before = self.snapshot() if plan.status != R.SUCCESS else None
        if x86:
            st_ = dxgk.DxgkCbDestroyContextAllocation(
                dxgk.x86_handle(h_adapter) if h_adapter <= U64 else h_adapter,
                dxgk.x86_handle(h_alloc), abi="x86")
        else:
            st_ = dxgk.DxgkCbDestroyContextAllocation(h_adapter, h_alloc)
        ok = self.judge("DxgkCbDestroyContextAllocation", plan, st_,
                        {"hAdapter": h_adapter, "hAllocation": h_alloc})
        if ok:
            assert plan.commit is not None
            plan.commit()
            assert lib.dxgk_vm_handle_type(h_alloc) == 0, "destroyed handle still alive"
        else:
            assert before is not None
            self.expect_unchanged(before, "DxgkCbDestroyContextAllocation")
        self.validate()
        return st_

    def update(self, h_adapter: int, h_alloc: int, data: bytes | None, size: int, *,
               x86: bool = False, edits: Iterable[tuple[str, int, int]] = (),
               form: str = "struct") -> int:
        """`data` None: a NULL pointer; else a buffer of len(data) bytes of which `size`
        are declared (size <= len(data): the pointer must stay valid for the C core)."""
        buf = None
        ptr = 0
        if data is not None:
            buf = ctypes.create_string_buffer(bytes(data), max(len(data), 1))
            ptr = ctypes.addressof(buf)
            assert size <= len(data)
        if x86:
            assert ptr == 0, "an x86 pPrivateDriverData must lie below 4 GiB"
        raw = build(UPDATE, x86, hAllocation=h_alloc, pPrivateDriverData=ptr,
                    PrivateDriverDataSize=size)
        ptr_field = (4, 8) if x86 else (8, 16)
        size_field = (8, 12) if x86 else (16, 20)
        raw = mutate(raw, edits, keep=[ptr_field, size_field])
        f = decode(UPDATE, raw, x86)
        plan = self._plan(h_adapter, lambda m: m.plan_update(
            f["h_alloc"], f["ptr"] != 0, f["size"], bytes(data or b"")))
        before = self.snapshot() if plan.status != R.SUCCESS or plan.may_fail else None
        arg = as_form(UPDATE, raw, x86, form, writes=False)
        st_ = dxgk.DxgkCbUpdateContextAllocation(h_adapter, arg, abi="x86" if x86 else None)
        del buf
        ok = self.judge("DxgkCbUpdateContextAllocation", plan, st_, {"hAdapter": h_adapter, **f})
        if ok:
            assert plan.commit is not None
            plan.commit()
        else:
            assert before is not None
            self.expect_unchanged(before, "DxgkCbUpdateContextAllocation")
        self.validate()
        return st_

    def reserve(self, h_adapter: int, raw: bytearray, *, x86: bool = False,
                form: str = "bytearray") -> int:
        f = decode(RESERVE, raw, x86)
        plan = self._plan(h_adapter, lambda m: m.plan_reserve(
            f["h_process"], f["size"], f["alignment"], f["base"], f["flags"]))
        before = self.snapshot() if plan.status != R.SUCCESS else None
        arg = as_form(RESERVE, raw, x86, form, writes=True)
        st_ = dxgk.DxgkCbReserveGpuVirtualAddressRange(h_adapter, arg,
                                                         abi="x86" if x86 else None)
        ok = self.judge("DxgkCbReserveGpuVirtualAddressRange", plan, st_,
                        {"hAdapter": h_adapter, **f})
        start = decode(RESERVE, raw, x86)["start"]
        if ok:
            if start != plan.value:
                raise Mismatch(f"reserve({f}) wrote {start:#x}, the model's lowest fit is "
                               f"{plan.value:#x}")
            assert plan.commit is not None
            plan.commit()
        else:
            assert start == f["start"], "a failed reserve wrote StartVirtualAddress"
            assert before is not None
            self.expect_unchanged(before, "DxgkCbReserveGpuVirtualAddressRange")
        self.validate()
        return st_

    # -- objects -----------------------------------------------------------------------------

    def create_process(self, a: dxgk.Adapter,
                       hook: Callable[[dxgk.Process], Any] | None = None) -> dxgk.Process | None:
        """Adapter.create_process with the model following along; `hook` runs inside (its
        failure -- an exception; its return value is ignored -- destroys the process)."""
        m = self.world.adapter(a.handle)
        assert m is not None
        fits, no_room = m.process_root_fits()
        before = self.snapshot() if not fits else None
        state: dict[str, Any] = {}

        def on_create(p: dxgk.Process) -> Any:
            state["model"] = m.process_begin(p.handle)
            self.procs[p.handle] = p
            return hook(p) if hook is not None else None

        try:
            p = a.create_process(on_create=on_create)
        except MemoryError:
            COUNTS[("create_process", "STATUS_NO_MEMORY")] += 1
            if fits:
                raise Mismatch(
                    "create_process: no room for the root table, the model has it") from None
            assert "model" not in state
            assert before is not None
            self.expect_unchanged(before, "create_process")
            return None
        except (dxgk.DdiError, HookFailed):
            COUNTS[("create_process", "hook failed")] += 1
            mp = state["model"]
            m.process_end(mp, keep=False)
            self.procs.pop(mp.handle, None)
            self.validate()
            return None
        COUNTS[("create_process", "STATUS_SUCCESS")] += 1
        if no_room:
            raise Mismatch("create_process succeeded; the model has no room for its root table")
        m.process_end(state["model"], keep=True)
        self.validate()
        return p

    def close_process(self, p: dxgk.Process) -> None:
        m = self.world.adapter(p.adapter.handle)
        mp = m.lookup(p.handle, R.T_PROCESS) if m is not None else None
        p.close()
        if mp is not None:
            m.process_destroy(mp)
        self.prune()
        self.validate()

    def create_device(self, p: dxgk.Process) -> dxgk.Device:
        d = p.create_device()
        m = self.world.adapter(p.adapter.handle)
        m.device_create(m.lookup(p.handle, R.T_PROCESS), d.handle)
        self.devices[d.handle] = d
        return d

    def close_device(self, d: dxgk.Device) -> None:
        m = self.world.adapter(d.adapter.handle)
        md = m.lookup(d.handle, R.T_DEVICE)
        d.close()
        if md is not None:
            m.device_destroy(md)
        self.prune()
        self.validate()

    def create_context(self, d: dxgk.Device) -> dxgk.Context:
        c = d.create_context()
        m = self.world.adapter(d.adapter.handle)
        m.context_create(m.lookup(d.handle, R.T_DEVICE), c.handle)
        self.contexts[c.handle] = c
        return c

    def close_context(self, c: dxgk.Context) -> None:
        m = self.world.adapter(c.adapter.handle)
        mc = m.lookup(c.handle, R.T_CONTEXT)
        c.close()
        if mc is not None:
            m.context_destroy(mc)
        self.contexts.pop(c.handle, None)
        self.validate()

    def close_adapter(self, a: dxgk.Adapter) -> None:
        m = self.world.adapter(a.handle)
        a.close()
        if m is not None:
            for p in list(m.processes):
                self.procs.pop(p.handle, None)
            m.destroy()
        self.real.pop(a.handle, None)
        self.prune()

    # -- checks ---------------------------------------------------------------------------

    def check_range(self, m: R.Adapter | None, r: R.Range) -> None:
        """Translates the first, middle and last page (and a byte inside) of a new range
        and compares with the model."""
        assert m is not None
        pm = next(p for p in m.processes if r in p.ranges)
        p = self.procs[pm.handle]
        pages = r.size // PAGE
        vas = sorted({r.va, r.va + (pages // 2) * PAGE + 123, r.end - PAGE, r.end - 1})
        for va in vas:
            t = p.translate(va)
            got = {"valid": t.valid, "zero": t.zero, "segment": t.segment,
                   "address": t.address, "read_only": t.read_only,
                   "no_execute": t.no_execute, "page_size": t.page_size}
            want = m.expect_translation(pm, va)
            if got != want:
                raise Mismatch(f"VA {va:#x} of {r.kind} range {r.va:#x}+{r.size:#x}: "
                               f"translates to {got}, the model says {want}")
            if t.valid and not t.zero:
                cc = bool(t.levels[-1].pte.CacheCoherent)
                if cc != m.expect_cache_coherent(pm, va):
                    raise Mismatch(f"VA {va:#x}: CacheCoherent {cc}")

    def check_all(self, rng: random.Random | None = None) -> None:
        rng = rng or random.Random(0)
        for h, a in list(self.real.items()):
            if a.closed:
                continue
            m = self.world.adapter(h)
            assert m is not None
            a.validate()
            got = {k: getattr(a.stats(), k) for k in m.stats()}
            if got != m.stats():
                raise Mismatch(f"adapter {h:#x} stats {got} != model {m.stats()}")
            usage = m.segment_usage()
            for sid, want in usage.items():
                s = a.segment(sid)
                got_u = {"used_bytes": s.used_bytes, "table_bytes": s.table_bytes}
                if got_u != want:
                    raise Mismatch(f"segment {sid}: {got_u} != model {want}")
            # the reference model knows the UPDATE_CONTEXT_ALLOCATION records (numbered
            # among themselves); the page-table operations of the log are checked by
            # tests/ddi's shadow replay (docs/behaviour.md 10.2). Read through the
            # UCA-only reader: the log may have dropped the oldest.
            log = _uca_records(a.handle, a.stats().paging_records)
            if log != m.paging_log[len(m.paging_log) - len(log):] or \
                    len(m.paging_log) != a.stats().paging_records:
                raise Mismatch(f"paging log {log} != model {m.paging_log}")
            for al in m.allocations.values():
                info = a.allocation(al.handle)
                got_i = {k: getattr(info, k) for k in al.info()}
                if got_i != al.info():
                    raise Mismatch(f"allocation {al.handle:#x}: {got_i} != model {al.info()}")
            for pm in m.processes:
                p = self.procs[pm.handle]
                maps = [(x.va, x.size, x.kind, x.allocation, x.offset_pages, x.protection,
                         x.driver_protection) for x in p.mappings()]
                if maps != [r.record() for r in pm.mappings()]:
                    raise Mismatch(f"process {pm.handle:#x} mappings {maps} != model "
                                   f"{[r.record() for r in pm.mappings()]}")
                res = [(x.va, x.size, x.flags) for x in p.reservations()]
                if res != [r.record() for r in pm.reservations()]:
                    raise Mismatch(f"process {pm.handle:#x} reservations {res} != model")
                pts = p.page_table_stats()
                got_t = {"tables": pts.tables, "leaf64k_tables": pts.leaf64k_tables,
                         "table_bytes": pts.table_bytes,
                         "valid_leaf_entries": pts.valid_leaf_entries,
                         "mapped_pages": pts.mapped_pages, "conversions": pts.conversions}
                if got_t != pm.tables.stats():
                    raise Mismatch(f"process {pm.handle:#x} page tables {got_t} != model "
                                   f"{pm.tables.stats()}")
                self._check_probes(m, pm, p, rng)
        live = self.handle_baseline + self.model_live_handles()
        if dxgk.live_handles() != live:
            raise Mismatch(f"{dxgk.live_handles()} live handles, the model accounts for {live}")
        for hh, (kind, _a, _o) in self.world.handles.items():
            want_t = {"adapter": 1, "process": 2, "device": 3, "context": 4,
                      "allocation": 5}[kind]
            if lib.dxgk_vm_handle_type(hh) != want_t:
                raise Mismatch(f"{kind} handle {hh:#x} is not alive as one")
        for hh in list(self.world.dead)[-64:]:
            if lib.dxgk_vm_handle_type(hh) != 0:
                raise Mismatch(f"dead handle {hh:#x} is alive")

    def _check_probes(self, m: R.Adapter, pm: R.Process, p: dxgk.Process,
                      rng: random.Random) -> None:
        limit = m.cfg.va_limit
        vas = {0, P64K, limit - PAGE, limit, limit + PAGE, U64 & ~0xFFF}
        for r in pm.ranges:
            vas |= {r.va, r.va + 17, r.end - PAGE, r.end, max(r.va - PAGE, 0)}
        vas |= {rng.randrange(0, limit) for _ in range(8)}
        vas_l = sorted(v for v in vas if v <= U64)
        got = p.translate_many(np.array(vas_l, dtype=np.uint64))
        for va, t in zip(vas_l, got):
            g = _plain_translation(t)
            w = m.expect_translation(pm, va)
            if g != w:
                raise Mismatch(f"process {pm.handle:#x} VA {va:#x}: {g} != model {w}")

    # -- handle pools (for the fuzzers) ---------------------------------------------------------

    def handles_of(self, kind: str, adapter: int | None = None) -> list[int]:
        """Live handles of a kind, in creation order (handle values depend on what earlier
        examples did; hypothesis needs the same choices to mean the same thing)."""
        return [h for h, (k, a, _o) in self.world.handles.items()
                if k == kind and (adapter is None or a.handle == adapter)]

    def prune(self) -> None:
        """Forgets the Python objects of processes/devices/contexts destroyed with a parent."""
        for d in (self.procs, self.devices, self.contexts):
            for h in [h for h in d if h not in self.world.handles]:
                del d[h]


class HookFailed(Exception):
    """Raised by a fuzzed DxgkDdiCreateProcess stand-in to fail process creation."""
