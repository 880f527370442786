"""docs/behaviour.md section 3 (the model: default adapter, rejected descriptions) and section 8
(status values), one test per rule."""

from __future__ import annotations

import pytest

import dxgk

try:
    from . import spec_helpers as H
except ImportError:
    import spec_helpers as H


# ---- section 8: status codes ---------------------------------------------------------


@pytest.mark.parametrize("name, value", [
    ("STATUS_SUCCESS", 0x00000000),
    ("STATUS_INVALID_HANDLE", 0xC0000008),
    ("STATUS_INVALID_PARAMETER", 0xC000000D),
    ("STATUS_NO_MEMORY", 0xC0000017),
    ("STATUS_CONFLICTING_ADDRESSES", 0xC0000018),
])
def test_8_status_values(name, value):
    assert getattr(dxgk, name) == value


def test_8_last_status_is_the_calling_threads_last_ddi_call():
    import threading

    a = dxgk.Adapter()
    h = H.create_allocation(a, size=64 * H.KB)
    assert dxgk.DxgkCbMapContextAllocation(a.handle, H.map_args(h, 0)) == 0
    seen = []

    def other():
        seen.append(dxgk.last_status())          # nothing called yet on this thread
        H.map_va(a, h, 1, offset=0)
        seen.append(dxgk.last_status())

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen == [dxgk.STATUS_SUCCESS, dxgk.STATUS_SUCCESS]
    assert dxgk.last_status() == dxgk.STATUS_INVALID_PARAMETER   # ours is untouched


# ---- section 3: the default adapter ---------------------------------------------------


def test_3_default_segments_local_64k_and_aperture_4k():
    a = dxgk.Adapter()
    assert a.stats().segment_count == 2
    s1, s2 = a.segment(1), a.segment(2)
    assert (s1.id, s1.size, s1.page_size, s1.kind) == (1, H.GB, 64 * H.KB, "local")
    assert (s2.id, s2.size, s2.page_size, s2.kind) == (2, H.GB, 4 * H.KB, "aperture")
    # the page sizes are the ones allocations are rounded to (docs/behaviour.md 4)
    h1 = H.create_allocation(a, size=1, segments=0b01)
    h2 = H.create_allocation(a, size=1, segments=0b10)
    assert (a.allocation(h1).segment, a.allocation(h1).size) == (1, 64 * H.KB)
    assert (a.allocation(h2).segment, a.allocation(h2).size) == (2, 4 * H.KB)


def test_3_default_gpummu_four_levels_of_nine_bits_48_bit_va():
    a = dxgk.Adapter()
    st = a.stats()
    assert (st.level_count, st.va_bits) == (4, 48)
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=4 * H.KB, segments=0b10)
    va = (0x1A5 << 39) | (0x0F3 << 30) | (0x101 << 21) | (0x1FF << 12)
    assert H.map_va(a, h, 1, base=va) == va
    t = p.translate(va + 0x123)
    assert [(lv, idx) for lv, idx, _ in t.levels] == [(3, 0x1A5), (2, 0x0F3), (1, 0x101),
                                                      (0, 0x1FF)]
    # the top of the 48-bit space is mappable, one page more is not
    assert H.map_va(a, h, 1, base=H.VA_LIMIT - H.PAGE) == H.VA_LIMIT - H.PAGE
    H.expect_map_fail(a, H.map_args(h, 1, base=H.VA_LIMIT), H.INVALID_PARAMETER, processes=[p])


def test_3_default_caps_readonly_noexecute_zero_cachecoherent_no_largepage_no_dualpte():
    a = dxgk.Adapter()
    c = a.caps
    assert (c.ReadOnlyMemorySupported, c.NoExecuteMemorySupported, c.ZeroInPteSupported,
            c.CacheCoherentMemorySupported) == (1, 1, 1, 1)
    assert (c.LargePageSupported, c.DualPteSupported) == (0, 0)
    assert (c.VirtualAddressBitCount, c.PageTableLevelCount,
            c.LeafPageTableSizeFor64KPagesInBytes) == (48, 4, 256)
    for lv in a.levels:
        assert (lv.PageTableIndexBitCount, lv.PageTableSegmentId, lv.PageTableSizeInBytes) == \
            (9, 1, 4096)
    # and they show in the PTEs: read-only, no-execute, cache-coherent, zero all written
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=4 * H.KB, segments=0b10,
                            flags={"Cached": 1})
    t = p.translate(H.map_va(a, h, 1, write=False, execute=False))
    assert (t.read_only, t.no_execute) == (True, True)
    assert H.pte_of(t, 0).CacheCoherent == 1
    z = H.map_va(a, 0, 1, protection=H.P_ZERO)
    assert a.system_process.translate(z).zero


def test_3_default_page_tables_live_in_segment_1():
    a = dxgk.Adapter()
    base1, base2 = a.segment(1).table_bytes, a.segment(2).table_bytes
    assert base1 > 0 and base2 == 0                       # the system process's root
    p = a.create_process()
    assert a.segment(1).table_bytes == base1 + 4096       # a new root: 4096 bytes
    h = H.create_allocation(a, p.create_device(), size=4 * H.KB, segments=0b10)
    va = H.map_va(a, h, 1)
    t = p.translate(va)
    for lv in (3, 2, 1):                                  # every entry above records segment 1
        assert H.pte_of(t, lv).Segment == 1
    assert a.segment(1).table_bytes == base1 + 4 * 4096   # root + levels 2, 1, 0
    assert a.segment(2).table_bytes == 0


def test_3_system_process_exists_and_handles_are_never_zero():
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    hs = [a.handle, a.system_process.handle, p.handle, d.handle, c.handle]
    assert all(h != 0 for h in hs) and len(set(hs)) == len(hs)
    assert a.system_process.handle != p.handle


# ---- section 3: rejected descriptions --------------------------------------------------


def test_3_rejects_va_bits_not_12_plus_sum_of_index_bits():
    with pytest.raises(ValueError, match="VirtualAddressBitCount"):
        H.adapter_with(caps_=H.caps(VirtualAddressBitCount=47), levels_=H.levels())
    with pytest.raises(ValueError, match="VirtualAddressBitCount"):
        H.adapter_with(caps_=H.caps(VirtualAddressBitCount=48), levels_=H.levels((9, 9, 9, 8)))


@pytest.mark.parametrize("count", [1, 7])
def test_3_rejects_level_count_outside_2_to_6(count):
    bits = [36 // count] * count if count < 7 else [5] * 6 + [6]
    vabits = 12 + sum(bits)
    with pytest.raises(ValueError, match="2..6"):
        H.adapter_with(caps_=H.caps(PageTableLevelCount=count, VirtualAddressBitCount=vabits),
                       levels_=H.levels(bits))


def test_3_rejects_va_bits_above_63():
    bits = (9, 9, 9, 9, 9, 7)                               # 12 + 52 = 64
    with pytest.raises(ValueError, match="63"):
        H.adapter_with(caps_=H.caps(PageTableLevelCount=6, VirtualAddressBitCount=64),
                       levels_=H.levels(bits))


@pytest.mark.parametrize("bits", [(9, 9), (9, 9, 9, 9, 9, 6)])
def test_3_accepts_level_counts_2_and_6_and_63_va_bits(bits):
    a = H.adapter_with(caps_=H.caps(PageTableLevelCount=len(bits),
                                    VirtualAddressBitCount=12 + sum(bits)),
                       levels_=H.levels(bits))
    st = a.stats()
    assert (st.level_count, st.va_bits) == (len(bits), 12 + sum(bits))
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=4 * H.KB, segments=0b10)
    top = (1 << (12 + sum(bits))) - H.PAGE
    assert H.map_va(a, h, 1, base=top) == top
    t = p.translate(top)
    assert t.valid and [lv for lv, _, _ in t.levels] == list(range(len(bits) - 1, -1, -1))
