"""Exhaustion (issue 7, item 4): VA space full, reservation space full, segment full,
page-table segment full -- on small custom adapters, every call past the limit fails with
the status docs/behaviour.md gives and leaves nothing behind (fuzzkit.Harness: the model
predicts each status, a failure's snapshot is unchanged, validate() holds). After everything is
destroyed, usage returns exactly to the empty adapter's: segment bytes, table bytes (the
system process's root alone), objects, live handles.
"""

from __future__ import annotations

import fuzzkit as F
import pytest
import refmodel as R
from fuzzkit import CREATE, MAP, MB, P64K, PAGE, RESERVE

import dxgk

KB = 1 << 10


def levels(bits, segment, size=4096, align=4096):
    return [{"PageTableIndexBitCount": b, "PageTableSegmentId": segment,
             "PagingProcessPageTableSegmentId": segment, "PageTableSizeInBytes": size,
             "PageTableAlignmentInBytes": align} for b in bits]


def small_va_adapter(table_slots=64):
    """A 1 MiB VA space (two levels of 4 bits: 64 KB per leaf table, root entry 1 at
    64 KB), a 4 KB-page aperture, a 64 KB-page local segment, tables alone in segment 3."""
    return dxgk.Adapter(levels=levels((4, 4), 3), segments=[
        dxgk.Segment(size=4 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=4 * MB, page_size=P64K, kind="local"),
        dxgk.Segment(size=table_slots * PAGE, page_size=PAGE, kind="local")])


def create(h, a, *, size, seg=1, device=0, cflags=0, flags=0):
    return h.create(F.build(CREATE, False, hAdapter=a.handle, hDevice=device, Size=size,
                            SupportedSegmentSet=seg, ContextAllocationFlags=cflags,
                            Flags=flags))


def map_(h, a, alloc, pages, *, base=0, minimum=0, maximum=0, offset=0, prot=1):
    raw = F.build(MAP, False, BaseAddress=base, MinimumAddress=minimum,
                  MaximumAddress=maximum, hAllocation=alloc, OffsetInPages=offset,
                  SizeInPages=pages)
    raw[48:56] = prot.to_bytes(8, "little")
    return h.map(a.handle, raw)


def status():
    return dxgk.last_status()


def empty_state(a):
    """What an adapter with nothing in it reports."""
    return ([(s.used_bytes, s.table_bytes) for s in (a.segment(i + 1)
                                                       for i in range(len(a.segments)))],
            a.stats().table_bytes, a.stats().allocations, a.stats().mappings,
            a.stats().reservations, a.stats().processes)


@pytest.fixture
def base_handles():
    import gc
    gc.collect()
    n = dxgk.live_handles()
    yield n
    gc.collect()
    assert dxgk.live_handles() == n, "handles leaked"


def test_va_space_full(base_handles):
    a = small_va_adapter()
    empty = empty_state(a)
    h = F.Harness([a])
    # the system device: its VA space is the system process's, where Zero / NoAccess
    # ranges go too (docs/behaviour.md 5.1 [choice])
    p = a.system_process
    al = create(h, a, size=2 * MB)                          # 512 pages: more than the VA
    # 1 MiB of VA, the first 64 KB never handed out by a lowest fit: 240 pages
    sizes = [7, 1, 16, 33, 2, 64, 5]
    got = 0
    i = 0
    while True:
        n = sizes[i % len(sizes)]
        i += 1
        if not map_(h, a, al, n, offset=i % 100):
            assert status() == dxgk.STATUS_NO_MEMORY
            if n == 1:
                break
            sizes = [1]
            continue
        got += n
    assert got == 240
    # now every lowest fit fails, whatever its window or size, and nothing changes
    for kw in ({}, {"minimum": 0x20000}, {"maximum": 1 << 20}, {"minimum": 0, "maximum": P64K}):
        assert not map_(h, a, al, 1, **kw)
        assert status() == dxgk.STATUS_NO_MEMORY
    assert not map_(h, a, 0, 1, prot=R.P_ZERO) and status() == dxgk.STATUS_NO_MEMORY
    assert not map_(h, a, 0, 1, prot=R.P_NOACCESS) and status() == dxgk.STATUS_NO_MEMORY
    # a size beyond the whole VA space is a parameter error, not "no room"
    assert not map_(h, a, al, 257) and status() == dxgk.STATUS_INVALID_PARAMETER
    # fixed bases: over a mapping -> conflicting; the first 64 KB (BaseAddress may go
    # there, docs/behaviour.md 5.4) -> until it too is full
    assert not map_(h, a, al, 1, base=P64K) and status() == dxgk.STATUS_CONFLICTING_ADDRESSES
    for va in range(PAGE, P64K, PAGE):
        assert map_(h, a, al, 1, base=va) == va
    assert not map_(h, a, al, 1, base=PAGE) and status() == dxgk.STATUS_CONFLICTING_ADDRESSES
    assert a.stats().mappings == sum(1 for _ in p.mappings())
    h.check_all()
    # give it all back
    h.destroy(a.handle, al)
    h.check_all()
    assert empty_state(a) == empty
    h.close_adapter(a)


def test_reservation_space_full_and_reserved_ranges_never_handed_out(base_handles):
    a = small_va_adapter()
    empty = empty_state(a)
    h = F.Harness([a])
    cov = 64 * KB
    results = []

    def hook(p):
        while True:
            raw = F.build(RESERVE, False, hDxgkProcess=p.handle, SizeInBytes=cov * 3)
            st = h.reserve(a.handle, raw)
            results.append(st)
            if st != dxgk.STATUS_SUCCESS:
                break
        for size in (2 * cov, cov):                         # the rest, then nothing
            raw = F.build(RESERVE, False, hDxgkProcess=p.handle, SizeInBytes=size)
            results.append(h.reserve(a.handle, raw))
        raw = F.build(RESERVE, False, hDxgkProcess=p.handle, SizeInBytes=cov)
        assert h.reserve(a.handle, raw) == dxgk.STATUS_NO_MEMORY
        raw = F.build(RESERVE, False, hDxgkProcess=p.handle, SizeInBytes=cov, BaseAddress=cov)
        assert h.reserve(a.handle, raw) == dxgk.STATUS_CONFLICTING_ADDRESSES

    p = h.create_process(a, hook)
    assert results[:5] == [dxgk.STATUS_SUCCESS] * 5 and results[5] == dxgk.STATUS_NO_MEMORY
    assert sum(r.size for r in p.reservations()) == (1 << 20) - cov   # root entry 0 excluded
    d = h.create_device(p)
    al = create(h, a, size=64 * KB, device=d.handle)
    # reserved ranges are never handed out by a lowest fit; the first 64 KB never either
    assert not map_(h, a, al, 1) and status() == dxgk.STATUS_NO_MEMORY
    assert not map_(h, a, al, 1, base=2 * cov) and status() == dxgk.STATUS_CONFLICTING_ADDRESSES
    assert map_(h, a, al, 1, base=PAGE) == PAGE             # BaseAddress in root entry 0
    h.check_all()
    h.close_process(p)
    assert empty_state(a) == empty
    h.close_adapter(a)


def test_segment_full(base_handles):
    a = small_va_adapter()
    empty = empty_state(a)
    h = F.Harness([a])
    made = []
    sizes = [PAGE, 5 * PAGE, 64 * KB, 300 * KB, 3 * PAGE]
    i = 0
    while True:
        x = create(h, a, size=sizes[i % len(sizes)], flags=R.AIF_FROM_END * (i % 3 == 0))
        i += 1
        if not x:
            assert status() == dxgk.STATUS_NO_MEMORY
            if sizes == [PAGE]:
                break
            sizes = [PAGE]
            continue
        made.append(x)
    assert a.segment(1).used_bytes == a.segment(1).size
    for size, flags in ((PAGE, 0), (PAGE, R.AIF_FROM_END), (1, 0), (4 * MB, 0)):
        assert not create(h, a, size=size, flags=flags)
        assert status() == dxgk.STATUS_NO_MEMORY
    # bigger than the segment: skipped (not a parameter error), no room anywhere else
    assert not create(h, a, size=4 * MB + PAGE) and status() == dxgk.STATUS_NO_MEMORY
    # with MapGpuVirtualAddress too: nothing is created, nothing mapped
    assert not create(h, a, size=PAGE, cflags=R.CCA_MAPVA)
    # another supported segment still has room: placement moves on (docs/behaviour.md 4)
    other = create(h, a, size=PAGE, seg=0b11)
    assert other and a.allocation(other).segment == 2
    # a hole in the middle is found again by a lowest fit of its size
    victim = made[len(made) // 2]
    info = a.allocation(victim)
    h.destroy(a.handle, victim)
    made.remove(victim)
    again = create(h, a, size=info.size)
    assert a.allocation(again).segment_offset == info.segment_offset
    made.append(again)
    h.check_all()
    for x in made + [other]:
        h.destroy(a.handle, x)
    h.check_all()
    assert empty_state(a) == empty
    h.close_adapter(a)


def test_create_with_map_va_when_the_va_space_is_full_creates_nothing(base_handles):
    a = small_va_adapter()
    empty = empty_state(a)
    h = F.Harness([a])
    big = create(h, a, size=MB)
    assert map_(h, a, big, 240)                             # all the lowest-fit VA
    before = a.segment(1).used_bytes
    assert not create(h, a, size=PAGE, cflags=R.CCA_MAPVA)
    assert status() == dxgk.STATUS_NO_MEMORY
    # larger than the whole VA space: the map's parameter error is the create's answer
    assert not create(h, a, size=2 * MB, cflags=R.CCA_MAPVA)
    assert status() == dxgk.STATUS_INVALID_PARAMETER
    assert a.segment(1).used_bytes == before and a.stats().allocations == 1
    h.destroy(a.handle, big)
    assert empty_state(a) == empty
    h.close_adapter(a)


def test_page_table_segment_full(base_handles):
    """Tables alone in segment 3 with room for 6 (each takes one 4 KB slot), 128 KB per
    leaf table: the system process's root, a process's root, then leaves. The model
    counts the slots, so every NO_MEMORY below is predicted, not merely tolerated."""
    a = dxgk.Adapter(levels=levels((5, 3), 3), segments=[
        dxgk.Segment(size=4 * MB, page_size=PAGE, kind="aperture"),
        dxgk.Segment(size=4 * MB, page_size=P64K, kind="local"),
        dxgk.Segment(size=6 * PAGE, page_size=PAGE, kind="local")])
    empty = empty_state(a)
    h = F.Harness([a])
    p = h.create_process(a)
    d = h.create_device(p)
    al4 = create(h, a, size=MB, seg=1, device=d.handle)
    al64 = create(h, a, size=MB, seg=2, device=d.handle)
    leaf = 128 * KB
    for k in (1, 2):
        assert map_(h, a, al4, 1, base=k * leaf)
    assert map_(h, a, al64, 16, base=3 * leaf)               # a 64 KB-format leaf
    assert p.page_table_stats().leaf64k_tables == 1
    assert a.segment(3).table_bytes == 4 * 4096 + 256
    assert map_(h, a, al4, 1, base=4 * leaf)                 # the sixth and last slot
    # every map that needs a new table now fails, and changes nothing
    assert not map_(h, a, al4, 1, base=5 * leaf) and status() == dxgk.STATUS_NO_MEMORY
    assert not map_(h, a, 0, 1, base=6 * leaf, prot=R.P_ZERO)
    assert status() == dxgk.STATUS_NO_MEMORY
    assert not map_(h, a, al4, 4, minimum=5 * leaf) and status() == dxgk.STATUS_NO_MEMORY
    # a process needs a root table: no room
    assert h.create_process(a) is None
    # a 4 KB map into the 64 KB leaf must convert it (a new table): no room, unchanged
    assert not map_(h, a, al4, 1, base=3 * leaf + 16 * PAGE)
    assert status() == dxgk.STATUS_NO_MEMORY
    assert p.page_table_stats().conversions == 0
    # maps into existing leaves need no table; NoAccess needs none at all
    assert map_(h, a, al4, 3, base=leaf + PAGE)
    assert map_(h, a, 0, 4, base=7 * leaf, prot=R.P_NOACCESS)
    assert map_(h, a, al4, 2, base=2 * leaf + 8 * PAGE)
    h.check_all()
    # freeing leaves gives their slots back: the conversion now fits
    h.destroy(a.handle, al4)
    al4 = create(h, a, size=MB, seg=1, device=d.handle)
    assert map_(h, a, al4, 1, base=3 * leaf + 16 * PAGE)
    assert p.page_table_stats().conversions == 1
    assert p.page_table_stats().leaf64k_tables == 0
    h.check_all()
    h.close_process(p)
    h.check_all()
    # what is left: the NoAccess range, made in the system process (it has no tables)
    assert [m.kind for m in a.system_process.mappings()] == ["noaccess"]
    st = empty_state(a)
    assert st[:3] + st[4:] == empty[:3] + empty[4:] and st[3] == 1
    h.close_adapter(a)


def test_table_segment_too_small_for_the_system_root_rejects_the_adapter(base_handles):
    with pytest.raises((MemoryError, ValueError)):
        dxgk.Adapter(levels=levels((4, 4), 2, size=8192), segments=[
            dxgk.Segment(size=MB, page_size=PAGE), dxgk.Segment(size=PAGE, page_size=PAGE)])


def test_table_room_shared_with_allocations(base_handles):
    """Tables in the segment that allocations fill: once it is full, every map needing
    a table fails with NO_MEMORY and leaves nothing; each byte freed is room for tables
    again -- exactly as many as fit. (The model cannot place tables among allocations;
    the harness's snapshot check carries the "nothing changed" part.)"""
    a = dxgk.Adapter(levels=levels((4, 4), 1), segments=[
        dxgk.Segment(size=256 * KB, page_size=PAGE)])
    empty = empty_state(a)
    h = F.Harness([a])
    p = h.create_process(a)
    d = h.create_device(p)
    allocs = []
    while (x := create(h, a, size=16 * KB, device=d.handle)):
        allocs.append(x)
    assert status() == dxgk.STATUS_NO_MEMORY
    h.destroy(a.handle, allocs.pop())
    seg = a.segment(1)
    room = (seg.size - seg.used_bytes) // PAGE
    mapped = 0
    for k in range(1, 16):                  # one new leaf table per 64 KB of VA
        if not map_(h, a, allocs[0], 1, base=k * 64 * KB):
            assert status() == dxgk.STATUS_NO_MEMORY
            break
        mapped += 1
    assert mapped == min(room, 15)
    assert a.segment(1).used_bytes == a.segment(1).size
    assert h.create_process(a) is None                       # no room for a root table
    h.check_all()
    for x in allocs:
        h.destroy(a.handle, x)
    h.close_process(p)
    h.check_all()
    assert empty_state(a) == empty
    h.close_adapter(a)
