"""docs/behaviour.md 10.2: the paging stream, recorded without a driver.

One test per rule, named after it. Most tests end with `replay()`: the log's
UPDATE_PAGE_TABLE / FLUSH_TLB operations applied to shadow tables (paging_shadow.py)
reproduce the model's tables exactly, and the ordering rules held on the way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dxgk

try:
    from . import paging_shadow as S
    from . import spec_helpers as H
except ImportError:
    import paging_shadow as S
    import spec_helpers as H

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kmt"))
import kmt_helpers as K  # noqa: E402

KB, MB, GB, PAGE, P64K = H.KB, H.MB, H.GB, H.PAGE, H.PAGE64K
UPT, FLUSH = "UPDATE_PAGE_TABLE", "FLUSH_TLB"
DRIVER_ALLOCATION = 0x5151                       # spec_helpers.create_args' hDriverAllocation


def env(**adapter_kw: Any) -> Any:
    a = dxgk.Adapter(**adapter_kw)
    p = a.create_process()
    d = p.create_device()
    return a, p, d


def since(a: Any, seq: int) -> list[Any]:
    return [op for op in a.paging_log if op.sequence >= seq]


def mark(a: Any) -> int:
    log = a.paging_log
    return log[-1].sequence + 1 if log else 0


def kinds(ops: list[Any]) -> list[tuple[str, int, int, int, int, int]]:
    """(operation, level, start, count, InitialUpdate, Repeat) per operation."""
    out = []
    for op in ops:
        if op.operation == UPT:
            u = op.args
            out.append((UPT, u.PageTableLevel, u.StartIndex, u.NumPageTableEntries,
                        u.Flags.InitialUpdate, u.Flags.Repeat))
        else:
            out.append((op.operation, -1, 0, 0, 0, 0))
    return out


# ---- tables: initialisation and order ------------------------------------------------------


def test_10_2_a_new_process_root_is_initialised_first():
    a = dxgk.Adapter()
    s = mark(a)
    p = a.create_process()
    ops = since(a, s)
    assert kinds(ops) == [(UPT, 3, 0, 512, 1, 1)]
    assert ops[0].process == p and ops[0].args.FirstPteVirtualAddress == 0
    assert [bytes(e) for e in ops[0].entries] == [S.ZERO]
    w = p.translate(0)
    assert ops[0].args.PageTableAddress.GpuPhysical.SegmentOffset == w.levels[0].table_address
    S.replay(a, p)


def test_10_2_order_new_tables_then_leaf_runs_then_levels_up_to_the_root():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    s = mark(a)
    va = H.map_va(a, h, 16, base=5 << 39)
    ops = since(a, s)
    # three new tables (levels 2, 1, 0 in creation order), the leaf run, then the
    # entries naming the new tables from level 1 up to the root, then the flush
    assert kinds(ops) == [(UPT, 2, 0, 512, 1, 1), (UPT, 1, 0, 512, 1, 1), (UPT, 0, 0, 512, 1, 1),
                          (UPT, 0, 0, 16, 0, 0),
                          (UPT, 1, 0, 1, 0, 0), (UPT, 2, 0, 1, 0, 0), (UPT, 3, 5, 1, 0, 0),
                          (FLUSH, -1, 0, 0, 0, 0)]
    assert ops[3].args.FirstPteVirtualAddress == va
    assert ops[6].args.FirstPteVirtualAddress == 5 << 39
    S.replay(a, p)


def test_10_2_an_entry_never_names_a_table_before_its_initialisation():
    a, p, d = env()
    h = H.create_allocation(a, d, size=8 * MB, segments=0b10)
    for base in (GB - 3 * PAGE, 7 << 39, 3 * GB + 2 * MB):
        H.map_va(a, h, 1024, base=base)
    S.replay(a, p)                      # Shadow asserts the rule on every upper entry


def test_10_2_one_operation_per_run_of_consecutive_entries_of_one_table():
    a, p, d = env()
    h = H.create_allocation(a, d, size=8 * MB, segments=0b10)
    s = mark(a)
    # 3 leaf tables' worth, from the middle of the first: three leaf runs, one level-1 run
    base = GB + 2 * MB - 8 * PAGE
    H.map_va(a, h, 8 + 512 + 8, base=base)
    ops = [op for op in since(a, s) if op.operation == UPT and not op.args.Flags.InitialUpdate]
    leaf = [(o.args.StartIndex, o.args.NumPageTableEntries) for o in ops
            if o.args.PageTableLevel == 0]
    assert leaf == [(504, 8), (0, 512), (0, 8)]
    upper1 = [(o.args.StartIndex, o.args.NumPageTableEntries) for o in ops
              if o.args.PageTableLevel == 1]
    assert upper1 == [(0, 3)]                                 # three new leaves: one run
    assert len(ops[-1].entries) == 1 or ops[-1].args.PageTableLevel == 3
    S.replay(a, p)


def test_10_2_leaf_runs_come_in_va_order():
    a, p, d = env()
    h = H.create_allocation(a, d, size=16 * MB, segments=0b10)
    s = mark(a)
    H.map_va(a, h, 4 * 512, base=9 * GB)
    leaf = [o.args.FirstPteVirtualAddress for o in since(a, s)
            if o.operation == UPT and o.args.PageTableLevel == 0 and not o.args.Flags.InitialUpdate]
    assert leaf == sorted(leaf) and len(leaf) == 4


# ---- entries: pages, zero, offsets ---------------------------------------------------------


def test_10_2_mapped_pages_carry_the_allocation_its_offset_and_driver_protection():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    s = mark(a)
    va = H.map_va(a, h, 8, offset=3, base=GB, driver_protection=0xABCD)
    run = [o for o in since(a, s) if o.operation == UPT and o.args.PageTableLevel == 0
           and not o.args.Flags.InitialUpdate]
    assert len(run) == 1
    u = run[0].args
    assert u.hAllocation == DRIVER_ALLOCATION
    assert u.AllocationOffsetInBytes == 3 * PAGE
    assert u.DriverProtection == 0xABCD
    assert u.FirstPteVirtualAddress == va and u.StartIndex == (va >> 12) & 511
    assert u.hProcess == 0 and u.UpdateMode == a.caps.PageTableUpdateMode
    assert u.pPageTableEntries == 0                           # the copy's pointers are NULL
    assert not u.Flags.Repeat and len(run[0].entries) == 8
    seg_off = a.allocation(h).segment_offset
    assert [e.PageAddress for e in run[0].entries] == [seg_off + (3 + i) * PAGE for i in range(8)]
    S.replay(a, p)


def test_10_2_zero_pages_repeat_one_entry():
    a, p, _ = env()
    sp = a.system_process
    s = mark(a)
    va = dxgk.DxgkCbMapContextAllocation(a.handle, H.map_args(0, 32, protection=H.P_ZERO))
    assert va
    run = [o for o in since(a, s) if o.operation == UPT and o.args.PageTableLevel == 0
           and not o.args.Flags.InitialUpdate]
    assert len(run) == 1 and run[0].args.Flags.Repeat and run[0].args.NumPageTableEntries == 32
    assert len(run[0].entries) == 1 and run[0].entries[0].Valid and run[0].entries[0].Zero
    assert run[0].args.hAllocation == 0 and run[0].process == sp
    S.replay(a, sp)


def test_10_2_invalidations_repeat_one_zero_entry():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    h2 = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h2, 1, base=GB)                      # keeps the leaf table alive
    H.map_va(a, h, 16, base=GB + 64 * KB)
    s = mark(a)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    ops = since(a, s)
    assert kinds(ops) == [(UPT, 0, 16, 16, 0, 1), (FLUSH, -1, 0, 0, 0, 0)]
    assert [bytes(e) for e in ops[0].entries] == [S.ZERO]
    S.replay(a, p)


def test_10_2_user_mode_allocations_have_no_driver_handle():
    w = K.World()
    s = mark(w.a)
    va = w.map(w.h4k, 4)
    run = [o for o in since(w.a, s) if o.operation == UPT and o.args.PageTableLevel == 0
           and not o.args.Flags.InitialUpdate]
    assert len(run) == 1 and run[0].args.hAllocation == 0
    assert run[0].args.FirstPteVirtualAddress == va and run[0].args.AllocationOffsetInBytes == 0
    S.replay(w.a, w.p)


# ---- teardown ------------------------------------------------------------------------------


def test_10_2_teardown_invalidates_the_parent_entry_of_each_released_subtree_then_flushes():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h, 16, base=5 << 39)
    s = mark(a)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    ops = since(a, s)
    # without ExplicitPageTableInvalidation nothing is written into a table that is
    # released: the leaf, level-1 and level-2 tables all go, so only the root entry naming
    # the topmost of them is invalidated, then the flush
    assert kinds(ops) == [(UPT, 3, 5, 1, 0, 1), (FLUSH, -1, 0, 0, 0, 0)]
    S.replay(a, p)


def test_10_2_explicit_invalidation_clears_released_tables_entry_by_entry():
    a, p, d = env(caps=H.caps(ExplicitPageTableInvalidation=1))
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h, 16, base=5 << 39)
    s = mark(a)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert kinds(since(a, s)) == [(UPT, 0, 0, 16, 0, 1), (UPT, 1, 0, 1, 0, 1),
                                  (UPT, 2, 0, 1, 0, 1), (UPT, 3, 5, 1, 0, 1),
                                  (FLUSH, -1, 0, 0, 0, 0)]
    S.replay(a, p)


def test_10_2_emptied_tables_are_released_only_after_the_flush():
    # the released tables' segment ranges are reused by the next call, never by the
    # operations before the flush: Shadow refuses a table initialised twice
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h, 16, base=5 << 39)
    before = a.stats().table_bytes
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert a.stats().table_bytes == before - 3 * 4096
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h, 16, base=6 << 39)
    S.replay(a, p)
    a.validate()


def test_10_2_a_table_emptied_in_a_call_is_not_reused_before_its_flush():
    w = K.World()
    v = w.reserve(16 * MB)
    assert w.update([K.op_map(v + PAGE, 4 * PAGE, w.h4k)]) == K.SUCCESS
    s = mark(w.a)
    # one batch: the unmap empties the first leaf, the map needs a new one -- the new
    # leaf may not take the emptied one's memory before the flush that ends the batch
    assert w.update([K.op_unmap(v + PAGE, 4 * PAGE),
                     K.op_map(v + 4 * MB, 4 * PAGE, w.h4k)]) == K.SUCCESS
    ops = since(w.a, s)
    inits = [o for o in ops if o.operation == UPT and o.args.Flags.InitialUpdate]
    gone = [o for o in ops if o.operation == UPT and o.args.Flags.Repeat
            and not o.args.Flags.InitialUpdate]
    # the unmap empties the whole subtree under root entry 0: that entry goes first, then
    # the map builds a new subtree in memory of its own
    assert [o.args.PageTableLevel for o in gone] == [3] and ops.index(gone[0]) == 0
    assert len(inits) == 3 and ops[-1].operation == FLUSH
    old = {o.args.PageTableAddress.GpuPhysical.SegmentOffset for o in since(w.a, 0)
           if o.operation == UPT and o.args.Flags.InitialUpdate and o.sequence < s}
    assert not old & {o.args.PageTableAddress.GpuPhysical.SegmentOffset for o in inits}
    S.replay(w.a, w.p)                          # refuses a table initialised twice


def test_10_2_destroying_a_process_tears_its_tables_down_then_flushes():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h, 16, base=GB)
    shadow = S.replay(a, p)
    s = mark(a)
    p.close()
    ops = since(a, s)
    assert ops and ops[-1].operation == FLUSH and all(o.process == p for o in ops)
    shadow.feed(a.paging_log)
    assert shadow.unlinked == set() and len(shadow.tables) == 1   # only the root was left


# ---- 64 KB leaves --------------------------------------------------------------------------


def test_10_2_a_64kb_leaf_table_says_Use64KBPages():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b01)       # segment 1: 64 KB pages
    s = mark(a)
    H.map_va(a, h, 32, base=GB)
    leaf = [o for o in since(a, s) if o.operation == UPT and o.args.PageTableLevel == 0]
    assert [o.args.Flags.Use64KBPages for o in leaf] == [1, 1]
    assert leaf[0].args.NumPageTableEntries == 32 and leaf[0].args.Flags.InitialUpdate
    assert leaf[1].args.NumPageTableEntries == 2 and leaf[1].args.StartIndex == (GB >> 16) & 31
    S.replay(a, p)


def test_10_2_64kb_to_4kb_conversion_new_leaf_filled_level1_rewritten_flush():
    a, p, d = env()
    h64 = H.create_allocation(a, d, size=MB, segments=0b01)
    h4 = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h64, 16, base=GB)                               # a 64 KB leaf
    s = mark(a)
    H.map_va(a, h4, 1, base=GB + 128 * KB)                      # not eligible: converts
    ops = since(a, s)
    assert kinds(ops) == [(UPT, 0, 0, 512, 1, 1), (UPT, 0, 0, 512, 0, 0), (UPT, 1, 0, 1, 0, 0),
                          (FLUSH, -1, 0, 0, 0, 0)]
    assert not ops[1].args.Flags.Use64KBPages and ops[1].args.hAllocation == 0
    assert sum(e.Valid for e in ops[1].entries) == 17
    assert p.page_table_stats().conversions == 1
    S.replay(a, p)


def test_10_2_an_unmap_that_cuts_a_64kb_entry_converts_the_leaf_first():
    w = K.World()
    v = w.reserve(4 * MB)
    assert w.update([K.op_map(v, 2 * P64K, w.h64k)]) == K.SUCCESS
    assert w.p.translate(v).page_size == P64K
    s = mark(w.a)
    assert w.update([K.op_unmap(v + PAGE, PAGE)]) == K.SUCCESS
    ops = since(w.a, s)
    # the fill carries the leaf's final content: the cut page is already invalid in it
    assert kinds(ops) == [(UPT, 0, 0, 512, 1, 1), (UPT, 0, 0, 512, 0, 0), (UPT, 1, 0, 1, 0, 0),
                          (FLUSH, -1, 0, 0, 0, 0)]
    assert sum(e.Valid for e in ops[1].entries) == 31 and not ops[1].entries[1].Valid
    S.replay(w.a, w.p)


# ---- FLUSH_TLB -----------------------------------------------------------------------------


def test_10_2_flush_covers_the_call_range_end_exclusive_and_names_the_root():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    s = mark(a)
    va = H.map_va(a, h, 16, base=GB)
    fl = [o for o in since(a, s) if o.operation == FLUSH]
    assert len(fl) == 1
    f = fl[0].args
    assert (f.StartVirtualAddress, f.EndVirtualAddress) == (va, va + 16 * PAGE)
    assert f.RootPageTableAddress.SegmentOffset == p.translate(0).levels[0].table_address
    assert f.hProcess == 0 and fl[0].process == p


def test_10_2_no_flush_for_invalid_to_valid_when_InvalidTlbEntriesNotCached():
    a, p, d = env(caps=H.caps(InvalidTlbEntriesNotCached=1))
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    s = mark(a)
    H.map_va(a, h, 16, base=GB)
    assert FLUSH not in [o.operation for o in since(a, s)]
    s = mark(a)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))      # valid -> invalid: flushed
    assert [o.operation for o in since(a, s)][-1] == FLUSH
    S.replay(a, p)


def test_10_2_a_changed_valid_entry_is_flushed_even_when_InvalidTlbEntriesNotCached():
    w = K.World(dxgk.Adapter(caps=H.caps(InvalidTlbEntriesNotCached=1)))
    va = w.reserve(MB)
    assert w.update([K.op_map(va, 16 * PAGE, w.h4k)]) == K.SUCCESS
    s = mark(w.a)
    assert w.update([K.op_map(va, 16 * PAGE, w.h4k, offset=16 * PAGE)]) == K.SUCCESS
    assert [o.operation for o in since(w.a, s)] == [UPT, FLUSH]
    S.replay(w.a, w.p)


def test_10_2_one_flush_per_update_batch_over_the_smallest_covering_range():
    w = K.World()
    v = w.reserve(16 * MB)
    s = mark(w.a)
    ops = [K.op_map(v + 4 * MB, 4 * PAGE, w.h4k), K.op_map(v + MB, 2 * PAGE, w.h4k),
           K.op_unmap(v + 4 * MB, PAGE)]
    assert w.update(ops) == K.SUCCESS
    fl = [o for o in since(w.a, s) if o.operation == FLUSH]
    assert len(fl) == 1
    assert (fl[0].args.StartVirtualAddress, fl[0].args.EndVirtualAddress) == \
        (v + MB, v + 4 * MB + 4 * PAGE)
    S.replay(w.a, w.p)


def test_10_2_a_failed_call_issues_nothing():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    H.map_va(a, h, 1, base=GB)
    s = mark(a)
    assert dxgk.DxgkCbMapContextAllocation(a.handle, H.map_args(h, 1, base=GB)) == 0
    assert since(a, s) == []


# ---- the other operations ------------------------------------------------------------------


UCA = "UPDATE_CONTEXT_ALLOCATION"
SYS_PROT = 0x13                          # Write | Execute | SystemUseOnly


def _leaf_runs(ops: list[Any]) -> list[tuple[int, int]]:
    """(FirstPteVirtualAddress, entries) of the leaf writes among `ops` that map pages."""
    return [(o.args.FirstPteVirtualAddress, o.args.NumPageTableEntries) for o in ops
            if o.operation == UPT and o.args.PageTableLevel == 0 and
            not o.args.Flags.InitialUpdate and o.entries and o.entries[0].Valid]


def test_10_2_update_context_allocation_names_the_allocations_va_in_the_system_process():
    a, p, d = env()
    h = H.create_allocation(a, d, size=MB, segments=0b10, map_va=True)
    info = a.allocation(h)
    s = mark(a)
    a.update_allocation(h, b"dxgk")
    ops = since(a, s)
    sysp = a.system_process
    # the first update maps all of it in the system process -- its tables written and
    # flushed there -- and only then hands the VA over; nothing of p's changes
    assert [o.operation for o in ops][-2:] == [FLUSH, UCA]
    assert all(o.operation == UPT and o.process == sysp for o in ops[:-2])
    assert ops[-2].process == sysp and ops[-1].process == p
    u = ops[-1].args
    va = u.ContextAllocation
    assert ops[-1].allocation == h and ops[-1].data == b"dxgk"
    assert u.ContextAllocationSize == MB and u.DriverPrivateDataSize == 4
    assert u.pDriverPrivateData == 0
    assert va != 0 and va % PAGE == 0 and a.allocation(h).system_va == va
    assert sysp.mappings() == [dxgk.Mapping(va, MB, "system", h, 0, SYS_PROT, 0)]
    runs = _leaf_runs(ops)
    assert runs[0][0] == va and sum(n for _, n in runs) == MB // PAGE
    leaf = [o for o in ops if o.operation == UPT and o.args.PageTableLevel == 0 and
            not o.args.Flags.InitialUpdate]
    assert all(o.args.hAllocation == DRIVER_ALLOCATION for o in leaf)
    assert leaf[0].args.AllocationOffsetInBytes == 0
    assert (ops[-2].args.StartVirtualAddress, ops[-2].args.EndVirtualAddress) == (va, va + MB)
    for off in (0, MB // 2, MB - PAGE):
        t = sysp.translate(va + off)
        assert t.valid and (t.segment, t.address) == (info.segment, info.segment_offset + off)
    assert [(m.va, m.kind) for m in p.mappings()] == [(info.va, "map")]
    # later updates: the same VA, one operation, no page-table change
    s = mark(a)
    a.update_allocation(h)
    again = since(a, s)
    assert [o.operation for o in again] == [UCA] and again[0].args.ContextAllocation == va
    assert a.stats().mappings == 2 and a.allocation(h).mapping_count == 1
    S.replay(a, sysp)
    S.replay(a, p)
    a.validate()


def one_allocation() -> Any:
    """An adapter, a process, its device, the system process and a 1 MB allocation of the
    device in segment 2."""
    a, p, d = env()
    return a, p, d, a.system_process, H.create_allocation(a, d, size=MB, segments=0b10)


def test_10_2_destroying_an_updated_allocation_unmaps_its_system_mapping():
    a, p, d, sysp, h = one_allocation()
    assert a.allocation(h).system_va == 0                   # none before its first update
    a.update_allocation(h)
    va = a.paging_log[-1].args.ContextAllocation
    s = mark(a)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    ops = since(a, s)
    mine = [o for o in ops if o.process == sysp]
    # 10.2's teardown order: the leaf runs invalidated, the emptied tables' parent entry,
    # then the flush of exactly that range
    assert mine and mine[-1].operation == FLUSH
    assert (mine[-1].args.StartVirtualAddress, mine[-1].args.EndVirtualAddress) == \
        (va, va + MB)
    assert all(o.operation == UPT and o.args.Flags.Repeat and not o.entries[0].Valid
               for o in mine[:-1])
    assert sysp.mappings() == [] and not sysp.translate(va).valid
    assert a.stats().mappings == 0
    S.replay(a, sysp)
    a.validate()
    # its VA is free again: the next allocation updated gets it
    h2 = H.create_allocation(a, d, size=MB, segments=0b10)
    a.update_allocation(h2)
    assert a.paging_log[-1].args.ContextAllocation == va
    S.replay(a, sysp)
    a.validate()


def test_10_2_closing_a_device_unmaps_its_allocations_system_mappings_with_one_flush():
    a, p, d = env()
    sysp = a.system_process
    hs = [H.create_allocation(a, d, size=MB, segments=0b10) for _ in range(3)]
    for h in hs:
        a.update_allocation(h)
    other = H.create_allocation(a, p.create_device(), size=MB, segments=0b10)
    a.update_allocation(other)
    assert sorted(m.allocation for m in sysp.mappings()) == sorted([*hs, other])
    s = mark(a)
    d.close()
    mine = [o for o in since(a, s) if o.process == sysp]
    assert [o.operation for o in mine].count(FLUSH) == 1 and mine[-1].operation == FLUSH
    assert [m.allocation for m in sysp.mappings()] == [other]
    S.replay(a, sysp)
    a.validate()
    p.close()
    assert sysp.mappings() == []
    S.replay(a, sysp)
    a.validate()


def test_10_2_a_system_device_allocation_mapped_at_creation_keeps_that_va():
    a, p, d = env()
    sysp = a.system_process
    h = H.create_allocation(a, None, size=MB, segments=0b10, map_va=True)
    s = mark(a)
    a.update_allocation(h)
    ops = since(a, s)
    assert [o.operation for o in ops] == [UCA]
    assert ops[0].args.ContextAllocation == a.allocation(h).va and ops[0].process == sysp
    assert a.allocation(h).system_va == a.allocation(h).va
    assert [m.kind for m in sysp.mappings()] == ["map"]
    # without the creation flag it gets a system mapping like any other
    h2 = H.create_allocation(a, None, size=MB, segments=0b10)
    a.update_allocation(h2)
    va2 = a.paging_log[-1].args.ContextAllocation
    assert [(m.kind, m.allocation, m.va) for m in sysp.mappings()][1:] == [("system", h2, va2)]
    S.replay(a, sysp)
    a.validate()
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h2))
    assert sysp.mappings() == []
    S.replay(a, sysp)
    a.validate()


def test_10_2_a_first_update_without_system_va_room_fails_and_changes_nothing():
    a, p, d, sysp, h = one_allocation()
    # NoAccess (no tables) over all of the system process's VA but its last 512 KB
    limit = 1 << a.caps.VirtualAddressBitCount
    a.map(None, (limit - P64K - 512 * KB) // PAGE, no_access=True)
    before = H.snapshot(a, [p])
    with pytest.raises(dxgk.DdiError) as e:
        a.update_allocation(h, b"x")
    assert e.value.status == dxgk.STATUS_NO_MEMORY
    assert H.snapshot(a, [p]) == before            # no operation, no record, no mapping
    assert a.stats().paging_records == 0
    # a small one fits in what is left
    small = H.create_allocation(a, d, size=256 * KB, segments=0b10)
    a.update_allocation(small)
    assert a.paging_log[-1].args.ContextAllocation == limit - 512 * KB
    S.replay(a, sysp)
    a.validate()


def test_10_2_notify_residency_after_creation_and_before_destruction():
    a, p, d = env()
    flags = {"ExplicitResidencyNotification": 1, "AccessedPhysically": 1}
    s = mark(a)
    h = H.create_allocation(a, d, size=MB, segments=0b10, flags=flags)
    plain = H.create_allocation(a, d, size=MB, segments=0b10)
    ops = since(a, s)
    assert [o.operation for o in ops] == ["NOTIFY_RESIDENCY"]
    n = ops[0].args
    info = a.allocation(h)
    assert (n.Resident, n.hAllocation) == (1, DRIVER_ALLOCATION) and ops[0].allocation == h
    assert (n.PhysicalAddress.SegmentId, n.PhysicalAddress.SegmentOffset) == \
        (info.segment, info.segment_offset)
    H.map_va(a, h, 4, base=GB)
    s = mark(a)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, plain))
    ops = since(a, s)
    assert ops[0].operation == "NOTIFY_RESIDENCY" and ops[0].args.Resident == 0
    assert (ops[0].args.PhysicalAddress.SegmentId, ops[0].args.PhysicalAddress.SegmentOffset) \
        == (0, 0)
    assert [o.operation for o in ops[1:]].count("NOTIFY_RESIDENCY") == 0


# ---- execution modes -----------------------------------------------------------------------


def test_10_2_deferred_work_is_issued_when_the_queue_runs():
    w = K.World(paging="deferred")
    s = mark(w.a)
    w.map(w.h4k, 16)
    assert [o for o in since(w.a, s) if o.operation == UPT] == []
    s = mark(w.a)
    w.q.execute()
    assert [o.operation for o in since(w.a, s)][-1] == FLUSH
    S.replay(w.a, w.p)


def test_10_2_user_mode_map_update_and_free_replay_exactly():
    w = K.World()
    v = w.reserve(8 * MB, kind=K.ZERO)
    assert w.update([K.op_map(v + 64 * KB, 64 * KB, w.h64k),
                     K.op_map(v + MB, 8 * PAGE, w.h4k, offset=4 * PAGE)]) == K.SUCCESS
    S.replay(w.a, w.p)
    assert w.update([K.op_unmap(v + MB + PAGE, 2 * PAGE)]) == K.SUCCESS
    assert w.free(v, 8 * MB) == K.SUCCESS
    S.replay(w.a, w.p)


# ---- the log ---------------------------------------------------------------------------------


def test_10_2_the_log_keeps_the_newest_n_operations():
    a, p, d = env(paging_log=10)
    h = H.create_allocation(a, d, size=4 * MB, segments=0b10)
    for i in range(20):
        H.map_va(a, h, 1 + i, base=GB + i * 2 * MB)
    log = a.paging_log
    assert len(log) == 10
    seqs = [o.sequence for o in log]
    assert seqs == list(range(seqs[0], seqs[0] + 10)) and seqs[0] > 0
    assert log[-1].operation == FLUSH
    last = [o for o in log if o.operation == UPT and o.args.PageTableLevel == 0
            and not o.args.Flags.InitialUpdate][-1]
    assert len(last.entries) == 20                          # entries kept with their op


@pytest.mark.parametrize("cap", [1, 3, 8, 64])
def test_10_2_the_log_stays_exact_as_its_arena_wraps_and_grows(cap):
    a, p, d = env(paging_log=cap)
    h = H.create_allocation(a, d, size=4 * MB, segments=0b10)
    h64 = H.create_allocation(a, d, size=MB, segments=0b01)
    sent = []
    for i in range(40):
        data = bytes((i + k) & 0xFF for k in range(i * 37 % 700))
        a.update_allocation(h, data)
        sent.append(data)
        if i % 3 == 0:                     # a 64 KB leaf, then a conversion: a 512-entry fill
            H.map_va(a, h64, 16, base=(8 + i) * GB)
            H.map_va(a, h, 1, base=(8 + i) * GB + 20 * P64K)
        log = a.paging_log
        # the newest operations, contiguous, at most cap -- fewer when their entries and
        # data pass the arena's 256 bytes per operation
        seqs = [o.sequence for o in log]
        assert 1 <= len(log) <= cap and seqs == list(range(seqs[0], seqs[0] + len(log)))
        ucas = [o.data for o in log if o.operation == "UPDATE_CONTEXT_ALLOCATION"]
        assert ucas == sent[len(sent) - len(ucas):]
        # p's (the 4 MB allocation's system mapping, 10.2, fills whole leaves too)
        fills = [o for o in log if o.operation == UPT and o.args.NumPageTableEntries == 512
                 and not o.args.Flags.Repeat and o.process == p]
        for f in fills:
            assert len(f.entries) == 512 and sum(e.Valid for e in f.entries) == 17


def test_10_2_recording_off_logs_nothing_and_changes_nothing_else():
    a, p, d = env(paging_log=0)
    h = H.create_allocation(a, d, size=MB, segments=0b10)
    va = H.map_va(a, h, 16, base=GB)
    a.update_allocation(h, b"x")
    assert a.paging_log == []
    assert a.stats().paging_records == 1                    # the count goes on
    assert p.translate(va).valid
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    a.validate()


def test_10_2_paging_log_keyword_is_checked():
    with pytest.raises(TypeError, match="paging_log"):
        dxgk.Adapter(paging_log="many")
    with pytest.raises(TypeError, match="paging_log"):
        dxgk.Adapter(paging_log=True)
    with pytest.raises(ValueError, match="paging_log"):
        dxgk.Adapter(paging_log=-1)


def test_10_2_log_reader_refuses_what_the_log_does_not_hold():
    from dxgk._core import ffi, lib
    a = dxgk.Adapter(paging_log=4)
    info = ffi.new("dxgk_pg_info *")
    first, count, cap = (ffi.new("uint64_t *") for _ in range(3))
    assert lib.dxgk_pg_log_range(a.handle, cap, first, count) == 0
    assert (cap[0], count[0]) == (4, 1)
    args = (ffi.NULL, 0, ffi.NULL, 0, ffi.NULL, 0)

    def get(h: int, seq: int, out: Any) -> int:
        return lib.dxgk_pg_log_get(h, seq, out, *args) & 0xFFFFFFFF

    assert get(a.handle, first[0], info) == H.SUCCESS
    assert get(a.handle, first[0] + 1, info) == H.INVALID_PARAMETER
    assert get(a.handle, first[0], ffi.NULL) == H.INVALID_PARAMETER
    assert get(H.BOGUS_HANDLE, 0, info) == H.INVALID_HANDLE
    assert lib.dxgk_pg_set_capacity(a.handle, (1 << 32) + 1) & 0xFFFFFFFF == H.INVALID_PARAMETER
    with pytest.raises(ValueError, match="paging_log"):
        dxgk.Adapter(paging_log=(1 << 32) + 1)


def test_10_2_a_capacity_set_after_operations_keeps_the_newest_of_them():
    # Adapter(paging_log=N) sets the capacity once the system process exists: the root
    # initialisation already issued is kept (the newest min(held, N) operations)
    from dxgk._core import lib
    b = dxgk.Adapter(paging_log=1)
    log = b.paging_log
    assert [(o.sequence, o.operation, o.process) for o in log] == \
        [(0, UPT, b.system_process)]
    p = b.create_process()
    assert [(o.sequence, o.process) for o in b.paging_log] == [(1, p)]
    assert lib.dxgk_pg_set_capacity(b.handle, 0) == 0
    assert b.paging_log == []
    assert lib.dxgk_pg_set_capacity(b.handle, 5) == 0
    p.create_device()
    b.create_process()
    assert [o.sequence for o in b.paging_log] == [2]       # sequence numbers went on


# ---- property: the shadow built from the log equals the model after every step -------------

STEP = st.one_of(
    st.tuples(st.just("kmap"), st.integers(0, 63), st.integers(1, 40), st.booleans()),
    st.tuples(st.just("kfree"), st.integers(0, 7)),
    st.tuples(st.just("umap"), st.integers(0, 127), st.integers(1, 24), st.booleans()),
    st.tuples(st.just("uunmap"), st.integers(0, 127), st.integers(1, 24)),
    st.tuples(st.just("zero"), st.integers(0, 127), st.integers(1, 24)),
    st.tuples(st.just("uca"), st.integers(0, 7)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=12), explicit=st.booleans())
def test_10_2_property_shadow_tables_from_the_log_equal_the_model(steps, explicit):
    w = K.World(dxgk.Adapter(caps=H.caps(ExplicitPageTableInvalidation=int(explicit))))
    a, p = w.a, w.p
    v = w.reserve(8 * MB, kind=K.NO_ACCESS)
    kallocs: list[int] = []
    shadow = S.Shadow(a, p)
    system = S.Shadow(a, a.system_process)          # updated allocations are mapped there
    for step in steps:
        kind = step[0]
        if kind == "kmap":
            _, slot, pages, big = step
            seg = 0b01 if big else 0b10
            if len(kallocs) < 8:
                kallocs.append(H.create_allocation(a, w.d, size=256 * KB, segments=seg))
            h = kallocs[-1]
            base = GB + slot * 64 * KB
            dxgk.DxgkCbMapContextAllocation(a.handle, H.map_args(h, min(pages, 64), base=base))
        elif kind == "kfree":
            if kallocs:
                h = kallocs.pop(step[1] % len(kallocs))
                H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
        elif kind == "uca":
            if kallocs:
                a.update_allocation(kallocs[step[1] % len(kallocs)])
        elif kind == "umap":
            _, page, n, big = step
            h = w.h64k if big else w.h4k
            w.update([K.op_map(v + page * 16 * PAGE, n * PAGE, h)])
        elif kind == "uunmap":
            _, page, n = step
            w.update([K.op_unmap(v + page * 16 * PAGE, n * PAGE)])
        else:
            _, page, n = step
            w.update([K.op_unmap(v + page * 16 * PAGE, n * PAGE, K.P_ZERO)])
        shadow.feed(a.paging_log)
        shadow.assert_matches(p)
        system.feed(a.paging_log)
        system.assert_matches(a.system_process)
    a.validate()
