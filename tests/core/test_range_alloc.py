"""The range allocator (dxgk/core/range_alloc.c): one test per rule and edge case.

Every test runs twice: against the shipped build and against a build with 4-entry
nodes, in which a few dozen ranges already make a tree four or five levels deep, so
splits, merges, borrows and cross-leaf hole merges are all exercised.
"""

from __future__ import annotations

import random

import pytest

from dxgk.testing.ra import (
    Busy,
    InvalidArgument,
    NoSpace,
    NotFound,
    Range,
    RangeAllocator,
    default_core,
)
from dxgk.testing.ra_model import RangeModel
from dxgk.testing.variant import build_variant

K4, K64, M2 = 4096, 65536, 2 << 20
TOP = 2**64 - 1                     # the largest exclusive end a space can have


@pytest.fixture(scope="module", params=["shipped", "tiny-nodes"])
def core(request):
    if request.param == "shipped":
        return default_core()
    try:
        return build_variant({"RA_LEAF_CAP": 4, "RA_INNER_CAP": 4})
    except FileNotFoundError as e:
        pytest.skip(f"C sources not available: {e}")


@pytest.fixture()
def make(core):
    made: list[RangeAllocator] = []

    def make_ra(lo: int = 0, hi: int = 1 << 32) -> RangeAllocator:
        ra = RangeAllocator(lo, hi, core=core)
        made.append(ra)
        return ra

    yield make_ra
    for ra in made:                 # every test leaves a consistent allocator
        ra.check()


def fill_random(ra: RangeAllocator, n: int, seed: int = 1) -> RangeModel:
    """n random allocations mirrored into a model."""
    rnd, m = random.Random(seed), RangeModel(ra.lo, ra.hi)
    for _ in range(n):
        size = rnd.randint(1, 64) * K4
        align = rnd.choice([K4, K4, K64])
        s = ra.alloc(size, align, tag=size)
        assert s == m.alloc(size, align, tag=size)
    return m


def outcome(fn, *args, **kw):
    """(result, None) or (None, the NoSpace it raised): a refusal is compared too."""
    try:
        return fn(*args, **kw), None
    except NoSpace:
        return None, NoSpace


# -- creation ----------------------------------------------------------------------

def test_status_codes_are_visible_from_python(core):
    lib = core.lib
    assert (lib.DXGK_RA_OK, lib.DXGK_RA_ENOENT, lib.DXGK_RA_ENOMEM, lib.DXGK_RA_EBUSY,
            lib.DXGK_RA_EINVAL, lib.DXGK_RA_ENOSPC) == (0, -2, -12, -16, -22, -28)
    assert lib.DXGK_RA_HIGHEST == 1


def test_create_rejects_an_empty_space(core):
    assert core.lib.dxgk_ra_create(5, 5) == core.ffi.NULL
    assert core.lib.dxgk_ra_create(6, 5) == core.ffi.NULL
    with pytest.raises(InvalidArgument):
        RangeAllocator(10, 10, core=core)


def test_new_allocator_is_one_hole(make):
    ra = make(0x1000, 0x9000)
    assert len(ra) == 0
    assert ra.holes() == [(0x1000, 0x8000)]
    assert (ra.hole_count, ra.free_bytes, ra.largest_hole) == (1, 0x8000, 0x8000)
    assert ra.stats().height == 0


# -- alloc: lowest fit, highest fit, windows, congruence -----------------------------

def test_alloc_returns_the_lowest_fit(make):
    ra = make(0, 1 << 20)
    assert [ra.alloc(K4) for _ in range(3)] == [0, K4, 2 * K4]
    ra.free(K4)
    assert ra.alloc(2 * K4) == 3 * K4          # the freed 4 KB hole is too small
    assert ra.alloc(K4) == K4                  # ... but takes a 4 KB range


def test_highest_flag_returns_the_highest_fit(make):
    ra = make(0, 1 << 20)
    assert ra.alloc(K4, highest=True) == (1 << 20) - K4
    assert ra.alloc(K64, K64, highest=True) == (1 << 20) - 2 * K64
    assert ra.alloc(100, highest=True) == (1 << 20) - K4 - 100   # the 60 KB hole above


def test_window_limits_start_and_end(make):
    ra = make(0, 1 << 30)
    assert ra.alloc(K4, min=0x5000) == 0x5000
    assert ra.alloc(K4, min=0x5000) == 0x6000
    assert ra.alloc(K4, max=0x3000, highest=True) == 0x2000   # s + size <= max
    with pytest.raises(NoSpace):
        ra.alloc(2 * K4, min=0x5000, max=0x8000)              # 0x5000-0x7000 are taken
    assert ra.alloc(K4, min=0x5000, max=0x8000) == 0x7000


def test_window_is_clipped_to_the_space(make):
    ra = make(0x10000, 0x20000)
    assert ra.alloc(K4, min=0, max=TOP) == 0x10000
    assert ra.alloc(K4, min=0, max=TOP, highest=True) == 0x1F000


def test_empty_window_is_no_space_not_an_error(make):
    ra = make(0, 1 << 20)
    with pytest.raises(NoSpace):
        ra.alloc(K4, min=0, max=0)              # max == 0: an empty window
    with pytest.raises(NoSpace):
        ra.alloc(K4, min=0x8000, max=0x4000)    # min above max
    with pytest.raises(NoSpace):
        ra.alloc(K4, min=0x8000, max=0x8FFF)    # shorter than size
    assert len(ra) == 0


def test_64k_congruence_with_phase(make):
    ra = make(0, 1 << 24)
    ra.alloc_fixed(0, K4)
    assert ra.alloc(K4, K64, 3 * K4) == 3 * K4
    assert ra.alloc(K4, K64, 3 * K4) == K64 + 3 * K4
    assert ra.alloc(K64, K64, 0) == 2 * K64
    s = ra.alloc(5 * K4, K64, 15 * K4, highest=True)
    assert s % K64 == 15 * K4 and s + 5 * K4 <= 1 << 24


def test_alignment_class_requests_skip_misaligned_holes(make):
    """Holes at least `size` long but with no 64 KB-aligned room are not answers."""
    ra = make(0, 1 << 30)
    for i in range(64):                         # holes [i*64K + 4K, i*64K + 64K + 4K)
        ra.alloc_fixed(i * K64, K4)
    ra.alloc_fixed(64 * K64, K4)
    assert ra.alloc(K64 - K4, K64) == 65 * K64  # 60 KB holes each hold no aligned 60 KB
    assert ra.alloc(K64 - K4, K4) == K4


def test_every_order_to_2_63_gets_the_lowest_fit_in_a_full_tree(make):
    """Each order's fit column starts on the first request of that order, with the
    tree already deep; every answer (and every refusal) is the model's, also for the
    orders asked after the last column the allocator keeps."""
    ra = make(0, TOP)
    rnd, m = random.Random(5), RangeModel(0, TOP)
    for _ in range(300):            # 2^k aligned slots of 4 KB..256 KB, k in 12..40
        size, align = rnd.randint(1, 64) * K4, 1 << rnd.randint(12, 40)
        assert ra.alloc(size, align, tag=1) == m.alloc(size, align, tag=1)
    for k in range(12, 64):
        for size in sorted({K4, 3 * K4 + 1, (1 << k) - K4, 1 << k, (1 << k) + 1} - {0}):
            for highest in (False, True):
                q = {"size": size, "align": 1 << k, "highest": highest}
                assert outcome(ra.find_fit, **q) == outcome(m.find_fit, **q), (k, size)
        ra.check()                  # the new column is exact
        size = rnd.randint(1, 16) * K4
        assert outcome(ra.alloc, size, 1 << k, tag=k) == outcome(m.alloc, size, 1 << k, tag=k)
    for s in m.starts[::3]:         # the columns follow frees too
        ra.free(s)
        m.free(s)
    ra.check()
    assert ra.ranges() == m.ranges()
    for k in range(12, 64):
        size = rnd.randint(1, 16) * K4
        assert outcome(ra.alloc, size, 1 << k, tag=k) == outcome(m.alloc, size, 1 << k, tag=k)
    ra.check()


def test_aligned_requests_skip_every_misaligned_hole(make):
    """The issue's pattern, every allocation 1 MB (then 1 GiB) aligned: the holes the
    earlier ranges leave are large enough but never aligned, and are not answers."""
    ra = make(0, 1 << 40)
    M1 = 1 << 20
    starts = [ra.alloc(K64, M1) for _ in range(200)]
    assert starts == [i * M1 for i in range(200)]
    ra.free(50 * M1)
    assert ra.alloc(M1 - K64, M1) == 50 * M1        # the freed slot, not 200 MB up
    assert ra.alloc(K4, 1 << 30) == 1 << 30
    assert ra.find_fit(M1, M1, min=M1 + 1) == 200 * M1


def test_a_byte_granular_range_keeps_4k_requests_exact(make):
    """While every address is 4 KB aligned a 4 KB request needs no column of its
    own; one odd range later, 4 KB requests must skip holes that start unaligned."""
    ra = make(0, 1 << 32)
    m = RangeModel(0, 1 << 32)
    for size in (K4, 2 * K4, K4, 3 * K4):
        assert ra.alloc(size, K4) == m.alloc(size, K4)
    assert ra.alloc(K4 + 1) == m.alloc(K4 + 1)      # ends at an odd address
    ra.free(0)
    m.free(0)
    for size in (K4, 2 * K4, K4 - 1, 5 * K4):
        assert ra.alloc(size, K4) == m.alloc(size, K4)
        ra.check()
    assert ra.ranges() == m.ranges()


def test_phase_at_or_above_align_is_rejected(make):
    ra = make()
    with pytest.raises(InvalidArgument):
        ra.alloc(K4, K64, K64)
    with pytest.raises(InvalidArgument):
        ra.alloc(K4, 1, 1)
    with pytest.raises(InvalidArgument):
        ra.find_fit(K4, 0, 1)                   # align 0 means 1: phase must be 0


def test_align_must_be_a_power_of_two(make):
    ra = make()
    for align in (3, 0x3000, 12345, 2**63 + 1):
        with pytest.raises(InvalidArgument):
            ra.alloc(K4, align)
    assert ra.alloc(K4, 0) == 0                 # 0 means "no alignment"


def test_unknown_flags_are_rejected(core, make):
    ra = make()
    out = core.ffi.new("uint64_t *")
    assert core.lib.dxgk_ra_alloc(ra._ra, K4, 1, 0, 0, 1 << 32, 2, 0, out) == -22
    assert core.lib.dxgk_ra_find_fit(ra._ra, K4, 1, 0, 0, 1 << 32, 0x80, out) == -22
    assert len(ra) == 0


def test_size_zero_is_rejected(make):
    ra = make()
    with pytest.raises(InvalidArgument):
        ra.alloc(0)
    with pytest.raises(InvalidArgument):
        ra.find_fit(0)
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(K4, 0)
    assert len(ra) == 0 and ra.free_bytes == 1 << 32


def test_align_2_63(make):
    ra = make(0, TOP)
    assert ra.alloc(K4, 2**63) == 0
    assert ra.alloc(K4, 2**63) == 2**63
    with pytest.raises(NoSpace):
        ra.alloc(K4, 2**63)
    assert ra.alloc(K4, 2**63, 2**62) == 2**62
    assert ra.alloc(K4, 2**63, 2**63 - K4, highest=True) == 2**63 - K4


def test_windows_exactly_around_every_hole(make):
    """A window that admits exactly one start, at either end of each hole: the search
    prunes subtrees by their key bounds, and these windows sit exactly on them."""
    ra = make(0, 1 << 20)
    rnd, at = random.Random(4), 0
    while at < 8000:                # 1-3 byte ranges, 0-3 byte holes: adjacent starts
        at += rnd.choice([0, 0, 1, 2, 3])
        size = rnd.choice([1, 1, 2, 3])
        ra.alloc_fixed(at, size)
        at += size
    holes = ra.holes()
    assert len(holes) > 1000
    for a, n in holes:
        b = a + n
        for size in {1, n}:
            for highest in (False, True):
                assert ra.find_fit(size, min=b - size, max=b, highest=highest) == b - size
                assert ra.find_fit(size, min=a, max=a + size, highest=highest) == a
                with pytest.raises(NoSpace):
                    ra.find_fit(size, min=b - size + 1, max=b + size - 1, highest=highest)


def test_find_fit_does_not_allocate(make):
    ra = make(0, 1 << 20)
    ra.alloc_fixed(0, K4)
    assert ra.find_fit(K4, K64) == K64
    assert ra.find_fit(K4, K64) == K64
    assert len(ra) == 1
    ra.alloc_fixed(ra.find_fit(K4, K64), K4)    # check-then-commit, as VidMm does
    assert ra.find(K64) == Range(K64, K4, 0)


# -- alloc_fixed ---------------------------------------------------------------------

def test_fixed_range_must_be_wholly_free(make):
    ra = make(0, 1 << 20)
    ra.alloc_fixed(0x4000, 0x2000)
    for start, size in [(0x4000, K4), (0x3000, 0x2000), (0x5000, 0x2000), (0x2000, 0x8000),
                        (0x5FFF, 1), (0x3FFF, 2)]:
        with pytest.raises(Busy):
            ra.alloc_fixed(start, size)
    assert len(ra) == 1


def test_adjacent_ranges_succeed(make):
    ra = make(0, 1 << 20)
    ra.alloc_fixed(0x4000, 0x2000)
    ra.alloc_fixed(0x3000, 0x1000)              # ends where the first starts
    ra.alloc_fixed(0x6000, 0x1000)              # starts where the first ends
    assert ra.alloc(K4, min=0x3000) == 0x7000
    assert [r.start for r in ra.ranges()] == [0x3000, 0x4000, 0x6000, 0x7000]
    assert ra.holes() == [(0, 0x3000), (0x8000, (1 << 20) - 0x8000)]


def test_exact_fill_leaves_no_hole(make):
    ra = make(0x1000, 0x5000)
    ra.alloc_fixed(0x2000, 0x1000)
    assert ra.alloc(0x1000) == 0x1000
    assert ra.alloc(0x2000) == 0x3000
    assert ra.hole_count == 0 and ra.free_bytes == 0 and ra.largest_hole == 0
    with pytest.raises(NoSpace):
        ra.alloc(1)


def test_ranges_touching_lo_and_hi(make):
    ra = make(0x10000, 0x20000)
    ra.alloc_fixed(0x10000, K4)                 # starts at lo
    ra.alloc_fixed(0x20000 - K4, K4)            # ends at hi
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(0xF000, 0x2000)          # begins below lo
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(0x1F000, 0x2000)         # ends above hi
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(0x20000, 1)              # starts at hi
    assert ra.find(0x10000).start == 0x10000
    assert ra.find(0x1FFFF).start == 0x1F000
    assert ra.find(0x20000) is None


def test_space_at_the_top_of_64_bits(make):
    lo = TOP - (1 << 24)
    ra = make(lo, TOP)
    assert ra.alloc(K4, highest=True) == TOP - K4
    assert ra.alloc(K64, K64, highest=True) == (TOP - K4) // K64 * K64 - K64
    ra.alloc_fixed(TOP - 2 * K4, K4)
    assert ra.find(TOP - 1).start == TOP - K4
    with pytest.raises(NoSpace):
        ra.alloc(K4, min=TOP - K4)
    s = ra.alloc(1, min=TOP - 2 * K4 - 1)       # the last free byte below the top ranges
    assert s == TOP - 2 * K4 - 1
    ra.free(TOP - K4)
    assert ra.alloc(K4, highest=True) == TOP - K4


def test_fixed_range_wrapping_past_2_64_is_rejected(make):
    ra = make(0, TOP)
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(TOP - K4 + 1, K4)        # would end at 2^64
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(TOP - 1, 2**64 - 1)      # would wrap to a small address
    with pytest.raises(InvalidArgument):
        ra.alloc_fixed(2**63, 2**63)
    ra.alloc_fixed(TOP - K4, K4)                # ends exactly at hi
    assert len(ra) == 1


def test_search_near_the_top_never_wraps(make):
    ra = make(0, TOP)
    with pytest.raises(NoSpace):
        ra.alloc(K4, K64, min=TOP - K4)         # next 64 KB boundary is past 2^64
    with pytest.raises(NoSpace):
        ra.alloc(2**63, min=2**63)              # 2^63 + 2^63 > hi
    assert ra.alloc(2**63 - 1, min=2**63) == 2**63
    assert ra.alloc(2**63) == 0


# -- free ----------------------------------------------------------------------------

def test_free_merges_holes_on_both_sides(make):
    ra = make(0, 0x10000)
    for s in (0x1000, 0x2000, 0x3000):
        ra.alloc_fixed(s, 0x1000)
    ra.free(0x1000)
    ra.free(0x3000)
    assert ra.holes() == [(0, 0x2000), (0x3000, 0xD000)]
    ra.free(0x2000)
    assert ra.holes() == [(0, 0x10000)]
    assert ra.hole_count == 1 and ra.free_bytes == 0x10000


def test_double_free_is_rejected_without_corruption(make):
    ra = make()
    m = fill_random(ra, 200)
    victim = m.starts[57]
    ra.free(victim)
    m.free(victim)
    with pytest.raises(NotFound):
        ra.free(victim)
    ra.check()
    assert ra.ranges() == m.ranges()
    assert ra.holes() == m.holes()


def test_free_of_a_non_start_address_is_rejected(make):
    ra = make()
    m = fill_random(ra, 200)
    r = m.ranges()[100]
    for addr in (r.start + 1, r.start + r.size - 1, r.start - 1, r.start + r.size,
                 ra.hi, ra.hi + 5, TOP):
        if addr in m.info:
            continue
        with pytest.raises(NotFound):
            ra.free(addr)
    ra.check()
    assert ra.ranges() == m.ranges()


# -- lookups and iteration ----------------------------------------------------------

def test_find_returns_the_containing_range(make):
    ra = make(0, 1 << 20)
    ra.alloc_fixed(0x3000, 0x2000, tag=77)
    assert ra.find(0x3000) == Range(0x3000, 0x2000, 77)
    assert ra.find(0x4FFF) == Range(0x3000, 0x2000, 77)
    assert ra.find(0x5000) is None
    assert ra.find(0x2FFF) is None


def test_lookups_agree_with_the_model_in_a_deep_tree(make):
    ra = make()
    m = fill_random(ra, 600, seed=5)
    rnd = random.Random(9)
    for s in rnd.sample(m.starts, 300):
        ra.free(s)
        m.free(s)
    probes = [rnd.randrange(0, 1 << 32) for _ in range(300)]
    probes += [s + d for s in m.starts[::7] for d in (-1, 0, 1)]
    for a in probes:
        assert ra.find(a) == m.find(a)
        assert ra.next(a) == m.next(a)
        assert ra.prev(a) == m.prev(a)
    assert ra.ranges() == m.ranges()
    assert list(ra) == m.ranges()
    assert ra.holes() == m.holes()


def test_iteration_in_address_order_with_tags(make):
    ra = make(0, 1 << 20)
    for i, s in enumerate([0x9000, 0x1000, 0x5000]):
        ra.alloc_fixed(s, 0x1000, tag=i + 1)
    assert ra.ranges() == [Range(0x1000, 0x1000, 2), Range(0x5000, 0x1000, 3),
                           Range(0x9000, 0x1000, 1)]
    assert ra.next(0) == Range(0x1000, 0x1000, 2)
    assert ra.next(0x1001) == Range(0x5000, 0x1000, 3)
    assert ra.next(0x9001) is None
    assert ra.prev(0x9000) == Range(0x5000, 0x1000, 3)
    assert ra.prev(0x1000) is None
    assert ra.prev(TOP) == Range(0x9000, 0x1000, 1)


def test_set_tag(make):
    ra = make()
    s = ra.alloc(K4, tag=1)
    ra.set_tag(s, 0xDEAD_BEEF_0000_0001)
    assert ra.find(s).tag == 0xDEAD_BEEF_0000_0001
    with pytest.raises(NotFound):
        ra.set_tag(s + 1, 5)


def test_counters(make):
    ra = make(0, 0x100000)
    ra.alloc_fixed(0x10000, 0x1000)
    ra.alloc_fixed(0x30000, 0x1000)
    st = ra.stats()
    assert (st.live, st.holes) == (2, 3)
    assert st.free_bytes == 0x100000 - 0x2000
    assert st.largest_hole == 0x100000 - 0x31000
    assert st.pool_bytes > 0


def test_dump_reports_the_total_when_the_buffer_is_short(core, make):
    ra = make()
    fill_random(ra, 50)
    buf = core.ffi.new("uint64_t[10]")
    assert core.lib.dxgk_ra_dump(ra._ra, buf, core.ffi.NULL, core.ffi.NULL, 10) == 50
    assert [int(x) for x in buf] == [r.start for r in ra.ranges()[:10]]
    assert core.lib.dxgk_ra_dump(ra._ra, core.ffi.NULL, core.ffi.NULL, core.ffi.NULL, 0) == 50


def test_null_allocator_is_harmless(core):
    lib, NULL = core.lib, core.ffi.NULL
    out = core.ffi.new("uint64_t *")
    assert lib.dxgk_ra_alloc(NULL, K4, 1, 0, 0, 1, 0, 0, out) == -22
    assert lib.dxgk_ra_alloc_fixed(NULL, 0, K4, 0) == -22
    assert lib.dxgk_ra_free(NULL, 0) == -2
    assert lib.dxgk_ra_find(NULL, 0, out, out, out) == -2
    assert lib.dxgk_ra_count(NULL) == 0
    assert lib.dxgk_ra_validate(NULL) == lib.DXGK_RA_V_NULL
    lib.dxgk_ra_destroy(NULL)


# -- the tree under load ------------------------------------------------------------

def test_grow_and_shrink_keeps_every_invariant(make):
    """Fill until the tree is several levels deep, then empty it in random order."""
    ra = make(0, 1 << 40)
    m = fill_random(ra, 3000, seed=11)
    assert ra.stats().height >= 2
    ra.check()
    rnd = random.Random(12)
    order = list(m.starts)
    rnd.shuffle(order)
    for i, s in enumerate(order):
        ra.free(s)
        m.free(s)
        if i % 97 == 0:
            ra.check()
            assert (ra.largest_hole, ra.hole_count) == (m.largest_hole, m.hole_count)
    ra.check()
    assert len(ra) == 0 and ra.holes() == [(0, 1 << 40)] and ra.stats().height == 0


def test_underflowing_leaf_borrows_from_either_sibling(make):
    """Emptying one stretch of a deep tree drives leaves below half full next to
    fuller siblings on both sides: every borrow (which evens the two leaves out)
    and merge keeps the invariants, and lookups still agree with the model."""
    ra = make(0, 1 << 36)
    m = RangeModel(ra.lo, ra.hi)
    slots = list(range(400))
    random.Random(5).shuffle(slots)         # random order: leaves of mixed fill
    for k in slots:
        s = k * 16 * K4
        ra.alloc_fixed(s, 8 * K4, tag=k)
        m.alloc_fixed(s, 8 * K4, tag=k)
    assert ra.stats().height >= 1
    # free the middle third from its centre outwards, alternating sides: the leaves
    # at the edge of the freed stretch underflow with a full neighbour beyond
    mid = list(m.starts[133:266])
    order = [mid[len(mid) // 2 + (i + 1) // 2 * (1 if i % 2 else -1)] for i in range(len(mid))]
    for i, s in enumerate(order):
        ra.free(s)
        m.free(s)
        ra.check()
        probe = m.starts[(i * 7) % len(m.starts)]
        assert ra.find(probe + K4) == m.find(probe + K4)
    assert [r.start for r in ra.ranges()] == m.starts
    assert ra.holes() == m.holes()


def test_asking_every_order_keeps_memory_within_1_5x(core):
    """Memory per range, exact counts: a packed tree (half-full nodes after sequential
    splits, the most inner nodes per range) asked for every order 2^12..2^63 keeps
    at most RA_KEPT_COLS columns, within 1.5x the pool bytes of the default columns."""
    if core is not default_core():
        pytest.skip("the ratio is a property of the shipped node sizes")
    ra = RangeAllocator(0, TOP, core=core)
    rnd = random.Random(3)
    for _ in range(100_000):
        ra.alloc(rnd.randint(1, 256) * K4, K4 if rnd.random() < 0.75 else K64)
    before = ra.stats().pool_bytes
    for k in range(12, 64):
        ra.find_fit(K4, 1 << k)
    ra.check()
    assert before < ra.stats().pool_bytes <= 1.5 * before


def near_miss_space(make, holes: int, hole_pages: int, hi: int = 1 << 40):
    """`holes` holes of hole_pages pages, each starting on a 64 KB boundary (page 0
    mod 16), then one free tail: the tail is the only hole with any other phase."""
    ra = make(0, hi)
    for i in range(holes):
        ra.alloc_fixed(i * K64 + hole_pages * K4, K64 - hole_pages * K4)
    return ra


def test_near_misses_cost_no_search(make):
    """A phase-rule request whose 4 KB fit every hole satisfies but whose phase no
    hole but the last offers: the phase words prune the near misses, so the search
    visits O(height) leaves, not one per hole (a 4 KB column would visit them all)."""
    n = 3000
    ra = near_miss_space(make, n, 8)
    height = ra.stats().height
    for phase_pages in range(1, 16):
        before = ra.search_leaves()
        # 8 pages at page 8 mod 16 (or any other nonzero phase) end past every hole
        s = ra.find_fit(8 * K4, K64, phase_pages * K4)
        assert s == n * K64 + phase_pages * K4
        assert ra.search_leaves() - before <= 2 * (height + 1), phase_pages
    before = ra.search_leaves()
    assert ra.find_fit(8 * K4, K64, 0) == 0           # phase 0: the first hole
    assert ra.search_leaves() - before <= height + 1


def test_the_phase_rule_takes_the_lowest_congruent_start(make):
    """Each hole offers a different phase; the lowest hole whose phase start has
    room wins, for every phase and size, lowest and highest first."""
    ra = make(0, 1 << 32)
    m = RangeModel(0, 1 << 32)
    rnd = random.Random(18)
    for _ in range(400):
        size, phase = rnd.randint(1, 40) * K4, rnd.randrange(0, K64, K4)
        assert ra.alloc(size, K64, phase, tag=1) == m.alloc(size, K64, phase, tag=1)
    for s in m.starts[::2]:
        ra.free(s)
        m.free(s)
    ra.check()
    for phase in range(0, K64, K4):
        for size in (K4, 5 * K4, 15 * K4, 16 * K4, 17 * K4, 31 * K4):
            for highest in (False, True):
                q = {"size": size, "align": K64, "phase": phase, "highest": highest}
                assert outcome(ra.find_fit, **q) == outcome(m.find_fit, **q), q


def test_an_update_of_other_columns_keeps_the_root_phase_word(make):
    """Regression (TestDdiFuzzTight): an update that changes columns other than 0
    must leave the root's phase word alone. refit_cols stored the caller's word at
    the root whatever columns changed: leaf_insert leaves it unset when the split
    hole attained only a 2 MB maximum (the stored example: garbage in top_pw), and
    free passes its leaf's own word, which is not the tree's."""
    ra = make(0, 1 << 33)
    for size, align, phase in ((K4, K64, 0), (18 * K4, K4, 0), (K64, K4, 0), (K4, K4, 0),
                               (26 * K4, K64, 5 * K4), (K4, K4, 0), (9 * K4, K64, 5 * K4)):
        ra.alloc(size, align, phase, min=K64)
    ra.check()
    ra.alloc_fixed((1 << 32) + 6 * K4, 29 * K4)
    ra.check()
    # [385024, 2^32 + 24 KB) was the largest 2 MB fit, not the largest hole: the
    # split changes column 2 alone
    ra.alloc_fixed(99680256, 6 * K4)
    ra.check()


def test_a_free_growing_only_a_2m_fit_keeps_the_root_phase_word(make):
    """The same through free, deterministically: the merged hole grows its leaf's
    2 MB fit but neither that leaf's longest hole nor its phase word, and the tree's
    2 MB maximum with it; the root's word must stay the tree's, not the leaf's."""
    ra = make(0, 32 << 20)
    skip = set(range(258, 274)) | set(range(130, 154))
    for k in range(512):            # 60 KB ranges, a 4 KB hole before each
        if k not in skip:
            ra.alloc_fixed(k * K64 + K4, K64 if k == 129 else K64 - K4)
    # longest hole: 1.5 MB at page 1 mod 16; near 16 MB, 1 MB + 4 KB at page 0
    ra.alloc_fixed(250 * K64, K4)   # one entry more: the free below needs no rebalance
    assert ra.stats().height >= 1
    ra.find_fit(K4, K64, K4)        # a phase-rule request starts the phase words
    ra.check()
    ra.free(256 * K64 + K4)         # [16M, 16M + 68K): a 2 MB fit of 68 KB
    ra.check()
    assert ra.find_fit(K64, M2) == 16 << 20


def test_every_order_of_a_2_43_space_is_kept(make):
    """A 2^43 space has orders 13..43 above its 4 KB granularity: 31 columns plus
    column 0, exactly RA_KEPT_COLS. Each order prunes its misaligned holes, so a
    request that only the tail can answer visits O(height) leaves for every k."""
    hi = 1 << 43
    ra = make(0, hi)
    n = 2000
    for i in range(n):                          # holes [i*2M + 4K, (i+1)*2M)
        ra.alloc_fixed(i * M2, K4)
    ra.alloc_fixed(n * M2, K4)
    height = ra.stats().height
    for k in range(13, 44):
        # one 4 KB page more than any hole's 2^k aligned room, or (k > 21, where no
        # hole has a 2^k boundary) a hole's whole 4 KB fit
        size = M2 - (1 << k) + K4 if k <= 21 else M2 - K4
        want = -(-(n * M2 + K4) // (1 << k)) * (1 << k)
        before = ra.search_leaves()
        got, err = outcome(ra.find_fit, size, 1 << k)
        assert (got, err) == ((want, None) if want + size <= hi else (None, NoSpace)), k
        assert ra.search_leaves() - before <= 2 * (height + 1), k


# -- lookahead hints (dxgk_ra_prefetch, dxgk_ra_hint_tag) ------------------------------

def test_prefetch_hints_answer_as_find_and_go_stale_safely(make, core):
    """A hint names a leaf; dxgk_ra_hint_tag reads it only while no entry has moved since
    (the stamp), and otherwise looks the address up: the answer is always find's."""
    lib, ffi = core.lib, core.ffi
    ra = make(0, 1 << 40)
    h = ffi.new("dxgk_ra_hint *")
    t = ffi.new("uint64_t *")

    def hint_tag(addr):
        rc = lib.dxgk_ra_hint_tag(ra._ra, h, addr, t)
        return (rc, int(t[0])) if rc == 0 else rc

    ra.alloc_fixed(K64, K4, tag=7)
    # a small tree: nothing is prefetched, the hint stays empty, lookups still answer
    assert lib.dxgk_ra_prefetch(ra._ra, K64, h) == 0 and h.leaf == ffi.NULL
    assert hint_tag(K64) == (0, 7)
    assert lib.dxgk_ra_hint_tag(ra._ra, ffi.NULL, K64, t) == 0 and t[0] == 7
    n = 40000                        # leaves well past the prefetch threshold
    for i in range(2, n):
        ra.alloc_fixed(i * K64, K4, tag=i)
    rnd = random.Random(5)
    for _ in range(300):
        i = rnd.randrange(1, n)
        assert lib.dxgk_ra_prefetch(ra._ra, i * K64 + 100, h) == 1 and h.leaf != ffi.NULL
        assert hint_tag(i * K64 + 100) == (0, 7 if i == 1 else i)
        assert hint_tag(i * K64 + K4) == -2          # the hole after it
    assert hint_tag(1 << 40) == -2                   # outside [lo, hi)
    # stale hints: the entry freed, re-made larger, its neighbours' leaves merged away
    lib.dxgk_ra_prefetch(ra._ra, 5 * K64, h)
    ra.free(5 * K64)
    assert hint_tag(5 * K64) == -2
    ra.alloc_fixed(5 * K64, 2 * K4, tag=99)
    assert hint_tag(5 * K64 + K4) == (0, 99)
    lib.dxgk_ra_prefetch(ra._ra, 1000 * K64, h)
    for i in range(900, 1100):
        ra.free(i * K64)
    assert hint_tag(1000 * K64) == -2
    ra.alloc_fixed(1000 * K64, K4, tag=3)
    assert hint_tag(1000 * K64) == (0, 3)
    # set_tag moves nothing: a hint taken before it reads the new tag
    lib.dxgk_ra_prefetch(ra._ra, 2000 * K64, h)
    ra.set_tag(2000 * K64, 12345)
    assert hint_tag(2000 * K64) == (0, 12345)
