"""docs/behaviour.md 10.4: a driver's decoder makes validate() compare the driver's own
page tables (the CPU_VIRTUAL table memory it wrote) with the model's DXGK_PTEs entry by
entry, naming the first (process, level, table, index) that differs -- and a hypothesis
state machine drives random kernel and user-mode sequences on an adapter with the example
driver tinygpu attached, validate() after every step."""

from __future__ import annotations

import ctypes
import struct
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from test_example_driver import build, decoder_of, table_of

import dxgk
from dxgk import structs
from dxgk.testing import cbuild

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kmt"))
import kmt_helpers as K  # noqa: E402

pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")

KB, MB, GB = 1024, 1024 * 1024, 1024 ** 3
UPDATE_PAGE_TABLE = 11


@pytest.fixture(scope="module")
def tinygpu(tmp_path_factory):
    return build(tmp_path_factory, "_dxgk_tinygpu_dec")



def _attach(mod: Any, decoder: Any = None) -> Any:
    return dxgk.Adapter(driver=table_of(mod), decoder=decoder or decoder_of(mod))


class Lying:
    """tinygpu's decoder as a Python callable; once `lie_at` = (level, index) is set, that
    entry of every table of that level, when valid, reads back with ReadOnly flipped."""

    def __init__(self, mod: Any) -> None:
        self.mod = mod
        self.lie_at: tuple[int, int] | None = None
        self.seen: dict[int, int] = {}

    def __call__(self, level: int, raw: bytes) -> Any:
        out = structs.DXGK_PTE()
        st_ = self.mod.lib.tinygpu_decode_pte(level, raw, len(raw),
                                              self.mod.ffi.cast("void *", ctypes.addressof(out)))
        assert st_ == 0
        i = self.seen.get(level, 0)
        self.seen[level] = i + 1
        if self.lie_at is not None and (level, i % 512) == self.lie_at and out.Valid:
            out.ReadOnly ^= 1
        return out


# ---- a Python driver writing its own 8-byte format, with bugs on demand --------------------

def _encode(level: int, e: Any) -> int:
    if not e.Valid:
        return 0
    v = 1 | (int(e.Segment) << 5) | (int(e.PageAddress) >> 12 << 12)
    if level:
        return v | (1024 if e.PageTablePageSize == 1 else 0)
    return v | (e.Zero << 1) | (e.ReadOnly << 2) | (e.NoExecute << 3) | (e.CacheCoherent << 4)


def _decode(level: int, raw: bytes) -> Any:
    (v,) = struct.unpack("<Q", raw)
    out = structs.DXGK_PTE()
    if v & 1:
        out.Valid = 1
        out.Segment = (v >> 5) & 31
        out.PageAddress = v >> 12 << 12
        if level:
            out.PageTablePageSize = 1 if v & 1024 else 0
        else:
            out.Zero, out.ReadOnly = (v >> 1) & 1, (v >> 2) & 1
            out.NoExecute, out.CacheCoherent = (v >> 3) & 1, (v >> 4) & 1
    return out


class PyGpu:
    """A CPU_VIRTUAL GpuMmu driver in Python (the model's default description): writes
    each UPDATE_PAGE_TABLE into the table's memory; `bug` = "skip_last" leaves the last
    entry of every run of more than one entry unwritten, "no_invalidate" ignores runs
    that invalidate, "decoder_raises" / "decoder_type" make DecodePte fail."""

    def __init__(self, bug: str | None = None) -> None:
        self.bug = bug

    def DxgkDdiBuildPagingBuffer(self, h: int, b: Any) -> int:
        if b.Operation != UPDATE_PAGE_TABLE:
            return 0
        u = b.UpdatePageTable
        n = int(u.NumPageTableEntries)
        first = structs.DXGK_PTE.from_address(u.pPageTableEntries)
        if self.bug == "no_invalidate" and not first.Valid and not u.Flags.InitialUpdate:
            return 0
        if self.bug == "skip_last" and n > 1 and not u.Flags.Repeat:
            n -= 1
        for k in range(n):
            e = first if u.Flags.Repeat else structs.DXGK_PTE.from_address(
                u.pPageTableEntries + 16 * k)
            ctypes.memmove(u.PageTableAddress.CpuVirtual + 8 * (u.StartIndex + k),
                           struct.pack("<Q", _encode(u.PageTableLevel, e)), 8)
        return 0

    def DecodePte(self, level: int, raw: bytes) -> Any:
        if self.bug == "decoder_raises":
            raise RuntimeError("cannot read this one")
        if self.bug == "decoder_type":
            return 42
        return _decode(level, raw)


def _py_adapter(bug: str | None = None) -> Any:
    return dxgk.Adapter(caps={"PageTableUpdateMode": 0}, driver=PyGpu(bug))


def _map_some(a: Any, pages: int = 16) -> tuple[Any, int, int]:
    p = a.create_process()
    d = p.create_device()
    h = a.create_allocation(pages * 4 * KB, d, segments=[2])
    return p, h, a.map(h)


# ---- the rules -------------------------------------------------------------------------

def test_10_4_validate_compares_the_example_drivers_tables_and_they_agree(tinygpu) -> None:
    a = _attach(tinygpu)
    p, h, va = _map_some(a, 300)
    a.map(a.create_allocation(MB, p.create_device(), segments=[1]))    # 64 KB leaves too
    a.validate()
    a.destroy_allocation(h)
    a.validate()
    assert not a.removed
    a.close()


def test_10_2_update_context_allocation_maps_it_in_the_drivers_system_process_tables(
        tinygpu) -> None:
    """docs/behaviour.md 10.2: the first update's system mapping reaches tinygpu as
    UPDATE_PAGE_TABLE operations for its system process, its decoded tables agree with
    the model's after the updates, after a destroy and after a device's teardown."""
    a = _attach(tinygpu)
    sysp = a.system_process
    p = a.create_process()
    d = p.create_device()
    d.create_context()
    hs = [a.create_allocation(MB, d, segments=[2]), a.create_allocation(MB, d, segments=[1])]
    vas = []
    for h in hs:
        other = tinygpu.lib.tinygpu_stat(3)                 # TINY_STAT_OTHER: UCA and the like
        a.update_allocation(h, b"tiny")
        uca = a.paging_log[-1]
        assert uca.operation == "UPDATE_CONTEXT_ALLOCATION"
        assert tinygpu.lib.tinygpu_stat(3) == other + 1
        vas.append(uca.args.ContextAllocation)
    mine = [o for o in a.paging_log if o.process == sysp and o.operation == "UPDATE_PAGE_TABLE"
            and o.args.PageTableLevel == 0 and not o.args.Flags.InitialUpdate]
    # delivered to the driver (CPU_VIRTUAL: it writes the tables itself, validate() reads them)
    assert mine and all(o.args.hProcess for o in mine)
    assert tinygpu.lib.tinygpu_stat(0) >= len(mine)         # TINY_STAT_UPDATES
    for h, va in zip(hs, vas):
        t, info = sysp.translate(va + 4 * KB), a.allocation(h)
        assert t.valid and (t.segment, t.address) == (info.segment, info.segment_offset + 4 * KB)
    a.update_allocation(hs[0])
    assert a.paging_log[-1].args.ContextAllocation == vas[0]
    a.validate()
    a.destroy_allocation(hs[0])
    assert not sysp.translate(vas[0]).valid and sysp.translate(vas[1]).valid
    a.validate()
    d.close()
    assert sysp.mappings() == [] and not sysp.translate(vas[1]).valid
    a.validate()
    assert not a.removed and a.driver_faults == []
    a.close()


def test_10_4_a_c_decoder_through_ctypes_is_the_same(tinygpu) -> None:
    lib = ctypes.CDLL(tinygpu.__file__)
    a = dxgk.Adapter(driver=table_of(tinygpu), decoder=lib.tinygpu_decode_pte)
    _map_some(a)
    a.validate()
    a.close()


def test_10_4_the_first_difference_is_named_by_process_level_table_and_index(tinygpu) -> None:
    lying = Lying(tinygpu)
    a = _attach(tinygpu, lying)
    p, h, va = _map_some(a)
    a.validate()                                    # an honest decoder agrees
    walk = p.translate(va + 3 * 4 * KB).levels
    leaf = walk[-1]
    assert leaf.level == 0
    lying.lie_at = (0, leaf.index)
    with pytest.raises(AssertionError) as e:
        a.validate()
    text = str(e.value)
    assert f"process {p.handle:#x}" in text, text
    assert f"level 0, table {leaf.table_segment}:{leaf.table_address:#x}" in text, text
    assert f"index {leaf.index} (VA {va + 3 * 4 * KB:#x})" in text, text
    assert "ReadOnly" not in text and "docs/behaviour.md 10.4" in text
    lying.lie_at = (1, walk[-2].index)              # an upper level: ReadOnly is not its bit
    with pytest.raises(AssertionError, match=f"level 1, .*index {walk[-2].index} "):
        a.validate()
    a.close()


def test_10_4_a_driver_that_leaves_an_entry_unwritten_is_caught(tinygpu) -> None:
    a = _py_adapter()
    _map_some(a, 7)
    a.validate()                                    # the correct driver agrees
    a.close()
    a = _py_adapter("skip_last")
    p, h, va = _map_some(a, 7)
    last = p.translate(va + 6 * 4 * KB).levels[-1].index
    with pytest.raises(AssertionError, match=f"index {last} \\(VA {va + 6 * 4 * KB:#x}\\): the "
                                             f"driver's entry decodes as invalid, the model's "
                                             f"is \\{{Flags 0x"):
        a.validate()
    a.close()


def test_10_4_a_stale_entry_the_driver_did_not_invalidate_is_caught() -> None:
    a = _py_adapter("no_invalidate")
    p = a.create_process()
    d = p.create_device()
    keep = a.create_allocation(4 * KB, d, segments=[2])
    a.map(keep)                                     # keeps the leaf table alive
    h = a.create_allocation(4 * 4 * KB, d, segments=[2])
    va = a.map(h)
    a.validate()
    a.destroy_allocation(h)                         # the model invalidates; this driver not
    stale = f"VA {va:#x}.*decodes as \\{{Flags 0x[0-9a-f]+, address .*the model's is invalid"
    with pytest.raises(AssertionError, match=stale):
        a.validate()
    a.close()


@pytest.mark.parametrize("bug, why", [
    ("decoder_raises", "DecodePte raised RuntimeError"),
    ("decoder_type", "DecodePte returned an int; expected a structs.DXGK_PTE")])
def test_10_4_a_failing_python_decoder_is_reported_by_validate(bug: str, why: str) -> None:
    a = _py_adapter(bug)
    _map_some(a)
    with pytest.raises(AssertionError, match=f"the decoder answered 0xc000000d.*{why}"):
        a.validate()
    assert not a.removed                            # validate changes nothing
    a.close()


def test_10_4_validate_without_a_decoder_checks_the_model_only(tinygpu) -> None:
    a = dxgk.Adapter(driver=table_of(tinygpu))
    _map_some(a)
    a.validate()
    a.close()


def test_10_4_a_decoder_needs_a_driver_with_table_memory(tinygpu) -> None:
    with pytest.raises(ValueError, match="needs driver="):
        dxgk.Adapter(decoder=decoder_of(tinygpu))

    class Physical(PyGpu):
        def DxgkDdiBuildPagingBuffer(self, h: int, b: Any) -> int:
            return 0                                        # (no table memory to write)

        def DxgkDdiQueryAdapterInfo(self, h: int, q: Any) -> int:
            if q.Type != 13:
                return 0xC00000BB
            c = structs.DXGK_GPUMMUCAPS.from_address(q.pOutputData)
            ctypes.memmove(ctypes.addressof(c), bytes(dxgk.Adapter().caps), ctypes.sizeof(c))
            c.PageTableUpdateMode = 2                       # GPU_PHYSICAL
            return 0
    with pytest.raises(ValueError, match="DecodePte: the driver's page tables have no memory"):
        dxgk.Adapter(driver=Physical())

    class NoPaging:
        def DxgkDdiCreateProcess(self, h: int, args: Any) -> int:
            args.hKmdProcess = 1
            return 0
    with pytest.raises(ValueError, match="decoder: .*DxgkDdiBuildPagingBuffer"):
        dxgk.Adapter(caps={"PageTableUpdateMode": 0}, driver=NoPaging(),
                     decoder=decoder_of(tinygpu))


def test_10_4_a_decoder_of_the_wrong_kind_is_a_type_error(tinygpu) -> None:
    with pytest.raises(TypeError, match="decoder must be a C function"):
        dxgk.Adapter(driver=table_of(tinygpu), decoder=12345)
    with pytest.raises(ValueError, match="NULL function pointer"):
        dxgk.Adapter(driver=table_of(tinygpu), decoder=tinygpu.ffi.NULL)

    class Bad(PyGpu):
        DecodePte = 3
    with pytest.raises(TypeError, match="DecodePte must be a method"):
        dxgk.Adapter(caps={"PageTableUpdateMode": 0}, driver=Bad())


# ---- the state machine: tinygpu attached, validate() after every step -------------------


class TinyGpuMachine(RuleBasedStateMachine):
    """Random kernel-mode and user-mode sequences with the example driver attached; after
    every step the model's invariants hold and the driver's decoded tables equal the
    model's (validate(), docs/behaviour.md 10.4)."""

    mod: Any = None
    checks = 0

    def __init__(self) -> None:
        super().__init__()
        self.w = K.World(_attach(self.mod))
        self.a = self.w.a
        self.v = self.w.reserve(8 * MB, kind=K.NO_ACCESS)
        self.kallocs: list[int] = []
        self.procs: list[Any] = []

    @rule(slot=st.integers(0, 63), pages=st.integers(1, 40), big=st.booleans())
    def kmap(self, slot: int, pages: int, big: bool) -> None:
        if len(self.kallocs) < 8:
            self.kallocs.append(self.a.create_allocation(256 * KB, self.w.d,
                                                         segments=[1 if big else 2]))
        m = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=self.kallocs[-1],
                                                   SizeInPages=min(pages, 64),
                                                   BaseAddress=GB + slot * 64 * KB)
        m.Protection.Write = 1
        dxgk.DxgkCbMapContextAllocation(self.a.handle, m)

    @precondition(lambda self: self.kallocs)
    @rule(i=st.integers(0, 7))
    def kfree(self, i: int) -> None:
        self.a.destroy_allocation(self.kallocs.pop(i % len(self.kallocs)))

    @precondition(lambda self: self.kallocs)
    @rule(i=st.integers(0, 7))
    def update(self, i: int) -> None:
        """docs/behaviour.md 10.2: the first update maps it in the system process."""
        self.a.update_allocation(self.kallocs[i % len(self.kallocs)], b"x" * i)

    @rule(page=st.integers(0, 127), n=st.integers(1, 24), big=st.booleans())
    def umap(self, page: int, n: int, big: bool) -> None:
        self.w.update([K.op_map(self.v + page * 64 * KB, n * 4 * KB,
                                self.w.h64k if big else self.w.h4k)])

    @rule(page=st.integers(0, 127), n=st.integers(1, 24), zero=st.booleans())
    def uunmap(self, page: int, n: int, zero: bool) -> None:
        self.w.update([K.op_unmap(self.v + page * 64 * KB, n * 4 * KB,
                                  K.P_ZERO if zero else 0)])

    @rule(pages=st.integers(1, 600))
    def other_process(self, pages: int) -> None:
        if len(self.procs) >= 3:
            self.procs.pop(0).close()
        p = self.a.create_process()
        d = p.create_device()
        d.create_context()
        h = self.a.create_allocation(pages * 4 * KB, d, segments=[2])
        self.a.map(h)
        if pages % 2:
            self.a.update_allocation(h)      # its system mapping goes with the process
        self.procs.append(p)

    @invariant()
    def drivers_tables_equal_the_models(self) -> None:
        assert not self.a.removed, self.a.driver_faults
        self.a.validate()
        TinyGpuMachine.checks += 1

    def teardown(self) -> None:
        self.a.close()


def test_10_4_machine_random_sequences_keep_the_drivers_tables_equal_to_the_models(
        tinygpu) -> None:
    TinyGpuMachine.mod = tinygpu
    run_state_machine_as_test(TinyGpuMachine, settings=settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
    assert TinyGpuMachine.checks >= 25 * 5          # validate() ran after the steps
