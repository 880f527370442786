"""docs/behaviour.md section 4: DxgkCbCreateContextAllocation, one test per rule, every failure
checked for its status, last_status and an unchanged snapshot."""

from __future__ import annotations

import pytest

import dxgk

try:
    from . import spec_helpers as H
except ImportError:
    import spec_helpers as H

KB, MB, GB = H.KB, H.MB, H.GB


@pytest.fixture
def env():
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    return a, p, d, c


def three_segment_adapter():
    """seg 1: local 1 GiB 64 KB pages (page tables); seg 2: local 64 KB of 4 KB pages;
    seg 3: aperture 128 KB of 4 KB pages."""
    return H.adapter_with(segments=[H.segment(GB, 64 * KB, "local"),
                                    H.segment(64 * KB, 4 * KB, "local"),
                                    H.segment(128 * KB, 4 * KB, "aperture")])


def placed(a, h):
    return a.allocation(h).segment


# ---- validation --------------------------------------------------------------------


def test_4_success_writes_hallocation_and_returns_success(env):
    a, p, d, c = env
    args = H.create_args(a, d, size=MB, context=c)
    assert args.hAllocation == 0
    assert dxgk.DxgkCbCreateContextAllocation(args) == H.SUCCESS
    assert dxgk.last_status() == H.SUCCESS
    assert args.hAllocation != 0
    info = a.allocation(args.hAllocation)
    assert info.size == MB and info.segment == 1 and info.va == 0


def test_4_hadapter_must_be_this_adapter(env):
    a, p, d, c = env
    b = dxgk.Adapter()
    for bad in (0, H.BOGUS_HANDLE, b.handle, p.handle, d.handle):
        args = H.create_args(a, d, h_adapter=bad)
        H.expect_create_fail(a, args, H.INVALID_HANDLE, processes=[p])
        H.expect_create_fail(b, args, H.INVALID_HANDLE)


def test_4_hdevice_must_be_a_device_of_the_adapter(env):
    a, p, d, c = env
    b = dxgk.Adapter()
    db = b.create_process().create_device()
    for bad in (H.BOGUS_HANDLE, db.handle, c.handle, p.handle, a.handle,
                a.system_process.handle):
        H.expect_create_fail(a, H.create_args(a, h_device=bad), H.INVALID_HANDLE,
                             processes=[p])


def test_4_null_hdevice_is_the_system_device_in_the_system_process(env):
    a, p, d, c = env
    h = H.create_allocation(a, None, size=64 * KB)
    va = H.map_va(a, h, 16)
    assert [m.va for m in a.system_process.mappings()] == [va]
    assert p.mappings() == []
    assert a.system_process.translate(va).valid
    assert not p.translate(va).valid


def test_4_allocation_belongs_to_the_devices_process(env):
    a, p, d, c = env
    q = a.create_process()
    h = H.create_allocation(a, q.create_device(), size=64 * KB)
    va = H.map_va(a, h, 16)
    assert [m.allocation for m in q.mappings()] == [h]
    assert p.mappings() == [] and a.system_process.mappings() == []
    assert q.translate(va).valid and not p.translate(va).valid


def test_4_hcontext_must_be_a_context_of_that_device(env):
    a, p, d, c = env
    d2 = p.create_device()
    c2 = d2.create_context()
    cb = dxgk.Adapter().create_process().create_device().create_context()
    # not a context of this adapter: another adapter's, a forged one, a non-context
    for bad in (cb.handle, H.BOGUS_HANDLE, d.handle, p.handle):
        H.expect_create_fail(a, H.create_args(a, d, h_context=bad), H.INVALID_HANDLE,
                             processes=[p])
    # [choice] (vidmm.c): a live context of another device is a parameter error -- also
    # one given with the system device (NULL hDevice)
    H.expect_create_fail(a, H.create_args(a, d, context=c2), H.INVALID_PARAMETER,
                         processes=[p])
    H.expect_create_fail(a, H.create_args(a, None, context=c), H.INVALID_PARAMETER,
                         processes=[p])
    # its own device's context, or none, is fine
    H.create_allocation(a, d, context=c)
    H.create_allocation(a, d2, context=c2)
    H.create_allocation(a, d, context=None)


def test_4_destroyed_device_or_context_is_invalid_handle(env):
    a, p, d, c = env
    d2 = p.create_device()
    c2 = d2.create_context()
    c2.close()
    H.expect_create_fail(a, H.create_args(a, d2, h_context=c2.handle), H.INVALID_HANDLE,
                         processes=[p])
    d2.close()
    H.expect_create_fail(a, H.create_args(a, h_device=d2.handle), H.INVALID_HANDLE,
                         processes=[p])
    q = a.create_process()
    dq = q.create_device()
    q.close()                                   # the device goes with its process
    H.expect_create_fail(a, H.create_args(a, h_device=dq.handle), H.INVALID_HANDLE,
                         processes=[p])


def test_4_hcontext_must_be_null_when_shared_across_contexts(env):
    a, p, d, c = env
    H.expect_create_fail(a, H.create_args(a, d, context=c, shared=True), H.INVALID_PARAMETER,
                         processes=[p])
    h = H.create_allocation(a, d, context=None, shared=True)
    assert a.allocation(h).size == MB


def test_4_size_zero_is_invalid_parameter(env):
    a, p, d, c = env
    H.expect_create_fail(a, H.create_args(a, d, size=0), H.INVALID_PARAMETER, processes=[p])


def test_4_failure_priority_handles_before_parameters(env):
    a, p, d, c = env
    H.expect_create_fail(a, H.create_args(a, d, size=0, h_adapter=H.BOGUS_HANDLE),
                         H.INVALID_HANDLE, processes=[p])
    H.expect_create_fail(a, H.create_args(a, size=0, h_device=H.BOGUS_HANDLE),
                         H.INVALID_HANDLE, processes=[p])


# ---- placement ---------------------------------------------------------------------


def test_4_placement_preferred_segments_first_in_listed_order():
    a = three_segment_adapter()
    hs = [H.create_allocation(a, size=64 * KB, segments=0b111, preferred=(3, 2))
          for _ in range(4)]
    assert [placed(a, h) for h in hs] == [3, 3, 2, 1]


def test_4_placement_then_rest_of_supported_set_by_id():
    a = three_segment_adapter()
    # preferred 3 first; once full, the rest of the set by id: 1 before 2
    hs = [H.create_allocation(a, size=64 * KB, segments=0b111, preferred=(3,))
          for _ in range(3)]
    assert [placed(a, h) for h in hs] == [3, 3, 1]
    # no preference: the lowest id with room
    b = three_segment_adapter()
    hs = [H.create_allocation(b, size=64 * KB, segments=0b110) for _ in range(3)]
    assert [placed(b, h) for h in hs] == [2, 3, 3]


def test_4_placement_never_outside_supported_set_no_memory_when_no_room():
    a = three_segment_adapter()
    H.create_allocation(a, size=64 * KB, segments=0b110)    # fills seg 2
    H.create_allocation(a, size=128 * KB, segments=0b110)   # fills seg 3
    # segment 1 has plenty of room but is not in the set
    H.expect_create_fail(a, H.create_args(a, size=4 * KB, segments=0b110), H.NO_MEMORY)
    H.expect_create_fail(a, H.create_args(a, size=4 * KB, segments=0b110, preferred=(2, 3)),
                         H.NO_MEMORY)


def test_4_no_room_anywhere_is_no_memory(env):
    a, p, d, c = env
    H.expect_create_fail(a, H.create_args(a, d, size=GB + 4 * KB, segments=0b11),
                         H.NO_MEMORY, processes=[p])
    # a full segment: seg 2 (1 GiB) taken whole, then one page more
    h = H.create_allocation(a, d, size=GB, segments=0b10)
    assert a.allocation(h).segment_offset == 0
    H.expect_create_fail(a, H.create_args(a, d, size=4 * KB, segments=0b10), H.NO_MEMORY,
                         processes=[p], allocations=[h])


def test_4_size_rounded_up_to_segment_page_size(env):
    a, p, d, c = env
    cases = [(1, 0b01, 64 * KB), (64 * KB, 0b01, 64 * KB), (64 * KB + 1, 0b01, 128 * KB),
             (1, 0b10, 4 * KB), (4 * KB + 1, 0b10, 8 * KB), (100 * KB, 0b10, 100 * KB)]
    for size, seg, want in cases:
        h = H.create_allocation(a, d, size=size, segments=seg)
        assert a.allocation(h).size == want, (size, seg)
    # the rounded size is what is used up in the segment
    before = a.segment(2).used_bytes
    H.create_allocation(a, d, size=1, segments=0b10)
    assert a.segment(2).used_bytes == before + 4 * KB


def test_4_alignment_is_max_of_alignment_and_segment_page_size(env):
    a, p, d, c = env
    # segment 1 (64 KB pages) holds 4 KB page tables, so 64 KB alignment is not free
    for al in (0, 4 * KB, 32 * KB):
        h = H.create_allocation(a, d, size=4 * KB, segments=0b01, alignment=al)
        assert a.allocation(h).segment_offset % (64 * KB) == 0
    h = H.create_allocation(a, d, size=64 * KB, segments=0b01, alignment=MB)
    assert a.allocation(h).segment_offset % MB == 0
    # segment 2 (4 KB pages): page size unless asked for more
    h1 = H.create_allocation(a, d, size=4 * KB, segments=0b10)
    h2 = H.create_allocation(a, d, size=4 * KB, segments=0b10)
    assert a.allocation(h1).segment_offset % (4 * KB) == 0
    assert a.allocation(h2).segment_offset % (4 * KB) == 0
    h3 = H.create_allocation(a, d, size=4 * KB, segments=0b10, alignment=256 * KB)
    off = a.allocation(h3).segment_offset
    assert off % (256 * KB) == 0 and off != a.allocation(h1).segment_offset


def test_4_from_end_of_segment_places_at_highest_fitting_address(env):
    a, p, d, c = env
    h = H.create_allocation(a, d, size=100 * KB, segments=0b01, flags={"FromEndOfSegment": 1})
    assert a.allocation(h).segment_offset == GB - 128 * KB
    h = H.create_allocation(a, d, size=4 * KB, segments=0b01, flags={"FromEndOfSegment": 1},
                            alignment=MB)
    assert a.allocation(h).segment_offset == GB - MB       # highest 1 MB-aligned fit
    h1 = H.create_allocation(a, d, size=4 * KB, segments=0b10, flags={"FromEndOfSegment": 1})
    h2 = H.create_allocation(a, d, size=8 * KB, segments=0b10, flags={"FromEndOfSegment": 1})
    assert a.allocation(h1).segment_offset == GB - 4 * KB
    assert a.allocation(h2).segment_offset == GB - 12 * KB
    # without the flag nothing goes to the end
    h3 = H.create_allocation(a, d, size=4 * KB, segments=0b10)
    assert a.allocation(h3).segment_offset < GB - 12 * KB


def test_4_allocations_never_overlap_in_a_segment(env):
    a, p, d, c = env
    hs = [H.create_allocation(a, d, size=s, segments=seg)
          for s, seg in [(4 * KB, 0b10), (12 * KB, 0b10), (1, 0b01), (200 * KB, 0b01),
                         (4 * KB, 0b10)]]
    spans = sorted((a.allocation(h).segment, a.allocation(h).segment_offset,
                    a.allocation(h).segment_offset + a.allocation(h).size) for h in hs)
    for (s1, _, e1), (s2, b2, _) in zip(spans, spans[1:]):
        assert s1 != s2 or e1 <= b2
    a.validate()


# ---- MapGpuVirtualAddress ------------------------------------------------------------


def test_4_map_gpu_virtual_address_maps_write_execute_at_lowest_fit(env):
    a, p, d, c = env
    h = H.create_allocation(a, d, size=256 * KB, segments=0b01, map_va=True)
    info = a.allocation(h)
    assert info.va == 64 * KB                     # lowest fit >= 64 KB (docs/behaviour.md 5.5)
    (m,) = p.mappings()
    assert (m.va, m.size, m.allocation, m.offset_pages) == (info.va, info.size, h, 0)
    assert m.protection & 0x1F == H.P_WRITE | H.P_EXECUTE
    t = p.translate(info.va)
    assert t.valid and not t.read_only and not t.no_execute
    assert (t.segment, t.address) == (1, info.segment_offset)
    # a second one goes to the next lowest free address; its own allocation, same rule
    h2 = H.create_allocation(a, d, size=4 * KB, segments=0b10, map_va=True)
    assert a.allocation(h2).va == info.va + info.size
    # without the flag: no mapping, va 0
    h3 = H.create_allocation(a, d, size=4 * KB, segments=0b10)
    assert a.allocation(h3).va == 0 and len(p.mappings()) == 2


def test_4_map_gpu_virtual_address_for_system_device_maps_in_system_process(env):
    a, p, d, c = env
    h = H.create_allocation(a, None, size=4 * KB, segments=0b10, map_va=True)
    va = a.allocation(h).va
    assert va == 64 * KB
    assert a.system_process.translate(va).valid and not p.translate(va).valid


def test_4_map_gpu_virtual_address_failure_creates_nothing():
    # page tables in a segment with room for the root tables only: the mapping the flag
    # asks for cannot get its tables, so the whole create fails and nothing is left
    a = H.adapter_with(segments=[H.segment(8 * KB, 4 * KB, "local"),
                                 H.segment(GB, 4 * KB, "aperture")])
    p = a.create_process()                      # its root takes the last 4 KB
    d = p.create_device()
    assert a.segment(1).used_bytes == a.segment(1).size
    H.expect_create_fail(a, H.create_args(a, d, size=4 * KB, segments=0b10, map_va=True),
                         H.NO_MEMORY, processes=[p])
    assert a.segment(2).used_bytes == 0
    # the same without the flag succeeds
    H.create_allocation(a, d, size=4 * KB, segments=0b10)


# ---- decisions the Windows documentation leaves open ([choice] in vidmm.c) --------------


def test_4_choice_alignment_not_a_power_of_two_is_invalid_parameter(env):
    a, p, d, c = env
    for al in (3, 0x30000, 65536 + 4096):
        H.expect_create_fail(a, H.create_args(a, d, alignment=al), H.INVALID_PARAMETER,
                             processes=[p])


def test_4_choice_no_supported_segment_of_the_adapter_is_invalid_parameter(env):
    a, p, d, c = env
    for seg_set in (0, 0b100, 1 << 31):
        H.expect_create_fail(a, H.create_args(a, d, segments=seg_set), H.INVALID_PARAMETER,
                             processes=[p])


def test_4_choice_preferred_segment_outside_supported_set_is_skipped():
    a = three_segment_adapter()
    h = H.create_allocation(a, size=4 * KB, segments=0b100, preferred=(2, 1))
    assert placed(a, h) == 3
