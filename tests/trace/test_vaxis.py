"""plot-vaspace's axis (dxgk.trace.vaxis): long holes cut, parts to scale, round ticks."""

from __future__ import annotations

import random

import pytest

from dxgk.trace import vaxis
from dxgk.trace.vaxis import build_axis

VA_END = 1 << 48


def _churn_like(n: int, seed: int) -> list[tuple[int, int]]:
    """n ranges of 64 KB..4 MB packed from 64 KB with small holes, plus a far reservation."""
    rng = random.Random(seed)
    out, at = [], 0x10000
    for _ in range(n):
        size = rng.choice((1, 2, 4, 16, 64)) << 16
        out.append((at, size))
        at += size + rng.choice((0, 0, 1 << 16, 1 << 20))
    out.append((0x8000000000, 2 << 20))
    return out


def _drawn(axis: vaxis.Axis, ranges: list[tuple[int, int]]) -> float:
    return sum(axis.x(va + size) - axis.x(va) for va, size in ranges)


def _check_invariants(axis: vaxis.Axis) -> None:
    xs = [p.x0 for p in axis.parts] + [p.x1 for p in axis.parts]
    assert min(xs) >= 0 and max(xs) <= 1 + 1e-9
    edges = sorted([(p.lo, p.x0, p.x1) for p in axis.parts] +
                   [(va, x0, x1) for va, _, x0, x1 in axis.cuts])
    for (_, _, x1), (_, x0, _) in zip(edges, edges[1:]):
        assert x0 == pytest.approx(x1)           # parts and breaks tile the picture
    tick_x = [x for x, _ in axis.ticks]
    assert tick_x == sorted(tick_x)
    assert all(b - a >= vaxis.MIN_TICK_GAP - 1e-12 for a, b in zip(tick_x, tick_x[1:]))
    starts = {p.lo for p in axis.parts}
    for x, va in axis.ticks:
        assert x == pytest.approx(axis.x(va))
        assert va in starts or (va % 4096 == 0 and va & -va >= 4096), hex(va)


def test_800_ranges_fill_the_picture_with_round_ticks():
    ranges = _churn_like(800, 1)
    axis = build_axis(ranges, VA_END)
    _check_invariants(axis)
    assert 1 <= len(axis.cuts) <= vaxis.MAX_CUTS
    assert _drawn(axis, ranges) >= 0.45          # ranges, not holes, fill the strip
    steps = {va & -va for _, va in axis.ticks if va}
    assert min(steps) >= 1 << 20                 # round: multiples of >= 1 MB here
    assert 4 <= len(axis.ticks) <= 1 / vaxis.MIN_TICK_GAP + 1


def test_a_tiny_cluster_stays_visible_next_to_a_big_one():
    ranges = [(0x10000, 0x1000), (0x8000000000, 1 << 30)]
    axis = build_axis(ranges, VA_END)
    _check_invariants(axis)
    assert axis.x(0x11000) - axis.x(0x10000) > 0.001
    assert min(p.x1 - p.x0 for p in axis.parts) >= min(vaxis.MIN_PART, 0.25) - 1e-9


def test_the_cuts_are_the_longest_holes_and_carry_their_size():
    ranges = [(0x10000, 0x10000), (1 << 40, 0x10000)]
    axis = build_axis(ranges, VA_END)
    sizes = sorted(size for _, size, _, _ in axis.cuts)
    assert sizes == [(1 << 40) - 0x20000, VA_END - (1 << 40) - 0x10000]
    for va, size, x0, x1 in axis.cuts:
        assert x1 - x0 == pytest.approx(vaxis.CUT_WIDTH)
        assert axis.x(va + size // 2) == pytest.approx((x0 + x1) / 2)


def test_nothing_mapped_is_the_space_to_scale():
    axis = build_axis([], VA_END)
    assert axis.cuts == () and len(axis.parts) == 1
    assert axis.x(VA_END // 2) == pytest.approx(0.5)
    _check_invariants(axis)


def test_no_hole_is_cut_when_ranges_already_dominate():
    ranges = [(0, 0x800000), (0x900000, 0x700000)]
    axis = build_axis(ranges, 0x1000000)
    assert axis.cuts == ()
    _check_invariants(axis)


@pytest.mark.parametrize("seed", range(20))
def test_random_spaces_keep_the_invariants(seed):
    rng = random.Random(seed)
    ranges, at = [], 0
    for _ in range(rng.randrange(0, 60)):
        at += rng.choice((0, 1 << 12, 1 << 21, 1 << 30, 1 << 40)) * rng.randrange(1, 4)
        size = rng.randrange(1, 512) << 12
        if at + size > VA_END:
            break
        ranges.append((at, size))
        at += size
    _check_invariants(build_axis(ranges, VA_END))


def test_bad_space():
    with pytest.raises(ValueError, match="va_end"):
        build_axis([], 0)
