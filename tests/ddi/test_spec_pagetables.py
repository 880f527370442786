"""docs/behaviour.md section 7 (the GpuMmu page tables) as seen through the DDI: PTE contents,
tables on demand, table memory, the 64 KB leaf format and its conversion, the walk."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import dxgk

try:
    from . import spec_helpers as H
except ImportError:
    import spec_helpers as H

KB, MB, GB, PAGE = H.KB, H.MB, H.GB, H.PAGE
K64 = 64 * KB


@pytest.fixture
def env():
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    return SimpleNamespace(a=a, p=p, d=d)


def tables(p):
    """Live tables per level, leaf first."""
    return list(p.page_table_stats().tables)[:4]


# ---- leaf PTE contents ---------------------------------------------------------------


@pytest.mark.parametrize("write, execute", [(0, 0), (1, 0), (0, 1), (1, 1)])
def test_7_leaf_pte_valid_readonly_is_not_write_noexecute_is_not_execute(env, write, execute):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    va = H.map_va(a, h, 2, write=bool(write), execute=bool(execute))
    t = p.translate(va)
    pte = H.pte_of(t, 0)
    assert pte.Valid == 1 and pte.Zero == 0
    assert (pte.ReadOnly, pte.NoExecute) == (1 - write, 1 - execute)
    assert (t.valid, t.read_only, t.no_execute) == (True, not write, not execute)


def test_7_readonly_and_noexecute_written_only_when_caps_support_them():
    a = H.adapter_with(caps_=H.caps(ReadOnlyMemorySupported=0, NoExecuteMemorySupported=0),
                       levels_=H.levels())
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=MB, segments=0b10)
    t = p.translate(H.map_va(a, h, 1, write=False, execute=False))
    pte = H.pte_of(t, 0)
    assert (pte.Valid, pte.ReadOnly, pte.NoExecute) == (1, 0, 0)


@pytest.mark.parametrize("cached", [0, 1])
def test_7_cache_coherent_is_the_allocations_cached_flag(env, cached):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b10, flags={"Cached": cached})
    assert H.pte_of(p.translate(H.map_va(a, h, 1)), 0).CacheCoherent == cached


def test_7_cache_coherent_not_written_without_caps_support():
    a = H.adapter_with(caps_=H.caps(CacheCoherentMemorySupported=0), levels_=H.levels())
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=MB, segments=0b10, flags={"Cached": 1})
    assert H.pte_of(p.translate(H.map_va(a, h, 1)), 0).CacheCoherent == 0


@pytest.mark.parametrize("seg", [1, 2])
def test_7_segment_is_the_allocations_segment_aperture_included(env, seg):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=1 << (seg - 1))
    t = p.translate(H.map_va(a, h, 16))
    assert H.pte_of(t, 0).Segment == seg and t.segment == seg


def test_7_page_address_is_the_pages_byte_address_in_the_segment(env):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    off = a.allocation(h).segment_offset
    va = H.map_va(a, h, 8, offset=5)
    for i in range(8):
        t = p.translate(va + i * PAGE + 0x7B)
        assert H.pte_of(t, 0).PageAddress == off + (5 + i) * PAGE
        assert t.address == off + (5 + i) * PAGE + 0x7B
        assert t.page_size == PAGE


def test_7_zero_pte_valid_zero_no_address(env):
    a = env.a
    z = H.map_va(a, 0, 3, protection=H.P_ZERO)
    t = a.system_process.translate(z + PAGE)
    pte = H.pte_of(t, 0)
    assert (pte.Valid, pte.Zero, pte.PageAddress) == (1, 1, 0)
    assert t.valid and t.zero and t.address == 0


def test_7_noaccess_range_is_invalid(env):
    a = env.a
    n = H.map_va(a, 0, 3, protection=H.P_NOACCESS)
    t = a.system_process.translate(n)
    assert not t.valid


# ---- tables on demand, freed with their last entry ------------------------------------


def test_7_tables_created_on_demand_and_freed_when_last_entry_goes(env):
    a, p = env.a, env.p
    assert tables(p) == [0, 0, 0, 1]                       # only the root
    h = H.create_allocation(a, env.d, size=4 * MB, segments=0b10)
    assert tables(p) == [0, 0, 0, 1]                       # creating maps nothing
    H.map_va(a, h, 1)
    assert tables(p) == [1, 1, 1, 1]
    H.map_va(a, h, 2, base=2 * MB - PAGE)                  # crosses into a second leaf
    assert tables(p) == [2, 1, 1, 1]
    H.map_va(a, h, 1, base=GB)                             # a second level-1 table
    assert tables(p) == [3, 2, 1, 1]
    H.map_va(a, h, 1, base=3 << 39)                        # a second level-2 table
    assert tables(p) == [4, 3, 2, 1]
    st = p.page_table_stats()
    assert st.valid_leaf_entries == st.mapped_pages == 5
    h2 = H.create_allocation(a, env.d, size=MB, segments=0b10)
    H.map_va(a, h2, 1, base=GB + PAGE)                     # shares the leaf at 1 GiB
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert tables(p) == [1, 1, 1, 1]                       # only h2's path is left
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h2))
    assert tables(p) == [0, 0, 0, 1]                       # the root stays
    assert p.page_table_stats().valid_leaf_entries == 0


def test_7_root_table_lives_with_the_process(env):
    a = env.a
    used = a.segment(1).table_bytes
    q = a.create_process()
    assert tables(q) == [0, 0, 0, 1]
    assert a.segment(1).table_bytes == used + 4096
    h = H.create_allocation(a, q.create_device(), size=MB, segments=0b10, map_va=True)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert tables(q) == [0, 0, 0, 1]
    assert a.segment(1).table_bytes == used + 4096
    t = q.translate(64 * KB)
    assert not t.valid and [lv for lv, _, _ in t.levels][:1] == [3]   # the walk reads the root
    # it goes with the process, and with it every table the process held
    H.create_allocation(a, q.create_device(), size=MB, segments=0b10, map_va=True)
    assert a.segment(1).table_bytes == used + 4 * 4096
    q.close()
    assert a.segment(1).table_bytes == used
    a.validate()


# ---- table memory ------------------------------------------------------------------------


def test_7_table_memory_is_taken_from_the_page_table_segment(env):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    s1, s2 = a.segment(1), a.segment(2)
    H.map_va(a, h, 1)
    assert a.segment(1).used_bytes == s1.used_bytes + 3 * 4096       # levels 2, 1, 0
    assert a.segment(1).table_bytes == s1.table_bytes + 3 * 4096
    assert a.segment(2).used_bytes == s2.used_bytes                  # the data's segment
    assert p.page_table_stats().table_bytes == 4 * 4096
    assert a.stats().table_bytes == a.segment(1).table_bytes
    # the entries above record the child's segment and its segment offset
    t = p.translate(64 * KB)
    addrs = []
    for lv in (3, 2, 1):
        e = H.pte_of(t, lv)
        assert (e.Valid, e.Segment) == (1, 1)
        assert e.PageTableAddress % 4096 == 0 and e.PageTableAddress < GB
        addrs.append(e.PageTableAddress)
    assert len(set(addrs)) == 3


def test_7_tables_live_in_the_segment_the_level_description_names():
    a = H.adapter_with(levels_=H.levels(segment=2), caps_=H.caps())
    p = a.create_process()
    assert a.segment(2).table_bytes == 2 * 4096 and a.segment(1).table_bytes == 0
    h = H.create_allocation(a, p.create_device(), size=MB, segments=0b01)
    t = p.translate(H.map_va(a, h, 1))
    assert all(H.pte_of(t, lv).Segment == 2 for lv in (3, 2, 1))
    assert H.pte_of(t, 0).Segment == 1
    assert a.segment(2).table_bytes == 5 * 4096 and a.segment(1).table_bytes == 0


def test_7_no_room_for_tables_fails_the_map_and_changes_nothing():
    a = H.adapter_with(segments=[H.segment(3 * PAGE, PAGE, "local"),
                                 H.segment(GB, PAGE, "aperture")])
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=MB, segments=0b10)
    H.expect_map_fail(a, H.map_args(h, 1), H.NO_MEMORY, processes=[p], allocations=[h],
                      probes=[64 * KB])
    assert tables(p) == [0, 0, 0, 1]


# ---- 64 KB leaves ----------------------------------------------------------------------


def test_7_64k_leaf_format_for_eligible_mapping_in_64k_segment(env):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b01)
    off = a.allocation(h).segment_offset
    used = a.segment(1).table_bytes
    va = H.map_va(a, h, 32)
    t = p.translate(va + K64 + 0x1234)
    assert t.page_size == K64
    assert t.address == off + K64 + 0x1234
    assert H.pte_of(t, 1).PageTablePageSize == 1                    # DXGK_PTE_PAGE_TABLE_PAGE_64KB
    assert H.index_of(t, 0) == ((va + K64) >> 16) & 31              # 2^(9-4) entries
    assert H.pte_of(t, 0).PageAddress == off + K64
    st = p.page_table_stats()
    assert st.leaf64k_tables == 1 and st.valid_leaf_entries == 2 and st.mapped_pages == 32
    assert a.segment(1).table_bytes == used + 2 * 4096 + 256       # 256-byte leaf
    x = p.translate_many(np.arange(va, va + 32 * PAGE, PAGE, dtype=np.uint64))
    assert (x["page_size"] == K64).all()
    assert list(x["address"]) == [off + i * PAGE for i in range(32)]


@pytest.mark.parametrize("what", ["size", "offset", "segment"])
def test_7_not_eligible_mapping_gets_4k_leaf(env, what):
    a, p = env.a, env.p
    seg = 0b10 if what == "segment" else 0b01
    h = H.create_allocation(a, env.d, size=MB, segments=seg)
    pages, offset = (8, 0) if what == "size" else (16, 1 if what == "offset" else 0)
    va = H.map_va(a, h, pages, offset=offset)
    t = p.translate(va)
    assert t.page_size == PAGE
    assert H.pte_of(t, 1).PageTablePageSize == 0
    assert p.page_table_stats().leaf64k_tables == 0


def test_7_4k_mapping_in_a_64k_leaf_converts_it_to_4k_entries(env):
    a, p = env.a, env.p
    h64 = H.create_allocation(a, env.d, size=MB, segments=0b01)
    h4 = H.create_allocation(a, env.d, size=MB, segments=0b10)
    o64, o4 = a.allocation(h64).segment_offset, a.allocation(h4).segment_offset
    v64 = H.map_va(a, h64, 32)                                       # [64K, 192K)
    used = a.segment(1).table_bytes
    v4 = H.map_va(a, h4, 3, base=0x50000)                            # same 2 MB leaf range
    st = p.page_table_stats()
    assert st.conversions == 1 and st.leaf64k_tables == 0
    assert a.segment(1).table_bytes == used - 256 + 4096
    t = p.translate(v64 + K64 + 0x10)
    assert (t.page_size, t.address, t.segment) == (PAGE, o64 + K64 + 0x10, 1)
    assert H.pte_of(t, 1).PageTablePageSize == 0
    x = p.translate_many(np.arange(v64, v64 + 32 * PAGE, PAGE, dtype=np.uint64))
    assert x["valid"].all() and list(x["address"]) == [o64 + i * PAGE for i in range(32)]
    assert (x["page_size"] == PAGE).all()
    t4 = p.translate(v4 + 2 * PAGE)
    assert (t4.valid, t4.segment, t4.address) == (True, 2, o4 + 2 * PAGE)
    assert st.valid_leaf_entries == 35 and st.mapped_pages == 35
    a.validate()


def test_7_converted_leaf_never_converts_back(env):
    a, p = env.a, env.p
    h64 = H.create_allocation(a, env.d, size=MB, segments=0b01)
    h4 = H.create_allocation(a, env.d, size=MB, segments=0b10)
    v64 = H.map_va(a, h64, 16)
    H.map_va(a, h4, 1, base=0x80000)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h4))
    assert p.translate(v64).page_size == PAGE
    v2 = H.map_va(a, h64, 16, offset=16, base=0x100000)             # eligible, same leaf
    assert p.translate(v2).page_size == PAGE
    st = p.page_table_stats()
    assert st.conversions == 1 and st.leaf64k_tables == 0


def test_7_conversion_without_room_for_the_new_table_fails_the_whole_map():
    # tables: 2 roots + level 2 + level 1 + a 256-byte 64 KB leaf fill 5 pages but for
    # 3840 bytes: no room for the 4096-byte table a conversion needs
    a = H.adapter_with(segments=[H.segment(5 * PAGE, PAGE, "local"),
                                 H.segment(16 * MB, K64, "local"),
                                 H.segment(16 * MB, PAGE, "aperture")])
    p = a.create_process()
    d = p.create_device()
    h64 = H.create_allocation(a, d, size=MB, segments=0b010)
    h4 = H.create_allocation(a, d, size=MB, segments=0b100)
    v64 = H.map_va(a, h64, 16)
    assert p.translate(v64).page_size == K64
    H.expect_map_fail(a, H.map_args(h4, 1, base=0x80000), H.NO_MEMORY, processes=[p],
                      allocations=[h64, h4], probes=[0x80000])
    assert p.translate(v64).page_size == K64
    assert p.page_table_stats().conversions == 0
    # elsewhere (a new leaf would be needed too) the same
    H.expect_map_fail(a, H.map_args(h4, 1, base=4 * MB), H.NO_MEMORY, processes=[p],
                      allocations=[h64, h4])


# ---- the walk --------------------------------------------------------------------------


def test_7_walk_indexes_each_level_from_the_va_bits(env):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    for idx in [(1, 2, 3, 4), (511, 511, 511, 511), (0, 0, 1, 16), (300, 7, 0, 0)]:
        va = (idx[0] << 39) | (idx[1] << 30) | (idx[2] << 21) | (idx[3] << 12)
        if va < 64 * KB:
            continue
        H.map_va(a, h, 1, base=va)
        t = p.translate(va + 0xABC)
        assert [(lv, i) for lv, i, _ in t.levels] == list(zip((3, 2, 1, 0), idx))
        assert t.valid and t.address == a.allocation(h).segment_offset + 0xABC


def test_7_unmapped_or_out_of_range_va_translates_invalid(env):
    a, p = env.a, env.p
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    va = H.map_va(a, h, 1)
    for probe in (0, va - PAGE, va + PAGE, 5 << 39, (1 << 48) - PAGE, 1 << 48, 2**64 - PAGE):
        assert not p.translate(probe).valid
    x = p.translate_many(np.array([va, va + PAGE, 1 << 48, va + 0xFFF], dtype=np.uint64))
    assert list(x["valid"]) == [True, False, False, True]
