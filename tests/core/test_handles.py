"""The handle table (dxgk/core/handles.c): typed, generation-checked opaque handles.

docs/behaviour.md 3: every object is behind an opaque HANDLE -- pointer-sized, never 0, validated on
every use; a stale or forged handle fails cleanly, never crashes and never reaches
another object.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from dxgk.testing.handles import HandleTable
from dxgk.testing.ra import default_core
from dxgk.testing.variant import build_variant

ALLOCATION, PROCESS, DEVICE = 1, 2, 3
EBADH, ETYPE = -1, -2


@pytest.fixture()
def table() -> HandleTable:
    return HandleTable()


@pytest.fixture(scope="module")
def tiny_core():
    """The same sources with 3 generations per slot and 5 slots per table."""
    try:
        return build_variant({"DXGK_HANDLE_GEN_MAX": 3, "DXGK_HANDLES_SLOT_LIMIT": 5})
    except FileNotFoundError as e:  # an installed package without the C sources
        pytest.skip(f"C sources not available: {e}")


def test_constants_are_visible_from_python():
    lib = default_core().lib
    assert (lib.DXGK_HANDLE_OK, lib.DXGK_HANDLE_EBADH, lib.DXGK_HANDLE_ETYPE) == (0, -1, -2)
    assert lib.DXGK_HANDLE_TYPE_MAX == 255


def test_handle_is_never_zero_and_round_trips(table):
    hs = [table.new(ALLOCATION, 0x1000 + 16 * i) for i in range(1000)]
    assert 0 not in hs
    assert len(set(hs)) == len(hs)
    for i, h in enumerate(hs):
        assert table.get(h, ALLOCATION) == 0x1000 + 16 * i
    assert len(table) == 1000
    assert table.validate() == 0


def test_handle_fits_in_64_bits_and_carries_the_table_id(table):
    h = table.new(PROCESS, 0x10)
    assert 0 < h < 2**64
    assert (h >> 8) & 0xFF == table.id


def test_wrong_type_is_rejected(table):
    h = table.new(ALLOCATION, 0x1234)
    assert table.get(h, PROCESS) is None
    assert table.type_of(h) == ALLOCATION
    assert table.free(h, PROCESS) == ETYPE
    assert table.get(h, ALLOCATION) == 0x1234     # a rejected free changes nothing
    assert len(table) == 1


def test_destroyed_handle_is_rejected(table):
    h = table.new(DEVICE, 0x40)
    assert table.free(h, DEVICE) == 0
    assert table.get(h, DEVICE) is None
    assert table.type_of(h) == 0
    assert table.free(h, DEVICE) == EBADH          # double free
    assert len(table) == 0
    assert table.validate() == 0


def test_slot_reuse_bumps_the_generation(table):
    h1 = table.new(DEVICE, 0x40)
    table.free(h1, DEVICE)
    h2 = table.new(DEVICE, 0x80)                   # reuses the same slot (free list)
    assert (h2 >> 16) & 0xFFFFFF == (h1 >> 16) & 0xFFFFFF
    assert h2 != h1
    assert table.get(h1, DEVICE) is None
    assert table.get(h2, DEVICE) == 0x80


def test_a_freed_value_never_comes_back(table):
    seen, rnd = set(), random.Random(7)
    live: list[int] = []
    for _ in range(20000):
        if live and rnd.random() < 0.5:
            h = live.pop(rnd.randrange(len(live)))
            assert table.free(h, ALLOCATION) == 0
            assert table.get(h, ALLOCATION) is None
        else:
            h = table.new(ALLOCATION, 0x1000)
            assert h not in seen
            seen.add(h)
            live.append(h)
    assert table.validate() == 0


def test_handle_from_another_table_is_rejected():
    a, b = HandleTable(), HandleTable()
    assert a.id != b.id
    ha = a.new(ALLOCATION, 0x10)
    hb = b.new(ALLOCATION, 0x20)
    # same slot index and generation, different table identity
    assert ha & ~0xFF00 == hb & ~0xFF00
    assert b.get(ha, ALLOCATION) is None
    assert b.free(ha, ALLOCATION) == EBADH
    assert b.get(hb, ALLOCATION) == 0x20


def test_forged_values_are_rejected(table):
    real = {table.new(ALLOCATION, 0x1000 + i) for i in range(64)}
    rnd = random.Random(3)
    forged = [rnd.getrandbits(64) for _ in range(20000)]
    forged += [0, 1, 2**64 - 1, 0xFF, 0xFFFF_FFFF]
    # values that keep the table id and type but point far beyond the table
    forged += [(rnd.getrandbits(24) << 40) | (rnd.getrandbits(24) << 16) | (table.id << 8) | 1
               for _ in range(20000)]
    for h in forged:
        if h in real:
            continue
        assert table.get(h, ALLOCATION) is None
        assert table.type_of(h) == 0
        assert table.free(h, ALLOCATION) == EBADH
    assert len(table) == 64
    assert table.validate() == 0


def test_type_and_object_bounds(table):
    assert table.new(0, 0x10) == 0
    assert table.new(256, 0x10) == 0
    assert table.new(ALLOCATION, 0) == 0            # NULL object: get() could not tell
    assert table.new(255, 0x10) != 0
    assert len(table) == 1
    h = table.new(ALLOCATION, 0x10)
    assert table.get(h, 0) is None
    assert table.get(h, 256) is None


def test_iteration_by_type(table):
    a = [table.new(ALLOCATION, 0x100 + i) for i in range(5)]
    p = [table.new(PROCESS, 0x200 + i) for i in range(3)]
    assert table.handles() == sorted(a + p, key=lambda h: (h >> 16) & 0xFFFFFF)
    assert table.handles(ALLOCATION) == a
    assert table.handles(PROCESS) == p
    table.free(a[2], ALLOCATION)
    assert table.handles(ALLOCATION) == a[:2] + a[3:]


def test_iteration_survives_freeing_the_cursor(table):
    hs = [table.new(ALLOCATION, 0x100 + i) for i in range(10)]
    lib, t = default_core().lib, table._t
    h, seen = 0, []
    while True:
        h = int(lib.dxgk_handle_next(t, 0, h))
        if h == 0:
            break
        seen.append(h)
        assert table.free(h, ALLOCATION) == 0
    assert seen == hs
    assert len(table) == 0


def test_slot_retires_when_its_generations_run_out(tiny_core):
    t = HandleTable(core=tiny_core)
    values = []
    for _ in range(3):                             # generations 1, 2, 3
        h = t.new(ALLOCATION, 0x10)
        values.append(h)
        assert t.free(h, ALLOCATION) == 0
    assert len({(v >> 16) & 0xFFFFFF for v in values}) == 1
    h = t.new(ALLOCATION, 0x10)                    # slot 0 is retired: a new slot
    assert (h >> 16) & 0xFFFFFF == 1
    assert h not in values
    for v in values:
        assert t.get(v, ALLOCATION) is None
    assert t.validate() == 0


def test_full_table_fails_cleanly(tiny_core):
    t = HandleTable(core=tiny_core)
    hs = [t.new(PROCESS, 0x10 + i) for i in range(5)]
    assert 0 not in hs
    assert t.new(PROCESS, 0x99) == 0
    assert len(t) == 5
    assert t.validate() == 0
    assert t.free(hs[0], PROCESS) == 0
    assert t.new(PROCESS, 0x99) != 0


class HandleMachine(RuleBasedStateMachine):
    """The table against a dict model: live handle -> (type, object)."""

    handles = Bundle("handles")
    dead = Bundle("dead")

    def __init__(self) -> None:
        super().__init__()
        self.t = HandleTable()
        self.model: dict[int, tuple[int, int]] = {}
        self.ever: set[int] = set()

    @rule(target=handles, type=st.integers(1, 255), obj=st.integers(1, 2**48))
    def new(self, type, obj):
        h = self.t.new(type, obj)
        assert h != 0 and h not in self.ever
        self.ever.add(h)
        self.model[h] = (type, obj)
        return h

    @rule(h=handles, type=st.integers(0, 300))
    def get(self, h, type):
        want = self.model.get(h)
        got = self.t.get(h, type)
        assert got == (want[1] if want and want[0] == type else None)

    @rule(target=dead, h=consumes(handles))
    def free(self, h):
        type, _ = self.model.pop(h)
        assert self.t.free(h, type) == 0
        return h

    @rule(h=dead, type=st.integers(1, 255))
    def stale(self, h, type):
        assert self.t.get(h, type) is None
        assert self.t.free(h, type) == EBADH

    @rule(h=handles, type=st.integers(1, 255))
    def free_wrong_type(self, h, type):
        want_type = self.model[h][0]
        if type != want_type:
            assert self.t.free(h, type) == ETYPE

    @rule(h=st.integers(0, 2**64 - 1))
    def forged(self, h):
        if h not in self.model:
            assert self.t.type_of(h) == 0

    @invariant()
    def consistent(self):
        assert self.t.validate() == 0
        assert len(self.t) == len(self.model)


HandleMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40,
                                           deadline=None)
TestHandleMachine = HandleMachine.TestCase
