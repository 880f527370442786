"""docs/behaviour.md section 5: DxgkCbMapContextAllocation, one test per rule and per
listed failure, including the priority of statuses when several things are wrong. Every
failure checks the return value (0), dxgk.last_status() and that nothing observable
changed."""

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
VA_LIMIT = H.VA_LIMIT


@pytest.fixture
def env():
    """Default adapter, a process with a device, a 1 MB allocation in each segment:
    h64 in segment 1 (64 KB pages), h4 in segment 2 (4 KB pages)."""
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    h64 = H.create_allocation(a, d, size=MB, segments=0b01)
    h4 = H.create_allocation(a, d, size=MB, segments=0b10)
    return SimpleNamespace(a=a, p=p, d=d, h64=h64, h4=h4)


def fail(e, args, status, **kw):
    kw.setdefault("processes", [e.p])
    kw.setdefault("allocations", [e.h64, e.h4])
    H.expect_map_fail(e.a, args, status, **kw)


# ---- rule 1: handles -----------------------------------------------------------------


def test_5_1_unknown_hadapter_is_invalid_handle(env):
    b = dxgk.Adapter()
    for bad in (0, H.BOGUS_HANDLE, b.handle, env.p.handle, env.d.handle, env.h4):
        fail(env, H.map_args(env.h4, 1), H.INVALID_HANDLE, h_adapter=bad)


def test_5_1_unknown_hallocation_is_invalid_handle(env):
    ctx = env.d.create_context()
    for bad in (H.BOGUS_HANDLE, env.p.handle, env.d.handle, ctx.handle, env.a.handle,
                env.a.system_process.handle):
        fail(env, H.map_args(bad, 1), H.INVALID_HANDLE)


def test_5_1_hallocation_of_another_adapter_is_invalid_handle(env):
    b = dxgk.Adapter()
    hb = H.create_allocation(b, size=MB, segments=0b10)
    fail(env, H.map_args(hb, 1), H.INVALID_HANDLE)
    # nor is it usable through the other adapter's hAdapter with our allocation
    H.expect_map_fail(b, H.map_args(env.h4, 1), H.INVALID_HANDLE, allocations=[hb])


def test_5_1_destroyed_allocation_is_invalid_handle(env):
    h = H.create_allocation(env.a, env.d, size=MB, segments=0b10)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(env.a.handle, h))
    fail(env, H.map_args(h, 1), H.INVALID_HANDLE)
    # a new allocation does not revive the old handle
    h2 = H.create_allocation(env.a, env.d, size=MB, segments=0b10)
    assert h2 != h
    fail(env, H.map_args(h, 1), H.INVALID_HANDLE, allocations=[env.h64, env.h4, h2])


# ---- rule 1: parameters --------------------------------------------------------------


def test_5_1_size_in_pages_zero_is_invalid_parameter(env):
    fail(env, H.map_args(env.h4, 0), H.INVALID_PARAMETER)


def test_5_1_offset_plus_size_beyond_allocation_is_invalid_parameter(env):
    pages = MB // PAGE
    for off, n in [(0, pages + 1), (pages, 1), (pages - 1, 2), (1, pages)]:
        fail(env, H.map_args(env.h4, n, offset=off), H.INVALID_PARAMETER)
    # the whole allocation, and its last page, are fine
    H.map_va(env.a, env.h4, pages)
    H.map_va(env.a, env.h4, 1, offset=pages - 1)


def test_5_1_offset_plus_size_overflowing_is_invalid_parameter(env):
    for off, n in [(2**64 - 1, 1), (2**64 - 16, 32), (1, 2**64 - 1), (2**63, 2**63)]:
        fail(env, H.map_args(env.h4, n, offset=off), H.INVALID_PARAMETER)


@pytest.mark.parametrize("field", ["base", "minimum", "maximum"])
@pytest.mark.parametrize("delta", [1, 0x800, PAGE - 1])
def test_5_1_unaligned_base_min_max_is_invalid_parameter(env, field, delta):
    kw = {"base": 0, "minimum": 0, "maximum": 0}
    kw[field] = 16 * MB + delta
    if field == "minimum":
        kw["maximum"] = 64 * MB
    fail(env, H.map_args(env.h4, 1, **kw), H.INVALID_PARAMETER)


@pytest.mark.parametrize("bit", [5, 6, 31, 32, 63])
def test_5_1_protection_reserved_nonzero_is_invalid_parameter(env, bit):
    fail(env, H.map_args(env.h4, 1, protection=H.P_WRITE | (1 << bit)), H.INVALID_PARAMETER)
    fail(env, H.map_args(0, 1, protection=H.P_ZERO | (1 << bit)), H.INVALID_PARAMETER)


def test_5_1_zero_and_noaccess_together_is_invalid_parameter(env):
    fail(env, H.map_args(0, 1, protection=H.P_ZERO | H.P_NOACCESS), H.INVALID_PARAMETER)


def test_5_1_zero_or_noaccess_with_an_allocation_is_invalid_parameter(env):
    for prot in (H.P_ZERO, H.P_NOACCESS, H.P_ZERO | H.P_WRITE, H.P_NOACCESS | H.P_EXECUTE):
        fail(env, H.map_args(env.h4, 1, protection=prot), H.INVALID_PARAMETER)


def test_5_1_null_allocation_without_zero_or_noaccess_is_invalid_parameter(env):
    for prot in (0, H.P_WRITE, H.P_WRITE | H.P_EXECUTE, H.P_SYSTEM_USE_ONLY):
        fail(env, H.map_args(0, 1, protection=prot), H.INVALID_PARAMETER)


def test_5_1_zero_without_zero_in_pte_support_is_invalid_parameter():
    a = H.adapter_with(caps_=H.caps(ZeroInPteSupported=0), levels_=H.levels())
    H.expect_map_fail(a, H.map_args(0, 1, protection=H.P_ZERO), H.INVALID_PARAMETER)
    H.expect_map_fail(a, H.map_args(0, 1, protection=H.P_ZERO, base=MB),
                      H.INVALID_PARAMETER)
    # NoAccess needs no cap
    assert H.map_va(a, 0, 1, protection=H.P_NOACCESS) == 64 * KB


def test_5_1_minimum_not_below_maximum_is_invalid_parameter(env):
    for lo, hi in [(16 * MB, 16 * MB), (32 * MB, 16 * MB), (VA_LIMIT - PAGE, PAGE)]:
        fail(env, H.map_args(env.h4, 1, minimum=lo, maximum=hi), H.INVALID_PARAMETER)
    # MaximumAddress 0 means "no maximum": any minimum is fine
    assert H.map_va(env.a, env.h4, 1, minimum=32 * MB, maximum=0) == 32 * MB


def test_5_1_range_outside_va_space_is_invalid_parameter(env):
    top = VA_LIMIT
    for kw in [dict(base=top), dict(base=top - PAGE, pages=2), dict(base=2**63),
               dict(maximum=top + PAGE), dict(minimum=top + PAGE), dict(maximum=2**63),
               dict(minimum=top + PAGE, maximum=top + 2 * PAGE),
               dict(base=2**64 - PAGE, pages=2)]:
        pages = kw.pop("pages", 1)
        fail(env, H.map_args(env.h4, pages, **kw), H.INVALID_PARAMETER)
    # the last page, and MaximumAddress = 2^VirtualAddressBitCount, are inside
    assert H.map_va(env.a, env.h4, 1, base=top - PAGE) == top - PAGE
    assert H.map_va(env.a, env.h4, 1, minimum=top - 16 * PAGE, maximum=top) == top - 16 * PAGE


def test_5_1_min_max_checks_apply_even_when_base_address_is_given(env):
    base = 16 * MB
    bad = [dict(minimum=PAGE + 1), dict(maximum=32 * MB + 1), dict(minimum=32 * MB,
           maximum=32 * MB), dict(minimum=64 * MB, maximum=32 * MB),
           dict(maximum=VA_LIMIT + PAGE), dict(minimum=VA_LIMIT + PAGE)]
    for kw in bad:
        fail(env, H.map_args(env.h4, 1, base=base, **kw), H.INVALID_PARAMETER)
    # valid Min/Max that exclude BaseAddress are ignored for placement (rule 4)
    assert H.map_va(env.a, env.h4, 1, base=base, minimum=32 * MB, maximum=64 * MB) == base


def test_5_1_zero_noaccess_map_with_null_allocation_is_made_in_system_process(env):
    a, p = env.a, env.p
    z = H.map_va(a, 0, 4, protection=H.P_ZERO)
    n = H.map_va(a, 0, 4, protection=H.P_NOACCESS)
    assert [m.va for m in a.system_process.mappings()] == [z, n]
    assert p.mappings() == []
    assert a.system_process.translate(z).valid and not p.translate(z).valid


# ---- rule 1: priority of statuses -----------------------------------------------------


def test_5_1_priority_handles_before_parameters(env):
    bad_params = H.map_args(H.BOGUS_HANDLE, 0, base=PAGE + 1,
                            protection=H.P_ZERO | H.P_NOACCESS | (1 << 40))
    fail(env, bad_params, H.INVALID_HANDLE)
    fail(env, H.map_args(env.h4, 0, base=PAGE + 1), H.INVALID_HANDLE, h_adapter=H.BOGUS_HANDLE)
    b = dxgk.Adapter()
    fail(env, H.map_args(env.h4, 0), H.INVALID_HANDLE, h_adapter=b.handle)


def test_5_1_priority_parameters_before_rule_3(env):
    a = env.a
    v = H.map_va(a, env.h64, 16)                            # 64 KB-congruent
    # base violates rule 3 (h64 lives in a 64 KB segment) and a parameter is bad too
    for kw in [dict(pages=0), dict(minimum=PAGE + 1), dict(minimum=32 * MB, maximum=MB),
               dict(protection=H.P_WRITE | (1 << 7)), dict(offset=MB // PAGE)]:
        pages = kw.pop("pages", 1)
        fail(env, H.map_args(env.h64, pages, base=v + 64 * KB + PAGE, **kw),
             H.INVALID_PARAMETER)


def test_5_1_priority_rule_3_before_overlap(env):
    v = H.map_va(env.a, env.h64, 16)                       # [v, v + 64 KB) taken
    # overlapping AND breaking the 64 KB congruence: rule 3 decides
    fail(env, H.map_args(env.h64, 1, base=v + PAGE), H.INVALID_PARAMETER)
    # overlapping, congruent: overlap
    fail(env, H.map_args(env.h64, 1, offset=1, base=v + PAGE), H.CONFLICTING)


def test_5_1_priority_parameters_before_overlap(env):
    v = H.map_va(env.a, env.h4, 16)
    for kw in [dict(pages=0), dict(protection=H.P_WRITE | (1 << 9)),
               dict(minimum=v + PAGE, maximum=v), dict(maximum=VA_LIMIT + PAGE)]:
        pages = kw.pop("pages", 1)
        fail(env, H.map_args(env.h4, pages, base=v, **kw), H.INVALID_PARAMETER)


def test_5_1_priority_overlap_before_room():
    # page tables have no room left; a BaseAddress map that overlaps an existing mapping
    # and would also need new tables reports the overlap
    a, p, h = tiny_table_adapter(free_tables=3)
    v = H.map_va(a, h, 1, base=GB - 2 * PAGE)              # takes the 3 tables left
    assert a.segment(1).used_bytes == a.segment(1).size
    # [1 GiB - 8 KB, 1 GiB + 4 KB) overlaps v and needs new level-1 and leaf tables
    H.expect_map_fail(a, H.map_args(h, 3, base=v), H.CONFLICTING, processes=[p],
                      allocations=[h], probes=[GB])
    # the same tables without the overlap: no room for them
    H.expect_map_fail(a, H.map_args(h, 2, base=v + PAGE), H.NO_MEMORY, processes=[p],
                      allocations=[h], probes=[GB])


def test_5_1_priority_handles_before_overlap_and_room(env):
    v = H.map_va(env.a, env.h4, 16)
    fail(env, H.map_args(H.BOGUS_HANDLE, 16, base=v), H.INVALID_HANDLE)
    fail(env, H.map_args(env.h4, 16, base=v), H.INVALID_HANDLE, h_adapter=H.BOGUS_HANDLE)


# ---- rule 2: the allocation's process ------------------------------------------------


def test_5_2_maps_in_the_va_space_of_the_allocations_process(env):
    a = env.a
    q = a.create_process()
    hq = H.create_allocation(a, q.create_device(), size=MB, segments=0b10)
    hs = H.create_allocation(a, None, size=MB, segments=0b10)
    vp = H.map_va(a, env.h4, 4)
    vq = H.map_va(a, hq, 4)
    vs = H.map_va(a, hs, 4)
    assert vp == vq == vs == 64 * KB                       # separate VA spaces
    assert [m.allocation for m in env.p.mappings()] == [env.h4]
    assert [m.allocation for m in q.mappings()] == [hq]
    assert [m.allocation for m in a.system_process.mappings()] == [hs]
    for proc, h in [(env.p, env.h4), (q, hq), (a.system_process, hs)]:
        t = proc.translate(64 * KB)
        assert t.valid and t.address == a.allocation(h).segment_offset


# ---- rule 3: alignment and the 64 KB congruence ----------------------------------------


def test_5_3_64k_segment_va_congruent_to_physical_address(env):
    a = env.a
    off = a.allocation(env.h64).segment_offset
    for pages_in in (0, 1, 5, 15, 16, 17):
        va = H.map_va(a, env.h64, 1, offset=pages_in)
        assert va % (64 * KB) == (off + pages_in * PAGE) % (64 * KB), pages_in
        assert va >= 64 * KB


def test_5_3_64k_segment_base_address_breaking_congruence_is_invalid_parameter(env):
    for base, offset in [(MB + PAGE, 0), (MB, 1), (MB + 0xF000, 0), (MB + 0x8000, 7)]:
        fail(env, H.map_args(env.h64, 1, base=base, offset=offset), H.INVALID_PARAMETER)
    # the congruent ones succeed
    assert H.map_va(env.a, env.h64, 1, base=MB + PAGE, offset=1) == MB + PAGE
    assert H.map_va(env.a, env.h64, 1, base=2 * MB + 0x8000, offset=8) == 2 * MB + 0x8000


def test_5_3_4k_segment_any_4k_aligned_va(env):
    for base, offset in [(MB + PAGE, 0), (2 * MB, 3), (3 * MB + 0xF000, 0), (4 * MB + 0x5000,
                                                                              11)]:
        assert H.map_va(env.a, env.h4, 1, base=base, offset=offset) == base
    # lowest fit is not pushed to a 64 KB boundary either
    v = H.map_va(env.a, env.h4, 1, offset=1)
    assert v == 64 * KB
    assert H.map_va(env.a, env.h4, 1, offset=9) == v + PAGE


def test_5_3_lowest_fit_with_min_max_obeys_congruence_no_memory_when_impossible(env):
    # window [1 MB, 1 MB + 64 KB): 16 pages starting at a VA = 4 KB (mod 64 KB) do not fit
    fail(env, H.map_args(env.h64, 16, offset=1, minimum=MB, maximum=MB + 64 * KB),
         H.NO_MEMORY)
    # one page less fits, at the congruent address
    assert H.map_va(env.a, env.h64, 15, offset=1, minimum=MB,
                    maximum=MB + 64 * KB) == MB + PAGE


# ---- rule 4: BaseAddress -------------------------------------------------------------


def test_5_4_base_address_maps_exactly_there(env):
    for base in (64 * KB, 5 * GB + 0x7000, (3 << 39) + 0x1000, VA_LIMIT - 4 * PAGE):
        assert H.map_va(env.a, env.h4, 4, base=base) == base
        assert [m.va for m in env.p.mappings() if m.va == base] == [base]


def test_5_4_base_address_below_64k_is_allowed(env):
    # rule 5's 64 KB floor is for placement; an explicit BaseAddress is taken as is
    assert H.map_va(env.a, env.h4, 1, base=PAGE) == PAGE
    assert env.p.translate(PAGE).valid


@pytest.mark.parametrize("start, pages", [
    (0x100000, 16),          # the same range
    (0x0F8000, 16),          # overlapping the start
    (0x108000, 16),          # overlapping the end
    (0x104000, 2),           # inside
    (0x0F0000, 64),          # containing it
    (0x10F000, 1),           # its last page
])
def test_5_4_base_address_overlapping_a_mapping_is_conflicting(env, start, pages):
    H.map_va(env.a, env.h4, 16, base=0x100000)
    fail(env, H.map_args(env.h4, pages, base=start), H.CONFLICTING)


def test_5_4_base_address_overlapping_zero_or_noaccess_mapping_is_conflicting(env):
    hs = H.create_allocation(env.a, None, size=MB, segments=0b10)
    z = H.map_va(env.a, 0, 4, protection=H.P_ZERO, base=MB)
    n = H.map_va(env.a, 0, 4, protection=H.P_NOACCESS, base=2 * MB)
    for base in (z, n, z + 3 * PAGE, n - PAGE):
        H.expect_map_fail(env.a, H.map_args(hs, 2, base=base), H.CONFLICTING,
                          allocations=[hs])
        H.expect_map_fail(env.a, H.map_args(0, 2, base=base, protection=H.P_ZERO),
                          H.CONFLICTING)


def test_5_4_base_address_touching_a_mapping_is_free(env):
    H.map_va(env.a, env.h4, 16, base=0x100000)
    assert H.map_va(env.a, env.h4, 16, base=0x0F0000) == 0x0F0000
    assert H.map_va(env.a, env.h4, 16, base=0x110000) == 0x110000


def test_5_4_base_address_overlapping_a_reservation_is_conflicting():
    a = dxgk.Adapter()
    got = {}

    def hook(proc):
        args = H.reserve_args(proc, 4 * MB)
        H.ok(dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, args))
        got["start"] = args.StartVirtualAddress

    p = a.create_process(on_create=hook)
    h = H.create_allocation(a, p.create_device(), size=4 * MB, segments=0b10)
    s = got["start"]
    for base, pages in [(s, 1), (s + 4 * MB - PAGE, 1), (s - PAGE, 2), (s + MB, 16),
                        (s - MB, 512)]:
        H.expect_map_fail(a, H.map_args(h, pages, base=base), H.CONFLICTING, processes=[p],
                          allocations=[h])
    assert H.map_va(a, h, 1, base=s - PAGE) == s - PAGE
    assert H.map_va(a, h, 1, base=s + 4 * MB) == s + 4 * MB


# ---- rule 5: lowest fit --------------------------------------------------------------


def test_5_5_lowest_fit_starts_at_64k(env):
    assert H.map_va(env.a, env.h4, 1) == 64 * KB
    assert H.map_va(env.a, env.h4, 1, minimum=0) == 64 * KB + PAGE
    q = env.a.create_process()
    hq = H.create_allocation(env.a, q.create_device(), size=MB, segments=0b10)
    assert H.map_va(env.a, hq, 1, minimum=PAGE) == 64 * KB     # Min below 64 KB -> 64 KB
    # nothing below 64 KB is ever handed out, even when only that room is left
    fail(env, H.map_args(env.h4, 1, maximum=64 * KB), H.NO_MEMORY)


def test_5_5_lowest_fit_takes_the_lowest_free_hole_that_fits(env):
    a = env.a
    v1 = H.map_va(a, env.h4, 4)                  # [64K, 80K)
    v2 = H.map_va(a, env.h4, 4, base=v1 + 8 * PAGE)   # hole of 4 pages at 80K
    assert v1 == 64 * KB
    assert H.map_va(a, env.h4, 5) == v2 + 4 * PAGE   # 5 pages don't fit the hole
    assert H.map_va(a, env.h4, 4) == v1 + 4 * PAGE   # 4 pages do
    assert H.map_va(a, env.h4, 1) == v2 + 9 * PAGE


def test_5_5_freed_range_is_reused_lowest_first(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=64 * KB, segments=0b10)
    v = H.map_va(a, h, 16)
    H.map_va(a, env.h4, 16)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert H.map_va(a, env.h4, 16) == v


def test_5_5_minimum_address_is_respected(env):
    assert H.map_va(env.a, env.h4, 3, minimum=0x123000) == 0x123000
    assert H.map_va(env.a, env.h4, 3, minimum=0x123000) == 0x126000
    assert H.map_va(env.a, env.h64, 16, minimum=0x123000) == 0x130000   # next 64 KB


def test_5_5_maximum_address_bounds_the_end(env):
    lo, hi = 0x400000, 0x410000                  # room for exactly 16 pages
    assert H.map_va(env.a, env.h4, 16, minimum=lo, maximum=hi) == lo
    fail(env, H.map_args(env.h4, 1, minimum=lo, maximum=hi), H.NO_MEMORY)
    fail(env, H.map_args(env.h4, 17, minimum=hi, maximum=hi + 16 * PAGE), H.NO_MEMORY)
    assert H.map_va(env.a, env.h4, 16, minimum=hi, maximum=hi + 16 * PAGE) == hi
    # Max alone: the lowest fit below it
    assert H.map_va(env.a, env.h4, 1, maximum=hi + 32 * PAGE) == 64 * KB


def test_5_5_no_room_is_no_memory(env):
    a = H.adapter_with(caps_=H.caps(VirtualAddressBitCount=30, PageTableLevelCount=2),
                       levels_=H.levels((9, 9)))
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=GB // 2, segments=0b10)
    # VA space [64 KB, 1 GiB): fill it, then nothing more fits
    half = (GB // 2) // PAGE
    assert H.map_va(a, h, half) == 64 * KB
    assert H.map_va(a, h, half - 16) == 64 * KB + GB // 2
    H.expect_map_fail(a, H.map_args(h, 1), H.NO_MEMORY, processes=[p], allocations=[h])
    H.expect_map_fail(a, H.map_args(h, 1, minimum=GB // 2), H.NO_MEMORY, processes=[p],
                      allocations=[h])


def test_5_5_lowest_fit_never_hands_out_reserved_ranges():
    a = dxgk.Adapter()
    got = {}

    def hook(proc):
        args = H.reserve_args(proc, 2 * MB)
        H.ok(dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, args))
        got["start"] = args.StartVirtualAddress

    p = a.create_process(on_create=hook)
    s = got["start"]
    h = H.create_allocation(a, p.create_device(), size=4 * MB, segments=0b10)
    assert H.map_va(a, h, 1, minimum=s) == s + 2 * MB
    assert H.map_va(a, h, 16, minimum=s - 8 * PAGE) == s + 2 * MB + PAGE
    H.expect_map_fail(a, H.map_args(h, 1, minimum=s, maximum=s + 2 * MB), H.NO_MEMORY,
                      processes=[p], allocations=[h])
    assert H.map_va(a, h, 8, minimum=s - 8 * PAGE) == s - 8 * PAGE


def test_5_5_lowest_fit_skips_noaccess_and_zero_ranges(env):
    a = env.a
    hs = H.create_allocation(a, None, size=MB, segments=0b10)
    n = H.map_va(a, 0, 4, protection=H.P_NOACCESS)
    z = H.map_va(a, 0, 4, protection=H.P_ZERO)
    assert (n, z) == (64 * KB, 64 * KB + 4 * PAGE)
    assert H.map_va(a, hs, 1) == 64 * KB + 8 * PAGE


# ---- rule 6: PTEs and the mapping record ---------------------------------------------


def test_5_6_mapping_record_keeps_protection_and_driver_protection(env):
    a = env.a
    prot = H.P_WRITE | H.P_EXECUTE | H.P_SYSTEM_USE_ONLY
    va = H.map_va(a, env.h4, 3, offset=5, protection=prot, driver_protection=0xDEADBEEF12345678)
    (m,) = env.p.mappings()
    assert (m.va, m.size, m.allocation, m.offset_pages) == (va, 3 * PAGE, env.h4, 5)
    assert int(m.protection) == prot
    assert m.driver_protection == 0xDEADBEEF12345678
    vz = H.map_va(a, 0, 2, protection=H.P_ZERO | H.P_SYSTEM_USE_ONLY, driver_protection=7)
    (mz,) = a.system_process.mappings()
    assert (mz.va, mz.size, mz.allocation, int(mz.protection), mz.driver_protection) == \
        (vz, 2 * PAGE, 0, H.P_ZERO | H.P_SYSTEM_USE_ONLY, 7)


def test_5_6_returns_va_and_writes_ptes_for_every_page(env):
    a = env.a
    off = a.allocation(env.h4).segment_offset
    va = H.map_va(a, env.h4, 20, offset=3)
    vas = np.arange(va - PAGE, va + 21 * PAGE, PAGE, dtype=np.uint64)
    x = env.p.translate_many(vas)
    assert not x["valid"][0] and not x["valid"][-1]
    assert x["valid"][1:-1].all()
    assert (x["segment"][1:-1] == 2).all()
    assert list(x["address"][1:-1]) == [off + (3 + i) * PAGE for i in range(20)]
    # the byte address within a page
    assert env.p.translate(va + 0x123).address == off + 3 * PAGE + 0x123


def test_5_6_zero_map_writes_valid_zero_ptes_in_system_process(env):
    a = env.a
    before = env.p.page_table_stats()
    z = H.map_va(a, 0, 5, protection=H.P_ZERO)
    x = a.system_process.translate_many(np.arange(z, z + 5 * PAGE, PAGE, dtype=np.uint64))
    assert x["valid"].all() and x["zero"].all()
    t = a.system_process.translate(z)
    leaf = H.pte_of(t, 0)
    assert (leaf.Valid, leaf.Zero) == (1, 1)
    (m,) = a.system_process.mappings()
    assert (m.va, m.size, m.allocation) == (z, 5 * PAGE, 0)
    assert m.kind == "zero"
    assert H._plain(env.p.page_table_stats()) == H._plain(before)


def test_5_6_noaccess_map_writes_no_valid_ptes_and_needs_no_tables(env):
    a = env.a
    sp = a.system_process
    before = H._plain(sp.page_table_stats())
    used = a.segment(1).used_bytes
    n = H.map_va(a, 0, 1024, protection=H.P_NOACCESS, base=7 << 39)
    assert n == 7 << 39
    assert H._plain(sp.page_table_stats()) == before
    assert a.segment(1).used_bytes == used
    x = sp.translate_many(np.arange(n, n + 1024 * PAGE, 64 * KB, dtype=np.uint64))
    assert not x["valid"].any()
    (m,) = sp.mappings()
    assert (m.va, m.size, m.allocation) == (n, 1024 * PAGE, 0)
    assert m.kind == "noaccess"


# ---- rule 7: atomicity ---------------------------------------------------------------


def tiny_table_adapter(free_tables):
    """Page tables in segment 1 (4 KB pages) sized for the two roots plus `free_tables`
    more tables; allocations go to segment 2. Returns (adapter, process, 4 MB allocation)."""
    a = H.adapter_with(segments=[H.segment((2 + free_tables) * PAGE, PAGE, "local"),
                                 H.segment(GB, PAGE, "aperture")])
    p = a.create_process()
    h = H.create_allocation(a, p.create_device(), size=4 * MB, segments=0b10)
    assert a.segment(1).size - a.segment(1).used_bytes == free_tables * PAGE
    return a, p, h


def test_5_7_map_without_room_for_page_tables_changes_nothing():
    a, p, h = tiny_table_adapter(free_tables=4)
    H.map_va(a, h, 1)                                     # levels 2, 1, 0: one table left
    # [1 GiB - 4 KB, 1 GiB + 4 KB): a new leaf under the existing level-1 table (fits)
    # then a new level-1 table and leaf past 1 GiB (do not): nothing may remain
    H.expect_map_fail(a, H.map_args(h, 2, base=GB - PAGE), H.NO_MEMORY, processes=[p],
                      allocations=[h], probes=[GB - PAGE, GB])
    H.expect_map_fail(a, H.map_args(h, 1, base=5 << 39), H.NO_MEMORY, processes=[p],
                      allocations=[h], probes=[5 << 39])
    H.expect_map_fail(a, H.map_args(0, 1, protection=H.P_ZERO), H.NO_MEMORY)
    # what fits still works afterwards
    assert H.map_va(a, h, 1, base=GB - PAGE) == GB - PAGE


def test_5_7_a_sequence_of_failed_maps_leaves_everything_as_before(env):
    a = env.a
    before = H.snapshot(a, [env.p], allocations=[env.h4, env.h64])
    for args in [H.map_args(env.h4, 0), H.map_args(env.h64, 1, base=MB + PAGE),
                 H.map_args(H.BOGUS_HANDLE, 1), H.map_args(env.h4, 1, maximum=64 * KB)]:
        assert dxgk.DxgkCbMapContextAllocation(a.handle, args) == 0
    H.assert_unchanged(before, H.snapshot(a, [env.p], allocations=[env.h4, env.h64]))
    a.validate()
