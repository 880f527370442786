"""GpuMmu page tables (dxgk/core/pagetable.c): one test per docs/behaviour.md section 3/7 rule.

Entry bits are decoded here from docs/behaviour.md's DXGK_PTE declaration (Valid bit 0, Zero 1,
CacheCoherent 2, ReadOnly 3, NoExecute 4, Segment 5..9, LargePage 10,
PhysicalAdapterIndex 11..16, PageTablePageSize 17..18, SystemReserved0 19,
Reserved 20..63), independently of the C core's use of the header bitfields.
"""

from __future__ import annotations

import numpy as np
import pytest
from dxgk._core import ffi, lib

from dxgk.testing.pt import (
    CAP_CACHE_COHERENT,
    CAP_EXPLICIT_INVALIDATION,
    CAP_NO_EXECUTE,
    CAP_READ_ONLY,
    CAP_ZERO,
    DEFAULT_CAPS,
    XLATE_DTYPE,
    PageTable,
    PageTableArgumentError,
    PageTableConfigError,
    PageTableError,
    PageTableFullError,
)

KB4, KB64 = 4096, 65536
MB2 = 1 << 21


def pte(flags: int) -> dict[str, int]:
    return {
        "valid": flags & 1, "zero": flags >> 1 & 1, "cache_coherent": flags >> 2 & 1,
        "read_only": flags >> 3 & 1, "no_execute": flags >> 4 & 1, "segment": flags >> 5 & 31,
        "large_page": flags >> 10 & 1, "adapter": flags >> 11 & 63,
        "page_table_page_size": flags >> 17 & 3, "system_reserved0": flags >> 19 & 1,
        "reserved": flags >> 20,
    }


def snapshot(pt: PageTable, vas: list[int]) -> tuple:
    return (pt.stats, pt.translate_many(vas).tobytes(),
            tuple(pt.walk(va) for va in vas))


def caps_buffers(level_bits, *, va_bits=None, caps=DEFAULT_CAPS, leaf64k=256, sizes=4096,
                 aligns=4096, segs=1, count=None):
    n = len(level_bits)
    count = n if count is None else count
    va_bits = 12 + sum(level_bits) if va_bits is None else va_bits
    c = bytearray(lib.dxgk_pt_caps_size())
    lv = bytearray(lib.dxgk_pt_level_desc_size() * max(n, 1))
    lib.dxgk_pt_caps_init(ffi.from_buffer(c), caps, va_bits, leaf64k, count)

    def per(v):
        return [v] * n if isinstance(v, int) else list(v)

    for i, (b, s, a, g) in enumerate(zip(level_bits, per(sizes), per(aligns), per(segs),
                                         strict=True)):
        lib.dxgk_pt_level_init(ffi.from_buffer(lv), i, b, g, s, a)
    return c, lv


# ---------------------------------------------------------------------------------------
# docs/behaviour.md section 3: configuration


def test_config_default_gpummu_is_accepted():
    pt = PageTable()
    assert (pt.level_count, pt.va_bits, pt.level_bits) == (4, 48, (9, 9, 9, 9))
    assert pt.shifts == (12, 21, 30, 39)
    assert pt.table_sizes == (4096,) * 4 and pt.leaf64k_size == 256
    assert pt.stats["tables"] == [0, 0, 0, 1]  # the root is made with the tree


def test_config_default_from_c_matches_spec():
    c = bytearray(lib.dxgk_pt_caps_size())
    lv = bytearray(lib.dxgk_pt_level_desc_size() * 4)
    lib.dxgk_pt_default_config(ffi.from_buffer(c), ffi.from_buffer(lv))
    assert PageTable.config_error(c, lv) is None
    pt = PageTable.from_structs(c, lv)
    assert (pt.level_count, pt.va_bits, pt.leaf64k_size, pt.caps) == (4, 48, 256, DEFAULT_CAPS)


@pytest.mark.parametrize("count", [0, 1, 7])
def test_config_level_count_outside_2_to_6_is_rejected(count):
    c, lv = caps_buffers([9] * 6, va_bits=48, count=count)
    assert "PageTableLevelCount" in PageTable.config_error(c, lv)
    with pytest.raises(PageTableConfigError, match="PageTableLevelCount"):
        PageTable.from_structs(c, lv)


def test_config_index_bits_must_sum_to_va_bits():
    with pytest.raises(PageTableConfigError, match="VirtualAddressBitCount"):
        PageTable((9, 9, 9, 9), va_bits=47)
    with pytest.raises(PageTableConfigError, match=r"12 \+ sum"):
        PageTable((9, 9, 9, 9), va_bits=49)


def test_config_va_bits_above_63_is_rejected():
    with pytest.raises(PageTableConfigError, match="exceeds 63"):
        PageTable((9, 9, 9, 9, 9, 7))  # 12 + 52 = 64


def test_config_va_bits_63_is_accepted_and_top_page_maps():
    pt = PageTable((9, 9, 9, 8, 8, 8), table_size=4096)  # 12 + 51 = 63
    top = (1 << 63) - KB4
    pt.map(top, 1, segment=1, address=0x5000)
    assert pt.translate(top + 7).address == 0x5007
    pt.validate()
    with pytest.raises(PageTableArgumentError):
        pt.map(top, 2, segment=1, address=0)


@pytest.mark.parametrize("bits, message", [
    ((0, 9, 9, 9, 9, 0), "PageTableIndexBitCount 0"),
    ((25, 11), "PageTableIndexBitCount 25"),
])
def test_config_index_bits_outside_1_to_24_are_rejected(bits, message):
    with pytest.raises(PageTableConfigError, match=message):
        PageTable(bits, va_bits=12 + sum(bits), table_size=1 << 28)


@pytest.mark.parametrize("kwargs, message", [
    ({"table_size": 0}, "multiple of 4096"),
    ({"table_size": 6000}, "multiple of 4096"),
    ({"table_size": [4096, 4096, 4096, 4096]} | {"level_bits_": (10, 9, 8, 9)},
     "cannot hold 2\\^10 entries"),
    ({"table_segment": 32}, "does not fit DXGK_PTE.Segment"),
    ({"table_segment": 0, "table_size": 8192}, "system memory"),
    ({"table_align": 3000}, "power of two"),
    ({"leaf64k_size": 16}, "LeafPageTableSizeFor64KPagesInBytes 16"),
])
def test_config_table_sanity_rules(kwargs, message):
    kwargs = dict(kwargs)
    bits = kwargs.pop("level_bits_", (9, 9, 9, 9))
    with pytest.raises(PageTableConfigError, match=message):
        PageTable(bits, **kwargs)


def test_config_64k_leaf_needs_four_leaf_index_bits():
    with pytest.raises(PageTableConfigError, match=">= 4"):
        PageTable((3, 9), leaf64k_size=256)
    PageTable((3, 9), leaf64k_size=0).validate()  # fine without 64 KB leaves


def test_config_alignment_zero_means_4096():
    pt = PageTable(table_align=0)
    assert pt.table_aligns == (4096,) * 4


# ---------------------------------------------------------------------------------------
# docs/behaviour.md section 7: levels and tables


def test_levels_index_va_bits_from_the_leaf_up():
    bits = (5, 2, 3, 4, 2, 6)
    pt = PageTable(bits)
    va = 0xABCDE000 & ((1 << pt.va_bits) - 1) & ~0xFFF
    va |= 1 << (pt.va_bits - 1)
    pt.map(va, 1, segment=1, address=0x10000)
    w = pt.walk(va)
    assert [lv.level for lv in w.levels] == [5, 4, 3, 2, 1, 0]
    shift = 12
    expect = {}
    for level, b in enumerate(bits):
        expect[level] = (va >> shift) & ((1 << b) - 1)
        shift += b
    assert {lv.level: lv.index for lv in w.levels} == expect


def test_table_at_level_has_2_pow_bits_entries():
    pt = PageTable((9, 9, 9, 9))
    last = (1 << 9) - 1
    pt.map(last * KB4, 1, segment=1, address=0)
    assert pt.walk(last * KB4).levels[-1].index == last
    pt.map((last + 1) * KB4, 1, segment=1, address=KB4)  # index 512 = next leaf table
    assert pt.stats["tables"] == [2, 1, 1, 1]
    assert pt.walk((last + 1) * KB4).levels[-1].index == 0


def test_tables_are_created_on_demand():
    pt = PageTable()
    assert pt.stats["tables"] == [0, 0, 0, 1]
    pt.map(1 << 40, 1, segment=1, address=0)
    assert pt.stats["tables"] == [1, 1, 1, 1]
    pt.map((1 << 40) + KB4, 1, segment=1, address=KB4)  # same leaf: nothing new
    assert pt.stats["tables"] == [1, 1, 1, 1]


def test_tables_use_page_table_size_of_their_level():
    pt = PageTable((9, 9, 9, 9), table_size=[4096, 8192, 12288, 16384])
    assert pt.stats["table_bytes"] == 16384
    pt.map(0, 1, segment=1, address=0)
    assert pt.stats["table_bytes"] == 4096 + 8192 + 12288 + 16384
    pt.map(MB2, 16, segment=1, address=0, eligible64k=True)  # a 64 KB leaf: 256 bytes
    assert pt.stats["table_bytes"] == 4096 + 8192 + 12288 + 16384 + 256
    pt.validate()


def test_tables_are_aligned_to_page_table_alignment():
    pt = PageTable(table_size=4096, table_align=[4096, 65536, 8192, 4096])
    for i in range(5):
        pt.map(i << 30, 1, segment=1, address=0)
    for i in range(5):
        for lv in pt.walk(i << 30).levels:
            assert lv.table_address % pt.table_aligns[lv.level] == 0
    pt.validate()


def test_parent_entry_records_segment_and_table_address():
    pt = PageTable(table_segment=[4, 3, 2, 1])
    pt.map(0x1234_5678_9000, 1, segment=7, address=0x7000)
    w = pt.walk(0x1234_5678_9000)
    for parent, child in zip(w.levels, w.levels[1:], strict=False):
        f = pte(parent.entry_flags)
        assert f["valid"] == 1 and f["zero"] == 0
        assert f["segment"] == child.table_segment == pt.table_segments[child.level]
        assert parent.entry_address == child.table_address
        assert f["page_table_page_size"] == 0  # 4 KB leaf below
        assert f["read_only"] == f["no_execute"] == f["large_page"] == f["reserved"] == 0


def test_new_tables_start_all_invalid():
    pt = PageTable()
    pt.map(0x4000_0000 + 5 * KB4, 1, segment=1, address=0)
    for page in (0, 4, 6, 511):
        w = pt.walk(0x4000_0000 + page * KB4)
        assert len(w.levels) == 4
        leaf = w.levels[-1]
        assert leaf.entry_bytes == bytes(16)
        assert not w.result.valid
    assert pt.stats["valid_leaf_entries"] == 1


def test_table_is_freed_when_its_last_valid_entry_goes():
    pt = PageTable()
    pt.map(0, 2, segment=1, address=0)
    pt.map(MB2, 1, segment=1, address=0)
    assert pt.stats["tables"] == [2, 1, 1, 1]
    pt.unmap(0, 1)
    assert pt.stats["tables"] == [2, 1, 1, 1]  # one valid entry left in the first leaf
    pt.unmap(KB4, 1)
    assert pt.stats["tables"] == [1, 1, 1, 1]
    assert pt.translate(MB2).valid
    pt.unmap(MB2, 1)
    assert pt.stats["tables"] == [0, 0, 0, 1]
    pt.validate()


def test_root_lives_as_long_as_the_tree():
    pt = PageTable()
    pt.map(1 << 47, 1, segment=1, address=0)
    pt.unmap(0, 1 << 36)
    st = pt.stats
    assert st["tables"] == [0, 0, 0, 1] and st["table_bytes"] == 4096
    assert len(pt.walk(1 << 47).levels) == 1


def test_noaccess_range_needs_no_tables():
    pt = PageTable()
    assert pt.estimate(1 << 30, 4096, kind="noaccess")["bytes"] == 0
    pt.map(1 << 30, 4096, kind="noaccess")
    assert pt.stats["tables"] == [0, 0, 0, 1]
    assert not pt.translate(1 << 30).valid


def test_noaccess_writes_invalid_entries_over_a_mapping():
    pt = PageTable()
    pt.map(0, 8, segment=1, address=0)
    pt.map(2 * KB4, 2, kind="noaccess")
    valid = pt.translate_many([i * KB4 for i in range(8)])["valid"]
    assert valid.tolist() == [True, True, False, False, True, True, True, True]
    assert pt.walk(2 * KB4).levels[-1].entry_bytes == bytes(16)


def test_conversion_without_room_fails_the_whole_map():
    pt = PageTable(capacity=4 * 4096)  # root + 2 upper + one 64 KB leaf fit; no more
    pt.map(0, 16, segment=1, address=0, eligible64k=True)
    vas = [i * KB4 for i in range(20)]
    before = snapshot(pt, vas)
    with pytest.raises(PageTableFullError):
        pt.map(0x11000, 1, segment=1, address=0x1000)  # non-eligible in that leaf
    assert snapshot(pt, vas) == before
    pt.validate()


# ---------------------------------------------------------------------------------------
# docs/behaviour.md section 7: leaf entries


def test_leaf_pte_of_a_mapped_page():
    pt = PageTable()
    va, addr = 0x7_0000_0000, 0x1234_5000
    pt.map(va, 3, segment=5, address=addr, read_only=True, no_execute=True,
           cache_coherent=True)
    for i in range(3):
        leaf = pt.walk(va + i * KB4).levels[-1]
        f = pte(leaf.entry_flags)
        assert (f["valid"], f["zero"], f["read_only"], f["no_execute"], f["cache_coherent"],
                f["segment"]) == (1, 0, 1, 1, 1, 5)
        assert f["large_page"] == f["adapter"] == f["page_table_page_size"] == 0
        assert f["system_reserved0"] == f["reserved"] == 0
        assert leaf.entry_address == addr + i * KB4  # byte address, low 12 bits zero
        assert leaf.table_page_size == KB4


def test_read_only_is_not_write_when_supported():
    pt = PageTable()
    pt.map(0, 1, segment=1, address=0, read_only=True)
    pt.map(KB4, 1, segment=1, address=0, read_only=False)
    assert pte(pt.walk(0).levels[-1].entry_flags)["read_only"] == 1
    assert pte(pt.walk(KB4).levels[-1].entry_flags)["read_only"] == 0
    assert pt.translate(0).read_only and not pt.translate(KB4).read_only


@pytest.mark.parametrize("missing, kw, field", [
    (CAP_READ_ONLY, "read_only", "read_only"),
    (CAP_NO_EXECUTE, "no_execute", "no_execute"),
    (CAP_CACHE_COHERENT, "cache_coherent", "cache_coherent"),
])
def test_protection_bits_only_when_caps_support_them(missing, kw, field):
    pt = PageTable(caps=DEFAULT_CAPS & ~missing)
    pt.map(0, 1, segment=1, address=0, **{kw: True})
    assert pte(pt.walk(0).levels[-1].entry_flags)[field] == 0
    pt.validate()


def test_no_execute_is_not_execute_when_supported():
    pt = PageTable()
    pt.map(0, 1, segment=1, address=0, no_execute=True)
    assert pt.translate(0).no_execute
    assert pte(pt.walk(0).levels[-1].entry_flags)["no_execute"] == 1


def test_segment_is_the_allocation_segment_id_aperture_included():
    pt = PageTable()
    for seg in (0, 1, 2, 31):
        pt.map(seg * KB4, 1, segment=seg, address=seg * KB4)
        assert pt.translate(seg * KB4).segment == seg
        assert pte(pt.walk(seg * KB4).levels[-1].entry_flags)["segment"] == seg


def test_page_address_is_each_pages_byte_address():
    pt = PageTable()
    pt.map(0x10_0000_0000, 700, segment=1, address=0x4000_0000)  # crosses a leaf table
    vas = np.arange(700, dtype=np.uint64) * KB4 + 0x10_0000_0000 + 0x123
    r = pt.translate_many(vas)
    assert r["valid"].all()
    assert (r["address"] == np.arange(700, dtype=np.uint64) * KB4 + 0x4000_0123).all()
    assert pt.stats["tables"][0] == 2


def test_zero_mapping_is_valid_zero_without_address():
    pt = PageTable()
    pt.map(0, 4, kind="zero")
    f = pte(pt.walk(KB4).levels[-1].entry_flags)
    assert (f["valid"], f["zero"], f["segment"]) == (1, 1, 0)
    assert pt.walk(KB4).levels[-1].entry_address == 0
    t = pt.translate(KB4 + 5)
    assert (t.valid, t.zero, t.address, t.segment, t.page_size) == (True, True, 0, 0, KB4)


def test_zero_mapping_needs_zero_in_pte_caps():
    pt = PageTable(caps=DEFAULT_CAPS & ~CAP_ZERO)
    with pytest.raises(PageTableArgumentError):
        pt.map(0, 1, kind="zero")
    assert pt.stats["tables"] == [0, 0, 0, 1]


def test_mapping_over_valid_entries_replaces_them():
    pt = PageTable()
    pt.map(0, 8, segment=1, address=0)
    pt.map(2 * KB4, 4, segment=2, address=0x9000_0000, read_only=True)
    r = pt.translate_many([i * KB4 for i in range(8)])
    assert r["segment"].tolist() == [1, 1, 2, 2, 2, 2, 1, 1]
    assert r["address"][2] == 0x9000_0000
    assert pt.stats["valid_leaf_entries"] == 8
    pt.validate()


# ---------------------------------------------------------------------------------------
# docs/behaviour.md section 7: 64 KB pages (single-PTE mode)


def test_64k_leaf_for_an_eligible_mapping():
    pt = PageTable()
    va, addr = 0x3_0000_0000, 0x20_0000
    pt.map(va, 32, segment=1, address=addr, eligible64k=True)
    w = pt.walk(va + 0x1_2345)
    assert pte(w.levels[-2].entry_flags)["page_table_page_size"] == 1  # DXGK_PTE 64KB
    leaf = w.levels[-1]
    assert leaf.table_page_size == KB64 and leaf.index == (va + 0x1_2345 >> 16) & 31
    assert leaf.entry_address == addr + KB64
    assert w.result.page_size == KB64 and w.result.address == addr + 0x1_2345
    st = pt.stats
    assert st["leaf64k_tables"] == 1 and st["valid_leaf_entries"] == 2
    assert st["mapped_pages"] == 32 and st["table_bytes"] == 3 * 4096 + 256


def test_64k_leaf_has_2_pow_bits_minus_4_entries():
    pt = PageTable((6, 5))  # 64 entries of 4 KB per leaf; 4 entries of 64 KB
    pt.map(0, 64, segment=1, address=0, eligible64k=True)
    assert [pt.walk(i * KB64).levels[-1].index for i in range(4)] == [0, 1, 2, 3]
    assert pt.stats["valid_leaf_entries"] == 4
    pt.map(64 * KB4, 16, segment=1, address=0, eligible64k=True)  # next leaf table
    assert pt.stats["tables"] == [2, 1]


@pytest.mark.parametrize("va, npages, addr, eligible, leaf64k", [
    (KB4, 16, 0, True, 256),          # VA not 64 KB aligned
    (0, 16, KB4, True, 256),          # physical address not 64 KB aligned
    (0, 24, 0, True, 256),            # size not a multiple of 64 KB
    (0, 16, 0, False, 256),           # not from a 64 KB-page segment
    (0, 16, 0, True, 0),              # caps give no 64 KB leaf size
])
def test_64k_leaf_not_used_unless_everything_is_64k_aligned(va, npages, addr, eligible,
                                                            leaf64k):
    pt = PageTable(leaf64k_size=leaf64k)
    pt.map(va, npages, segment=1, address=addr, eligible64k=eligible)
    assert pt.stats["leaf64k_tables"] == 0
    assert pt.translate(va).page_size == KB4
    assert pte(pt.walk(va).levels[-2].entry_flags)["page_table_page_size"] == 0


def test_64k_then_4k_map_in_same_leaf_converts_and_both_translate():
    pt = PageTable()
    pt.map(0, 16, segment=1, address=0x10_0000, eligible64k=True, read_only=True)
    assert pt.stats["leaf64k_tables"] == 1
    pt.map(16 * KB4, 1, segment=2, address=0x5000)
    st = pt.stats
    assert st["leaf64k_tables"] == 0 and st["conversions"] == 1 and st["tables"][0] == 1
    assert pte(pt.walk(0).levels[-2].entry_flags)["page_table_page_size"] == 0
    r = pt.translate_many([i * KB4 + 9 for i in range(17)])
    assert (r["page_size"] == KB4).all() and r["valid"].all()
    assert r["address"][:16].tolist() == [0x10_0000 + i * KB4 + 9 for i in range(16)]
    assert r["read_only"][:16].all() and not r["read_only"][16]
    assert (r["segment"][16], r["address"][16]) == (2, 0x5009)
    assert st["valid_leaf_entries"] == 17 and st["table_bytes"] == 4 * 4096
    pt.unmap(16 * KB4, 1)  # the 4 KB table stays 4 KB
    assert pt.stats["leaf64k_tables"] == 0 and pt.stats["tables"][0] == 1
    assert pt.translate(0).page_size == KB4
    pt.validate()


def test_64k_conversion_keeps_every_target_zero_included():
    pt = PageTable()
    pt.map(0, 32, segment=3, address=0x40_0000, eligible64k=True, no_execute=True,
           cache_coherent=True)
    pt.map(0x2_0000, 16, kind="zero", eligible64k=True)
    vas = [i * KB4 + 1 for i in range(48)]
    before = pt.translate_many(vas)
    pt.map(0x10_0000, 1, segment=1, address=0)  # converts
    after = pt.translate_many(vas)
    assert (before["page_size"] == KB64).all() and (after["page_size"] == KB4).all()
    for name in ("valid", "zero", "read_only", "no_execute", "segment", "address"):
        assert (before[name] == after[name]).all(), name
    for i in range(48):
        f = pte(pt.walk(vas[i]).levels[-1].entry_flags)
        assert f["cache_coherent"] == (i < 32)
    pt.validate()


def test_4k_leaf_never_converts_back():
    pt = PageTable()
    pt.map(0, 1, segment=1, address=0)
    pt.map(KB64, 16, segment=1, address=KB64, eligible64k=True)
    assert pt.stats["leaf64k_tables"] == 0
    assert pt.translate(KB64).page_size == KB4
    pt.unmap(0, 1)  # only eligible mappings are left: still a 4 KB table
    assert pt.stats["leaf64k_tables"] == 0 and pt.stats["valid_leaf_entries"] == 16


def test_freed_leaf_chooses_its_format_again():
    pt = PageTable()
    pt.map(0, 1, segment=1, address=0)
    pt.unmap(0, 1)
    pt.map(0, 16, segment=1, address=0, eligible64k=True)
    assert pt.stats["leaf64k_tables"] == 1


def test_unmapping_part_of_a_64k_entry_converts_the_leaf():
    pt = PageTable()
    pt.map(0, 16, segment=1, address=0, eligible64k=True)
    pt.unmap(3 * KB4, 1)
    st = pt.stats
    assert st["conversions"] == 1 and st["leaf64k_tables"] == 0
    assert st["valid_leaf_entries"] == 15 and st["mapped_pages"] == 15
    assert pt.translate_many([i * KB4 for i in range(16)])["valid"].tolist() == \
        [i != 3 for i in range(16)]
    pt.validate()


def test_unmapping_whole_64k_entries_keeps_the_format():
    pt = PageTable()
    pt.map(0, 48, segment=1, address=0, eligible64k=True)
    pt.unmap(KB64, 16)
    st = pt.stats
    assert st["conversions"] == 0 and st["leaf64k_tables"] == 1
    assert st["valid_leaf_entries"] == 2
    pt.unmap(0, 3 * 16)
    assert pt.stats["tables"] == [0, 0, 0, 1]


def test_unmap_that_must_convert_fails_atomically_without_room():
    pt = PageTable(capacity=4 * 4096)
    pt.map(0, 16, segment=1, address=0, eligible64k=True)
    before = snapshot(pt, [i * KB4 for i in range(16)])
    with pytest.raises(PageTableFullError):
        pt.unmap(KB4, 1)
    assert snapshot(pt, [i * KB4 for i in range(16)]) == before
    pt.unmap(0, 16)  # whole entries: no table needed
    assert pt.stats["tables"] == [0, 0, 0, 1]


# ---------------------------------------------------------------------------------------
# atomicity, estimate, counters


def test_map_fails_atomically_when_the_segment_is_full():
    pt = PageTable(capacity=6 * 4096)
    pt.map(0, 1, segment=1, address=0)
    vas = [0, KB4, MB2, 2 * MB2, 1 << 30, 1 << 39]
    before = snapshot(pt, vas)
    with pytest.raises(PageTableFullError):
        pt.map(MB2 - KB4, 2 + 512 * 2, segment=1, address=0)  # needs 3 new leaves, 2 fit
    assert snapshot(pt, vas) == before
    pt.validate()
    pt.map(MB2 - KB4, 2 + 512, segment=1, address=0)  # 2 new leaves fit exactly
    pt.validate()
    with pytest.raises(PageTableFullError):
        pt.map(1 << 39, 1, segment=1, address=0)


def test_segment_full_on_create_leaves_nothing():
    with pytest.raises(PageTableFullError):
        PageTable(capacity=2048)


def test_estimate_matches_what_map_takes():
    pt = PageTable(capacity=1 << 26)
    ops = [(0, 1, False), (MB2 - KB4, 600, False), (1 << 30, 48, True), (1 << 39, 1, False),
           ((1 << 30) + KB4 * 20, 3, False)]
    for va, n, elig in ops:
        est = pt.estimate(va, n, segment=1, address=0, eligible64k=elig)
        before = pt.stats
        pt.map(va, n, segment=1, address=0, eligible64k=elig)
        after = pt.stats
        assert after["table_bytes"] - before["table_bytes"] + \
            est["conversions"] * 256 == est["bytes"]
        assert est["conversions"] == after["conversions"] - before["conversions"]
    pt.map(1 << 31, 16, segment=1, address=0, eligible64k=True)
    est = pt.estimate(1 << 31, 1, kind=None)  # unmap splitting a 64 KB entry
    assert (est["conversions"], est["tables"][0], est["bytes"]) == (1, 1, 4096)
    assert pt.estimate(1 << 31, 16, kind=None)["bytes"] == 0


def test_counters_track_tables_bytes_and_entries():
    pt = PageTable((9, 9, 9, 9))
    pt.map(0, 262144, segment=1, address=0)  # 1 GiB
    st = pt.stats
    assert st["tables"] == [512, 1, 1, 1] and st["table_bytes"] == 515 * 4096
    assert st["valid_leaf_entries"] == st["mapped_pages"] == 262144
    pt.map(1 << 30, 262144, segment=1, address=0, eligible64k=True)
    st = pt.stats
    assert st["tables"] == [1024, 2, 1, 1] and st["leaf64k_tables"] == 512
    assert st["valid_leaf_entries"] == 262144 + 16384 and st["mapped_pages"] == 2 * 262144
    pt.validate()
    pt.unmap(0, 2 * 262144)
    assert pt.stats["tables"] == [0, 0, 0, 1] and pt.stats["valid_leaf_entries"] == 0


def test_explicit_invalidation_caps_change_no_result():
    a = PageTable(caps=DEFAULT_CAPS | CAP_EXPLICIT_INVALIDATION)
    b = PageTable()
    for pt in (a, b):
        pt.map(0, 1024, segment=1, address=0)
        pt.unmap(0, 512)
        pt.validate()
    vas = [i * KB4 for i in range(1024)]
    assert a.stats == b.stats
    assert a.translate_many(vas).tobytes() == b.translate_many(vas).tobytes()


# ---------------------------------------------------------------------------------------
# arguments


@pytest.mark.parametrize("va, npages, kw", [
    (0, 0, {}),                                   # no pages
    (0x800, 1, {}),                               # VA not 4 KB aligned
    (1 << 48, 1, {}),                             # outside the VA space
    ((1 << 48) - KB4, 2, {}),                     # runs past the end
    (0, 1 << 60, {}),                             # huge size
    (0, 1, {"address": 0x801}),                   # page address not 4 KB aligned
    (0, 1, {"segment": 32}),                      # PTE.Segment is 5 bits
    (0, 2, {"address": (1 << 64) - KB4}),         # address overflows
    (0, 1, {"kind": "zero", "segment": 1}),       # Zero has no segment
])
def test_map_rejects_bad_arguments(va, npages, kw):
    pt = PageTable()
    args = {"segment": 1, "address": 0} | kw
    with pytest.raises(PageTableArgumentError):
        pt.map(va, npages, **args)
    assert pt.stats["tables"] == [0, 0, 0, 1]


def test_unmap_rejects_bad_ranges():
    pt = PageTable()
    for va, n in [(0, 0), (1, 1), (1 << 48, 1), ((1 << 48) - KB4, 2)]:
        with pytest.raises(PageTableArgumentError):
            pt.unmap(va, n)


def test_error_types():
    assert issubclass(PageTableFullError, PageTableError)
    assert issubclass(PageTableConfigError, ValueError)
    with pytest.raises(ValueError, match="kind"):
        PageTable().map(0, 1, kind="bogus")


# ---------------------------------------------------------------------------------------
# walk and translate


def test_walk_reports_every_level_root_first():
    pt = PageTable()
    va = 0x0000_5555_4444_3000
    pt.map(va, 1, segment=2, address=0x8000, read_only=True)
    w = pt.walk(va + 0x10)
    assert [lv.level for lv in w.levels] == [3, 2, 1, 0]
    assert w.levels[0].table_address == pt.walk(0).levels[0].table_address  # the root
    assert [lv.index for lv in w.levels] == [(va >> s) & 511 for s in (39, 30, 21, 12)]
    assert w.result == pt.translate(va + 0x10)
    assert (w.result.segment, w.result.address, w.result.read_only) == (2, 0x8010, True)


def test_walk_stops_at_the_first_invalid_entry():
    pt = PageTable()
    pt.map(0, 1, segment=1, address=0)
    w = pt.walk(1 << 39)
    assert len(w.levels) == 1 and pte(w.levels[0].entry_flags)["valid"] == 0
    assert not w.result.valid and w.result.page_size == 0


def test_walk_outside_va_space_is_an_argument_error():
    pt = PageTable()
    with pytest.raises(PageTableArgumentError):
        pt.walk(1 << 48)
    assert not pt.translate(1 << 48).valid
    assert not pt.translate_many([1 << 48, (1 << 64) - 1])["valid"].any()


def test_translate_many_record_layout_matches_design():
    assert XLATE_DTYPE.names == ("valid", "zero", "read_only", "no_execute", "segment",
                                 "page_size", "address")
    assert [XLATE_DTYPE[n] for n in XLATE_DTYPE.names] == [
        np.dtype(bool)] * 4 + [np.dtype(np.uint8), np.dtype(np.uint32), np.dtype(np.uint64)]
    assert XLATE_DTYPE.itemsize == ffi.sizeof("dxgk_pt_xlate") == 24
    for name in XLATE_DTYPE.names:
        assert XLATE_DTYPE.fields[name][1] == ffi.offsetof("dxgk_pt_xlate", name)


def test_translate_many_agrees_with_translate_and_keeps_shape():
    pt = PageTable()
    pt.map(0, 40, segment=1, address=0x100_0000)
    pt.map(1 << 30, 64, segment=1, address=0x20_0000, eligible64k=True)
    pt.map((1 << 30) + MB2, 16, kind="zero")
    rng = np.random.default_rng(7)
    vas = np.concatenate([
        rng.integers(0, 50 * KB4, 300), rng.integers(1 << 30, (1 << 30) + 2 * MB2, 300),
        rng.integers(0, 1 << 48, 100)]).astype(np.uint64)
    r = pt.translate_many(vas.reshape(7, 100))
    assert r.shape == (7, 100) and r.dtype == XLATE_DTYPE
    for va, rec in zip(vas.tolist(), r.reshape(-1), strict=True):
        t = pt.translate(va)
        assert (bool(rec["valid"]), bool(rec["zero"]), bool(rec["read_only"]),
                bool(rec["no_execute"]), int(rec["segment"]), int(rec["page_size"]),
                int(rec["address"])) == (t.valid, t.zero, t.read_only, t.no_execute,
                                         t.segment, t.page_size, t.address)
    assert pt.translate_many([]).shape == (0,)


# ---------------------------------------------------------------------------------------
# 2-level and 6-level configurations


@pytest.mark.parametrize("bits", [(6, 5), (12, 12), (5, 2, 2, 2, 2, 3), (9, 9, 9, 8, 8, 8)])
def test_two_and_six_level_map_translate_unmap(bits):
    pt = PageTable(bits, table_size=max(4096, 8 << max(bits)),
                   leaf64k_size=max(256, 8 << (bits[0] - 4)))
    span = 1 << pt.va_bits
    leaf_span = 1 << pt.shifts[1]
    for va in (0, leaf_span - KB4, span // 2, span - 64 * KB4):
        pt.map(va, 32, segment=1, address=va % (1 << 40), eligible64k=va % KB64 == 0)
        pt.validate()
    for va in (0, leaf_span - KB4, span // 2, span - 64 * KB4):
        for i in (0, 31):
            assert pt.translate(va + i * KB4).address == va % (1 << 40) + i * KB4
    pt.unmap(0, span // KB4)
    assert pt.stats["tables"] == [0] * (len(bits) - 1) + [1]
    pt.validate()


def test_closed_table_is_rejected():
    pt = PageTable()
    pt.close()
    with pytest.raises(ValueError, match="closed"):
        pt.map(0, 1, segment=1, address=0)
    pt.close()  # idempotent


# ---------------------------------------------------------------------------------------
# the header structs (dxgk.structs, from the layout engine) as seen by the C core


def test_from_structs_accepts_ctypes_header_structs():
    structs = pytest.importorskip("dxgk.structs")
    caps = structs.DXGK_GPUMMUCAPS()
    caps.ReadOnlyMemorySupported = 1
    caps.ZeroInPteSupported = 1
    caps.VirtualAddressBitCount = 12 + 8 + 9
    caps.LeafPageTableSizeFor64KPagesInBytes = 128
    caps.PageTableLevelCount = 2
    levels = (structs.DXGK_PAGE_TABLE_LEVEL_DESC * 2)()
    for i, b in enumerate((8, 9)):
        levels[i].PageTableIndexBitCount = b
        levels[i].PageTableSegmentId = 2
        levels[i].PageTableSizeInBytes = 4096
        levels[i].PageTableAlignmentInBytes = 0
    assert PageTable.config_error(caps, levels) is None
    pt = PageTable.from_structs(caps, levels)
    assert (pt.level_count, pt.va_bits, pt.level_bits, pt.leaf64k_size) == (2, 29, (8, 9), 128)
    assert pt.caps == CAP_READ_ONLY | CAP_ZERO and pt.table_segments == (2, 2)
    caps.VirtualAddressBitCount = 30
    assert "VirtualAddressBitCount (30)" in PageTable.config_error(caps, levels)
    with pytest.raises(ValueError, match="DXGK_PAGE_TABLE_LEVEL_DESC"):
        PageTable.from_structs(caps, bytes(20))


def test_entries_decode_with_the_header_dxgk_pte():
    structs = pytest.importorskip("dxgk.structs")
    pt = PageTable(table_segment=[9, 1, 1, 1])
    pt.map(0x40_0000, 16, segment=3, address=0x7_0000, read_only=True, no_execute=True,
           cache_coherent=True, eligible64k=True)
    pt.map(0x60_0000, 1, kind="zero")
    for va in (0x40_0000, 0x60_0000):
        for lv in pt.walk(va).levels:
            e = structs.DXGK_PTE.from_buffer_copy(lv.entry_bytes)
            f = pte(lv.entry_flags)
            assert (e.Valid, e.Zero, e.CacheCoherent, e.ReadOnly, e.NoExecute, e.Segment,
                    e.LargePage, e.PhysicalAdapterIndex, e.PageTablePageSize) == (
                f["valid"], f["zero"], f["cache_coherent"], f["read_only"], f["no_execute"],
                f["segment"], f["large_page"], f["adapter"], f["page_table_page_size"])
            assert e.PageAddress == e.PageTableAddress == lv.entry_address
    level1 = structs.DXGK_PTE.from_buffer_copy(pt.walk(0x40_0000).levels[2].entry_bytes)
    assert (level1.PageTablePageSize, level1.Segment) == (1, 9)
